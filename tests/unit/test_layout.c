/*
 * test_layout.c: the pane layout of `sbx ui` (ui/layout.c). Tiling, split,
 * remove, resize, swap, neighbours and cells, each against exact
 * rectangles in 80x24; every layout made is also checked whole: panes
 * inside the area, none overlapping, every other cell a border between
 * two panes side by side, layout_at agreeing cell by cell. The text form
 * round-trips, and malformed texts are refused.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "unit.h"

#define AREA(h_, w_) ((struct rect){0, 0, (h_), (w_)})
#define R(y_, x_, h_, w_) {(y_), (x_), (h_), (w_)}

static const struct rect std_area = AREA(24, 80);

/* --- helpers --- */

static struct layout *tiled(int n)
{
	struct layout *l = layout_new();
	int ids[16];

	for (int i = 0; i < n; i++)
		ids[i] = i + 1;
	layout_tile(l, ids, (size_t)n);
	return l;
}

static struct layout *loaded(const char *text)
{
	struct layout *l = layout_load(text);

	if (l == NULL)
		fail_msg("layout_load refused \"%s\"", text);
	return l;
}

/* The rectangle of pane id in area. */
static struct rect rect_of(const struct layout *l, struct rect area, int id)
{
	struct layout_pane v[64];
	size_t n = layout_compute(l, area, v, nitems(v));

	for (size_t i = 0; i < n; i++)
		if (v[i].id == id)
			return v[i].r;
	fail_msg("pane %d is not in the layout", id);
	return (struct rect){0};
}

static void rect_is(struct rect got, struct rect want, const char *how, int id)
{
	if (got.y != want.y || got.x != want.x || got.h != want.h || got.w != want.w)
		fail_msg("%s: pane %d is {%d,%d,%d,%d}, want {%d,%d,%d,%d}", how, id, got.y, got.x,
			 got.h, got.w, want.y, want.x, want.h, want.w);
}

/* Panes 1..n are at want[0..n-1]. */
static void rects_are(const struct layout *l, struct rect area, const struct rect *want, int n,
		      const char *how)
{
	for (int i = 0; i < n; i++)
		rect_is(rect_of(l, area, i + 1), want[i], how, i + 1);
}

static void save_is(const struct layout *l, const char *want)
{
	char *s = layout_save(l);

	assert_string_equal(s, want);
	free(s);
}

/* Each pane of area's cells, 0 for none. */
static int *owners(const struct layout_pane *v, size_t n, struct rect a)
{
	int *own = calloc((size_t)a.h * (size_t)a.w + 1, sizeof *own);

	assert_non_null(own);
	for (size_t i = 0; i < n; i++) {
		const struct rect *r = &v[i].r;

		if (r->h == 0 && r->w == 0)
			continue; /* not visible */
		if (r->h < LAYOUT_MIN_H || r->w < LAYOUT_MIN_W || r->y < a.y || r->x < a.x ||
		    r->y + r->h > a.y + a.h || r->x + r->w > a.x + a.w)
			fail_msg("pane %d {%d,%d,%d,%d} is too small or outside {%d,%d,%d,%d}",
				 v[i].id, r->y, r->x, r->h, r->w, a.y, a.x, a.h, a.w);
		for (int y = r->y; y < r->y + r->h; y++)
			for (int x = r->x; x < r->x + r->w; x++) {
				int *o = &own[(y - a.y) * a.w + (x - a.x)];

				if (*o != 0)
					fail_msg("panes %d and %d overlap at (%d,%d)", *o, v[i].id, y, x);
				*o = v[i].id;
			}
	}
	return own;
}

/* A cell no pane has must be a border: a pane on its left and another on
 * its right. */
static void check_border(const int *own, struct rect a, int y, int x)
{
	int left = x > 0 ? own[y * a.w + x - 1] : 0, right = x + 1 < a.w ? own[y * a.w + x + 1] : 0;

	if (left == 0 || right == 0 || left == right)
		fail_msg("cell (%d,%d) is in no pane and not a border (left %d, right %d)", y + a.y,
			 x + a.x, left, right);
}

/*
 * Checks l whole in area: every pane once, in bounds, visible ones at
 * least 2x2 and others 0x0, no overlap; layout_at gives each cell's pane;
 * with full, every cell is in a pane or a border (unless there are no
 * panes). Returns how many are visible.
 */
static size_t check_layout(const struct layout *l, struct rect a, int full)
{
	struct layout_pane v[LAYOUT_MAX_PANES + 1];
	size_t n = layout_compute(l, a, v, nitems(v)), shown = 0;
	int *own, step;

	assert_int_equal(n, layout_count(l));
	for (size_t i = 0; i < n; i++) {
		assert_true(v[i].id > 0);
		for (size_t j = 0; j < i; j++)
			assert_int_not_equal(v[i].id, v[j].id);
		if (v[i].r.h < 0 || v[i].r.w < 0 || (v[i].r.h == 0) != (v[i].r.w == 0))
			fail_msg("pane %d has %dx%d", v[i].id, v[i].r.h, v[i].r.w);
		shown += v[i].r.h > 0;
	}
	a.h = a.h > 0 ? a.h : 0;
	a.w = a.w > 0 ? a.w : 0;
	own = owners(v, n, a);
	/* layout_at lays the whole tree out: every cell of small areas, a
	 * sample of large ones */
	step = a.h * a.w <= 2000 ? 1 : a.h * a.w / 100;
	for (int y = 0; y < a.h; y++)
		for (int x = 0; x < a.w; x++) {
			if (full && n > 0 && own[y * a.w + x] == 0)
				check_border(own, a, y, x);
			if ((y * a.w + x) % step == 0 &&
			    layout_at(l, a, y + a.y, x + a.x) != own[y * a.w + x])
				fail_msg("layout_at(%d,%d) is %d, want %d", y + a.y, x + a.x,
					 layout_at(l, a, y + a.y, x + a.x), own[y * a.w + x]);
		}
	free(own);
	return shown;
}

/* The same rectangles, pane by pane, in area. */
static void same_rects(const struct layout *a, const struct layout *b, struct rect area)
{
	struct layout_pane va[LAYOUT_MAX_PANES], vb[LAYOUT_MAX_PANES];
	size_t na = layout_compute(a, area, va, nitems(va)),
	       nb = layout_compute(b, area, vb, nitems(vb));

	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++) {
		assert_int_equal(va[i].id, vb[i].id);
		rect_is(vb[i].r, va[i].r, "same rectangles", va[i].id);
	}
}

