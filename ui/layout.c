/*
 * layout.c: the pane tree of `sbx ui`; see layout.h. The ui's window code
 * calls it to place panes, to move between them and to resize them; it
 * draws nothing. A split shares its extent among its children by weight,
 * with cumulative rounding (so the shares add up to the extent exactly),
 * then raises a child under its minimum at the expense of those with the
 * most to spare. Integers only: the saved text does not depend on the
 * locale's decimal point, and a weight set from cells gives those cells.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "xmalloc.h"

enum node_kind {
	NODE_PANE,
	NODE_LEFTRIGHT, /* children side by side, a border column between: 'h' */
	NODE_TOPBOTTOM, /* children stacked: 'v' */
};

struct node {
	enum node_kind kind;
	int id;             /* NODE_PANE */
	int weight;         /* the share of the parent split, whose children's
			     * weights add up to 1..LAYOUT_SCALE_MAX */
	struct node *parent;
	struct node **kid;  /* a split's children (two or more), left or top first */
	size_t n, cap;
};

struct layout {
	struct node *root; /* NULL: no panes */
	size_t count;
};

/* --- the tree --- */

static struct node *node_new(enum node_kind kind, int id)
{
	struct node *n = xcalloc(1, sizeof *n);

	n->kind = kind;
	n->id = id;
	return n;
}

static void node_free(struct node *n)
{
	if (n == NULL)
		return;
	for (size_t i = 0; i < n->n; i++)
		node_free(n->kid[i]);
	free(n->kid);
	free(n);
}

static void kid_insert(struct node *p, size_t at, struct node *c)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 4;
		p->kid = xrealloc(p->kid, p->cap * sizeof *p->kid);
	}
	memmove(p->kid + at + 1, p->kid + at, (p->n - at) * sizeof *p->kid);
	p->kid[at] = c;
	p->n++;
	c->parent = p;
}

static void kid_remove(struct node *p, size_t at)
{
	memmove(p->kid + at, p->kid + at + 1, (p->n - at - 1) * sizeof *p->kid);
	p->n--;
}

static size_t kid_index(const struct node *p, const struct node *c)
{
	size_t i = 0;

	while (p->kid[i] != c)
		i++;
	return i;
}

static struct node *find(struct node *n, int id)
{
	struct node *f;

	if (n == NULL || n->kind == NODE_PANE)
		return n && n->id == id ? n : NULL;
	for (size_t i = 0; i < n->n; i++)
		if ((f = find(n->kid[i], id)) != NULL)
			return f;
	return NULL;
}

/* Splits above n. */
static int node_depth(const struct node *n)
{
	int d = 0;

	while ((n = n->parent) != NULL)
		d++;
	return d;
}

/* n takes old's place and share; old is left without a parent. */
static void node_replace(struct layout *l, struct node *old, struct node *n)
{
	struct node *p = old->parent;

	n->parent = p;
	n->weight = old->weight;
	if (p != NULL)
		p->kid[kid_index(p, old)] = n;
	else
		l->root = n;
	old->parent = NULL;
}

/* Weights for s's children from cumulative ends: child i ends at
 * round(end[i] * scale / len) of scale, so the weights add up to scale
 * and give back end[i] out of len. */
static void set_ends(struct node *s, const int64_t *end, int64_t len, int64_t scale)
{
	int64_t prev = 0, e;

	for (size_t i = 0; i < s->n; i++) {
		e = (2 * end[i] * scale + len) / (2 * len);
		s->kid[i]->weight = (int)(e - prev);
		prev = e;
	}
}

/* Even shares of LAYOUT_SCALE. */
static void share_evenly(struct node *s)
{
	int64_t *end = xmalloc(s->n * sizeof *end);

	for (size_t i = 0; i < s->n; i++)
		end[i] = (int64_t)i + 1;
	set_ends(s, end, (int64_t)s->n, LAYOUT_SCALE);
	free(end);
}

static int64_t weight_total(const struct node *s)
{
	int64_t t = 0;

	for (size_t i = 0; i < s->n; i++)
		t += s->kid[i]->weight;
	return t;
}

