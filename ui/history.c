/* history.c: see history.h. */
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "xmalloc.h"

#define LINE_MAX_BYTES 4096 /* a raw line longer than this is cut */

static void push(struct history *h, char *line)
{
	if (h->lines == NULL)
		h->lines = xcalloc(HISTORY_LINES, sizeof *h->lines);
	if (h->n == HISTORY_LINES) {
		free(h->lines[h->first]);
		h->lines[h->first] = line;
		h->first = (h->first + 1) % HISTORY_LINES;
		return;
	}
	h->lines[(h->first + h->n++) % HISTORY_LINES] = line;
}

/* UTF-8 of one code point into out (4 bytes of room); its length. */
static size_t utf8_put(char *out, uint32_t c)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | c >> 6), out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | c >> 12), out[1] = (char)(0x80 | (c >> 6 & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | c >> 18), out[1] = (char)(0x80 | (c >> 12 & 0x3f));
	out[2] = (char)(0x80 | (c >> 6 & 0x3f)), out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

void history_cells(struct history *h, int cols, const VTermScreenCell *cells)
{
	push(h, history_text(cols, cells));
}

char *history_text(int cols, const VTermScreenCell *cells)
{
	char *line = xmalloc((size_t)cols * VTERM_MAX_CHARS_PER_CELL * 4 + 1);
	size_t at = 0, end = 0;

	for (int i = 0; i < cols; i++) {
		const VTermScreenCell *c = &cells[i];

		if (c->chars[0] == (uint32_t)-1)
			continue; /* the right half of a wide character */
		if (c->chars[0] == 0) {
			line[at++] = ' ';
			continue;
		}
		for (int k = 0; k < VTERM_MAX_CHARS_PER_CELL && c->chars[k]; k++)
			at += utf8_put(line + at, c->chars[k]);
		end = at;
	}
	line[end] = '\0'; /* trailing blanks are not the program's */
	return xrealloc(line, end + 1); /* the ring keeps thousands */
}

static void part_add(struct history *h, const char *p, size_t n)
{
	if (h->npart + n > LINE_MAX_BYTES)
		n = h->npart < LINE_MAX_BYTES ? LINE_MAX_BYTES - h->npart : 0;
	if (n == 0)
		return;
	h->part = xrealloc(h->part, h->npart + n + 1);
	memcpy(h->part + h->npart, p, n);
	h->npart += n;
}

/* Where the lines that stay in the ring begin: the ring would drop those
 * before the last HISTORY_LINES line feeds (a flood holds many more), and
 * with them the line kept unended. */
static size_t lasting_start(struct history *h, const char *p, size_t n)
{
	size_t feeds = 0;
	const char *nl;

	while (n && (nl = memrchr(p, '\n', n))) {
		if (++feeds > HISTORY_LINES) {
			h->npart = 0;
			return (size_t)(nl - p) + 1;
		}
		n = (size_t)(nl - p);
	}
	return 0;
}

void history_raw(struct history *h, const char *p, size_t n)
{
	size_t i = lasting_start(h, p, n);

	while (i < n) {
		unsigned char c = (unsigned char)p[i];

		if (c == '\n') {
			char *line = xmalloc(h->npart + 1);

			memcpy(line, h->part, h->npart);
			line[h->npart] = '\0';
			h->npart = 0;
			push(h, line);
			i++;
		} else if (c == 0x1b && i + 1 < n) {
			/* A CSI to its final byte, an OSC to BEL or ST (ESC \), a
			 * charset's designation of three bytes, else two. */
			size_t k = i + 2;
			if (p[i + 1] == '[') {
				while (k < n && ((unsigned char)p[k] < 0x40 || (unsigned char)p[k] > 0x7e))
					k++;
				k++;
			} else if (p[i + 1] == ']') {
				while (k < n && p[k] != 0x07 && p[k] != 0x1b)
					k++;
				k += k < n && p[k] == 0x1b ? 2 : 1;
			} else if (p[i + 1] && strchr("()*+-./", p[i + 1])) {
				k++;
			}
			i = k < n ? k : n;
		} else if (c < 0x20 || c == 0x7f) {
			i++;
		} else {
			size_t k = i;
			while (k < n && (unsigned char)p[k] >= 0x20 && p[k] != 0x7f)
				k++;
			part_add(h, p + i, k - i);
			i = k;
		}
	}
}

const char *history_line(const struct history *h, size_t i)
{
	return i < h->n ? h->lines[(h->first + i) % HISTORY_LINES] : NULL;
}

void history_free(struct history *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->lines[(h->first + i) % HISTORY_LINES]);
	free(h->lines);
	free(h->part);
	memset(h, 0, sizeof *h);
}