/* Our own generator, so runs are the same with any libc. */
static unsigned rnd(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 16;
}

/* --- tiling --- */

struct tile_row {
	const char *name;
	int n;
	struct rect want[5];
	const char *text;
};

static const struct tile_row tile_rows[] = {
	{"1 pane: all of it", 1, {R(0, 0, 24, 80)}, "1"},
	{"2 panes: side by side, the border after the first's 40", 2,
	 {R(0, 0, 24, 40), R(0, 41, 24, 39)}, "h(5000:1,5000:2)"},
	{"3 panes: two above, one below as wide as both", 3,
	 {R(0, 0, 12, 40), R(0, 41, 12, 39), R(12, 0, 12, 80)},
	 "v(5000:h(5000:1,5000:2),5000:3)"},
	{"4 panes: 2x2", 4, {R(0, 0, 12, 40), R(0, 41, 12, 39), R(12, 0, 12, 40), R(12, 41, 12, 39)},
	 "v(5000:h(5000:1,5000:2),5000:h(5000:3,5000:4))"},
	{"5 panes: three above, two widened below", 5,
	 {R(0, 0, 12, 26), R(0, 27, 12, 26), R(0, 54, 12, 26), R(12, 0, 12, 40), R(12, 41, 12, 39)},
	 "v(5000:h(3333:1,3334:2,3333:3),5000:h(5000:4,5000:5))"},
};

static void tile_exact_test(void **state)
{
	const struct tile_row *r = *state;
	size_t before = heap_in_use();
	struct layout *l = tiled(r->n);

	assert_int_equal(layout_count(l), r->n);
	rects_are(l, std_area, r->want, r->n, r->name);
	save_is(l, r->text);
	check_layout(l, std_area, 1);
	layout_free(l);
	assert_int_equal(heap_in_use(), before);
}

/* 1..9 panes: the grid's shape, and the area covered exactly. */
static void tile_grid_test(void **state)
{
	size_t before = heap_in_use();

	(void)state;
	for (int n = 1; n <= 9; n++) {
		struct layout *l = tiled(n);
		int cols = n <= 1 ? 1 : n <= 4 ? 2 : 3, rows = (n + cols - 1) / cols;
		struct layout_pane v[9];

		assert_int_equal(layout_compute(l, std_area, v, nitems(v)), n);
		assert_int_equal(check_layout(l, std_area, 1), n);
		for (int i = 0; i < n; i++) {
			int row = i / cols, col = i % cols, in_row = row + 1 < rows ? cols : n - row * cols;

			assert_int_equal(v[i].id, i + 1); /* tree order: rows top down, left to right */
			assert_int_equal(v[i].r.y, v[row * cols].r.y);
			assert_int_equal(v[i].r.h, 24 / rows); /* 24 divides by 1, 2, 3 */
			assert_int_equal(v[i].r.y, row * (24 / rows));
			if (col == 0)
				assert_int_equal(v[i].r.x, 0);
			else
				assert_int_equal(v[i].r.x, v[i - 1].r.x + v[i - 1].r.w + 1);
			if (col + 1 == in_row)
				assert_int_equal(v[i].r.x + v[i].r.w, 80); /* rows are filled */
			/* even columns: at most one cell apart */
			assert_true(abs(v[i].r.w - (80 - (in_row - 1)) / in_row) <= 1);
		}
		layout_free(l);
	}
	assert_int_equal(heap_in_use(), before);
}

/* Invalid and repeated ids are left out; tiling replaces the tree. */
static void tile_ids_test(void **state)
{
	static const int ids[] = {3, 0, 3, -2, 7};
	size_t before = heap_in_use();
	struct layout *l = tiled(4);

	(void)state;
	layout_tile(l, ids, nitems(ids));
	assert_int_equal(layout_count(l), 2);
	save_is(l, "h(5000:3,5000:7)");
	layout_tile(l, NULL, 0);
	assert_int_equal(layout_count(l), 0);
	assert_int_equal(layout_compute(l, std_area, NULL, 0), 0);
	save_is(l, "");
	layout_free(l);
	assert_int_equal(heap_in_use(), before);
}

/* --- split and remove --- */

static void split_test(void **state)
{
	static const struct rect two[] = {R(0, 0, 24, 40), R(0, 41, 24, 39)};
	static const struct rect three[] = {R(0, 0, 12, 40), R(0, 41, 24, 39), R(12, 0, 12, 40)};
	/* 4 halves 2's place: the border of 1 and 3 stays where it was */
	static const struct rect four[] = {R(0, 0, 12, 40), R(0, 41, 24, 19), R(12, 0, 12, 40),
					   R(0, 61, 24, 19)};
	static const struct rect five[] = {R(0, 0, 12, 40), R(0, 41, 24, 19), R(12, 0, 12, 20),
					   R(0, 61, 24, 19), R(12, 21, 12, 19)};
	static const int order[] = {1, 3, 5, 2, 4};
	size_t before = heap_in_use();
	struct layout *l = layout_new();
	struct layout_pane v[5];

	(void)state;
	assert_int_equal(layout_split(l, 99, 1, 1), 0); /* empty: `at` ignored */
	assert_int_equal(layout_count(l), 1);
	rect_is(rect_of(l, std_area, 1), std_area, "one pane", 1);
	assert_int_equal(layout_split(l, 1, 2, 1), 0);
	rects_are(l, std_area, two, 2, "split -h");
	assert_int_equal(layout_split(l, 1, 3, 0), 0);
	rects_are(l, std_area, three, 3, "then 1 split -v");
	save_is(l, "h(5000:v(5000:1,5000:3),5000:2)");
	assert_int_equal(layout_split(l, 2, 4, 1), 0);
	rects_are(l, std_area, four, 4, "then 2 split -h: joins the row");
	save_is(l, "h(5000:v(5000:1,5000:3),2500:2,2500:4)");
	assert_int_equal(layout_split(l, 3, 5, 1), 0);
	rects_are(l, std_area, five, 5, "then 3 split -h, nested");
	save_is(l, "h(5000:v(5000:1,5000:h(5000:3,5000:5)),2500:2,2500:4)");
	assert_int_equal(layout_compute(l, std_area, v, 5), 5);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(v[i].id, order[i]);
	check_layout(l, std_area, 1);
	/* refused: nothing changes */
	assert_int_equal(layout_split(l, 42, 6, 1), -1);
	assert_int_equal(layout_split(l, 1, 2, 0), -1);
	assert_int_equal(layout_split(l, 1, 0, 0), -1);
	assert_int_equal(layout_split(l, 1, -3, 0), -1);
	assert_int_equal(layout_split(l, 0, 6, 0), -1);
	assert_int_equal(layout_count(l), 5);
	rects_are(l, std_area, five, 5, "after refusals");
	layout_free(l);
	assert_int_equal(heap_in_use(), before);
}

