/*
 * detachkeys.h: the key sequence that detaches from an attached session,
 * in docker's --detach-keys syntax: comma-separated keys, each ctrl-a ..
 * ctrl-z, ctrl-@, ctrl-[, ctrl-\, ctrl-], ctrl-^, ctrl-_, DEL, or one
 * printable character. Pure: read by the config file and by attach.
 */
#ifndef SBX_DETACHKEYS_H
#define SBX_DETACHKEYS_H

#include <stddef.h>

#define DETACHKEYS_DEFAULT "ctrl-]"
#define DETACHKEYS_MAX 16

struct detachkeys {
	unsigned char v[DETACHKEYS_MAX]; /* the bytes a terminal sends */
	size_t n;                        /* 0..DETACHKEYS_MAX; 0: detaching off */
};

/* 0 with *k filled, or -1 with a one-line reason in err (*k untouched). */
int detachkeys_parse(const char *s, struct detachkeys *k, char *err, size_t errlen);

#endif
