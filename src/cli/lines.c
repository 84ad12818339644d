/*
 * lines.c: a byte stream cut into lines; see lines.h. `sbx tail` feeds it
 * each read of each stream of each sandbox, so the common case (whole
 * lines in one read) only looks for newlines and emits from the read.
 */
#include <stdlib.h>
#include <string.h>

#include "lines.h"
#include "xmalloc.h"

/* A buffer grown past this for one long line is let go once that line is
 * out, so one 1 MiB line does not pin a megabyte per stream for good. */
#define LINES_KEEP (64 * 1024)

/* Bytes of the UTF-8 character that b leads (1 for ASCII and for bytes
 * that lead nothing: those may be cut anywhere). */
static size_t lead_len(unsigned char b)
{
	return b >= 0xf8 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
}

/* Where to cut LINES_MAX bytes of head, next being the byte after them:
 * before the character the limit would split, when its lead is among the
 * last 3 bytes; else at the limit. Looking at next, not only at head,
 * is what makes the cut the same however the stream was read. */
static size_t cut_at(const char *head, unsigned char next)
{
	if ((next & 0xc0) != 0x80)
		return LINES_MAX; /* next starts a character */
	for (size_t k = 1; k <= 3; k++) {
		unsigned char b = (unsigned char)head[LINES_MAX - k];

		if ((b & 0xc0) != 0x80)
			return lead_len(b) > k ? LINES_MAX - k : LINES_MAX;
	}
	return LINES_MAX;
}

static void hold(struct lines *l, const char *p, size_t n)
{
	size_t cap = l->cap ? l->cap : 256;

	if (n == 0)
		return;
	if (l->len + n > l->cap) {
		while (cap < l->len + n)
			cap *= 2;
		l->cap = cap < LINES_MAX ? cap : LINES_MAX;
		l->buf = xrealloc(l->buf, l->cap);
	}
	memcpy(l->buf + l->len, p, n);
	l->len += n;
}

static void release(struct lines *l)
{
	l->len = 0;
	if (l->cap > LINES_KEEP) {
		free(l->buf);
		l->buf = NULL;
		l->cap = 0;
	}
}

/* While the held text and the *n bytes at *p are more than LINES_MAX,
 * emits their first LINES_MAX (or up to 3 fewer) as a LINE_CUT piece;
 * *p and *n move past the bytes used. A piece of the caller's bytes alone
 * is emitted from them; one that starts with held text is put together
 * in the buffer first. */
static void cut(struct lines *l, const char **p, size_t *n, lines_emit_fn *emit, void *arg)
{
	while (l->len + *n > LINES_MAX) {
		size_t at, take;

		if (l->len == 0) {
			at = cut_at(*p, (unsigned char)(*p)[LINES_MAX]);
			emit(arg, *p, at, LINE_CUT | l->cont);
			*p += at;
			*n -= at;
		} else {
			take = LINES_MAX - l->len;
			hold(l, *p, take);
			*p += take;
			*n -= take; /* still > 0: the loop's condition */
			at = cut_at(l->buf, (unsigned char)**p);
			emit(arg, l->buf, at, LINE_CUT | l->cont);
			l->len = LINES_MAX - at;
			memmove(l->buf, l->buf + at, l->len);
		}
		l->cont = LINE_CONT;
	}
}

void lines_push(struct lines *l, const void *data, size_t len, lines_emit_fn *emit, void *arg)
{
	const char *p = data, *end, *nl;
	size_t n;

	if (len == 0)
		return;
	for (end = p + len; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)((nl ? nl : end) - p);
		cut(l, &p, &n, emit, arg);
		if (nl == NULL) {
			hold(l, p, n);
			return;
		}
		if (l->len == 0) {
			emit(arg, p, n, l->cont); /* the hot path: no copy */
		} else {
			hold(l, p, n);
			emit(arg, l->buf, l->len, l->cont);
			release(l);
		}
		l->cont = 0;
	}
}

void lines_flush(struct lines *l, lines_emit_fn *emit, void *arg)
{
	if (l->len == 0)
		return;
	emit(arg, l->buf, l->len, LINE_PARTIAL | l->cont);
	release(l);
	l->cont = LINE_CONT;
}

size_t lines_held(const struct lines *l)
{
	return l->len;
}

void lines_free(struct lines *l)
{
	free(l->buf);
	*l = (struct lines){0};
}
