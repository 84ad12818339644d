/*
 * layout.h: where the panes of `sbx ui` go, as in tmux: a tree whose
 * leaves are panes (positive int ids) and whose inner nodes split their
 * rectangle among two or more children, either side by side (a row, with
 * a 1-column border between neighbours) or stacked (a column, with no
 * separator: the lower pane's title row separates them). Pure: no I/O,
 * no terminal; the caller passes the area (the screen without its status
 * line) to every call that needs one.
 *
 * A pane's rectangle includes its title row, so its terminal is
 * (h - 1) x w. A pane gets at least LAYOUT_MIN_H rows and LAYOUT_MIN_W
 * columns; in an area too small for all of them, the panes that do not
 * fit are not visible (h == w == 0) and the others never overlap.
 *
 * Sizes are kept as weights, relative to the siblings', so a change of
 * area keeps the proportions; a resize by cells is exact for the area it
 * is given (for splits under LAYOUT_SCALE cells).
 *
 * Text form (layout_save, layout_load), with no spaces:
 *
 *   layout := ""                                      (no panes)
 *           | node
 *   node   := ID                                      (a pane)
 *           | ('h' | 'v') '(' child (',' child)+ ')'
 *   child  := WEIGHT ':' node
 *
 * 'h' lays its children out side by side, left to right (tmux's
 * split-window -h; layout_split with vertical == 1); 'v' stacks them top
 * to bottom. ID is 1..INT_MAX; WEIGHT is 0..LAYOUT_SCALE_MAX, a share of
 * the split relative to its siblings'; a split's weights add up to
 * 1..LAYOUT_SCALE_MAX. Numbers are decimal without sign or leading zeros.
 * Splits nest at most LAYOUT_MAX_DEPTH deep, a split is never the child
 * of a split of the same kind, there are at most LAYOUT_MAX_PANES panes
 * and no id twice. Example, pane 1 on the left half, 2 above 3 on the
 * right half with 2 taking a quarter of the height:
 *
 *   h(5000:1,5000:v(2500:2,7500:3))
 */
#ifndef SBX_LAYOUT_H
#define SBX_LAYOUT_H

#include <stddef.h>

#define LAYOUT_MIN_H 2         /* title row + one row of terminal */
#define LAYOUT_MIN_W 2
#define LAYOUT_MAX_PANES 1024
#define LAYOUT_MAX_DEPTH 64    /* splits from the root to the deepest pane */
#define LAYOUT_SCALE 10000     /* what the weights of a split made here add up to */
#define LAYOUT_SCALE_MAX 1000000 /* the most a split's weights may add up to */

struct rect {
	int y, x, h, w;
};

struct layout; /* opaque */

struct layout_pane {
	int id;
	struct rect r; /* the whole pane, title row included; h == w == 0: not visible */
};

enum layout_dir { LAYOUT_LEFT, LAYOUT_RIGHT, LAYOUT_UP, LAYOUT_DOWN };

/* An empty layout (no panes). */
struct layout *layout_new(void);
void layout_free(struct layout *l);
/* The number of panes, visible or not. */
size_t layout_count(const struct layout *l);

/* Replaces the tree with tmux's "tiled": ceil(sqrt(n)) columns, rows
 * filled top to bottom, the last row's panes widened to fill it; rows and
 * columns share the space evenly. Ids that are not positive, repeated or
 * past LAYOUT_MAX_PANES are left out. */
void layout_tile(struct layout *l, const int *ids, size_t n);

/* Splits pane `at` in two, giving the new pane `id` the half after it:
 * to its right with a vertical border between them when vertical is 1
 * (tmux's split-window -h), below it when 0. In a split of that kind
 * already, `id` joins it as at's next sibling. With no panes, `at` is
 * ignored and id becomes the only pane. 0, or -1 if `at` is not there,
 * id is not positive or already there, or the layout is full
 * (LAYOUT_MAX_PANES, LAYOUT_MAX_DEPTH). */
int layout_split(struct layout *l, int at, int id, int vertical);

/* Removes pane id; the sibling before it (after it, for a first child)
 * takes its space, and a split left with one child gives way to it.
 * 0, or -1 if id is not there. */
int layout_remove(struct layout *l, int id);

/* Moves the border on dir's side of pane id by `cells`, as laid out in
 * area: positive grows the pane that way, negative shrinks it. Only that
 * border moves, and no further than keeps the panes on both sides of it
 * at their minimum (cells past that are dropped; an area already too
 * small moves nothing). 0, or -1 if id is not there, dir is not a
 * direction, or id has no border that way (it is at the area's edge). */
int layout_resize(struct layout *l, struct rect area, int id, enum layout_dir dir, int cells);

/* Exchanges the places of panes a and b. 0, or -1 if either is not there. */
int layout_swap(struct layout *l, int a, int b);

/* Every pane's rectangle within area, in tree order (left or top first,
 * depth first): the first max of them go to out. Returns how many were
 * written. Panes that do not fit have h == w == 0. */
size_t layout_compute(const struct layout *l, struct rect area, struct layout_pane *out,
		      size_t max);

/* The visible pane that touches id's edge on side dir (across the border
 * for left and right), sharing the most rows or columns with it; of
 * those, the one whose centre is nearest id's centre; of those, the first
 * in tree order. 0 if there is none, or id is not there or not visible.
 * No wrapping around the area's edge. */
int layout_neighbour(const struct layout *l, struct rect area, int id, enum layout_dir dir);

/* The pane whose rectangle holds cell (y, x), title rows included; 0 on
 * a border, outside area or with no panes. */
int layout_at(const struct layout *l, struct rect area, int y, int x);

/* The text form above; malloc'd, the caller frees it. layout_load of it
 * gives the same tree, so the same rectangles in any area. */
char *layout_save(const struct layout *l);
/* NULL for any text that is not exactly the form above (text NULL too). */
struct layout *layout_load(const char *text);

#endif
