/*
 * test_screen.c: screen_snapshot repaints what the screen was fed. Each
 * row's bytes go into a screen and into a plain libvterm, the reference;
 * the snapshot goes into a fresh libvterm of the same size, which must then
 * match the reference cell for cell, with the same cursor, properties and
 * scrolled-off lines, and stay alike when both get more output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vterm.h>

#include "screen.h"
#include "unit.h"

/* What comes after: text, a wrap if one is pending, a line feed. */
#define TAIL "Z\nW"

struct line {
	VTermScreenCell *cells;
	int cols;
};

/* A plain libvterm that records what the screen layer tells. */
struct term {
	VTerm *vt;
	VTermScreen *vs;
	struct line *pushed;
	size_t npushed;
	int visible, blink, shape, alt, reverse;
	char title[128];
};

struct screen_row {
	const char *name;
	uint16_t rows, cols;
	size_t max_lines;
	const char *in;
	int scroll;             /* lines of coloured output before in */
	uint16_t rows2, cols2;  /* then a resize to this, if not 0 */
	const char *after;      /* and then this */
};

static int on_push(int cols, const VTermScreenCell *cells, void *user)
{
	struct term *t = user;
	struct line *l;

	t->pushed = realloc(t->pushed, (t->npushed + 1) * sizeof *t->pushed);
	assert_non_null(t->pushed);
	l = &t->pushed[t->npushed++];
	l->cols = cols;
	l->cells = (VTermScreenCell *)(void *)buf_dup(cells, (size_t)cols * sizeof *cells);
	return 1;
}

static int on_prop(VTermProp prop, VTermValue *val, void *user)
{
	struct term *t = user;

	switch (prop) {
	case VTERM_PROP_CURSORVISIBLE: t->visible = val->boolean; break;
	case VTERM_PROP_CURSORBLINK: t->blink = val->boolean; break;
	case VTERM_PROP_CURSORSHAPE: t->shape = val->number; break;
	case VTERM_PROP_ALTSCREEN: t->alt = val->boolean; break;
	case VTERM_PROP_REVERSE: t->reverse = val->boolean; break;
	case VTERM_PROP_TITLE: snprintf(t->title, sizeof t->title, "%s", val->string); break;
	default: break;
	}
	return 1;
}

static const VTermScreenCallbacks term_cbs = {.settermprop = on_prop, .sb_pushline = on_push};

static void term_open(struct term *t, int rows, int cols)
{
	memset(t, 0, sizeof *t);
	t->vt = vterm_new(rows, cols);
	vterm_set_utf8(t->vt, 1);
	t->vs = vterm_obtain_screen(t->vt);
	vterm_screen_enable_altscreen(t->vs, 1);
	vterm_screen_set_callbacks(t->vs, &term_cbs, t);
	vterm_screen_reset(t->vs, 1);
}

static void term_feed(struct term *t, const char *data, size_t len)
{
	uint8_t *copy = buf_dup(data, len); /* ASan sees a read past it */

	vterm_input_write(t->vt, (const char *)copy, len);
	vterm_screen_flush_damage(t->vs);
	free(copy);
}

static void term_close(struct term *t)
{
	for (size_t i = 0; i < t->npushed; i++)
		free(t->pushed[i].cells);
	free(t->pushed);
	vterm_free(t->vt);
}

static void screen_put(struct screen *s, const char *data, size_t len)
{
	uint8_t *copy = buf_dup(data, len);

	screen_feed(s, copy, len);
	free(copy);
}

/* What a terminal shows of a cell: an erased cell (or one past a line's
 * end) is a space with only a background, as the snapshot paints it. */
static VTermScreenCell cell_seen(const struct line *l, int col)
{
	VTermScreenCell c = {.chars = {' '}, .width = 1};

	c.fg.type = VTERM_COLOR_DEFAULT_FG;
	c.bg.type = VTERM_COLOR_DEFAULT_BG;
	if (col >= l->cols)
		return c;
	if (l->cells[col].chars[0] == 0) {
		c.bg = l->cells[col].bg;
		return c;
	}
	c = l->cells[col];
	c.attrs.dwl = c.attrs.dhl = 0;
	return c;
}