/* The same shares of s, in weights that add up to scale. */
static void rescale(struct node *s, int64_t scale)
{
	int64_t *end = xmalloc(s->n * sizeof *end), cum = 0;

	for (size_t i = 0; i < s->n; i++)
		end[i] = cum += s->kid[i]->weight;
	set_ends(s, end, cum, scale);
	free(end);
}

/* Puts split c's children in its place in g, a split of the same kind,
 * sharing c's weight as they shared c. */
static void merge(struct node *g, struct node *c)
{
	size_t at = kid_index(g, c);

	rescale(c, c->weight);
	kid_remove(g, at);
	for (size_t i = 0; i < c->n; i++)
		kid_insert(g, at + i, c->kid[i]);
	c->n = 0;
	node_free(c);
}

/* Split p has one child left: the child takes p's place, and merges
 * into the split above when it is one of that kind. */
static void collapse(struct layout *l, struct node *p)
{
	struct node *only = p->kid[0], *g = p->parent;

	node_replace(l, p, only);
	p->n = 0;
	node_free(p);
	if (g != NULL && only->kind == g->kind)
		merge(g, only);
}

/* --- sizes --- */

static int border(enum node_kind axis)
{
	return axis == NODE_LEFTRIGHT ? 1 : 0;
}

/* The fewest cells n needs along axis (NODE_LEFTRIGHT: columns). */
static int node_min(const struct node *n, enum node_kind axis)
{
	int sum = 0, most = 0, m;

	if (n->kind == NODE_PANE)
		return axis == NODE_LEFTRIGHT ? LAYOUT_MIN_W : LAYOUT_MIN_H;
	for (size_t i = 0; i < n->n; i++) {
		m = node_min(n->kid[i], axis);
		sum += m;
		most = m > most ? m : most;
	}
	return n->kind == axis ? sum + border(axis) * (int)(n->n - 1) : most;
}

/* len cells by weight, rounded so that they add up to len. */
static void share_by_weight(const struct node *p, int len, int *ext)
{
	int64_t total = weight_total(p), cum = 0, prev = 0, e;

	for (size_t i = 0; i < p->n; i++) {
		cum += p->kid[i]->weight;
		e = (2 * (int64_t)len * cum + total) / (2 * total);
		ext[i] = (int)(e - prev);
		prev = e;
	}
}

/* Raises each extent under its minimum, taking the cells from the child
 * with the most to spare, one at a time; the caller made sure there is
 * room for every minimum, and the cells owed are at most their sum. */
static void raise_to_min(size_t n, int *ext, const int *min)
{
	int owed = 0;
	size_t most;

	for (size_t i = 0; i < n; i++)
		if (ext[i] < min[i]) {
			owed += min[i] - ext[i];
			ext[i] = min[i];
		}
	for (; owed > 0; owed--) {
		most = 0;
		for (size_t i = 1; i < n; i++)
			if (ext[i] - min[i] > ext[most] - min[most])
				most = i;
		ext[most]--;
	}
}

/* Too little room for all: children in order get their minimum while it
 * fits, the last of them what is left too; the rest get 0. When not even
 * the first fits, it gets it all, to show what it can. */
static void share_some(size_t n, int len, const int *min, int *ext)
{
	size_t shown = 0;
	int left = len;

	for (size_t i = 0; i < n; i++)
		ext[i] = 0;
	for (; shown < n && min[shown] <= left; shown++) {
		ext[shown] = min[shown];
		left -= min[shown];
	}
	if (shown > 0)
		ext[shown - 1] += left;
	else
		ext[0] = len;
}

/*
 * How p shares len cells along its axis: each child's extent, its pane
 * cells and, side by side, the border column after them; the last
 * child's border is one past the end, so the extents add up to len + 1.
 * Owning the border this way keeps borders where they are when a split
 * takes a child's place or gives it up. min gets the least extent of
 * each. 1 when every child got its least, 0 when some got 0 cells.
 */