/* A split loaded with small weights still halves the pane. */
static void split_loaded_test(void **state)
{
	size_t before = heap_in_use();
	struct layout *l = loaded("h(1:1,1:2)");

	(void)state;
	assert_int_equal(layout_split(l, 1, 3, 1), 0);
	save_is(l, "h(2500:1,2500:3,5000:2)");
	rect_is(rect_of(l, std_area, 1), (struct rect)R(0, 0, 24, 19), "1:1 split", 1);
	rect_is(rect_of(l, std_area, 3), (struct rect)R(0, 20, 24, 20), "1:1 split", 3);
	rect_is(rect_of(l, std_area, 2), (struct rect)R(0, 41, 24, 39), "1:1 split", 2);
	layout_free(l);
	assert_int_equal(heap_in_use(), before);
}

/* Splits nest LAYOUT_MAX_DEPTH deep, no deeper; what was made loads. */
static void split_depth_test(void **state)
{
	size_t before = heap_in_use();
	struct layout *l = layout_new(), *back;
	char *text;
	int id;

	(void)state;
	assert_int_equal(layout_split(l, 0, 1, 0), 0);
	for (id = 2; id <= LAYOUT_MAX_DEPTH + 1; id++)
		assert_int_equal(layout_split(l, id - 1, id, id % 2), 0);
	assert_int_equal(layout_split(l, id - 1, id, id % 2), -1);
	assert_int_equal(layout_split(l, id - 1, id, (id - 1) % 2), 0); /* a sibling: no deeper */
	assert_int_equal(layout_count(l), LAYOUT_MAX_DEPTH + 2);
	text = layout_save(l);
	back = layout_load(text);
	assert_non_null(back);
	same_rects(l, back, AREA(500, 500));
	free(text);
	layout_free(back);
	layout_free(l);
	assert_int_equal(heap_in_use(), before);
}

static void split_full_test(void **state)
{
	size_t before = heap_in_use();
	struct layout *l = layout_new();

	(void)state;
	for (int id = 1; id <= LAYOUT_MAX_PANES; id++)
		assert_int_equal(layout_split(l, id - 1, id, 1), 0);
	assert_int_equal(layout_split(l, 1, LAYOUT_MAX_PANES + 1, 0), -1);
	assert_int_equal(layout_count(l), LAYOUT_MAX_PANES);
	/* 27 of them, 2 columns and a border each, fill 80 */
	assert_int_equal(check_layout(l, AREA(24, 80), 1), 27);
	layout_free(l);
	assert_int_equal(heap_in_use(), before);
}

static void remove_test(void **state)
{
	static const struct rect start[] = {R(0, 0, 24, 40), R(0, 41, 12, 39), R(12, 41, 12, 19),
					    R(12, 61, 12, 19)};
	size_t before = heap_in_use();
	struct layout *l = loaded("h(5000:1,5000:v(5000:2,5000:h(5000:3,5000:4)))");

	(void)state;
	rects_are(l, std_area, start, 4, "before");
	assert_int_equal(layout_remove(l, 9), -1);
	/* 2's sibling takes its space; the split left with one child gives
	 * way to it, and that joins the row: 3 and 4 keep their columns */
	assert_int_equal(layout_remove(l, 2), 0);
	assert_int_equal(layout_count(l), 3);
	save_is(l, "h(5000:1,2500:3,2500:4)");
	rect_is(rect_of(l, std_area, 1), (struct rect)R(0, 0, 24, 40), "2 removed", 1);
	rect_is(rect_of(l, std_area, 3), (struct rect)R(0, 41, 24, 19), "2 removed", 3);
	rect_is(rect_of(l, std_area, 4), (struct rect)R(0, 61, 24, 19), "2 removed", 4);
	check_layout(l, std_area, 1);
	/* not the first: the one before takes its place */
	assert_int_equal(layout_remove(l, 3), 0);
	rect_is(rect_of(l, std_area, 1), (struct rect)R(0, 0, 24, 60), "3 removed", 1);
	rect_is(rect_of(l, std_area, 4), (struct rect)R(0, 61, 24, 19), "3 removed", 4);
	/* the first: the one after */
	assert_int_equal(layout_remove(l, 1), 0);
	save_is(l, "4");
	rect_is(rect_of(l, std_area, 4), std_area, "1 removed", 4);
	assert_int_equal(layout_remove(l, 4), 0);
	assert_int_equal(layout_count(l), 0);
	assert_int_equal(layout_remove(l, 4), -1);
	save_is(l, "");
	assert_int_equal(layout_split(l, 4, 5, 0), 0); /* empty again: a fresh start */
	save_is(l, "5");
	layout_free(l);
	assert_int_equal(heap_in_use(), before);
}

/* A remove in the middle of a column: the one above grows down. */
static void remove_column_test(void **state)
{
	size_t before = heap_in_use();
	struct layout *l = loaded("v(1:1,1:2,1:3)");

	(void)state;
	rect_is(rect_of(l, std_area, 2), (struct rect)R(8, 0, 8, 80), "before", 2);
	assert_int_equal(layout_remove(l, 2), 0);
	rect_is(rect_of(l, std_area, 1), (struct rect)R(0, 0, 16, 80), "after", 1);
	rect_is(rect_of(l, std_area, 3), (struct rect)R(16, 0, 8, 80), "after", 3);
	check_layout(l, std_area, 1);
	layout_free(l);
	assert_int_equal(heap_in_use(), before);
}

/* --- resize --- */

/* One resize and what it leaves: panes 1..n at want. */
struct resize_row {
	const char *name;
	const char *text;
	int id;
	enum layout_dir dir;
	int cells, rc;
	struct rect want[4];
};

