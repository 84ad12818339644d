/*
 * screen.c: the agent's copy of a session's terminal; see screen.h. libvterm
 * keeps the screen; this file keeps what libvterm forgets or does not tell
 * (the lines scrolled off the top, as bytes; the title; the modes of
 * termmodes.h; a pending wrap) and writes it all out as one repaint.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vterm.h>

#include "screen.h"
#include "termmodes.h"
#include "vtfeed.h"
#include "xmalloc.h"

#define WIDE_TAIL ((uint32_t)-1) /* chars[0] of the cell after a wide one */

struct buf {
	char *p;
	size_t len, cap;
};

/* What SGR sets, for a cell or the pen. */
struct pen {
	unsigned bold, underline, italic, blink, reverse, strike, font;
	VTermColor fg, bg;
};

static const struct pen plain = {
	.fg = {.type = VTERM_COLOR_DEFAULT_FG},
	.bg = {.type = VTERM_COLOR_DEFAULT_BG},
};

#define PROP(s, name) ((s)->prop[VTERM_PROP_##name])

/* Just enough of a parser to know whether output stops inside an OSC. */

struct screen {
	VTerm *vt;
	VTermScreen *vs;
	VTermState *state;
	struct termmodes modes;
	struct buf *lines; /* ring of scrolled-off lines: SGR and text */
	size_t max_lines, nlines, first, cap;
	char *title;       /* NULL: never set */
	int prop[VTERM_N_PROPS]; /* the bool and number properties */
	/* A glyph was written in the last column and the cursor stayed on it,
	 * so the next glyph wraps first; 0.1.4 has no getter for this. */
	int wrap_pending;
	VTermPos wrap_glyph;
	struct vtfeed feed;
};

static void buf_add(struct buf *b, const void *data, size_t n)
{
	if (n == 0)
		return;
	if (b->len + n > b->cap) {
		b->cap = b->cap ? b->cap : 256;
		while (b->len + n > b->cap)
			b->cap *= 2;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
}

static void buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* Only for short sequences: numbers and a few bytes around them. */
__attribute__((format(printf, 2, 3)))
static void buf_fmt(struct buf *b, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n > 0)
		buf_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static void utf8_put(struct buf *b, uint32_t cp)
{
	static const unsigned char lead[] = {0, 0, 0xc0, 0xe0, 0xf0};
	unsigned char u[4];
	size_t n;

	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
	for (size_t i = n - 1; i > 0; i--, cp >>= 6)
		u[i] = (unsigned char)(0x80 | (cp & 0x3f));
	u[0] = (unsigned char)(lead[n] | cp);
	buf_add(b, u, n);
}

/* Both default (whatever RGB libvterm gives the default), or the same. */
static int colour_equal(const VTermColor *a, const VTermColor *b)
{
	if ((a->type & VTERM_COLOR_DEFAULT_MASK) || (b->type & VTERM_COLOR_DEFAULT_MASK))
		return (a->type & VTERM_COLOR_DEFAULT_MASK) == (b->type & VTERM_COLOR_DEFAULT_MASK);
	return vterm_color_is_equal(a, b);
}

static int pen_equal(const struct pen *a, const struct pen *b)
{
	return a->bold == b->bold && a->underline == b->underline && a->italic == b->italic &&
	       a->blink == b->blink && a->reverse == b->reverse && a->strike == b->strike &&
	       a->font == b->font && colour_equal(&a->fg, &b->fg) && colour_equal(&a->bg, &b->bg);
}

/* The spelling a program most likely used, so that a terminal that keeps
 * how a colour was set (tmux) stores what it stored the first time. */
static void colour_sgr(struct buf *b, const VTermColor *c, int base)
{
	if (c->type & VTERM_COLOR_DEFAULT_MASK)
		return;
	if (VTERM_COLOR_IS_RGB(c))
		buf_fmt(b, ";%d;2;%u;%u;%u", base + 8, c->rgb.red, c->rgb.green, c->rgb.blue);
	else if (c->indexed.idx < 8)
		buf_fmt(b, ";%d", base + c->indexed.idx);
	else if (c->indexed.idx < 16)
		buf_fmt(b, ";%d", base + 60 + c->indexed.idx - 8);
	else
		buf_fmt(b, ";%d;5;%u", base + 8, c->indexed.idx);
}

/* Reset, then set what the pen has: one sequence, exact whatever came
 * before. Underline 4:2 and 4:3 (double, curly) are read by libvterm and
 * tmux alike. */
static void pen_sgr(struct buf *b, const struct pen *p)
{
	static const char *const underline[] = {"", ";4", ";4:2", ";4:3"};

	buf_str(b, "\033[0");
	buf_str(b, p->bold ? ";1" : "");
	buf_str(b, p->italic ? ";3" : "");
	buf_str(b, underline[p->underline & 3]);
	buf_str(b, p->blink ? ";5" : "");
	buf_str(b, p->reverse ? ";7" : "");
	buf_str(b, p->strike ? ";9" : "");
	if (p->font)
		buf_fmt(b, ";%u", 10 + p->font);
	colour_sgr(b, &p->fg, 30);
	colour_sgr(b, &p->bg, 40);
	buf_str(b, "m");
}

static int cell_empty(const VTermScreenCell *c)
{
	return c->chars[0] == 0 || c->chars[0] == WIDE_TAIL;
}

/*
 * An erased cell keeps only its background, as in a terminal (libvterm
 * keeps the whole pen it was erased with). flip undoes the reverse video
 * of DECSCNM, which vterm_screen_get_cell folds into each cell.
 */
static void cell_pen(struct pen *p, const VTermScreenCell *c, int flip)
{
	*p = plain;
	p->bg = c->bg;
	if (cell_empty(c))
		return;
	p->bold = c->attrs.bold;
	p->underline = c->attrs.underline;
	p->italic = c->attrs.italic;
	p->blink = c->attrs.blink;
	p->reverse = c->attrs.reverse ^ (flip != 0);
	p->strike = c->attrs.strike;
	p->font = c->attrs.font;
	p->fg = c->fg;
}

static int cell_blank(const VTermScreenCell *c, int flip)
{
	struct pen p;

	if (cell_empty(c))
		return colour_equal(&c->bg, &plain.bg);
	if (c->chars[0] != ' ' || c->chars[1] != 0)
		return 0;
	cell_pen(&p, c, flip);
	return pen_equal(&p, &plain);
}

/* cur: what the terminal's pen is now. */
static void pen_set(struct buf *b, const struct pen *p, struct pen *cur)
{
	if (!pen_equal(p, cur))
		pen_sgr(b, p);
	*cur = *p;
}

static void cell_write(struct buf *b, const VTermScreenCell *c, struct pen *cur, int flip)
{
	struct pen p;

	cell_pen(&p, c, flip);
	pen_set(b, &p, cur);
	if (cell_empty(c))
		buf_str(b, " ");
	for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && !cell_empty(c) && c->chars[i]; i++)
		utf8_put(b, c->chars[i]);
}

