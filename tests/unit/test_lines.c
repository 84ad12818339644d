/*
 * test_lines.c: a byte stream as lines (lines_push, lines_flush). The
 * same stream read in any pieces gives the same lines; whole lines of a
 * read come straight from its bytes; lines past LINES_MAX are cut, and
 * not inside a UTF-8 character.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lines.h"
#include "unit.h"

#define M LINES_MAX

/* What the emit callback saw. */
struct piece {
	char *s;
	size_t len;
	int flags;
	const char *at; /* the pointer emitted */
};

struct got {
	struct piece *v;
	size_t n, cap;
};

static void collect(void *arg, const char *line, size_t len, int flags)
{
	struct got *g = arg;

	if (g->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 16;
		g->v = realloc(g->v, g->cap * sizeof *g->v);
		assert_non_null(g->v);
	}
	g->v[g->n++] = (struct piece){(char *)buf_dup(line, len), len, flags, line};
}

static void got_free(struct got *g)
{
	for (size_t i = 0; i < g->n; i++)
		free(g->v[i].s);
	free(g->v);
	*g = (struct got){0};
}

/* Pushes a copy of exactly len bytes, so ASan sees a read past them, and
 * checks the bound on what is held. */
static void push(struct lines *l, const void *data, size_t len, struct got *g)
{
	uint8_t *copy = buf_dup(data, len);

	lines_push(l, copy, len, collect, g);
	free(copy);
	assert_true(lines_held(l) <= M);
	assert_true(l->cap <= M);
}

/* An expected line: text (NUL-free) and flags. */
struct want {
	const char *s;
	int flags;
};

static void check(const struct got *g, const struct want *w, size_t n, const char *how)
{
	if (g->n != n)
		fail_msg("%s: %zu lines, want %zu", how, g->n, n);
	for (size_t i = 0; i < n; i++) {
		if (g->v[i].len != strlen(w[i].s) || memcmp(g->v[i].s, w[i].s, g->v[i].len) != 0)
			fail_msg("%s: line %zu is \"%.*s\", want \"%s\"", how, i, (int)g->v[i].len,
				 g->v[i].s, w[i].s);
		if (g->v[i].flags != w[i].flags)
			fail_msg("%s: line %zu flags %d, want %d", how, i, g->v[i].flags, w[i].flags);
	}
}

/* A sample stream: empty lines, CR LF, a lone CR, UTF-8, no final newline. */
static const char sample[] = "first\n\na\r\n\r\nx\ry\ntab\there\n"
			     "h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80\n\n\nno newline at the end";
static const struct want sample_lines[] = {
	{"first", 0}, {"", 0}, {"a\r", 0}, {"\r", 0}, {"x\ry", 0}, {"tab\there", 0},
	{"h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80", 0}, {"", 0}, {"", 0},
	{"no newline at the end", LINE_PARTIAL},
};

/* Every 2-way split; what is held between the pushes is what follows
 * the first part's last newline. */
static void split_test(void **state)
{
	size_t len = sizeof sample - 1, before = heap_in_use();
	char how[40];

	(void)state;
	for (size_t i = 0; i <= len; i++) {
		struct lines l = {0};
		struct got g = {0};
		size_t held = i;

		for (size_t k = 0; k < i; k++)
			if (sample[k] == '\n')
				held = i - k - 1;
		push(&l, sample, i, &g);
		assert_int_equal(lines_held(&l), held);
		push(&l, sample + i, len - i, &g);
		lines_flush(&l, collect, &g);
		snprintf(how, sizeof how, "split at %zu", i);
		check(&g, sample_lines, nitems(sample_lines), how);
		assert_int_equal(lines_held(&l), 0);
		lines_free(&l);
		got_free(&g);
	}
	assert_int_equal(heap_in_use(), before);
}

/* Our own generator, so the chunkings are the same with any libc. */
static uint32_t rnd(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 16;
}