static const struct resize_row resize_rows[] = {
	{"grow right", "h(1:1,1:2)", 1, LAYOUT_RIGHT, 5, 0, {R(0, 0, 24, 45), R(0, 46, 24, 34)}},
	{"grow left", "h(1:1,1:2)", 2, LAYOUT_LEFT, 5, 0, {R(0, 0, 24, 35), R(0, 36, 24, 44)}},
	{"shrink from the right", "h(1:1,1:2)", 1, LAYOUT_RIGHT, -10, 0,
	 {R(0, 0, 24, 30), R(0, 31, 24, 49)}},
	{"shrink from the left", "h(1:1,1:2)", 2, LAYOUT_LEFT, -10, 0,
	 {R(0, 0, 24, 50), R(0, 51, 24, 29)}},
	{"grow right, stopped by the other's minimum", "h(1:1,1:2)", 1, LAYOUT_RIGHT, 1000, 0,
	 {R(0, 0, 24, 77), R(0, 78, 24, 2)}},
	{"shrink to its own minimum", "h(1:1,1:2)", 1, LAYOUT_RIGHT, -1000, 0,
	 {R(0, 0, 24, 2), R(0, 3, 24, 77)}},
	{"INT_MAX cells", "h(1:1,1:2)", 2, LAYOUT_LEFT, INT_MAX, 0, {R(0, 0, 24, 2), R(0, 3, 24, 77)}},
	{"INT_MIN cells", "h(1:1,1:2)", 2, LAYOUT_LEFT, INT_MIN, 0,
	 {R(0, 0, 24, 77), R(0, 78, 24, 2)}},
	{"grow down", "v(1:1,1:2)", 1, LAYOUT_DOWN, 3, 0, {R(0, 0, 15, 80), R(15, 0, 9, 80)}},
	{"grow up", "v(1:1,1:2)", 2, LAYOUT_UP, 4, 0, {R(0, 0, 8, 80), R(8, 0, 16, 80)}},
	{"shrink from below", "v(1:1,1:2)", 2, LAYOUT_UP, -7, 0, {R(0, 0, 19, 80), R(19, 0, 5, 80)}},
	{"grow down to the other's minimum", "v(1:1,1:2)", 1, LAYOUT_DOWN, 100, 0,
	 {R(0, 0, 22, 80), R(22, 0, 2, 80)}},
	{"shrink up to its minimum", "v(1:1,1:2)", 1, LAYOUT_DOWN, -100, 0,
	 {R(0, 0, 2, 80), R(2, 0, 22, 80)}},
	{"no border on the left", "h(1:1,1:2)", 1, LAYOUT_LEFT, 3, -1,
	 {R(0, 0, 24, 40), R(0, 41, 24, 39)}},
	{"no border on the right", "h(1:1,1:2)", 2, LAYOUT_RIGHT, 3, -1,
	 {R(0, 0, 24, 40), R(0, 41, 24, 39)}},
	{"no border above", "h(1:1,1:2)", 2, LAYOUT_UP, 3, -1, {R(0, 0, 24, 40), R(0, 41, 24, 39)}},
	{"not a pane", "h(1:1,1:2)", 3, LAYOUT_RIGHT, 3, -1, {R(0, 0, 24, 40), R(0, 41, 24, 39)}},
	{"the border of the row above: both panes of the row grow", "v(1:h(1:1,1:2),1:3)", 1,
	 LAYOUT_DOWN, 2, 0, {R(0, 0, 14, 40), R(0, 41, 14, 39), R(14, 0, 10, 80)}},
	{"the border above the pane below", "v(1:h(1:1,1:2),1:3)", 3, LAYOUT_UP, 2, 0,
	 {R(0, 0, 10, 40), R(0, 41, 10, 39), R(10, 0, 14, 80)}},
	{"inside a row of the column", "v(1:h(1:1,1:2),1:3)", 2, LAYOUT_LEFT, 3, 0,
	 {R(0, 0, 12, 37), R(0, 38, 12, 42), R(12, 0, 12, 80)}},
	{"a full-width pane has no side border", "v(1:h(1:1,1:2),1:3)", 3, LAYOUT_LEFT, 3, -1,
	 {R(0, 0, 12, 40), R(0, 41, 12, 39), R(12, 0, 12, 80)}},
	/* the other side holds a row of two: it stops at 2 + 1 + 2 columns */
	{"stopped by a nested minimum", "h(1:1,1:v(1:2,1:h(1:3,1:4)))", 1, LAYOUT_RIGHT, 1000, 0,
	 {R(0, 0, 24, 74), R(0, 75, 12, 5), R(12, 75, 12, 2), R(12, 78, 12, 2)}},
	/* only that border moves: 3 keeps its place */
	{"the middle of three", "h(1:1,1:2,1:3)", 2, LAYOUT_RIGHT, 4, 0,
	 {R(0, 0, 24, 26), R(0, 27, 24, 30), R(0, 58, 24, 22)}},
	{"the middle of three, stopped by the next", "h(1:1,1:2,1:3)", 2, LAYOUT_RIGHT, 60, 0,
	 {R(0, 0, 24, 26), R(0, 27, 24, 50), R(0, 78, 24, 2)}},
};

static void resize_test(void **state)
{
	const struct resize_row *r = *state;
	size_t before = heap_in_use();
	struct layout *l = loaded(r->text);
	int n = (int)layout_count(l);

	assert_int_equal(layout_resize(l, std_area, r->id, r->dir, r->cells), r->rc);
	rects_are(l, std_area, r->want, n, r->name);
	check_layout(l, std_area, 1);
	layout_free(l);
	assert_int_equal(heap_in_use(), before);
}

/* By k cells, exactly k (within the minimums), in any width or height. */
static void resize_exact_test(void **state)
{
	size_t before = heap_in_use();

	(void)state;
	for (int len = 8; len <= 320; len++)
		for (int k = -12; k <= 12; k++) {
			struct layout *l = loaded("h(3:1,5:2,4:3)"), *c = loaded("v(3:1,5:2,4:3)");
			struct rect a = AREA(10, len), b = AREA(len, 10);
			struct rect w1 = rect_of(l, a, 1), w2 = rect_of(l, a, 2), w3 = rect_of(l, a, 3);
			struct rect h2 = rect_of(c, b, 2), h3 = rect_of(c, b, 3);
			int grow = k < 2 - w2.w ? 2 - w2.w : k > w3.w - 2 ? w3.w - 2 : k;
			int growv = k < 2 - h2.h ? 2 - h2.h : k > h3.h - 2 ? h3.h - 2 : k;

			assert_int_equal(layout_resize(l, a, 2, LAYOUT_RIGHT, k), 0);
			rect_is(rect_of(l, a, 1), w1, "exact resize: unmoved", 1);
			rect_is(rect_of(l, a, 2), (struct rect)R(0, w2.x, 10, w2.w + grow),
				"exact resize", 2);
			rect_is(rect_of(l, a, 3), (struct rect)R(0, w3.x + grow, 10, w3.w - grow),
				"exact resize", 3);
			assert_int_equal(layout_resize(c, b, 3, LAYOUT_UP, -k), 0);
			rect_is(rect_of(c, b, 2), (struct rect)R(h2.y, 0, h2.h + growv, 10),
				"exact resize up", 2);
			rect_is(rect_of(c, b, 3), (struct rect)R(h3.y + growv, 0, h3.h - growv, 10),
				"exact resize up", 3);
			layout_free(l);
			layout_free(c);
		}
	assert_int_equal(heap_in_use(), before);
}