/* How many erased cells from i on share its background. */
static int erased_run(const VTermScreenCell *cells, int i, int n)
{
	int j = i;

	while (j < n && cell_empty(&cells[j]) && colour_equal(&cells[j].bg, &cells[i].bg))
		j++;
	return j - i;
}

/*
 * One row, up to its last cell that is not a plain blank. Erased cells are
 * erased again (ECH, or EL to the row's end) or stepped over, not written
 * as spaces: tmux tells the two apart, in capture-pane -e too. The column
 * is set outright after a wide character, so that a terminal that finds it
 * narrow (or libvterm's width 2 for a narrow one written over half a wide
 * one) still puts the rest of the row in its place.
 */
static void line_write(struct buf *b, const VTermScreenCell *cells, int n, struct pen *cur,
		       int flip)
{
	int end = n, at = 0; /* at: the terminal's column; -1 not known */
	struct pen p;

	while (end > 0 && cell_blank(&cells[end - 1], flip))
		end--;
	for (int col = 0, run; col < end; col += run) {
		run = cell_empty(&cells[col]) ? erased_run(cells, col, n) : 0;
		cell_pen(&p, &cells[col], flip);
		if (run && pen_equal(&p, &plain))
			continue;
		if (at != col)
			buf_fmt(b, "\033[%dG", col + 1);
		at = col;
		if (run) {
			pen_set(b, &p, cur);
			if (col + run == n)
				buf_str(b, "\033[K");
			else
				buf_fmt(b, "\033[%dX", run);
			continue;
		}
		cell_write(b, &cells[col], cur, flip);
		run = cells[col].width > 1 ? 2 : 1;
		at = run > 1 ? -1 : col + 1;
	}
}

/* The ring is an array that grows until it holds max_lines, then wraps. */
static void ring_push(struct screen *s, struct buf line)
{
	size_t i;

	if (s->nlines < s->max_lines) {
		if (s->nlines == s->cap) {
			s->cap = s->cap ? 2 * s->cap : 64;
			s->cap = s->cap < s->max_lines ? s->cap : s->max_lines;
			s->lines = xrealloc(s->lines, s->cap * sizeof *s->lines);
		}
		s->lines[s->nlines++] = line;
		return;
	}
	i = s->first;
	free(s->lines[i].p);
	s->lines[i] = line;
	s->first = (i + 1) % s->max_lines;
}

