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