/* Random chunkings, empty pushes among them. */
static void random_test(void **state)
{
	size_t len = sizeof sample - 1;
	uint32_t seed = 42;
	char how[40];

	(void)state;
	for (int run = 0; run < 2000; run++) {
		struct lines l = {0};
		struct got g = {0};

		for (size_t at = 0, n; at < len; at += n) {
			n = rnd(&seed) % 9;
			if (n > len - at)
				n = len - at;
			push(&l, sample + at, n, &g);
		}
		lines_flush(&l, collect, &g);
		snprintf(how, sizeof how, "run %d", run);
		check(&g, sample_lines, nitems(sample_lines), how);
		lines_free(&l);
		got_free(&g);
	}
}

/* Complete lines come from the caller's bytes when nothing is held; a
 * line held across reads comes from the buffer. */
static void nocopy_test(void **state)
{
	char *a = (char *)buf_dup("one\ntwo\n\nthree", 14), *b = (char *)buf_dup("\nfour\n", 6);
	struct lines l = {0};
	struct got g = {0};

	(void)state;
	lines_push(&l, a, 14, collect, &g);
	assert_int_equal(g.n, 3);
	assert_ptr_equal(g.v[0].at, a);
	assert_ptr_equal(g.v[1].at, a + 4);
	assert_ptr_equal(g.v[2].at, a + 8);
	assert_int_equal(lines_held(&l), 5);
	lines_push(&l, b, 6, collect, &g);
	assert_int_equal(g.n, 5);
	assert_true(g.v[3].at < b || g.v[3].at >= b + 6);
	assert_memory_equal(g.v[3].s, "three", 5);
	assert_ptr_equal(g.v[4].at, b + 1);
	lines_free(&l);
	got_free(&g);
	free(a);
	free(b);
}

/* Empty lines, pushes of nothing. */
static void empty_test(void **state)
{
	static const struct want three[] = {{"", 0}, {"", 0}, {"", 0}};
	static const struct want ab[] = {{"ab", 0}};
	char *nl = (char *)buf_dup("\n\n\n", 3);
	struct lines l = {0};
	struct got g = {0};

	(void)state;
	lines_push(&l, NULL, 0, collect, &g);
	assert_int_equal(g.n, 0);
	assert_int_equal(lines_held(&l), 0);
	assert_null(l.buf); /* nothing allocated for nothing */
	lines_flush(&l, collect, &g);
	assert_int_equal(g.n, 0);
	lines_push(&l, nl, 3, collect, &g);
	check(&g, three, 3, "three newlines");
	for (size_t i = 0; i < 3; i++)
		assert_ptr_equal(g.v[i].at, nl + i);
	got_free(&g);
	push(&l, "ab", 2, &g);
	lines_push(&l, NULL, 0, collect, &g);
	lines_push(&l, nl, 0, collect, &g);
	assert_int_equal(lines_held(&l), 2);
	push(&l, "\n", 1, &g);
	check(&g, ab, 1, "held across empty pushes");
	lines_free(&l);
	got_free(&g);
	free(nl);
}

/* A flushed prompt, and what follows it on the same line. */
static void flush_test(void **state)
{
	static const struct want want[] = {
		{"prompt$ ", LINE_PARTIAL}, {"ls", LINE_CONT}, {"x", 0},
		{"a", LINE_PARTIAL}, {"b", LINE_PARTIAL | LINE_CONT}, {"", LINE_CONT},
		{"tail", LINE_PARTIAL},
	};
	size_t before = heap_in_use();
	struct lines l = {0};
	struct got g = {0};

	(void)state;
	push(&l, "prompt$ ", 8, &g);
	lines_flush(&l, collect, &g);
	lines_flush(&l, collect, &g); /* nothing held: nothing */
	push(&l, "ls\nx\na", 6, &g);
	lines_flush(&l, collect, &g);
	push(&l, "b", 1, &g);
	lines_flush(&l, collect, &g);
	push(&l, "\ntail", 5, &g);
	lines_flush(&l, collect, &g);
	check(&g, want, nitems(want), "flushes");
	lines_free(&l);
	got_free(&g);
	assert_int_equal(heap_in_use(), before);
}

/* Long lines. A row is a line of len bytes of ASCII with seq put at off
 * (to test cuts near a character), ended by a newline or by a flush, and
 * the pieces it must come out as. */