/* Weights that leave a child under its minimum: it is raised, and the
 * cells come from the child with the most to spare, the first of equals. */
static void minimum_test(void **state)
{
	static const struct rect rows[] = {R(0, 0, 2, 80), R(2, 0, 10, 80), R(12, 0, 11, 80)};
	static const struct rect cols[] = {R(0, 0, 24, 2), R(0, 3, 24, 38), R(0, 42, 24, 38)};
	size_t before = heap_in_use();
	struct layout *v = loaded("v(1:1,11:2,11:3)"), *h = loaded("h(0:1,1:2,1:3)");

	(void)state;
	rects_are(v, AREA(23, 80), rows, 3, "1 row under the minimum");
	rects_are(h, std_area, cols, 3, "no weight at all");
	check_layout(h, std_area, 1);
	layout_free(v);
	layout_free(h);
	assert_int_equal(heap_in_use(), before);
}

/* An area too small for the split: nothing moves. */
static void resize_small_test(void **state)
{
	size_t before = heap_in_use();
	struct layout *l = tiled(9);
	char *was = layout_save(l);

	(void)state;
	assert_int_equal(layout_resize(l, AREA(3, 10), 1, LAYOUT_DOWN, 1), 0);
	save_is(l, was);
	free(was);
	layout_free(l);
	assert_int_equal(heap_in_use(), before);
}

/* Resized at 80x24, then at 200x50: the same shares; back at 80x24: the
 * same cells. */
static void proportions_test(void **state)
{
	static const struct rect small[] = {R(0, 0, 6, 20), R(0, 21, 6, 59), R(6, 0, 18, 80)};
	static const struct rect big[] = {R(0, 0, 13, 51), R(0, 52, 13, 148), R(13, 0, 37, 200)};
	struct rect wide = AREA(50, 200);
	size_t before = heap_in_use();
	struct layout *l = tiled(3);

	(void)state;
	assert_int_equal(layout_resize(l, std_area, 1, LAYOUT_RIGHT, -20), 0);
	assert_int_equal(layout_resize(l, std_area, 2, LAYOUT_DOWN, -6), 0);
	rects_are(l, std_area, small, 3, "resized at 80x24");
	rects_are(l, wide, big, 3, "at 200x50");
	for (int i = 0; i < 3; i++) {
		/* columns with their border, and rows, in proportion to a cell */
		assert_true(abs((big[i].w + 1) * 81 - (small[i].w + 1) * 201) <= 201);
		assert_true(abs(big[i].h * 24 - small[i].h * 50) <= 50);
	}
	check_layout(l, wide, 1);
	rects_are(l, std_area, small, 3, "back at 80x24");
	layout_free(l);
	assert_int_equal(heap_in_use(), before);
}

/* --- swap --- */

static void swap_test(void **state)
{
	static const struct rect swapped[] = {R(12, 41, 12, 39), R(0, 41, 12, 39), R(12, 0, 12, 40),
					      R(0, 0, 12, 40)};
	size_t before = heap_in_use();
	struct layout *l = tiled(4);

	(void)state;
	assert_int_equal(layout_swap(l, 1, 4), 0);
	rects_are(l, std_area, swapped, 4, "1 and 4 swapped");
	save_is(l, "v(5000:h(5000:4,5000:2),5000:h(5000:3,5000:1))");
	assert_int_equal(layout_swap(l, 1, 99), -1);
	assert_int_equal(layout_swap(l, 99, 1), -1);
	assert_int_equal(layout_swap(l, 2, 2), 0);
	rects_are(l, std_area, swapped, 4, "after refusals");
	/* the places stay with the tree: a swapped pane resizes as its place */
	assert_int_equal(layout_resize(l, std_area, 4, LAYOUT_RIGHT, 5), 0);
	rect_is(rect_of(l, std_area, 4), (struct rect)R(0, 0, 12, 45), "resized after swap", 4);
	layout_free(l);
	assert_int_equal(heap_in_use(), before);
}

/* --- neighbours --- */

struct neighbour_row {
	const char *name;
	const char *text; /* NULL: 9 tiled panes in 10x3 */
	int from;
	enum layout_dir dir;
	int want;
};

#define GRID "v(1:h(1:1,1:2),1:h(1:3,1:4))"
/* 1 beside 2, 3 and 4 stacked, 8 rows each */
#define COLUMN "h(1:1,1:v(1:2,1:3,1:4))"
/* 3 (40 wide) above 1 (19) and 2 (60, from x 20); 4 (39) above 2 */
#define UNEVEN "v(1:h(41:3,40:4),1:h(20:1,61:2))"