static int share_out(const struct node *p, int len, int *ext, int *min)
{
	int b = border(p->kind), sum = 0;

	len = (len > 0 ? len : 0) + b;
	for (size_t i = 0; i < p->n; i++)
		sum += min[i] = node_min(p->kid[i], p->kind) + b;
	if (len < sum) {
		share_some(p->n, len, min, ext);
		return 0;
	}
	share_by_weight(p, len, ext);
	raise_to_min(p->n, ext, min);
	return 1;
}

/* The rectangles of p's children in r (0 cells wide or high when they do
 * not fit); 1 when they all fit. */
static int split_rects(const struct node *p, struct rect r, struct rect *out)
{
	int *ext = xmalloc(2 * p->n * sizeof *ext), *min = ext + p->n;
	int lr = p->kind == NODE_LEFTRIGHT, pos = lr ? r.x : r.y, b = border(p->kind), fit;

	fit = share_out(p, lr ? r.w : r.h, ext, min);
	for (size_t i = 0; i < p->n; i++) {
		int size = ext[i] > b ? ext[i] - b : 0;

		out[i] = r;
		if (lr) {
			out[i].x = pos;
			out[i].w = size;
		} else {
			out[i].y = pos;
			out[i].h = size;
		}
		pos += ext[i];
	}
	free(ext);
	return fit;
}

/* Where n is in area. */
static struct rect node_rect(const struct node *n, struct rect area)
{
	struct rect r, *kr;

	if (n->parent == NULL)
		return area;
	r = node_rect(n->parent, area);
	kr = xmalloc(n->parent->n * sizeof *kr);
	split_rects(n->parent, r, kr);
	r = kr[kid_index(n->parent, n)];
	free(kr);
	return r;
}

static void place(const struct node *n, struct rect r, struct layout_pane *out, size_t max,
		  size_t *k)
{
	struct rect *kr;

	if (*k == max)
		return;
	if (n->kind == NODE_PANE) {
		out[*k].id = n->id;
		out[*k].r = r.h >= LAYOUT_MIN_H && r.w >= LAYOUT_MIN_W ? r : (struct rect){0};
		(*k)++;
		return;
	}
	kr = xmalloc(n->n * sizeof *kr);
	split_rects(n, r, kr);
	for (size_t i = 0; i < n->n; i++)
		place(n->kid[i], kr[i], out, max, k);
	free(kr);
}

static struct rect area_fix(struct rect a)
{
	a.h = a.h > 0 ? a.h : 0;
	a.w = a.w > 0 ? a.w : 0;
	return a;
}

/* All panes, in tree order; *n gets how many. The caller frees. */
static struct layout_pane *panes(const struct layout *l, struct rect area, size_t *n)
{
	struct layout_pane *v = xmalloc((l->count ? l->count : 1) * sizeof *v);

	*n = layout_compute(l, area, v, l->count);
	return v;
}

/* --- the API --- */

struct layout *layout_new(void)
{
	return xcalloc(1, sizeof(struct layout));
}

void layout_free(struct layout *l)
{
	if (l == NULL)
		return;
	node_free(l->root);
	free(l);
}

size_t layout_count(const struct layout *l)
{
	return l->count;
}

static struct node *tile_row(const int *ids, size_t n)
{
	struct node *s;

	if (n == 1)
		return node_new(NODE_PANE, ids[0]);
	s = node_new(NODE_LEFTRIGHT, 0);
	for (size_t i = 0; i < n; i++)
		kid_insert(s, i, node_new(NODE_PANE, ids[i]));
	share_evenly(s);
	return s;
}

/* The ids worth tiling: positive, first time seen, up to the limit. */
static size_t tile_ids(const int *ids, size_t n, int *keep)
{
	size_t k = 0, j;

	for (size_t i = 0; i < n && k < LAYOUT_MAX_PANES; i++) {
		for (j = 0; j < k && keep[j] != ids[i]; j++)
			;
		if (ids[i] > 0 && j == k)
			keep[k++] = ids[i];
	}
	return k;
}

