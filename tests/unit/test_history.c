/*
 * test_history.c: the text copy mode gets from output that skipped the
 * terminal (history_raw): escape sequences of each kind stripped whole,
 * nothing of the text after them lost, lines split across calls joined,
 * and a flood longer than the ring leaving its last HISTORY_LINES lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "unit.h"

struct strip_row {
	const char *name, *in, *want; /* want: the lines, each ended by \n */
};

static const struct strip_row strip_rows[] = {
	{"plain lines", "one\ntwo\n", "one\ntwo\n"},
	{"a CSI", "\033[1;31mred\033[0m text\n", "red text\n"},
	{"a two-byte escape (save the cursor)", "\0337saved\0338\n", "saved\n"},
	{"a keypad mode", "\033=keys\033>\n", "keys\n"},
	{"a charset designation", "\033(Bascii\033)0\n", "ascii\n"},
	{"an OSC ended by BEL", "\033]0;title\007after\n", "after\n"},
	{"an OSC ended by ST", "\033]0;title\033\\after\n", "after\n"},
	{"carriage returns and tabs dropped", "a\r\tb\n", "ab\n"},
	{"an unended line stays out", "done\nnot yet", "done\n"},
};

/* Every line the history holds, each with \n. */
static char *lines_of(const struct history *h)
{
	size_t len = 1, at = 0;
	char *s;

	for (size_t i = 0; i < h->n; i++)
		len += strlen(history_line(h, i)) + 1;
	s = malloc(len);
	assert_non_null(s);
	for (size_t i = 0; i < h->n; i++)
		at += (size_t)sprintf(s + at, "%s\n", history_line(h, i));
	s[at] = '\0';
	return s;
}

static void strip_test(void **state)
{
	const struct strip_row *r = *state;
	struct history h = {0};
	uint8_t *in = buf_dup(r->in, strlen(r->in));
	char *got;

	history_raw(&h, (const char *)in, strlen(r->in));
	got = lines_of(&h);
	assert_string_equal(got, r->want);
	free(got);
	free(in);
	history_free(&h);
}

/* Each split of a stream into two calls gives the same lines. */
static void split_test(void **state)
{
	static const char s[] = "\033[32mab\033]2;t\007cd\nef\0337gh\n\033(Bij\n";
	struct history whole = {0};
	char *want;

	(void)state;
	history_raw(&whole, s, sizeof s - 1);
	want = lines_of(&whole);
	assert_string_equal(want, "abcd\nefgh\nij\n");
	for (size_t cut = 0; cut <= sizeof s - 1; cut++) {
		struct history h = {0};
		char *got;

		/* Split after the text's own characters: an escape split
		 * in two is not whole in either call. */
		if (cut && !strchr("abcdefghij\n", s[cut - 1]))
			continue;
		history_raw(&h, s, cut);
		history_raw(&h, s + cut, sizeof s - 1 - cut);
		got = lines_of(&h);
		assert_string_equal(got, want);
		free(got);
		history_free(&h);
	}
	free(want);
	history_free(&whole);
}

/* A flood of more lines than the ring holds, in one call and in pieces,
 * after a line begun earlier: the last HISTORY_LINES lines, in order. */
static void flood_test(void **state)
{
	size_t total = 3 * HISTORY_LINES + 17, len = 0;
	char *flood = malloc(total * 16);

	(void)state;
	assert_non_null(flood);
	for (size_t i = 0; i < total; i++)
		len += (size_t)sprintf(flood + len, "\033[1mline %zu\n", i);
	for (size_t piece = len; piece >= len / 7; piece = piece == len ? len / 7 : 0) {
		struct history h = {0};

		history_raw(&h, "begun ", 6);
		for (size_t at = 0; at < len; at += piece)
			history_raw(&h, flood + at, at + piece < len ? piece : len - at);
		assert_int_equal(h.n, HISTORY_LINES);
		for (size_t i = 0; i < h.n; i++) {
			char want[32];

			snprintf(want, sizeof want, "line %zu", total - HISTORY_LINES + i);
			assert_string_equal(history_line(&h, i), want);
		}
		history_free(&h);
	}
	free(flood);
}

int main(void)
{
	static char names[nitems(strip_rows)][80];
	struct case_list l = {0};

	for (size_t i = 0; i < nitems(strip_rows); i++) {
		snprintf(names[i], sizeof names[i], "stripped: %s", strip_rows[i].name);
		case_add(&l, names[i], strip_test, &strip_rows[i]);
	}
	case_add(&l, "lines split across calls", split_test, NULL);
	case_add(&l, "a flood longer than the ring", flood_test, NULL);
	return case_run(&l, "history") ? 1 : 0;
}