static int colour_same(const VTermColor *a, const VTermColor *b)
{
	int da = a->type & VTERM_COLOR_DEFAULT_MASK, db = b->type & VTERM_COLOR_DEFAULT_MASK;

	return da || db ? da == db : vterm_color_is_equal(a, b);
}

static int cell_same(const VTermScreenCell *a, const VTermScreenCell *b)
{
	for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL; i++) {
		if (a->chars[i] != b->chars[i])
			return 0;
		if (a->chars[i] == 0)
			break;
	}
	return a->width == b->width && a->attrs.bold == b->attrs.bold &&
	       a->attrs.underline == b->attrs.underline && a->attrs.italic == b->attrs.italic &&
	       a->attrs.blink == b->attrs.blink && a->attrs.reverse == b->attrs.reverse &&
	       a->attrs.strike == b->attrs.strike && a->attrs.font == b->attrs.font &&
	       colour_same(&a->fg, &b->fg) && colour_same(&a->bg, &b->bg);
}

/* For a failure's message; one at a time is enough, as the test stops. */
static const char *cell_name(const VTermScreenCell *c)
{
	static char name[2][96];
	static int i;

	i = !i;
	snprintf(name[i], sizeof name[i], "U+%04X w%d b%d u%d i%d r%d fg %x/%u bg %x/%u",
		 c->chars[0], c->width, c->attrs.bold, c->attrs.underline, c->attrs.italic,
		 c->attrs.reverse, c->fg.type, c->fg.indexed.idx, c->bg.type, c->bg.indexed.idx);
	return name[i];
}

static void line_check(const struct line *a, const struct line *b, const char *what, int row)
{
	int cols = a->cols > b->cols ? a->cols : b->cols;

	for (int col = 0; col < cols; col++) {
		VTermScreenCell ca = cell_seen(a, col), cb = cell_seen(b, col);

		if (!cell_same(&ca, &cb))
			fail_msg("%s row %d col %d: %s, want %s", what, row, col, cell_name(&cb),
				 cell_name(&ca));
	}
}

static void term_row(const struct term *t, int row, struct line *l)
{
	int rows;

	vterm_get_size(t->vt, &rows, &l->cols);
	l->cells = calloc((size_t)l->cols, sizeof *l->cells);
	assert_non_null(l->cells);
	for (int col = 0; col < l->cols; col++)
		vterm_screen_get_cell(t->vs, (VTermPos){row, col}, &l->cells[col]);
}

/* The visible screen, the cursor, and the properties. */
static void screen_check(const struct term *want, const struct term *got)
{
	VTermPos pw, pg;
	int rows, cols;

	vterm_get_size(want->vt, &rows, &cols);
	for (int row = 0; row < rows; row++) {
		struct line a, b;

		term_row(want, row, &a);
		term_row(got, row, &b);
		line_check(&a, &b, "screen", row);
		free(a.cells);
		free(b.cells);
	}
	vterm_state_get_cursorpos(vterm_obtain_state(want->vt), &pw);
	vterm_state_get_cursorpos(vterm_obtain_state(got->vt), &pg);
	if (pw.row != pg.row || pw.col != pg.col)
		fail_msg("cursor at %d,%d, want %d,%d", pg.row, pg.col, pw.row, pw.col);
	assert_int_equal(got->visible, want->visible);
	assert_int_equal(got->blink, want->blink);
	assert_int_equal(got->shape, want->shape);
	assert_int_equal(got->alt, want->alt);
	assert_int_equal(got->reverse, want->reverse);
	assert_string_equal(got->title, want->title);
}

/*
 * The snapshot kept the last max_lines lines of the reference's; written
 * on a fresh terminal they all scroll into its history, unless it ends on
 * the alternate screen: then those that fit stay on the normal screen.
 */
static void pushed_check(const struct term *want, const struct term *got, size_t max_lines)
{
	size_t kept = want->npushed < max_lines ? want->npushed : max_lines;
	size_t skip = want->npushed - kept, expect = kept;
	int rows, cols;

	vterm_get_size(want->vt, &rows, &cols);
	if (want->alt)
		expect = kept + 1 > (size_t)rows ? kept + 1 - (size_t)rows : 0;
	assert_int_equal(got->npushed, expect);
	for (size_t i = 0; i < expect; i++)
		line_check(&want->pushed[skip + i], &got->pushed[i], "history", (int)i);
}