static int on_pushline(int cols, const VTermScreenCell *cells, void *user)
{
	struct screen *s = user;
	struct buf line = {0};
	struct pen cur = plain;

	if (s->max_lines == 0)
		return 1;
	line_write(&line, cells, cols, &cur, PROP(s, REVERSE));
	/* Fit: the ring may hold many thousand lines. */
	if (line.len)
		line.p = xrealloc(line.p, line.len);
	ring_push(s, line);
	return 1;
}

/* Every property is accepted: a 0 would stop libvterm using it. The mouse
 * is kept, not written: termmodes writes it, with its encoding. */
static int on_termprop(VTermProp prop, VTermValue *val, void *user)
{
	struct screen *s = user;

	if (prop == VTERM_PROP_TITLE) {
		free(s->title);
		s->title = xstrdup(val->string);
	} else if (prop < VTERM_N_PROPS && vterm_get_prop_type(prop) != VTERM_VALUETYPE_STRING) {
		s->prop[prop] = val->number; /* a bool is the same int */
	}
	return 1;
}

/*
 * A pending wrap starts when a glyph lands in the last column: damage of
 * one glyph's cells there, holding a character (an erase holds none), at
 * the cursor (a cell moved by ICH is not), which stays on that glyph (on
 * the left half of a wide one) until a move ends the pending wrap.
 */
static int on_damage(VTermRect r, void *user)
{
	struct screen *s = user;
	VTermScreenCell c;
	VTermPos pos;
	int rows, cols;

	vterm_get_size(s->vt, &rows, &cols);
	vterm_state_get_cursorpos(s->state, &pos);
	if (r.end_row - r.start_row != 1 || r.end_col != cols || r.end_col - r.start_col > 2 ||
	    pos.row != r.start_row || pos.col != r.start_col)
		return 1;
	vterm_screen_get_cell(s->vs, pos, &c);
	if (cell_empty(&c) || c.width != r.end_col - r.start_col)
		return 1;
	s->wrap_pending = 1;
	s->wrap_glyph = (VTermPos){r.start_row, r.start_col};
	return 1;
}

static int on_movecursor(VTermPos pos, VTermPos old, int visible, void *user)
{
	struct screen *s = user;

	(void)old;
	(void)visible;
	if (pos.row != s->wrap_glyph.row || pos.col != s->wrap_glyph.col)
		s->wrap_pending = 0;
	return 1;
}

static const VTermScreenCallbacks screen_cbs = {
	.damage = on_damage,
	.movecursor = on_movecursor,
	.settermprop = on_termprop,
	.sb_pushline = on_pushline,
};

/* Answers to the program's queries come from the attached client's
 * terminal; this copy stays silent. */
static void on_output(const char *s, size_t len, void *user)
{
	(void)s;
	(void)len;
	(void)user;
}

struct screen *screen_new(uint16_t rows, uint16_t cols, size_t max_lines)
{
	struct screen *s = xcalloc(1, sizeof *s);

	s->vt = vterm_new(rows, cols);
	vterm_set_utf8(s->vt, 1);
	vterm_output_set_callback(s->vt, on_output, NULL);
	s->state = vterm_obtain_state(s->vt);
	s->vs = vterm_obtain_screen(s->vt);
	vterm_screen_enable_altscreen(s->vs, 1);
	vterm_screen_set_callbacks(s->vs, &screen_cbs, s);
	s->max_lines = max_lines;
	termmodes_init(&s->modes);
	/* The reset reports the default cursor through on_termprop. */
	vterm_screen_reset(s->vs, 1);
	return s;
}

void screen_free(struct screen *s)
{
	if (s == NULL)
		return;
	vterm_free(s->vt);
	for (size_t i = 0; i < s->nlines; i++)
		free(s->lines[i].p);
	free(s->lines);
	free(s->title);
	vtfeed_free(&s->feed);
	free(s);
}

void screen_feed(struct screen *s, const void *data, size_t len)
{
	termmodes_feed(&s->modes, data, len);
	vtfeed_write(&s->feed, s->vt, data, len);
	vterm_screen_flush_damage(s->vs);
}

/* libvterm keeps a pending wrap over a resize that keeps the width; the
 * cursor's row may have moved with the lines. */
void screen_resize(struct screen *s, uint16_t rows, uint16_t cols)
{
	int old_rows, old_cols;
	VTermPos pos;

	vterm_get_size(s->vt, &old_rows, &old_cols);
	vterm_set_size(s->vt, rows, cols);
	vterm_screen_flush_damage(s->vs);
	vterm_state_get_cursorpos(s->state, &pos);
	s->wrap_glyph.row = pos.row;
	if (cols != old_cols)
		s->wrap_pending = 0;
}

/* Bools and numbers share the int of VTermValue. */
static unsigned penattr(struct screen *s, VTermAttr attr)
{
	VTermValue v;

	vterm_state_get_penattr(s->state, attr, &v);
	return (unsigned)v.number;
}

