/* copy.c: see copy.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "copy.h"
#include "history.h"
#include "pane.h"
#include "xmalloc.h"

#define IDLE_STATUS "copy mode: / search, n N, v selects lines, Enter copies, q leaves"

void copy_enter(struct copy *c, struct pane *p)
{
	VTermScreenCell *cells = xcalloc((size_t)p->cols, sizeof *cells);
	size_t nh = p->history.n;

	pane_flush(p);
	memset(c, 0, sizeof *c);
	c->lines = xcalloc(nh + (size_t)p->rows, sizeof *c->lines);
	for (size_t i = 0; i < nh; i++)
		c->lines[c->n++] = xstrdup(history_line(&p->history, i));
	for (int row = 0; row < p->rows; row++) {
		for (int col = 0; col < p->cols; col++)
			vterm_screen_get_cell(p->vs, (VTermPos){row, col}, &cells[col]);
		c->lines[c->n++] = history_text(p->cols, cells);
	}
	free(cells);
	c->rows = p->rows;
	c->on = 1;
	c->cursor = nh + (size_t)(p->cursor.row < p->rows ? p->cursor.row : 0);
	c->top = c->n > (size_t)c->rows ? c->n - (size_t)c->rows : 0;
	snprintf(c->status, sizeof c->status, "%s", IDLE_STATUS);
}

void copy_leave(struct copy *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->lines[i]);
	free(c->lines);
	memset(c, 0, sizeof *c);
}

static size_t sel_first(const struct copy *c)
{
	return c->anchor < c->cursor ? c->anchor : c->cursor;
}

static size_t sel_last(const struct copy *c)
{
	return c->anchor > c->cursor ? c->anchor : c->cursor;
}

static void sel_status(struct copy *c)
{
	size_t n = sel_last(c) - sel_first(c) + 1;

	snprintf(c->status, sizeof c->status,
		 "copy mode: %zu line%s selected: Enter copies, Esc drops the selection", n,
		 n == 1 ? "" : "s");
}

/* The cursor to line i, the view following it. */
static void cursor_to(struct copy *c, long i)
{
	if (i < 0)
		i = 0;
	if (c->n && (size_t)i >= c->n)
		i = (long)c->n - 1;
	c->cursor = (size_t)i;
	if (c->cursor < c->top)
		c->top = c->cursor;
	if (c->cursor >= c->top + (size_t)c->rows)
		c->top = c->cursor - (size_t)c->rows + 1;
	if (c->selecting)
		sel_status(c);
}

/* The chosen lines, joined by newlines: the selection, else the cursor's. */
static char *chosen(const struct copy *c)
{
	size_t first = c->selecting ? sel_first(c) : c->cursor;
	size_t last = c->selecting ? sel_last(c) : c->cursor;
	size_t len = 0, at = 0;
	char *s;

	for (size_t i = first; i <= last; i++)
		len += strlen(c->lines[i]) + 1;
	s = xmalloc(len);
	for (size_t i = first; i <= last; i++) {
		size_t k = strlen(c->lines[i]);

		memcpy(s + at, c->lines[i], k);
		at += k;
		s[at++] = i < last ? '\n' : '\0';
	}
	return s;
}

/* The next line holding the query, going back (dir -1) or on (1). */
static void search(struct copy *c, int dir)
{
	if (c->nquery == 0 || c->n == 0)
		return;
	for (size_t k = 1; k <= c->n; k++) {
		size_t i = (c->cursor + c->n + (size_t)dir * k) % c->n;

		if (strstr(c->lines[i], c->query)) {
			cursor_to(c, (long)i);
			snprintf(c->status, sizeof c->status, "/%s: line %zu of %zu", c->query, i + 1, c->n);
			return;
		}
	}
	snprintf(c->status, sizeof c->status, "/%s: not found", c->query);
}

static int search_key(struct copy *c, const unsigned char *k, size_t n)
{
	if (n == 1 && (k[0] == '\r' || k[0] == '\n')) {
		c->searching = 0;
		search(c, -1);
	} else if (n == 1 && (k[0] == 0x7f || k[0] == 0x08)) {
		if (c->nquery)
			c->query[--c->nquery] = '\0';
	} else if (n == 1 && k[0] == 0x1b) {
		c->searching = 0;
	} else if (n == 1 && k[0] >= 0x20 && c->nquery + 1 < sizeof c->query) {
		c->query[c->nquery++] = (char)k[0];
		c->query[c->nquery] = '\0';
	} else if (n > 1 && k[0] >= 0x20 && c->nquery + n < sizeof c->query) {
		memcpy(c->query + c->nquery, k, n); /* a UTF-8 character */
		c->nquery += n;
		c->query[c->nquery] = '\0';
	}
	if (c->searching)
		snprintf(c->status, sizeof c->status, "search back: %s", c->query);
	return 1;
}

