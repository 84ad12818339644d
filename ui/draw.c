/*
 * draw.c: a libvterm screen drawn into a rectangle of the ncurses screen;
 * see draw.h. The UI calls draw_screen with each pane's damage on its
 * frame timer, then refreshes; ncurses works out what to send.
 */
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <limits.h>
#include <wchar.h>

#include <curses.h>
#include <vterm.h>

#include "draw.h"

#define WIDE_TAIL ((uint32_t)-1) /* chars[0] of the cell after a wide one */
#define DRAW_DIRECT 0x1000000    /* term.colours of a direct-colour terminal */

/* What our terminal shows, learnt once by draw_init. */
static struct {
	int colours;        /* 0 (none), 8, 16, 256 or DRAW_DIRECT */
	int indexed;        /* indexed colours below this are kept as they are */
	int default_fg, default_bg; /* -1, or where the terminal has no defaults */
} term;

void draw_init(void)
{
	int co;

	term.colours = term.indexed = 0;
	term.default_fg = term.default_bg = -1;
	if (!has_colors() || start_color() == ERR)
		return;
	if (use_default_colors() == ERR) {
		term.default_fg = COLOR_WHITE;
		term.default_bg = COLOR_BLACK;
	}
	if (tigetflag("RGB") > 0 && COLORS >= DRAW_DIRECT) {
		/* Colour numbers are 0xRRGGBB, except the first CO (8 unless the
		 * entry says), which are the palette's: xterm-direct and kin. */
		co = tigetnum("CO");
		term.colours = DRAW_DIRECT;
		term.indexed = co > 0 && co <= 256 ? co : 8;
		return;
	}
	/* 88 colours have a cube of their own: only their first 16 are ours. */
	term.colours = COLORS >= 256 ? 256 : COLORS >= 16 ? 16 : COLORS >= 8 ? 8 : 0;
	term.indexed = term.colours;
}

static int dist_sq(int r1, int g1, int b1, int r2, int g2, int b2)
{
	return (r1 - r2) * (r1 - r2) + (g1 - g2) * (g1 - g2) + (b1 - b2) * (b1 - b2);
}

static int cube_step(int v)
{
	return v < 48 ? 0 : v < 115 ? 1 : (v - 35) / 40;
}

/*
 * The nearest of the 6x6x6 cube (16..231) and the 24 greys (232..255),
 * as tmux finds it for a terminal without RGB, so that a pane looks here
 * as it would in tmux. The cube is a grid, so its nearest colour is the
 * nearest step of each channel; the nearest grey is the one nearest the
 * mean. The first 16 are left out: each terminal has its own.
 */
static int colour_256(int r, int g, int b)
{
	static const int step[6] = {0x00, 0x5f, 0x87, 0xaf, 0xd7, 0xff};
	int qr = cube_step(r), qg = cube_step(g), qb = cube_step(b);
	int cube = 16 + 36 * qr + 6 * qg + qb;
	int mean = (r + g + b) / 3;
	int grey = mean > 238 ? 23 : (mean - 3) / 10;
	int level = 8 + 10 * grey;

	if (step[qr] == r && step[qg] == g && step[qb] == b)
		return cube;
	if (dist_sq(level, level, level, r, g, b) < dist_sq(step[qr], step[qg], step[qb], r, g, b))
		return 232 + grey;
	return cube;
}

/* The nearest of the first n colours, as libvterm's palette has them. */
static int colour_nearest(VTermScreen *vs, const VTermColor *c, int n)
{
	int best = 0, best_d = INT_MAX;

	for (int i = 0; i < n; i++) {
		VTermColor p;
		int d;

		vterm_color_indexed(&p, (uint8_t)i);
		vterm_screen_convert_color_to_rgb(vs, &p);
		d = dist_sq(p.rgb.red, p.rgb.green, p.rgb.blue, c->rgb.red, c->rgb.green,
			    c->rgb.blue);
		if (d < best_d) {
			best = i;
			best_d = d;
		}
	}
	return best;
}

/* An RGB colour on a direct-colour terminal. The numbers below CO are the
 * palette's, so those blues (0, 0, b) get a green of 1 instead. */
static int colour_direct(const VTermColor *c)
{
	int n = c->rgb.red << 16 | c->rgb.green << 8 | c->rgb.blue;

	return n < term.indexed ? n | 0x100 : n;
}

/* A colour that is not a default, as our terminal's colour number. */
static int colour_number(VTermScreen *vs, VTermColor c)
{
	if (VTERM_COLOR_IS_INDEXED(&c)) {
		if (c.indexed.idx < term.indexed)
			return c.indexed.idx;
		vterm_screen_convert_color_to_rgb(vs, &c);
	}
	if (term.colours == DRAW_DIRECT)
		return colour_direct(&c);
	if (term.colours == 256)
		return colour_256(c.rgb.red, c.rgb.green, c.rgb.blue);
	return colour_nearest(vs, &c, term.colours);
}

/* Default colours carry their flag on top of an RGB value: test it first. */
int draw_pair(VTermScreen *vs, VTermColor fg, VTermColor bg)
{
	int f, b, pair;

	if (term.colours == 0)
		return 0;
	f = VTERM_COLOR_IS_DEFAULT_FG(&fg) ? term.default_fg : colour_number(vs, fg);
	b = VTERM_COLOR_IS_DEFAULT_BG(&bg) ? term.default_bg : colour_number(vs, bg);
	if (f == -1 && b == -1)
		return 0;
	pair = alloc_pair(f, b);
	return pair > 0 ? pair : 0;
}

