/*
 * detach.h: the detach-key matcher of an attached terminal, a state
 * machine fed the user's keystrokes as they are read, in pieces of any
 * size. A sequence split between two reads, or in the middle of a pasted
 * buffer, still detaches; a partial match that breaks off is passed on
 * unchanged and in order; a one-key sequence pressed twice in a row sends
 * that key once. Pure: no I/O, no clock (the caller keeps the timer).
 */
#ifndef SBX_DETACH_H
#define SBX_DETACH_H

#include <stddef.h>

#include "detachkeys.h"

/* How long a lone one-key sequence waits for its second press. */
#define DETACH_DOUBLE_MS 300

struct detach {
	struct detachkeys keys;
	size_t matched; /* keys of the sequence seen so far */
	int armed;      /* a one-key sequence seen: a second press sends it */
};

enum detach_result {
	DETACH_NO,    /* go on; out holds what the remote program gets */
	DETACH_YES,   /* the sequence is complete: detach (what followed it
		       * in this buffer is dropped, as docker drops it) */
	DETACH_ARMED, /* a one-key sequence ended the buffer: detach unless
		       * the same key comes within DETACH_DOUBLE_MS */
};

void detach_init(struct detach *d, const struct detachkeys *keys);
/* The bytes for the remote program go to out, which has room for
 * len + DETACHKEYS_MAX; their number to *outlen. */
enum detach_result detach_feed(struct detach *d, const unsigned char *in, size_t len,
			       unsigned char *out, size_t *outlen);
/* DETACH_DOUBLE_MS passed after DETACH_ARMED with no byte: 1, detach. */
int detach_expire(struct detach *d);

#endif
