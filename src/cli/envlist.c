/* envlist.c: see envlist.h. Used by cmd-exec.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envlist.h"
#include "xmalloc.h"

static void put(struct envlist *l, char *kv)
{
	size_t klen = strcspn(kv, "=");

	for (size_t i = 0; i < l->n; i++)
		if (strncmp(l->v[i], kv, klen) == 0 && l->v[i][klen] == '=') {
			free(l->v[i]);
			l->v[i] = kv;
			return;
		}
	l->v = xrealloc(l->v, (l->n + 2) * sizeof *l->v);
	l->v[l->n++] = kv;
	l->v[l->n] = NULL;
}

int envlist_add(struct envlist *l, const char *spec, char *err, size_t errlen)
{
	const char *eq = strchr(spec, '=');
	const char *val;

	if (*spec == '\0' || eq == spec) {
		snprintf(err, errlen, "\"%s\" is not NAME=VALUE or NAME", spec);
		return -1;
	}
	if (eq) {
		put(l, xstrdup(spec));
		return 0;
	}
	/* NAME alone passes our value, and nothing when we have none, as
	 * docker does. */
	if ((val = getenv(spec)) != NULL)
		put(l, xasprintf("%s=%s", spec, val));
	return 0;
}

int envlist_load(struct envlist *l, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	char *line = NULL, msg[200];
	size_t cap = 0;
	ssize_t n;
	int lineno = 0, rc = 0;

	if (f == NULL) {
		snprintf(err, errlen, "cannot read env file %s: %s", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		if (envlist_add(l, line, msg, sizeof msg) < 0) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, msg);
			rc = -1;
		}
	}
	free(line);
	fclose(f);
	return rc;
}

void envlist_free(struct envlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}