void layout_tile(struct layout *l, const int *ids, size_t n)
{
	int *keep = xmalloc(LAYOUT_MAX_PANES * sizeof *keep);
	size_t k = tile_ids(ids, n, keep), cols = 1, rows, i;
	struct node *col;

	node_free(l->root);
	l->root = NULL;
	l->count = k;
	while (cols * cols < k)
		cols++;
	rows = (k + cols - 1) / cols;
	if (rows == 1) {
		l->root = tile_row(keep, k);
	} else if (rows > 1) {
		col = node_new(NODE_TOPBOTTOM, 0);
		for (i = 0; i < rows; i++)
			kid_insert(col, i, tile_row(keep + i * cols, i + 1 < rows ? cols : k - i * cols));
		share_evenly(col);
		l->root = col;
	}
	free(keep);
}

int layout_split(struct layout *l, int at, int id, int vertical)
{
	enum node_kind kind = vertical ? NODE_LEFTRIGHT : NODE_TOPBOTTOM;
	struct node *a, *p, *s, *n;

	if (id <= 0 || find(l->root, id) != NULL || l->count >= LAYOUT_MAX_PANES)
		return -1;
	if (l->root == NULL) {
		l->root = node_new(NODE_PANE, id);
		l->count = 1;
		return 0;
	}
	if ((a = find(l->root, at)) == NULL)
		return -1;
	p = a->parent;
	if (p == NULL || p->kind != kind) {
		if (node_depth(a) >= LAYOUT_MAX_DEPTH)
			return -1;
		s = node_new(kind, 0);
		node_replace(l, a, s);
		kid_insert(s, 0, a);
		a->weight = LAYOUT_SCALE;
		p = s;
	} else if (weight_total(p) < LAYOUT_SCALE) {
		rescale(p, LAYOUT_SCALE); /* loaded as "1:1,1:2": room to halve */
	}
	n = node_new(NODE_PANE, id);
	n->weight = a->weight / 2;
	a->weight -= n->weight;
	kid_insert(p, kid_index(p, a) + 1, n);
	l->count++;
	return 0;
}

int layout_remove(struct layout *l, int id)
{
	struct node *c = find(l->root, id), *p;
	size_t k;

	if (c == NULL)
		return -1;
	l->count--;
	if ((p = c->parent) == NULL) {
		node_free(c);
		l->root = NULL;
		return 0;
	}
	k = kid_index(p, c);
	p->kid[k > 0 ? k - 1 : k + 1]->weight += c->weight;
	kid_remove(p, k);
	node_free(c);
	if (p->n == 1)
		collapse(l, p);
	return 0;
}

/* Moves the border between p's children a and b (its neighbour) so that a
 * gets `cells` more, within both minimums, and sets p's weights to give
 * exactly those extents in r. */
static void move_border(struct node *p, struct rect r, size_t a, size_t b, int cells)
{
	int *ext = xmalloc(2 * p->n * sizeof *ext), *min = ext + p->n;
	int len = p->kind == NODE_LEFTRIGHT ? r.w : r.h;
	int64_t *end = xmalloc(p->n * sizeof *end), cum = 0;

	if (share_out(p, len, ext, min)) {
		if (cells > ext[b] - min[b])
			cells = ext[b] - min[b];
		if (cells < min[a] - ext[a])
			cells = min[a] - ext[a];
		ext[a] += cells;
		ext[b] -= cells;
		for (size_t i = 0; i < p->n; i++)
			end[i] = cum += ext[i];
		set_ends(p, end, cum, LAYOUT_SCALE);
	}
	free(end);
	free(ext);
}

int layout_resize(struct layout *l, struct rect area, int id, enum layout_dir dir, int cells)
{
	enum node_kind kind = dir == LAYOUT_LEFT || dir == LAYOUT_RIGHT ? NODE_LEFTRIGHT
									  : NODE_TOPBOTTOM;
	int after = dir == LAYOUT_RIGHT || dir == LAYOUT_DOWN;
	struct node *c = find(l->root, id), *p = NULL;
	size_t k = 0;

	if (dir < LAYOUT_LEFT || dir > LAYOUT_DOWN)
		return -1;
	for (; c != NULL && (p = c->parent) != NULL; c = p) {
		k = kid_index(p, c);
		if (p->kind == kind && (after ? k + 1 < p->n : k > 0))
			break;
	}
	if (p == NULL)
		return -1;
	move_border(p, node_rect(p, area_fix(area)), k, after ? k + 1 : k - 1, cells);
	return 0;
}