static const struct neighbour_row neighbour_rows[] = {
	{"2x2: 1 right", GRID, 1, LAYOUT_RIGHT, 2},
	{"2x2: 1 down", GRID, 1, LAYOUT_DOWN, 3},
	{"2x2: 1 left: the edge", GRID, 1, LAYOUT_LEFT, 0},
	{"2x2: 1 up: the edge", GRID, 1, LAYOUT_UP, 0},
	{"2x2: 2 left", GRID, 2, LAYOUT_LEFT, 1},
	{"2x2: 2 down", GRID, 2, LAYOUT_DOWN, 4},
	{"2x2: 2 right: the edge", GRID, 2, LAYOUT_RIGHT, 0},
	{"2x2: 3 up", GRID, 3, LAYOUT_UP, 1},
	{"2x2: 3 right", GRID, 3, LAYOUT_RIGHT, 4},
	{"2x2: 4 up", GRID, 4, LAYOUT_UP, 2},
	{"2x2: 4 left", GRID, 4, LAYOUT_LEFT, 3},
	{"2x2: 4 down: the edge", GRID, 4, LAYOUT_DOWN, 0},
	{"2x2: no such pane", GRID, 5, LAYOUT_DOWN, 0},
	{"column: three touch equally, the middle one is nearest", COLUMN, 1, LAYOUT_RIGHT, 3},
	{"column: 2 left", COLUMN, 2, LAYOUT_LEFT, 1},
	{"column: 4 left", COLUMN, 4, LAYOUT_LEFT, 1},
	{"column: 3 up", COLUMN, 3, LAYOUT_UP, 2},
	{"column: 3 down", COLUMN, 3, LAYOUT_DOWN, 4},
	{"column: 1 down: the edge", COLUMN, 1, LAYOUT_DOWN, 0},
	{"uneven: 3 down: 2 shares 20 columns, 1 only 19 though nearer", UNEVEN, 3, LAYOUT_DOWN, 2},
	{"uneven: 4 down", UNEVEN, 4, LAYOUT_DOWN, 2},
	{"uneven: 1 up", UNEVEN, 1, LAYOUT_UP, 3},
	{"uneven: 2 up: 4 shares more", UNEVEN, 2, LAYOUT_UP, 4},
	{"uneven: 1 right", UNEVEN, 1, LAYOUT_RIGHT, 2},
	{"uneven: 2 left", UNEVEN, 2, LAYOUT_LEFT, 1},
	{"uneven: 3 right", UNEVEN, 3, LAYOUT_RIGHT, 4},
	{"too small: 1 right", NULL, 1, LAYOUT_RIGHT, 2},
	{"too small: 1 down: 4 is not visible", NULL, 1, LAYOUT_DOWN, 0},
	{"too small: from a pane not visible", NULL, 4, LAYOUT_UP, 0},
	{"too small: 3 left", NULL, 3, LAYOUT_LEFT, 2},
};

static void neighbour_test(void **state)
{
	const struct neighbour_row *r = *state;
	size_t before = heap_in_use();
	struct layout *l = r->text ? loaded(r->text) : tiled(9);

	assert_int_equal(layout_neighbour(l, r->text ? std_area : AREA(3, 10), r->from, r->dir),
			 r->want);
	layout_free(l);
	assert_int_equal(heap_in_use(), before);
}

/* Two panes tied on overlap and on distance: the first in tree order. */
static void neighbour_tie_test(void **state)
{
	struct layout *l = loaded("h(1:1,1:v(1:2,1:3))"), *e = layout_new();

	(void)state;
	assert_int_equal(layout_neighbour(l, std_area, 1, LAYOUT_RIGHT), 2);
	assert_int_equal(layout_neighbour(e, std_area, 1, LAYOUT_RIGHT), 0);
	layout_free(l);
	layout_free(e);
}

/* --- cells --- */

struct at_row {
	const char *name;
	int y, x, want;
};

/* Two panes in rows 1..23 (a status line on row 0): 1 in columns 0..39,
 * the border at 40, 2 in 41..79. */
static const struct at_row at_rows[] = {
	{"1's title row", 1, 0, 1},
	{"1's last cell", 23, 39, 1},
	{"the border", 5, 40, 0},
	{"the border's top", 1, 40, 0},
	{"2's first column", 5, 41, 2},
	{"2's title row, right end", 1, 79, 2},
	{"2's last cell", 23, 79, 2},
	{"the status line above", 0, 0, 0},
	{"below the area", 24, 0, 0},
	{"right of the area", 5, 80, 0},
	{"left of the area", 5, -1, 0},
	{"far away", INT_MIN, INT_MAX, 0},
};

static void at_test(void **state)
{
	const struct at_row *r = *state;
	struct layout *l = tiled(2);

	assert_int_equal(layout_at(l, (struct rect){1, 0, 23, 80}, r->y, r->x), r->want);
	layout_free(l);
}

/* Stacked panes: the lower one's title row is its own. */
static void at_stacked_test(void **state)
{
	struct layout *l = tiled(4), *e = layout_new();

	(void)state;
	assert_int_equal(layout_at(l, std_area, 11, 0), 1);
	assert_int_equal(layout_at(l, std_area, 12, 0), 3);
	assert_int_equal(layout_at(l, std_area, 12, 40), 0);
	assert_int_equal(layout_at(l, std_area, 12, 41), 4);
	assert_int_equal(layout_at(e, std_area, 0, 0), 0);
	check_layout(l, (struct rect){3, 7, 20, 50}, 1); /* an area away from the origin */
	layout_free(l);
	layout_free(e);
}

/* --- too small --- */

static void small_test(void **state)
{
	static const struct rect want[] = {R(0, 0, 3, 3), R(0, 4, 3, 2), R(0, 7, 3, 3)};
	size_t before = heap_in_use();
	struct layout *l = tiled(9);

	(void)state;
	rects_are(l, AREA(3, 10), want, 3, "10x3: the first row");
	for (int id = 4; id <= 9; id++)
		rect_is(rect_of(l, AREA(3, 10), id), (struct rect){0}, "10x3: not visible", id);
	assert_int_equal(check_layout(l, AREA(3, 10), 1), 3);
	layout_free(l);
	assert_int_equal(heap_in_use(), before);
}

/* Every small area, every tiling, and some splits: sane, if not all shown. */
static void small_areas_test(void **state)
{
	size_t before = heap_in_use();

	(void)state;
	for (int n = 1; n <= 9; n++) {
		struct layout *l = tiled(n), *s = loaded("h(1:1,1:v(1:2,1:h(1:3,1:v(1:4,1:5))),1:6)");

		for (int h = -1; h <= 8; h++)
			for (int w = -1; w <= 14; w++) {
				check_layout(l, AREA(h, w), 0);
				check_layout(s, AREA(h, w), 0);
			}
		assert_int_equal(check_layout(l, AREA(0, 0), 0), 0);
		assert_int_equal(check_layout(l, AREA(-5, -5), 0), 0);
		assert_int_equal(check_layout(l, AREA(2, 2), 0), 1);
		layout_free(l);
		layout_free(s);
	}
	assert_int_equal(heap_in_use(), before);
}

/* layout_compute writes no more than it is asked for. */
static void compute_max_test(void **state)
{
	struct layout *l = tiled(5);
	struct layout_pane v[5] = {{0}};

	(void)state;
	v[3].id = -7;
	assert_int_equal(layout_compute(l, std_area, v, 3), 3);
	assert_int_equal(v[2].id, 3);
	assert_int_equal(v[3].id, -7);
	assert_int_equal(layout_compute(l, std_area, v, 0), 0);
	layout_free(l);
}

/* --- text --- */

