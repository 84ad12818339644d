/* vtfeed.c: see vtfeed.h. */
#include <stdlib.h>
#include <string.h>

#include "vtfeed.h"
#include "xmalloc.h"

enum { SCAN_TEXT, SCAN_ESC, SCAN_OSC, SCAN_OSC_ESC };

/* libvterm's stack array per write: see vtfeed.h. */
#define INPUT_PIECE (64 * 1024)

static void hold(struct vtfeed *f, const char *p, size_t n)
{
	if (n == 0)
		return;
	if (f->len + n > f->cap) {
		f->cap = f->cap ? f->cap : 256;
		while (f->len + n > f->cap)
			f->cap *= 2;
		f->held = xrealloc(f->held, f->cap);
	}
	memcpy(f->held + f->len, p, n);
	f->len += n;
}

static int scan_step(int st, unsigned char c)
{
	switch (st) {
	case SCAN_ESC:
		return c == ']' ? SCAN_OSC : c == 0x1b ? SCAN_ESC : SCAN_TEXT;
	case SCAN_OSC:
		if (c == 0x1b)
			return SCAN_OSC_ESC;
		return c == 0x07 || c == 0x18 || c == 0x1a ? SCAN_TEXT : SCAN_OSC;
	case SCAN_OSC_ESC:
		return SCAN_TEXT; /* ESC \ ends it; ESC anything else cuts it */
	default:
		return c == 0x1b ? SCAN_ESC : SCAN_TEXT;
	}
}

static void input_write(VTerm *vt, const char *p, size_t n)
{
	while (n > INPUT_PIECE) {
		size_t k = INPUT_PIECE;

		while (k > INPUT_PIECE - 4 && ((unsigned char)p[k] & 0xc0) == 0x80)
			k--; /* not inside a character */
		vterm_input_write(vt, p, k);
		p += k, n -= k;
	}
	if (n)
		vterm_input_write(vt, p, n);
}

/* How many bytes at the end of p begin a UTF-8 character not yet whole. */
static size_t utf8_cut(const char *p, size_t n)
{
	for (size_t k = 1; k <= 3 && k <= n; k++) {
		unsigned char c = (unsigned char)p[n - k];

		if (c < 0x80)
			return 0;
		if (c >= 0xc0)
			return (size_t)(c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2) > k ? k : 0;
	}
	return 0;
}

/*
 * Scan p from f->scan and write it to libvterm, but for a tail it would
 * misread if cut: an OSC not ended (up to VTFEED_OSC_MAX), or a UTF-8
 * character not whole. That tail is held, with the scanner's state where
 * it starts, and scanned again in front of the next piece.
 */
static void chunk_feed(struct vtfeed *f, VTerm *vt, const char *p, size_t n)
{
	size_t from = 0, cut;
	int from_state = f->scan;

	for (size_t i = 0; i < n; i++) {
		int st = scan_step(f->scan, (unsigned char)p[i]);

		if (st == SCAN_OSC && f->scan == SCAN_ESC) {
			/* libvterm takes a cut just before the ']'. */
			input_write(vt, p + from, i - from);
			from = i;
			from_state = SCAN_ESC;
		}
		f->scan = st;
	}
	if (f->scan >= SCAN_OSC && n - from <= VTFEED_OSC_MAX) {
		hold(f, p + from, n - from);
		f->scan = from_state;
		return;
	}
	cut = f->scan == SCAN_TEXT ? utf8_cut(p + from, n - from) : 0;
	input_write(vt, p + from, n - from - cut);
	hold(f, p + n - cut, cut);
}

void vtfeed_write(struct vtfeed *f, VTerm *vt, const void *data, size_t len)
{
	char *joined;
	size_t n;

	if (f->len == 0) {
		chunk_feed(f, vt, data, len);
		return;
	}
	hold(f, data, len);
	joined = f->held, n = f->len;
	f->held = NULL, f->len = f->cap = 0;
	chunk_feed(f, vt, joined, n);
	free(joined);
}

void vtfeed_reset(struct vtfeed *f)
{
	free(f->held);
	f->held = NULL;
	f->len = f->cap = 0;
	f->scan = SCAN_TEXT;
}

void vtfeed_free(struct vtfeed *f)
{
	vtfeed_reset(f);
}

/* 1 for a CSI whose effect outlives the text around it: SGR, the scroll
 * region, and modes (set, reset; private or not). */
static int csi_lasting(const char *seq, size_t n)
{
	char final = seq[n - 1];

	return final == 'm' || final == 'r' || final == 'h' || final == 'l';
}

/* The lasting sequences of p, in order, into out (see vtfeed_lasting). */
static void skip_filter(const unsigned char *p, size_t n, struct vtfeed *out)
{
	size_t i = 0, start;

	while (i < n) {
		const unsigned char *esc = memchr(p + i, 0x1b, n - i);

		if (esc == NULL || (size_t)(esc - p) + 1 >= n)
			return;
		start = (size_t)(esc - p);
		i = start + 2;
		switch (p[start + 1]) {
		case '[': /* parameters, intermediates, then a final byte */
			while (i < n && (p[i] < 0x40 || p[i] > 0x7e) && p[i] >= 0x20)
				i++;
			if (i < n && p[i] >= 0x40 && i - start < 64 &&
			    csi_lasting((const char *)p + start, i - start + 1))
				hold(out, (const char *)p + start, i - start + 1);
			i++;
			break;
		case ']': /* OSC: a title, up to BEL or ST */
			while (i < n && p[i] != 0x07 && p[i] != 0x1b)
				i++;
			if (i < n && i - start < VTFEED_OSC_MAX) {
				hold(out, (const char *)p + start, i - start);
				hold(out, (const char *)"\a", 1);
			}
			i += i + 1 < n && p[i] == 0x1b ? 2 : 1;
			break;
		case '(': case ')': case '*': case '+': /* charsets */
			if (i < n)
				hold(out, (const char *)p + start, 3);
			i++;
			break;
		case '=': case '>': case 'c': /* keypad modes, reset */
			hold(out, (const char *)p + start, 2);
			break;
		default:
			break;
		}
	}
}


char *vtfeed_lasting(const void *data, size_t len, size_t *outlen)
{
	struct vtfeed kept = {0};

	skip_filter(data, len, &kept);
	*outlen = kept.len;
	return kept.held;
}

size_t vtfeed_cut(const char *p, size_t n, size_t lines, size_t cols)
{
	size_t want = lines + 1;
	const char *nl;

	if (cols == 0)
		cols = 80;
	/* From the end: each line feed closes the line after it. */
	while (n && (nl = memrchr(p, '\n', n))) {
		size_t line = (size_t)(p + n - nl - 1), rows = 1 + line / cols;

		if (rows >= want)
			return (size_t)(nl - p) + 1;
		want -= rows;
		n = (size_t)(nl - p);
	}
	return 0;
}