int layout_swap(struct layout *l, int a, int b)
{
	struct node *na = find(l->root, a), *nb = find(l->root, b);

	if (na == NULL || nb == NULL)
		return -1;
	na->id = b;
	nb->id = a;
	return 0;
}

size_t layout_compute(const struct layout *l, struct rect area, struct layout_pane *out,
		      size_t max)
{
	size_t k = 0;

	if (l->root != NULL)
		place(l->root, area_fix(area), out, max, &k);
	return k;
}

/* Cells [a, a + an) and [b, b + bn) have in common. */
static int overlap(int a, int an, int b, int bn)
{
	int lo = a > b ? a : b, hi = a + an < b + bn ? a + an : b + bn;

	return hi > lo ? hi - lo : 0;
}

/* The rows or columns b shares with a when it touches a's side dir. */
static int touching(const struct rect *a, const struct rect *b, enum layout_dir dir)
{
	switch (dir) {
	case LAYOUT_LEFT:
		return b->x + b->w + 1 == a->x ? overlap(a->y, a->h, b->y, b->h) : 0;
	case LAYOUT_RIGHT:
		return a->x + a->w + 1 == b->x ? overlap(a->y, a->h, b->y, b->h) : 0;
	case LAYOUT_UP:
		return b->y + b->h == a->y ? overlap(a->x, a->w, b->x, b->w) : 0;
	case LAYOUT_DOWN:
		return a->y + a->h == b->y ? overlap(a->x, a->w, b->x, b->w) : 0;
	}
	return 0;
}

/* Twice the distance between a's and b's centres across dir. */
static int centre_gap(const struct rect *a, const struct rect *b, enum layout_dir dir)
{
	int d = dir == LAYOUT_LEFT || dir == LAYOUT_RIGHT ? (2 * a->y + a->h) - (2 * b->y + b->h)
							   : (2 * a->x + a->w) - (2 * b->x + b->w);

	return d < 0 ? -d : d;
}

int layout_neighbour(const struct layout *l, struct rect area, int id, enum layout_dir dir)
{
	size_t n, me;
	struct layout_pane *v = panes(l, area, &n);
	int best = 0, most = 0, gap = 0, o, g;

	for (me = 0; me < n && v[me].id != id; me++)
		;
	/* a pane not visible is 0x0: it touches nothing */
	for (size_t i = 0; me < n && i < n; i++) {
		if (i == me || v[i].r.h == 0 || (o = touching(&v[me].r, &v[i].r, dir)) == 0)
			continue;
		g = centre_gap(&v[me].r, &v[i].r, dir);
		if (o > most || (o == most && g < gap)) {
			best = v[i].id;
			most = o;
			gap = g;
		}
	}
	free(v);
	return best;
}

int layout_at(const struct layout *l, struct rect area, int y, int x)
{
	size_t n;
	struct layout_pane *v = panes(l, area, &n);
	int id = 0;

	for (size_t i = 0; i < n && id == 0; i++) {
		const struct rect *r = &v[i].r;

		if (y >= r->y && y < r->y + r->h && x >= r->x && x < r->x + r->w)
			id = v[i].id;
	}
	free(v);
	return id;
}

/* --- text --- */

struct text {
	char *s;
	size_t len, cap;
};

__attribute__((format(printf, 2, 3))) static void text_add(struct text *t, const char *fmt, ...)
{
	char num[32];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(num, sizeof num, fmt, ap); /* one number and a byte or two */
	va_end(ap);
	if (t->len + (size_t)n + 1 > t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->cap = t->cap > t->len + (size_t)n + 1 ? t->cap : t->len + (size_t)n + 1;
		t->s = xrealloc(t->s, t->cap);
	}
	memcpy(t->s + t->len, num, (size_t)n + 1);
	t->len += (size_t)n;
}