attr_t draw_attrs(const VTermScreenCellAttrs *a)
{
	attr_t at = WA_NORMAL;

	if (a->bold)
		at |= WA_BOLD;
	if (a->italic)
		at |= WA_ITALIC;
	if (a->underline) /* single, double and curly alike */
		at |= WA_UNDERLINE;
	if (a->reverse)
		at |= WA_REVERSE;
	if (a->blink)
		at |= WA_BLINK;
	return at;
}

/* The extended pair goes through setcchar's opts: its short holds less. */
static void put(int y, int x, const wchar_t *wcs, attr_t a, int pair)
{
	cchar_t cc;

	if (setcchar(&cc, wcs, a, 0, &pair) == ERR)
		setcchar(&cc, L" ", a, 0, &pair);
	/* ERR in the bottom right cell, where the cursor cannot go on; the
	 * cell is written all the same. */
	mvadd_wch(y, x, &cc);
}

/*
 * A cell's characters as ncurses takes them, returning the width ncurses
 * will give them: a base character, then its combining marks (as many as
 * a cchar_t holds; anything with a width of its own dropped, as it would
 * move every cell after it). A mark with no base goes on a space.
 */
static int cell_text(const VTermScreenCell *c, wchar_t *wcs)
{
	int n = 0, w = wcwidth((wchar_t)c->chars[0]);

	if (w == 0) {
		wcs[n++] = L' ';
		w = 1;
	}
	wcs[n++] = (wchar_t)c->chars[0];
	for (int i = 1; i < VTERM_MAX_CHARS_PER_CELL && c->chars[i] && n < CCHARW_MAX; i++)
		if (wcwidth((wchar_t)c->chars[i]) == 0)
			wcs[n++] = (wchar_t)c->chars[i];
	wcs[n] = 0;
	return w;
}

/* The pane's cells that are on the screen: rows [top, bottom), columns
 * [left, right). */
struct clip {
	int top, bottom, left, right;
};

/*
 * One cell of the pane at row, col, drawn at its place in r; returns how
 * many cells it took (2: a wide character). Where libvterm and ncurses
 * (wcwidth) differ on a character's width, ncurses' count is the one that
 * keeps the cells after it in place: a wide one it finds narrow gets a
 * space after it, a narrow one it finds wide (or cannot print) is shown
 * as U+FFFD.
 */
static int cell_draw(VTermScreen *vs, struct draw_rect r, const struct clip *k, int row, int col)
{
	static const VTermColor default_fg = {.type = VTERM_COLOR_DEFAULT_FG};
	VTermScreenCell c;
	wchar_t wcs[CCHARW_MAX + 2];
	int y = r.y + row, x = r.x + col, pair, w;
	attr_t a;

	if (!vterm_screen_get_cell(vs, (VTermPos){.row = row, .col = col}, &c)) {
		put(y, x, L" ", WA_NORMAL, 0); /* beyond the terminal */
		return 1;
	}
	if (c.chars[0] == 0 || c.chars[0] == WIDE_TAIL) {
		/* Erased: libvterm keeps the whole pen, a terminal its background. */
		put(y, x, L" ", WA_NORMAL, draw_pair(vs, default_fg, c.bg));
		return 1;
	}
	pair = draw_pair(vs, c.fg, c.bg);
	a = draw_attrs(&c.attrs);
	if (c.width > 1 && col + 1 >= k->right) {
		put(y, x, L" ", a, pair); /* its right half would be outside */
		return 1;
	}
	w = cell_text(&c, wcs);
	if (w < 0 || w > (c.width > 1 ? 2 : 1))
		put(y, x, L"\xfffd", a, pair);
	else
		put(y, x, wcs, a, pair);
	if (c.width > 1 && w == 1)
		put(y, x + 1, L" ", a, pair);
	return c.width > 1 ? 2 : 1;
}

/* Columns [c0, c1) of a row; a damage that starts on the right half of a
 * wide character starts on its left half. */
static void row_draw(VTermScreen *vs, struct draw_rect r, const struct clip *k, int row, int c0,
		     int c1)
{
	VTermScreenCell c;

	if (vterm_screen_get_cell(vs, (VTermPos){.row = row, .col = c0}, &c) &&
	    c.chars[0] == WIDE_TAIL && c0 > k->left)
		c0--;
	for (int col = c0; col < c1;)
		col += cell_draw(vs, r, k, row, col);
}

static int max(int a, int b)
{
	return a > b ? a : b;
}

static int min(int a, int b)
{
	return a < b ? a : b;
}

void draw_screen(VTermScreen *vs, struct draw_rect r, const VTermRect *damage)
{
	struct clip k = {
		.top = max(0, -r.y),
		.bottom = min(r.h, LINES - r.y),
		.left = max(0, -r.x),
		.right = min(r.w, COLS - r.x),
	};
	VTermRect d = {k.top, k.bottom, k.left, k.right};

	if (damage) {
		d.start_row = max(d.start_row, damage->start_row);
		d.end_row = min(d.end_row, damage->end_row);
		d.start_col = max(d.start_col, damage->start_col);
		d.end_col = min(d.end_col, damage->end_col);
	}
	for (int row = d.start_row; row < d.end_row; row++)
		row_draw(vs, r, &k, row, d.start_col, d.end_col);
}