static const char *const good_texts[] = {
	"",
	"1",
	"2147483647",
	"h(1:1,1:2)",
	"v(0:1,1:2)",
	"h(5000:1,5000:v(2500:2,7500:3))",
	"v(1:h(41:3,40:4),1:h(20:1,61:2))",
	"h(1000000:1,0:2)",
	"h(1:1,1:v(1:2,1:h(1:3,1:v(1:4,1:5))),1:6)",
};

static void round_trip(const struct layout *l, const char *how)
{
	static const struct rect areas[] = {AREA(24, 80), AREA(50, 200), AREA(3, 10), AREA(1, 1),
					    {2, 5, 37, 111}};
	char *text = layout_save(l), *again;
	struct layout *back = layout_load(text);

	if (back == NULL)
		fail_msg("%s: \"%s\" does not load", how, text);
	again = layout_save(back);
	assert_string_equal(again, text);
	assert_int_equal(layout_count(back), layout_count(l));
	for (size_t i = 0; i < nitems(areas); i++)
		same_rects(l, back, areas[i]);
	free(text);
	free(again);
	layout_free(back);
}

static void round_trip_test(void **state)
{
	size_t before = heap_in_use();
	struct layout *l;

	(void)state;
	for (size_t i = 0; i < nitems(good_texts); i++) {
		l = loaded(good_texts[i]);
		save_is(l, good_texts[i]);
		round_trip(l, good_texts[i]);
		layout_free(l);
	}
	for (int n = 1; n <= 9; n++) {
		l = tiled(n);
		round_trip(l, "tiled");
		assert_int_equal(layout_resize(l, std_area, 1, LAYOUT_RIGHT, 7), n > 1 ? 0 : -1);
		assert_int_equal(layout_resize(l, std_area, 1, LAYOUT_DOWN, -3), n > 2 ? 0 : -1);
		round_trip(l, "tiled and resized");
		layout_free(l);
	}
	assert_int_equal(heap_in_use(), before);
}

/* Nested splits, depth deep: ids 1..depth+1. */
static char *nested(int depth, int closed)
{
	size_t cap = (size_t)depth * 24 + 16, len = 0;
	char *s = malloc(cap);

	assert_non_null(s);
	for (int i = 0; i < depth; i++)
		len += (size_t)snprintf(s + len, cap - len, "%c(1:", i % 2 ? 'v' : 'h');
	len += (size_t)snprintf(s + len, cap - len, "1");
	for (int i = depth; closed && i > 0; i--)
		len += (size_t)snprintf(s + len, cap - len, ",1:%d)", i + 1);
	return s;
}

/* A row of n panes. */
static char *row_of(int n)
{
	size_t cap = (size_t)n * 12 + 8, len = 0;
	char *s = malloc(cap);

	assert_non_null(s);
	len += (size_t)snprintf(s, cap, "h(");
	for (int i = 1; i <= n; i++)
		len += (size_t)snprintf(s + len, cap - len, "%s1:%d", i > 1 ? "," : "", i);
	snprintf(s + len, cap - len, ")");
	return s;
}

static void limits_test(void **state)
{
	size_t before = heap_in_use();
	char *deep = nested(LAYOUT_MAX_DEPTH, 1), *deeper = nested(LAYOUT_MAX_DEPTH + 1, 1);
	char *open = nested(100000, 0), *full = row_of(LAYOUT_MAX_PANES),
	     *over = row_of(LAYOUT_MAX_PANES + 1);
	struct layout *l;

	(void)state;
	l = loaded(deep);
	assert_int_equal(layout_count(l), LAYOUT_MAX_DEPTH + 1);
	round_trip(l, "deepest");
	layout_free(l);
	assert_null(layout_load(deeper));
	assert_null(layout_load(open));
	l = loaded(full);
	assert_int_equal(layout_count(l), LAYOUT_MAX_PANES);
	layout_free(l);
	assert_null(layout_load(over));
	assert_null(layout_load(NULL));
	free(deep);
	free(deeper);
	free(open);
	free(full);
	free(over);
	assert_int_equal(heap_in_use(), before);
}

static const char *const bad_texts[] = {
	"x", "h", "v", "h(", "h()", "h(1:1)", "h(1:1,1:2", "h(1:1,1:2))", "h(1:1,1:2)x",
	"h(1:1,1:1)", "v(1:h(1:1,1:2),1:h(1:3,1:1))", "0", "-1", "+1", "01", "1.5", "1 ", " 1",
	"2147483648", "99999999999999999999999999999", "h(1000001:1,1:2)",
	"h(600000:1,600000:2)", "h(0:1,0:2)", "h(99999999999999999999:1,1:2)",
	"h(1:1,1:99999999999999)", "h(1:h(1:1,1:2),1:3)", "v(1:1,1:v(1:2,1:3))", "h(1:1,,1:2)",
	"h(1:1;1:2)", "h (1:1,1:2)", "h(1:1, 1:2)", "H(1:1,1:2)", "h(:1,1:2)", "h(1:,1:2)",
	"h(1,2)", "h(1:1,1:2,)", "h(-1:1,2:2)", "h(01:1,1:2)", "h(1:1,1:2)\n", "h(1:1)(1:2)",
	"h[1:1,1:2]", "1,2", "(1:1,1:2)", "h(1:1,1:v)", "h(1:1,1:h(1:2,1:3)",
};

static void bad_text_test(void **state)
{
	const char *text = *state;
	size_t before = heap_in_use();
	char *copy = (char *)buf_dup(text, strlen(text) + 1); /* ASan sees a read past the NUL */

	if (layout_load(copy) != NULL)
		fail_msg("\"%s\" loaded", text);
	free(copy);
	assert_int_equal(heap_in_use(), before);
}

/* Good texts changed a byte at a time: never a crash, and what loads
 * saves as the same text. */
static void mutate_test(void **state)
{
	static const char alphabet[] = "hv():,0123456789x";
	unsigned seed = 7;
	size_t before = heap_in_use();
	char buf[128];

	(void)state;
	for (int run = 0; run < 30000; run++) {
		const char *base = good_texts[rnd(&seed) % nitems(good_texts)];
		size_t len = strlen(base), at;
		struct layout *l;

		memcpy(buf, base, len + 1);
		for (unsigned edits = 1 + rnd(&seed) % 3; edits > 0; edits--) {
			at = len ? rnd(&seed) % (len + 1) : 0;
			switch (rnd(&seed) % 3) {
			case 0: /* replace */
				if (at < len)
					buf[at] = alphabet[rnd(&seed) % (sizeof alphabet - 1)];
				break;
			case 1: /* insert */
				if (len + 2 < sizeof buf) {
					memmove(buf + at + 1, buf + at, len - at + 1);
					buf[at] = alphabet[rnd(&seed) % (sizeof alphabet - 1)];
					len++;
				}
				break;
			default: /* delete */
				if (at < len) {
					memmove(buf + at, buf + at + 1, len - at);
					len--;
				}
			}
		}
		if ((l = layout_load(buf)) != NULL) {
			char *s = layout_save(l);

			if (strcmp(s, buf) != 0)
				fail_msg("\"%s\" loaded, saved as \"%s\"", buf, s);
			check_layout(l, AREA(6, 20), 0);
			free(s);
			layout_free(l);
		}
	}
	assert_int_equal(heap_in_use(), before);
}