static void save_node(struct text *t, const struct node *n)
{
	if (n->kind == NODE_PANE) {
		text_add(t, "%d", n->id);
		return;
	}
	text_add(t, "%c(", n->kind == NODE_LEFTRIGHT ? 'h' : 'v');
	for (size_t i = 0; i < n->n; i++) {
		text_add(t, "%s%d:", i ? "," : "", n->kid[i]->weight);
		save_node(t, n->kid[i]);
	}
	text_add(t, ")");
}

char *layout_save(const struct layout *l)
{
	struct text t = {0};

	if (l->root == NULL)
		return xstrdup("");
	save_node(&t, l->root);
	return t.s;
}

struct parser {
	const char *p;
	size_t panes;
};

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A decimal number 0..max, without sign or leading zeros. */
static int parse_num(struct parser *ps, long long max, long long *out)
{
	const char *p = ps->p;
	long long v = 0;

	if (!is_digit(*p) || (*p == '0' && is_digit(p[1])))
		return -1;
	for (; is_digit(*p); p++)
		if ((v = v * 10 + (*p - '0')) > max)
			return -1;
	ps->p = p;
	*out = v;
	return 0;
}

static int expect(struct parser *ps, char c)
{
	if (*ps->p != c)
		return -1;
	ps->p++;
	return 0;
}

static struct node *parse_node(struct parser *ps, int depth);

/* The children of a split, from its '('; depth is the splits above it. */
static struct node *parse_split(struct parser *ps, enum node_kind kind, int depth)
{
	struct node *s = node_new(kind, 0), *c;
	long long w, total = 0;

	if (depth >= LAYOUT_MAX_DEPTH || expect(ps, '(') < 0)
		goto bad;
	do {
		if (parse_num(ps, LAYOUT_SCALE_MAX, &w) < 0 || expect(ps, ':') < 0)
			goto bad;
		if ((c = parse_node(ps, depth + 1)) == NULL)
			goto bad;
		kid_insert(s, s->n, c);
		c->weight = (int)w;
		if (c->kind == kind || (total += w) > LAYOUT_SCALE_MAX)
			goto bad;
	} while (expect(ps, ',') == 0);
	if (expect(ps, ')') < 0 || s->n < 2 || total == 0)
		goto bad;
	return s;
bad:
	node_free(s);
	return NULL;
}

static struct node *parse_node(struct parser *ps, int depth)
{
	long long id;

	if (*ps->p == 'h' || *ps->p == 'v') {
		ps->p++;
		return parse_split(ps, ps->p[-1] == 'h' ? NODE_LEFTRIGHT : NODE_TOPBOTTOM, depth);
	}
	if (parse_num(ps, INT_MAX, &id) < 0 || id == 0 || ++ps->panes > LAYOUT_MAX_PANES)
		return NULL;
	return node_new(NODE_PANE, (int)id);
}

static void collect_ids(const struct node *n, int *ids, size_t *k)
{
	if (n->kind == NODE_PANE)
		ids[(*k)++] = n->id;
	for (size_t i = 0; i < n->n; i++)
		collect_ids(n->kid[i], ids, k);
}

static int int_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* 1 when no id is there twice. */
static int ids_unique(const struct node *root, size_t n)
{
	int *ids = xmalloc(n * sizeof *ids), ok = 1;
	size_t k = 0;

	collect_ids(root, ids, &k);
	qsort(ids, k, sizeof *ids, int_cmp);
	for (size_t i = 1; i < k; i++)
		if (ids[i] == ids[i - 1])
			ok = 0;
	free(ids);
	return ok;
}

struct layout *layout_load(const char *text)
{
	struct parser ps = {text, 0};
	struct layout *l;
	struct node *root;

	if (text == NULL)
		return NULL;
	if (*text == '\0')
		return layout_new();
	root = parse_node(&ps, 0);
	if (root == NULL || *ps.p != '\0' || !ids_unique(root, ps.panes)) {
		node_free(root);
		return NULL;
	}
	l = layout_new();
	l->root = root;
	l->count = ps.panes;
	return l;
}