/* r->scroll lines, each in one of eight colours (every eighth plain), then r->in. */
static char *row_input(const struct screen_row *r, size_t *len)
{
	size_t cap = (size_t)r->scroll * 32 + strlen(r->in) + 1, n = 0;
	char *in = malloc(cap);

	assert_non_null(in);
	for (int i = 0; i < r->scroll; i++)
		n += (size_t)snprintf(in + n, cap - n, "\033[%dmline %d\033[0m\r\n",
				      i % 8 ? 30 + i % 8 : 0, i);
	memcpy(in + n, r->in, strlen(r->in) + 1);
	*len = n + strlen(r->in);
	return in;
}

static void snapshot_test(void **state)
{
	const struct screen_row *r = *state;
	struct screen *s = screen_new(r->rows, r->cols, r->max_lines);
	int rows = r->rows2 ? r->rows2 : r->rows, cols = r->cols2 ? r->cols2 : r->cols;
	struct term want, got;
	size_t len;
	char *in = row_input(r, &len), *snap;

	term_open(&want, r->rows, r->cols);
	term_feed(&want, in, len);
	screen_put(s, in, len);
	if (r->rows2) {
		vterm_set_size(want.vt, rows, cols);
		vterm_screen_flush_damage(want.vs);
		screen_resize(s, (uint16_t)rows, (uint16_t)cols);
	}
	if (r->after) {
		term_feed(&want, r->after, strlen(r->after));
		screen_put(s, r->after, strlen(r->after));
	}
	snap = screen_snapshot(s, &len);
	term_open(&got, rows, cols);
	term_feed(&got, snap, len);
	screen_check(&want, &got);
	pushed_check(&want, &got, r->max_lines);
	term_feed(&want, TAIL, strlen(TAIL));
	term_feed(&got, TAIL, strlen(TAIL));
	screen_check(&want, &got);
	free(snap);
	free(in);
	term_close(&want);
	term_close(&got);
	screen_free(s);
}

#define ROW(name, in) {name, 6, 20, 100, in, 0, 0, 0, NULL}