int copy_key(struct copy *c, const unsigned char *k, size_t n, char **yank)
{
	long page = c->rows > 1 ? c->rows - 1 : 1;

	*yank = NULL;
	if (c->searching)
		return search_key(c, k, n);
	if (n == 3 && k[0] == 0x1b && (k[1] == '[' || k[1] == 'O')) {
		if (k[2] == 'A')
			cursor_to(c, (long)c->cursor - 1);
		else if (k[2] == 'B')
			cursor_to(c, (long)c->cursor + 1);
		return 1;
	}
	if (n == 4 && k[0] == 0x1b && k[1] == '[' && k[3] == '~') {
		if (k[2] == '5')
			cursor_to(c, (long)c->cursor - page);
		else if (k[2] == '6')
			cursor_to(c, (long)c->cursor + page);
		return 1;
	}
	if (n != 1)
		return 1;
	switch (k[0]) {
	case 'k':
		cursor_to(c, (long)c->cursor - 1);
		break;
	case 'j':
		cursor_to(c, (long)c->cursor + 1);
		break;
	case 'g':
		cursor_to(c, 0);
		break;
	case 'G':
		cursor_to(c, (long)c->n - 1);
		break;
	case '/':
		c->searching = 1;
		c->nquery = 0;
		c->query[0] = '\0';
		snprintf(c->status, sizeof c->status, "search back: ");
		break;
	case 'n':
		search(c, -1);
		break;
	case 'N':
		search(c, 1);
		break;
	case 'v':
	case 'V':
	case ' ':
		if (c->n == 0)
			break;
		c->selecting = 1;
		c->anchor = c->cursor;
		sel_status(c);
		break;
	case '\r':
	case '\n':
	case 'y':
		if (c->n)
			*yank = chosen(c);
		return 0;
	case 0x1b:
		if (!c->selecting)
			return 0;
		c->selecting = 0;
		snprintf(c->status, sizeof c->status, "%s", IDLE_STATUS);
		break;
	case 'q':
		return 0;
	default:
		break;
	}
	return 1;
}

int copy_scroll(struct copy *c, long lines)
{
	long last = c->n > (size_t)c->rows ? (long)(c->n - (size_t)c->rows) : 0;
	long top = (long)c->top + lines;

	if (top < 0)
		top = 0;
	if (top > last)
		top = last;
	c->top = (size_t)top;
	if (c->cursor < c->top)
		c->cursor = c->top;
	if (c->cursor >= c->top + (size_t)c->rows)
		c->cursor = c->top + (size_t)c->rows - 1;
	if (c->selecting)
		sel_status(c);
	return !(lines > 0 && top == last && !c->selecting);
}

/* How many bytes of s fit in cols columns: a line wider than the pane is
 * cut at its edge, never inside a character. */
static int fitting(const char *s, int cols)
{
	mbstate_t st = {0};
	size_t at = 0, len = strlen(s);
	int used = 0;

	while (at < len) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s + at, len - at, &st);
		int w;

		if (k == (size_t)-1 || k == (size_t)-2 || k == 0)
			break;
		w = wcwidth(wc);
		if (used + (w > 0 ? w : 0) > cols)
			break;
		used += w > 0 ? w : 0;
		at += k;
	}
	return (int)at;
}

void copy_draw(const struct copy *c, struct draw_rect r)
{
	for (int row = 0; row < r.h; row++) {
		size_t i = c->top + (size_t)row;

		int chosen_line = c->selecting && i >= sel_first(c) && i <= sel_last(c);

		attrset(i == c->cursor ? A_REVERSE | A_BOLD : chosen_line ? A_REVERSE : A_NORMAL);
		mvhline(r.y + row, r.x, ' ', r.w);
		if (i < c->n)
			mvaddnstr(r.y + row, r.x, c->lines[i], fitting(c->lines[i], r.w));
	}
	attrset(A_NORMAL);
}