static void pen_current(struct screen *s, struct pen *p)
{
	VTermValue v;

	p->bold = penattr(s, VTERM_ATTR_BOLD);
	p->underline = penattr(s, VTERM_ATTR_UNDERLINE) & 3;
	p->italic = penattr(s, VTERM_ATTR_ITALIC);
	p->blink = penattr(s, VTERM_ATTR_BLINK);
	p->reverse = penattr(s, VTERM_ATTR_REVERSE);
	p->strike = penattr(s, VTERM_ATTR_STRIKE);
	p->font = penattr(s, VTERM_ATTR_FONT);
	vterm_state_get_penattr(s->state, VTERM_ATTR_FOREGROUND, &v);
	p->fg = v.color;
	vterm_state_get_penattr(s->state, VTERM_ATTR_BACKGROUND, &v);
	p->bg = v.color;
}

/* The visible rows, with no line feed after the last so nothing scrolls;
 * the pen is plain at each line feed, which fills a new line with it. */
static void rows_write(struct screen *s, struct buf *b)
{
	int rows, cols;
	struct pen cur = plain;
	VTermScreenCell *cells;

	vterm_get_size(s->vt, &rows, &cols);
	cells = xcalloc((size_t)cols, sizeof *cells);
	for (int row = 0; row < rows; row++) {
		if (row > 0) {
			if (!pen_equal(&cur, &plain))
				buf_str(b, "\033[0m");
			cur = plain;
			buf_str(b, "\r\n");
		}
		for (int col = 0; col < cols; col++)
			vterm_screen_get_cell(s->vs, (VTermPos){row, col}, &cells[col]);
		line_write(b, cells, cols, &cur, PROP(s, REVERSE));
	}
	free(cells);
}

/* The alternate screen and the cursor's visibility are written by
 * snapshot itself: a second ?1049h would clear the painted screen. */
static void modes_write(struct screen *s, struct buf *b)
{
	struct termmodes t = s->modes;
	char seq[TERMMODES_SEQ_MAX];
	int shape = PROP(s, CURSORSHAPE), blink = PROP(s, CURSORBLINK) != 0;

	t.set &= ~(uint32_t)(TM_ALTSCREEN | TM_CURSOR_HIDDEN);
	if (PROP(s, REVERSE))
		buf_str(b, "\033[?5h");
	buf_add(b, seq, termmodes_restore(&t, seq));
	if (s->title) {
		buf_str(b, "\033]2;");
		buf_str(b, s->title);
		buf_str(b, "\007");
	}
	if (!PROP(s, CURSORVISIBLE))
		buf_str(b, "\033[?25l");
	/* DECSCUSR: 1 blinking block (the default) to 6 steady bar. */
	if (shape != VTERM_PROP_CURSORSHAPE_BLOCK || !blink)
		buf_fmt(b, "\033[%d q", 2 * shape - blink);
}

/*
 * CUP counts from the scroll region's top in origin mode. A pending wrap
 * is made again by writing the glyph in the last column once more.
 */
static void cursor_write(struct screen *s, struct buf *b)
{
	VTermPos pos;
	VTermScreenCell c;
	struct pen cur = plain;
	int top = (s->modes.set & TM_ORIGIN) && s->modes.top ? s->modes.top - 1 : 0;

	vterm_state_get_cursorpos(s->state, &pos);
	buf_fmt(b, "\033[%d;%dH", pos.row - top + 1, pos.col + 1);
	if (s->wrap_pending && pos.row == s->wrap_glyph.row && pos.col == s->wrap_glyph.col &&
	    !(s->modes.set & TM_NO_AUTOWRAP)) {
		vterm_screen_get_cell(s->vs, pos, &c);
		pen_sgr(b, &plain);
		cell_write(b, &c, &cur, PROP(s, REVERSE));
	}
	pen_current(s, &cur);
	pen_sgr(b, &cur);
}

char *screen_snapshot(struct screen *s, size_t *len)
{
	struct buf b = {0};

	buf_str(&b, "\033[0m\033[H\033[2J");
	for (size_t i = 0; i < s->nlines; i++) {
		const struct buf *l = &s->lines[(s->first + i) % s->nlines];

		buf_add(&b, l->p, l->len);
		buf_str(&b, "\033[0m\r\n");
	}
	/* The normal screen under it cannot be read from libvterm. */
	if (PROP(s, ALTSCREEN))
		buf_str(&b, "\033[?1049h\033[H\033[2J");
	rows_write(s, &b);
	modes_write(s, &b);
	cursor_write(s, &b);
	*len = b.len;
	return b.p;
}

void screen_skip(struct screen *s, const void *data, size_t len)
{
	size_t n;
	char *kept = vtfeed_lasting(data, len, &n);

	/* What was held belongs to text that is skipped. */
	vtfeed_reset(&s->feed);
	if (n)
		screen_feed(s, kept, n);
	free(kept);
}