/* --- all together --- */

/* Each pane's neighbours touch it on their side. */
static void check_neighbours(const struct layout *l, struct rect a)
{
	struct layout_pane v[LAYOUT_MAX_PANES];
	size_t n = layout_compute(l, a, v, nitems(v));

	for (size_t i = 0; i < n; i++)
		for (int d = LAYOUT_LEFT; d <= LAYOUT_DOWN; d++) {
			int id = layout_neighbour(l, a, v[i].id, (enum layout_dir)d);
			struct rect me = v[i].r, o;

			if (id == 0)
				continue;
			o = rect_of(l, a, id);
			assert_true(o.h > 0 && id != v[i].id);
			if (d == LAYOUT_LEFT)
				assert_int_equal(o.x + o.w + 1, me.x);
			else if (d == LAYOUT_RIGHT)
				assert_int_equal(me.x + me.w + 1, o.x);
			else if (d == LAYOUT_UP)
				assert_int_equal(o.y + o.h, me.y);
			else
				assert_int_equal(me.y + me.h, o.y);
		}
}

/* One of l's panes, or 0 when it has none. */
static int some_pane(const struct layout *l, unsigned *seed)
{
	struct layout_pane v[LAYOUT_MAX_PANES];
	size_t n = layout_compute(l, AREA(1, 1), v, nitems(v));

	return n ? v[rnd(seed) % n].id : 0;
}

/* Random splits, removes, resizes and swaps: each layout checked whole,
 * and round-tripped through its text. With at most 20 panes, 200x60 has
 * room for all. */
static void random_ops_test(void **state)
{
	struct rect big = AREA(60, 200), tiny = AREA(5, 17);
	size_t before = heap_in_use();
	unsigned seed = 1;

	(void)state;
	for (int run = 0; run < 15; run++) {
		struct layout *l = layout_new();

		for (int op = 0; op < 100; op++) {
			int a = some_pane(l, &seed), b = some_pane(l, &seed), c = 1 + (int)(rnd(&seed) % 20);
			unsigned what = rnd(&seed) % 20;

			if (what < 9)
				layout_split(l, a, c, (int)(rnd(&seed) % 2));
			else if (what < 12)
				assert_int_equal(layout_remove(l, a), a ? 0 : -1);
			else if (what < 18)
				layout_resize(l, big, a, (enum layout_dir)(rnd(&seed) % 4),
					      (int)(rnd(&seed) % 41) - 20);
			else
				assert_int_equal(layout_swap(l, a, b), a ? 0 : -1);
			assert_int_equal(check_layout(l, big, 1), layout_count(l));
			check_layout(l, tiny, 0);
			if (op % 5 == 0)
				check_neighbours(l, big);
			if (op % 10 == 0)
				round_trip(l, "random");
		}
		layout_free(l);
	}
	assert_int_equal(heap_in_use(), before);
}

int main(void)
{
	static char names[nitems(bad_texts)][80];
	struct case_list l = {0};

	for (size_t i = 0; i < nitems(tile_rows); i++)
		case_add(&l, tile_rows[i].name, tile_exact_test, &tile_rows[i]);
	case_add(&l, "tiling 1..9 panes: the grid, the area covered", tile_grid_test, NULL);
	case_add(&l, "tiling leaves out bad and repeated ids", tile_ids_test, NULL);
	case_add(&l, "splits both ways, nested, and refused", split_test, NULL);
	case_add(&l, "a split of a loaded row halves the pane", split_loaded_test, NULL);
	case_add(&l, "splits nest LAYOUT_MAX_DEPTH deep", split_depth_test, NULL);
	case_add(&l, "splits stop at LAYOUT_MAX_PANES", split_full_test, NULL);
	case_add(&l, "remove: the sibling takes the space", remove_test, NULL);
	case_add(&l, "remove in the middle of a column", remove_column_test, NULL);
	for (size_t i = 0; i < nitems(resize_rows); i++)
		case_add(&l, resize_rows[i].name, resize_test, &resize_rows[i]);
	case_add(&l, "resize by k cells is exact, 8..320 cells", resize_exact_test, NULL);
	case_add(&l, "resize in an area too small moves nothing", resize_small_test, NULL);
	case_add(&l, "a child under its minimum is raised", minimum_test, NULL);
	case_add(&l, "proportions kept from 80x24 to 200x50", proportions_test, NULL);
	case_add(&l, "swap", swap_test, NULL);
	for (size_t i = 0; i < nitems(neighbour_rows); i++)
		case_add(&l, neighbour_rows[i].name, neighbour_test, &neighbour_rows[i]);
	case_add(&l, "neighbour: a full tie goes to the first", neighbour_tie_test, NULL);
	for (size_t i = 0; i < nitems(at_rows); i++)
		case_add(&l, at_rows[i].name, at_test, &at_rows[i]);
	case_add(&l, "layout_at on stacked panes", at_stacked_test, NULL);
	case_add(&l, "9 panes in 10x3", small_test, NULL);
	case_add(&l, "every small area", small_areas_test, NULL);
	case_add(&l, "layout_compute stops at max", compute_max_test, NULL);
	case_add(&l, "save and load round trip", round_trip_test, NULL);
	case_add(&l, "load limits: depth, panes", limits_test, NULL);
	for (size_t i = 0; i < nitems(bad_texts); i++) {
		size_t len = strcspn(bad_texts[i], "\n");

		snprintf(names[i], sizeof names[i], "malformed: \"%.*s%s\"", (int)len, bad_texts[i],
			 bad_texts[i][len] ? "\\n" : "");
		case_add(&l, names[i], bad_text_test, bad_texts[i]);
	}
	case_add(&l, "mutated texts", mutate_test, NULL);
	case_add(&l, "random operations", random_ops_test, NULL);
	return case_run(&l, "layout") ? 1 : 0;
}