struct cut_row {
	const char *name;
	size_t len;
	const char *seq;
	size_t off;
	int newline;
	size_t pieces[5];
	int flags[5];
};

#define CUT LINE_CUT
#define CONT LINE_CONT
#define CC (LINE_CUT | LINE_CONT)

static const struct cut_row cut_rows[] = {
	{"LINES_MAX - 1", M - 1, NULL, 0, 1, {M - 1}, {0}},
	{"exactly LINES_MAX", M, NULL, 0, 1, {M}, {0}},
	{"exactly LINES_MAX, flushed", M, NULL, 0, 0, {M}, {LINE_PARTIAL}},
	{"LINES_MAX + 1", M + 1, NULL, 0, 1, {M, 1}, {CUT, CONT}},
	{"2 * LINES_MAX", 2 * M, NULL, 0, 1, {M, M}, {CUT, CONT}},
	{"3 MiB", 3 * M, NULL, 0, 1, {M, M, M}, {CUT, CC, CONT}},
	{"3 MiB + 1, flushed", 3 * M + 1, NULL, 0, 0, {M, M, M, 1},
	 {CUT, CC, CC, LINE_PARTIAL | CONT}},
	/* A character across the limit goes whole into the next piece. */
	{"2-byte character across", M + 10, "\xc3\xa9", M - 1, 1, {M - 1, 11}, {CUT, CONT}},
	{"3-byte character, 1 byte before", M + 10, "\xe2\x82\xac", M - 1, 1, {M - 1, 11}, {CUT, CONT}},
	{"3-byte character, 2 bytes before", M + 10, "\xe2\x82\xac", M - 2, 1, {M - 2, 12}, {CUT, CONT}},
	{"4-byte character, 1 byte before", M + 10, "\xf0\x9f\x98\x80", M - 1, 1, {M - 1, 11},
	 {CUT, CONT}},
	{"4-byte character, 3 bytes before", M + 10, "\xf0\x9f\x98\x80", M - 3, 1, {M - 3, 13},
	 {CUT, CONT}},
	{"4-byte character at the start of the 2nd cut", 2 * M + 10, "\xf0\x9f\x98\x80", 2 * M - 2,
	 0, {M, M - 2, 12}, {CUT, CC, LINE_PARTIAL | CONT}},
	/* Characters that end at the limit, or bytes that are not UTF-8. */
	{"2-byte character ending at the limit", M + 10, "\xc3\xa9", M - 2, 1, {M, 10}, {CUT, CONT}},
	{"4-byte character ending at the limit", M + 10, "\xf0\x9f\x98\x80", M - 4, 1, {M, 10},
	 {CUT, CONT}},
	{"continuation bytes without a lead", M + 10, "\x80\x80\x80\x80\x80\x80", M - 3, 1, {M, 10},
	 {CUT, CONT}},
	{"a lead 4 back, then 5 continuations", M + 10, "\xf0\x80\x80\x80\x80\x80", M - 4, 1, {M, 10},
	 {CUT, CONT}},
	{"a lead before the limit, ASCII after it", M + 10, "\xe2", M - 1, 1, {M, 10}, {CUT, CONT}},
};

static char *cut_line(const struct cut_row *r)
{
	char *s = malloc(r->len + 1);

	assert_non_null(s);
	for (size_t i = 0; i < r->len; i++)
		s[i] = (char)('!' + i % 89); /* printable, no newline; shows a shifted piece */
	if (r->seq)
		memcpy(s + r->off, r->seq, strlen(r->seq));
	s[r->len] = '\n';
	return s;
}

/* The pieces, glued back, are the line; each has its length and flags. */
static void cut_check(const struct cut_row *r, const char *s, const struct got *g,
		      const char *how)
{
	size_t at = 0, n = 0;

	while (n < nitems(r->pieces) && r->pieces[n])
		n++;
	if (g->n != n)
		fail_msg("%s: %zu pieces, want %zu", how, g->n, n);
	for (size_t i = 0; i < n; i++) {
		if (g->v[i].len != r->pieces[i] || g->v[i].flags != r->flags[i])
			fail_msg("%s: piece %zu has %zu bytes, flags %d; want %zu, %d", how, i,
				 g->v[i].len, g->v[i].flags, r->pieces[i], r->flags[i]);
		assert_memory_equal(g->v[i].s, s + at, g->v[i].len);
		at += g->v[i].len;
	}
	assert_int_equal(at, r->len);
}

