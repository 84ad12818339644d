/*
 * test_detach.c: the detach-key matcher, one case per row: keys, the
 * reads as they arrive, and per read what the remote program gets and
 * what the matcher says; "expire" rows end with the double-press timer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detach.h"
#include "unit.h"

#define MAXREADS 4

struct read {
	const char *in; /* NULL ends the list */
	const char *out;
	enum detach_result rc;
};

struct detach_row {
	const char *name;
	const char *keys; /* docker syntax */
	struct read reads[MAXREADS + 1];
	int expire;       /* -1: not asked; else what detach_expire says */
};

#define R(in, out, rc) {in, out, rc}

static const struct detach_row rows[] = {
	{"two keys in one read", "ctrl-p,ctrl-q", {R("\x10\x11", "", DETACH_YES)}, -1},
	{"two keys split over two reads", "ctrl-p,ctrl-q",
	 {R("\x10", "", DETACH_NO), R("\x11", "", DETACH_YES)}, -1},
	{"in the middle of a paste; what follows is dropped", "ctrl-p,ctrl-q",
	 {R("abc\x10\x11" "def", "abc", DETACH_YES)}, -1},
	{"a partial match that breaks off goes on, in order", "ctrl-p,ctrl-q",
	 {R("\x10x", "\x10x", DETACH_NO)}, -1},
	{"a partial match at a read's end waits for the next", "ctrl-p,ctrl-q",
	 {R("ab\x10", "ab", DETACH_NO), R("c", "\x10" "c", DETACH_NO)}, -1},
	{"a broken match that starts the sequence again", "ctrl-p,ctrl-q",
	 {R("\x10\x10\x11", "\x10", DETACH_YES)}, -1},
	{"overlap: a,a,b in aaab", "a,a,b", {R("xaaab", "xa", DETACH_YES)}, -1},
	{"overlap: a,a,b in aaaab, split", "a,a,b",
	 {R("aa", "", DETACH_NO), R("a", "a", DETACH_NO), R("ab", "a", DETACH_YES)}, -1},
	{"no sequence: all passes", "ctrl-p,ctrl-q", {R("hello world\n", "hello world\n", DETACH_NO)}, -1},
	{"three keys, one per read", "ctrl-a,d,ctrl-x",
	 {R("\x01", "", DETACH_NO), R("d", "", DETACH_NO), R("\x18", "", DETACH_YES)}, -1},
	{"three keys broken at the last", "ctrl-a,d,ctrl-x",
	 {R("\x01" "d", "", DETACH_NO), R("e", "\x01" "de", DETACH_NO)}, -1},
	{"one key, alone: armed, then the timer detaches", "ctrl-]",
	 {R("\x1d", "", DETACH_ARMED)}, 1},
	{"one key twice in one read: sent once", "ctrl-]", {R("\x1d\x1d", "\x1d", DETACH_NO)}, 0},
	{"one key twice over two reads: sent once", "ctrl-]",
	 {R("\x1d", "", DETACH_ARMED), R("\x1d", "\x1d", DETACH_NO)}, 0},
	{"one key then another: detach", "ctrl-]",
	 {R("ab\x1d", "ab", DETACH_ARMED), R("x", "", DETACH_YES)}, -1},
	{"one key in a paste, then more: detach", "ctrl-]", {R("ab\x1d" "cd", "ab", DETACH_YES)}, -1},
	{"one key three times: once, then armed", "ctrl-]",
	 {R("\x1d\x1d\x1d", "\x1d", DETACH_ARMED)}, 1},
	{"one key twice then text", "ctrl-]", {R("\x1d\x1dls\n", "\x1dls\n", DETACH_NO)}, -1},
	{"a plain character as the key", "q", {R("aq", "a", DETACH_ARMED), R("q", "q", DETACH_NO)}, 0},
	{"detaching off: all passes", "", {R("\x1d\x10\x11", "\x1d\x10\x11", DETACH_NO)}, 0},
	{"the timer without a press does nothing", "ctrl-]", {R("abc", "abc", DETACH_NO)}, 0},
	{"sixteen keys", "a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,b",
	 {R("aaaaaaaaaaaaaaa", "", DETACH_NO), R("a", "a", DETACH_NO), R("b", "", DETACH_YES)}, -1},
	{"sixteen keys, broken late, replayed", "a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,b",
	 {R("aaaaaaaaaaaaaaac", "aaaaaaaaaaaaaaac", DETACH_NO)}, -1},
};

static const char *rc_name(enum detach_result rc)
{
	return rc == DETACH_YES ? "YES" : rc == DETACH_ARMED ? "ARMED" : "NO";
}

static void detach_test(void **state)
{
	const struct detach_row *r = *state;
	struct detachkeys k;
	struct detach d;
	char err[300];
	unsigned char out[64 + DETACHKEYS_MAX];
	size_t n;

	assert_int_equal(detachkeys_parse(r->keys, &k, err, sizeof err), 0);
	detach_init(&d, &k);
	for (const struct read *rd = r->reads; rd->in; rd++) {
		size_t len = strlen(rd->in);
		uint8_t *in = buf_dup(rd->in, len); /* ASan sees a read past it */
		enum detach_result rc = detach_feed(&d, in, len, out, &n);
		free(in);
		if (rc != rd->rc)
			fail_msg("read \"%s\": %s, want %s", rd->in, rc_name(rc), rc_name(rd->rc));
		if (n != strlen(rd->out) || memcmp(out, rd->out, n) != 0)
			fail_msg("read \"%s\": out \"%.*s\" (%zu), want \"%s\"", rd->in, (int)n, out, n,
				 rd->out);
		if (rc == DETACH_YES)
			break;
	}
	if (r->expire >= 0)
		assert_int_equal(detach_expire(&d), r->expire);
}

/* Byte by byte or all at once, the same bytes reach the program. */
static void chunking_test(void **state)
{
	static const char text[] = "ab\x10" "c\x10\x10" "d\x10\x11" "tail";
	unsigned char out[64], all[64];
	size_t n, total = 0, n1;
	struct detachkeys k;
	struct detach d;
	char err[100];
	enum detach_result rc = DETACH_NO;

	(void)state;
	detachkeys_parse("ctrl-p,ctrl-q", &k, err, sizeof err);
	detach_init(&d, &k);
	assert_int_equal(detach_feed(&d, (const unsigned char *)text, sizeof text - 1, all, &n1),
			 DETACH_YES);
	detach_init(&d, &k);
	for (size_t i = 0; i < sizeof text - 1 && rc != DETACH_YES; i++) {
		rc = detach_feed(&d, (const unsigned char *)text + i, 1, out, &n);
		memcpy(all + 32 + total, out, n);
		total += n;
	}
	assert_int_equal(rc, DETACH_YES);
	assert_int_equal(total, n1);
	assert_memory_equal(all, all + 32, n1);
	assert_memory_equal(all, "ab\x10" "c\x10\x10" "d", n1);
}

int main(void)
{
	struct case_list l = {0};

	for (size_t i = 0; i < nitems(rows); i++)
		case_add(&l, rows[i].name, detach_test, &rows[i]);
	case_add(&l, "byte by byte as all at once", chunking_test, NULL);
	return case_run(&l, "detach") ? 1 : 0;
}