static const struct screen_row rows[] = {
	ROW("empty", ""),
	ROW("plain text", "hello\r\nworld"),
	ROW("16 colours",
	    "\033[31mred\033[42mon green\033[0m \033[91mbright\033[104mbg\033[39;49m."),
	ROW("256 colours", "\033[38;5;196mA\033[48;5;21mB\033[38;5;244;48;5;16mC\033[0mD"),
	ROW("RGB colours", "\033[38;2;10;20;30mA\033[48;2;200;100;50mB\033[0mC"),
	ROW("attributes", "\033[1mB\033[0;3mI\033[0;4mU\033[0;21mD\033[0;4:3mC\033[0;5mK\033[0;7mR"
			  "\033[0;9mS\033[0;1;3;4;7mX\033[0;11mF\033[0m."),
	ROW("wide CJK and emoji", "\xe6\xbc\xa2\xe5\xad\x97 ok \xf0\x9f\x98\x80!"),
	ROW("combining marks", "e\xcc\x81 a\xcc\x88\xcc\xa3 x"),
	ROW("cursor moves", "abc\033[5;10HX\033[2;3Hy\033[A\033[3C"),
	ROW("tabs leave erased cells", "a\tb\tc"),
	ROW("hidden cursor", "\033[?25lhidden"),
	ROW("cursor shape and blink", "\033[6 q\033[?12lbar"),
	ROW("reverse video", "\033[?5hinverted \033[7mrev\033[0m"),
	ROW("alternate screen",
	    "primary\r\n\033[?1049h\033[2;2H\033[44malt content\033[0m\033[3;1Hmore"),
	ROW("a status line erased in colour", "\033[6;1H\033[44;7m status\033[K\033[0m\033[H"),
	ROW("full-screen layout",
	    "\033[?1049h\033[H\033[2J\033[1;34m# title\033[0m\r\n"
	    "\033[32m+\033[0m one\r\n\033[33m+\033[0m two\r\n~\r\n~\r\n"
	    "\033[7m NORMAL  file.c  1:1\033[0m\033[2;3H"),
	ROW("scroll region", "\033[2;4r\033[4;1Hline\nmore\nmore2\nlast"),
	ROW("origin mode", "\033[3;5r\033[?6h\033[2;2HX"),
	ROW("no autowrap", "\033[?7labcdefghijklmnopqrstuvwxyz"),
	ROW("title", "\033]2;my title\007text\033]0;both\007"),
	ROW("a line that fills the width", "abcdefghijklmnopqrst"),
	ROW("a wide glyph that fills the width", "abcdefghijklmnopqr\xe6\xbc\xa2"),
	ROW("cursor in the last column, no wrap pending", "abc\033[1;20H"),
	ROW("last column then back", "abcdefghijklmnopqrst\033[5G\033[20G"),
	ROW("the last row filled", "\033[6;1Habcdefghijklmnopqrst"),
	ROW("the pen carries on", "\033[1;32;44mbold green on blue"),
	ROW("erase with a background", "\033[44m\033[2Jblue\033[0m\r\n\033[41mred\033[K\033[0m"),
	ROW("erase with reverse on", "\033[7mrev\033[K\033[0m"),
	ROW("line drawing", "\033(0lqqk\r\nx  x\r\nmqqj\033(B"),
	ROW("full reset", "\033[?25l\033[31m\033]2;t\007\033[?1049hfoo\033cbar"),
	{"100 lines into the scrollback", 6, 20, 1000, "last", 100, 0, 0, NULL},
	{"scrollback past max_lines", 6, 20, 10, "last", 100, 0, 0, NULL},
	{"no scrollback kept", 6, 20, 0, "last", 30, 0, 0, NULL},
	{"scrollback then the alternate screen", 6, 20, 1000, "\033[?1049hvim", 30, 0, 0, NULL},
	{"a few lines then the alternate screen", 6, 20, 1000, "\033[?1049hvim", 3, 0, 0, NULL},
	{"scrollback on a wide screen", 24, 80, 1000, "\033[44mlast\033[K", 50, 0, 0, NULL},
	{"resize smaller", 6, 20, 100, "x", 8, 4, 12, "\r\nafter"},
	{"resize larger", 6, 20, 100, "x", 8, 10, 30, "\r\nafter"},
	{"resize on the alternate screen", 6, 20, 100, "\033[?1049hvim", 8, 4, 10, "\033[Hx"},
	{"resize keeps a pending wrap", 6, 20, 100, "abcdefghijklmnopqrst", 0, 8, 20, NULL},
};

/* Mixed output: UTF-8, OSC, CSI and combining marks. */
static const char mixed[] =
	"\033]2;a title\007\033[1;31mred \xe6\xbc\xa2 e\xcc\x81\033[0m\r\n"
	"\033[38;2;1;2;3;48;5;100mrgb\033[0m\033[2;5r\033[5;1H1\n2\n3\n4\n5\n6\n7\033[r"
	"\033[H\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\033[?1049h\033[?25l\033[7mstatus\033]0;x\033\\";

/* libvterm 0.1.4 misreads a UTF-8 character or an OSC cut in two; every
 * cut, at pieces of 1 to 7 bytes, must give what the whole gives. */
static void pieces_test(void **state)
{
	struct screen *a = screen_new(6, 20, 5);
	size_t la, lb;
	char *sa, *sb;

	(void)state;
	screen_put(a, mixed, sizeof mixed - 1);
	sa = screen_snapshot(a, &la);
	assert_non_null(memmem(sa, la, "\033]2;x\007", 6));
	for (size_t piece = 1; piece <= 7; piece++) {
		struct screen *b = screen_new(6, 20, 5);

		for (size_t i = 0, n; i < sizeof mixed - 1; i += n) {
			n = sizeof mixed - 1 - i < piece ? sizeof mixed - 1 - i : piece;
			screen_put(b, mixed + i, n);
		}
		sb = screen_snapshot(b, &lb);
		if (lb != la || memcmp(sa, sb, la) != 0)
			fail_msg("pieces of %zu bytes: the snapshot differs", piece);
		free(sb);
		screen_free(b);
	}
	free(sa);
	screen_free(a);
}

/* Output whose text scrolls away entirely may be skipped (screen_skip):
 * the snapshot is the same as with every byte fed, and the state set in
 * the skipped part (pen, modes, title, alternate screen) is kept. */