/* Reads the line (and its newline) in chunks of step bytes after a first
 * chunk of first bytes. Straight from s, not from copies: a million
 * 1-byte copies would be slow, and s is malloc'd to its exact size. */
static void cut_read(const struct cut_row *r, const char *s, size_t first, size_t step,
		     const char *how)
{
	size_t total = r->len + (r->newline ? 1 : 0);
	struct lines l = {0};
	struct got g = {0};

	if (first > total)
		first = total;
	lines_push(&l, s, first, collect, &g);
	for (size_t at = first, n; at < total; at += n) {
		n = total - at < step ? total - at : step;
		lines_push(&l, s + at, n, collect, &g);
		assert_true(lines_held(&l) <= M);
	}
	assert_true(l.cap <= M);
	lines_flush(&l, collect, &g);
	cut_check(r, s, &g, how);
	lines_free(&l);
	got_free(&g);
}

static void cut_test(void **state)
{
	const struct cut_row *r = *state;
	size_t before = heap_in_use(), total = r->len + (r->newline ? 1 : 0);
	char *s = cut_line(r), how[64];
	struct lines l = {0};
	struct got g = {0};

	/* In one read, every piece is emitted from the caller's bytes. */
	lines_push(&l, s, total, collect, &g);
	lines_flush(&l, collect, &g);
	cut_check(r, s, &g, "one read");
	for (size_t i = 0; i + 1 < g.n || (r->newline && i < g.n); i++)
		assert_true(g.v[i].at >= s && g.v[i].at < s + total);
	assert_true(l.cap <= M);
	lines_free(&l);
	got_free(&g);
	/* Split around each limit and in odd chunk sizes: the same pieces. */
	for (size_t k = M; k < r->len + 4; k += M)
		for (size_t d = 0; d <= 8; d++) {
			snprintf(how, sizeof how, "split at %zu", k + d - 4);
			cut_read(r, s, k + d - 4, total, how);
		}
	cut_read(r, s, 10, 65536, "10, then 64 KiB reads");
	cut_read(r, s, 0, 4093, "4093-byte reads");
	cut_read(r, s, 0, 1, "1-byte reads");
	free(s);
	assert_int_equal(heap_in_use(), before);
}

/* A long line held across reads is let go once it is out. */
static void release_test(void **state)
{
	char *s = malloc(200000);
	struct lines l = {0};
	struct got g = {0};

	(void)state;
	assert_non_null(s);
	memset(s, 'z', 200000);
	push(&l, s, 200000, &g);
	assert_int_equal(lines_held(&l), 200000);
	push(&l, "\nnext", 5, &g);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.v[0].len, 200000);
	assert_int_equal(lines_held(&l), 4);
	assert_true(l.cap < 200000);
	lines_free(&l);
	assert_null(l.buf);
	assert_int_equal(lines_held(&l), 0);
	got_free(&g);
	free(s);
}

int main(void)
{
	static char names[nitems(cut_rows)][80];
	struct case_list l = {0};

	case_add(&l, "every 2-way split of a sample stream", split_test, NULL);
	case_add(&l, "random chunkings of a sample stream", random_test, NULL);
	case_add(&l, "whole lines are not copied", nocopy_test, NULL);
	case_add(&l, "empty lines and empty pushes", empty_test, NULL);
	case_add(&l, "flushed partial lines and their continuation", flush_test, NULL);
	for (size_t i = 0; i < nitems(cut_rows); i++) {
		snprintf(names[i], sizeof names[i], "cut: %s", cut_rows[i].name);
		case_add(&l, names[i], cut_test, &cut_rows[i]);
	}
	case_add(&l, "a long line's buffer is let go", release_test, NULL);
	return case_run(&l, "lines") ? 1 : 0;
}
