/*
 * detachkeys.c: docker's --detach-keys syntax to bytes; see detachkeys.h.
 * Called by config.c for the detach-keys default, and by attach.
 */
#include <stdio.h>
#include <string.h>

#include "detachkeys.h"

#define DETACHKEYS_HINT                                                                    \
	"use ctrl-a..ctrl-z, ctrl-@, ctrl-[, ctrl-\\, ctrl-], ctrl-^, ctrl-_, DEL or one "   \
	"character, comma-separated, as in ctrl-p,ctrl-q"

/* One key of len bytes at s: its byte, or -1. As docker: lower case only. */
static int detachkeys_key(const char *s, size_t len)
{
	static const char ctrl[] = "@abcdefghijklmnopqrstuvwxyz[\\]^_";
	const char *p;

	if (len == 1)
		return *s >= 0x20 && *s < 0x7f ? (unsigned char)*s : -1;
	if (len == 3 && strncmp(s, "DEL", 3) == 0)
		return 0x7f;
	if (len == 6 && strncmp(s, "ctrl-", 5) == 0 && s[5] != '\0' &&
	    (p = strchr(ctrl, s[5])) != NULL)
		return (int)(p - ctrl);
	return -1;
}

int detachkeys_parse(const char *s, struct detachkeys *k, char *err, size_t errlen)
{
	struct detachkeys out = {.n = 0};
	const char *p = s, *comma;
	size_t len;
	int b;

	/* No keys: detaching is off, as docker's --detach-keys "" has it. */
	if (*s == '\0') {
		*k = out;
		return 0;
	}
	for (;;) {
		comma = strchr(p, ',');
		len = comma ? (size_t)(comma - p) : strlen(p);
		if ((b = detachkeys_key(p, len)) < 0) {
			if (len == 0)
				snprintf(err, errlen, "detach keys \"%s\": an empty key (%s)", s,
					 DETACHKEYS_HINT);
			else
				snprintf(err, errlen, "detach keys \"%s\": unknown key \"%.*s\" (%s)",
					 s, (int)len, p, DETACHKEYS_HINT);
			return -1;
		}
		if (out.n == DETACHKEYS_MAX) {
			snprintf(err, errlen, "detach keys \"%s\": more than %d keys", s,
				 DETACHKEYS_MAX);
			return -1;
		}
		out.v[out.n++] = (unsigned char)b;
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	*k = out;
	return 0;
}