static void skip_test(void **state)
{
	static const char head[] = "\033]2;the-title\007\033[?1h\033=\033[?2004h"
				   "\033[5;10Hxx\033[1;31mred and bold from here\033[2J";
	struct screen *a = screen_new(6, 20, 5), *b = screen_new(6, 20, 5);
	char body[4096], *sa, *sb;
	size_t la, lb, n = 0;

	(void)state;
	/* 6 rows + 5 lines of scrollback + 1: all that came before is gone. */
	for (int i = 0; i < 30; i++)
		n += (size_t)snprintf(body + n, sizeof body - n, "line %d\r\n", i);
	screen_put(a, head, sizeof head - 1);
	screen_put(a, body, n);
	screen_skip(b, head, sizeof head - 1);
	screen_put(b, body, n);
	sa = screen_snapshot(a, &la);
	sb = screen_snapshot(b, &lb);
	if (la != lb || memcmp(sa, sb, la) != 0)
		fail_msg("skipping the head changed the snapshot:\n%.*s\n---\n%.*s", (int)la, sa,
			 (int)lb, sb);
	assert_non_null(memmem(sb, lb, "the-title", 9));
	free(sa);
	free(sb);
	screen_free(a);
	screen_free(b);
}

/* libvterm 0.1.4 overflows its stack on one write of a few MiB of text:
 * screen_feed must cut it up. */
static void huge_write_test(void **state)
{
	size_t n = 8 * 1024 * 1024;
	char *big = malloc(n);
	struct screen *a = screen_new(24, 80, 5);
	size_t len;
	char *snap;

	(void)state;
	memset(big, 'x', n);
	screen_feed(a, big, n);
	snap = screen_snapshot(a, &len);
	assert_non_null(memmem(snap, len, "xxxxxxxxxx", 10));
	free(snap);
	free(big);
	screen_free(a);
}

/* The cell libvterm keeps at width 2 must not shift the rest of the row. */
static void wide_overwritten_test(void **state)
{
	static const char in[] = "\xe6\xbc\xa2\xe5\xad\x97\rA";
	struct screen *s = screen_new(2, 10, 10);
	struct term t;
	VTermScreenCell c;
	size_t len;
	char *snap;

	(void)state;
	screen_put(s, in, sizeof in - 1);
	snap = screen_snapshot(s, &len);
	term_open(&t, 2, 10);
	term_feed(&t, snap, len);
	vterm_screen_get_cell(t.vs, (VTermPos){0, 0}, &c);
	assert_int_equal(c.chars[0], 'A');
	vterm_screen_get_cell(t.vs, (VTermPos){0, 2}, &c);
	assert_int_equal(c.chars[0], 0x5b57);
	assert_int_equal(c.width, 2);
	free(snap);
	term_close(&t);
	screen_free(s);
}

/* An OSC that never ends is let go past a bound, and what follows shows. */
static void endless_osc_test(void **state)
{
	struct screen *s = screen_new(2, 10, 10);
	char chunk[1000];
	struct term t;
	VTermScreenCell c;
	size_t len;
	char *snap;

	(void)state;
	memset(chunk, 'x', sizeof chunk);
	screen_put(s, "\033]2;", 4);
	for (int i = 0; i < 20; i++)
		screen_put(s, chunk, sizeof chunk);
	screen_put(s, "\007hi", 3);
	snap = screen_snapshot(s, &len);
	assert_true(len < 200);
	term_open(&t, 2, 10);
	term_feed(&t, snap, len);
	vterm_screen_get_cell(t.vs, (VTermPos){0, 1}, &c);
	assert_int_equal(c.chars[0], 'i');
	free(snap);
	term_close(&t);
	screen_free(s);
}

int main(void)
{
	struct case_list l = {0};

	for (size_t i = 0; i < nitems(rows); i++)
		case_add(&l, rows[i].name, snapshot_test, &rows[i]);
	case_add(&l, "output in pieces as all at once", pieces_test, NULL);
	case_add(&l, "a narrow glyph over half a wide one", wide_overwritten_test, NULL);
	case_add(&l, "an OSC that never ends", endless_osc_test, NULL);
	case_add(&l, "skipped output that scrolls away", skip_test, NULL);
	case_add(&l, "one write of 8 MiB of text", huge_write_test, NULL);
	return case_run(&l, "screen") ? 1 : 0;
}
