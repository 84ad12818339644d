/*
 * detach.c: the detach-key matcher; see detach.h. A byte that breaks a
 * partial match does not only flush the match: the bytes after its first
 * may begin the sequence again ("a,a,b" in "aaab"), so they are fed again,
 * from a replay buffer, before the rest of the input.
 */
#include <string.h>

#include "detach.h"

void detach_init(struct detach *d, const struct detachkeys *keys)
{
	memset(d, 0, sizeof *d);
	d->keys = *keys;
}

/* Bytes still to look at before the rest of the input. A break makes
 * them keys[1..m-1], the breaking byte, then what was queued: never more
 * than the sequence is long, as each byte re-fed was matched before. */
struct replay {
	unsigned char v[2 * DETACHKEYS_MAX + 2];
	size_t head, n;
};

static void replay_break(struct replay *q, const struct detachkeys *k, size_t matched,
			 unsigned char b)
{
	unsigned char tmp[sizeof q->v];
	size_t n = 0, rest = q->n - q->head;

	memcpy(tmp, k->v + 1, matched - 1);
	n = matched - 1;
	tmp[n++] = b;
	memcpy(tmp + n, q->v + q->head, rest);
	memcpy(q->v, tmp, n + rest);
	q->head = 0;
	q->n = n + rest;
}

/* One byte: 1 when it completes a sequence of two keys or more. */
static int detach_byte(struct detach *d, struct replay *q, unsigned char b, unsigned char *out,
		       size_t *n)
{
	const struct detachkeys *k = &d->keys;

	if (d->armed) {
		d->armed = 0;
		if (b != k->v[0])
			return 1; /* pressed once, then something else: detach */
		out[(*n)++] = b; /* twice: the key itself, once */
		return 0;
	}
	if (b == k->v[d->matched]) {
		if (++d->matched < k->n)
			return 0;
		d->matched = 0;
		if (k->n > 1)
			return 1;
		d->armed = 1;
		return 0;
	}
	if (d->matched == 0) {
		out[(*n)++] = b;
		return 0;
	}
	/* Broken off: its first byte goes on, the rest is looked at again. */
	out[(*n)++] = k->v[0];
	replay_break(q, k, d->matched, b);
	d->matched = 0;
	return 0;
}

enum detach_result detach_feed(struct detach *d, const unsigned char *in, size_t len,
			       unsigned char *out, size_t *outlen)
{
	struct replay q = {.head = 0, .n = 0};
	size_t i = 0;
	unsigned char b;

	*outlen = 0;
	if (d->keys.n == 0) {
		memcpy(out, in, len);
		*outlen = len;
		return DETACH_NO;
	}
	while (q.head < q.n || i < len) {
		b = q.head < q.n ? q.v[q.head++] : in[i++];
		if (detach_byte(d, &q, b, out, outlen))
			return DETACH_YES;
	}
	return d->armed ? DETACH_ARMED : DETACH_NO;
}

int detach_expire(struct detach *d)
{
	if (!d->armed)
		return 0;
	d->armed = 0;
	return 1;
}
