/*
 * test_record.c: the asciicast writer of `attach --record`, one case per
 * row: the pieces of output (and resizes) as they arrive, and what the "o"
 * events must add up to. Each file is read back and checked as asciinema
 * reads it: a JSON header, then one JSON array per line, in time order.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "proto.h"
#include "record.h"
#include "unit.h"

#define MAXPIECES 8
#define FFFD "\xef\xbf\xbd"
#define EMOJI "\xf0\x9f\x98\x80" /* U+1F600, four bytes */

struct piece {
	const char *data; /* NULL: a resize to rows x cols; NULL and 0 rows ends */
	size_t len;
	unsigned rows, cols;
};

struct record_row {
	const char *name;
	struct piece pieces[MAXPIECES + 1];
	const char *want; /* the "o" data, all events joined */
	size_t wantlen;
};

#define O(s) {s, sizeof s - 1, 0, 0}
#define RS(rows, cols) {NULL, 0, rows, cols}
#define WANT(s) s, sizeof s - 1

static const struct record_row rows[] = {
	{"plain text", {O("hello, world\r\n")}, WANT("hello, world\r\n")},
	{"emoji whole", {O(EMOJI)}, WANT(EMOJI)},
	{"emoji split after byte 1", {O("a\xf0"), O("\x9f\x98\x80" "b")}, WANT("a" EMOJI "b")},
	{"emoji split after byte 2", {O("a\xf0\x9f"), O("\x98\x80" "b")}, WANT("a" EMOJI "b")},
	{"emoji split after byte 3", {O("a\xf0\x9f\x98"), O("\x80" "b")}, WANT("a" EMOJI "b")},
	{"emoji byte by byte", {O("\xf0"), O("\x9f"), O("\x98"), O("\x80")}, WANT(EMOJI)},
	{"emoji cut by a resize", {O("\xf0\x9f"), RS(30, 100), O("\x98\x80")}, WANT(EMOJI)},
	{"two- and three-byte characters split", {O("\xc3"), O("\xa9\xe2\x82"), O("\xac")},
	 WANT("\xc3\xa9\xe2\x82\xac")},
	{"a bad byte", {O("a\xff" "b")}, WANT("a" FFFD "b")},
	{"a lone continuation byte", {O("\x80" "x")}, WANT(FFFD "x")},
	{"an overlong slash", {O("\xc0\xaf")}, WANT(FFFD FFFD)},
	{"an overlong three-byte form", {O("\xe0\x80\xaf")}, WANT(FFFD FFFD FFFD)},
	{"a surrogate", {O("\xed\xa0\x80")}, WANT(FFFD FFFD FFFD)},
	{"past U+10FFFF", {O("\xf4\x90\x80\x80" "\xf5")}, WANT(FFFD FFFD FFFD FFFD FFFD)},
	{"a cut character broken by the next piece", {O("\xe2\x82"), O("A")}, WANT(FFFD FFFD "A")},
	{"a character cut off at close", {O("x\xf0\x9f\x98")}, WANT("x" FFFD FFFD FFFD)},
	{"escape sequences", {O("\x1b[1;31mred\x1b[0m\x1b]0;title\x07\x1b[?1049h")},
	 WANT("\x1b[1;31mred\x1b[0m\x1b]0;title\x07\x1b[?1049h")},
	{"control bytes",
	 {O("\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15"
	    "\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f\"\\/")},
	 WANT("\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15"
	      "\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f\"\\/")},
	{"NUL bytes", {O("a\0b"), O("\0"), O("\0c")}, WANT("a\0b\0\0c")},
	{"empty pieces", {O(""), O("x"), O("")}, WANT("x")},
	{"text, resizes, more text", {O("ab"), RS(30, 100), RS(24, 80), O("c")}, WANT("abc")},
};

static char dir[] = "/tmp/test_record.XXXXXX";
static char path[sizeof dir + 32];

/* The file as a malloc'd, NUL-terminated string. */
static char *file_read(const char *p, size_t *len)
{
	FILE *f = fopen(p, "r");
	char *buf = malloc(1 << 20);

	assert_non_null(f);
	assert_non_null(buf);
	*len = fread(buf, 1, (1 << 20) - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

struct cast {
	unsigned rows, cols;      /* of the header */
	char *o;                  /* the "o" data joined, malloc'd */
	size_t olen, events;
	char last_resize[32];     /* the last "r" data; "" if none */
};

static void header_check(const char *line, size_t len, struct cast *c)
{
	json_error_t jerr;
	json_t *h = json_loadb(line, len, 0, &jerr), *env;
	json_int_t ts;

	if (h == NULL)
		fail_msg("header: %s: %.*s", jerr.text, (int)len, line);
	assert_true(json_is_object(h));
	assert_int_equal(json_integer_value(json_object_get(h, "version")), 2);
	c->cols = (unsigned)json_integer_value(json_object_get(h, "width"));
	c->rows = (unsigned)json_integer_value(json_object_get(h, "height"));
	ts = json_integer_value(json_object_get(h, "timestamp"));
	assert_true(ts > time(NULL) - 60 && ts <= time(NULL));
	env = json_object_get(h, "env");
	assert_true(json_is_object(env));
	assert_string_equal(json_string_value(json_object_get(env, "TERM")), "xterm-256color");
	assert_null(json_object_get(env, "SHELL")); /* unset: not named */
	json_decref(h);
}

/* Time as asciinema writes it: seconds, a point, six digits. */
static void time_check(const char *line)
{
	size_t digits = strspn(line + 1, "0123456789");

	if (line[0] != '[' || digits == 0 || line[1 + digits] != '.' ||
	    strspn(line + 2 + digits, "0123456789") != 6 || line[8 + digits] != ',')
		fail_msg("time not as seconds.micros: %.30s", line);
}

static void event_check(const char *line, size_t len, struct cast *c, double *last)
{
	json_error_t jerr;
	json_t *e = json_loadb(line, len, JSON_ALLOW_NUL, &jerr); /* "\u0000" is JSON */
	const char *code, *data;
	size_t n;

	if (e == NULL)
		fail_msg("event: %s: %.*s", jerr.text, (int)len, line);
	time_check(line);
	assert_true(json_is_array(e) && json_array_size(e) == 3);
	assert_true(json_is_number(json_array_get(e, 0)));
	assert_true(json_number_value(json_array_get(e, 0)) >= *last);
	*last = json_number_value(json_array_get(e, 0));
	code = json_string_value(json_array_get(e, 1));
	data = json_string_value(json_array_get(e, 2));
	assert_non_null(code);
	assert_non_null(data);
	n = json_string_length(json_array_get(e, 2));
	assert_true(utf8_valid((const uint8_t *)data, n)); /* no character split */
	if (strcmp(code, "o") == 0) {
		assert_true(n > 0);
		c->o = realloc(c->o, c->olen + n);
		memcpy(c->o + c->olen, data, n);
		c->olen += n;
	} else {
		assert_string_equal(code, "r");
		snprintf(c->last_resize, sizeof c->last_resize, "%s", data);
	}
	c->events++;
	json_decref(e);
}

/* Read path back: every line must end in a newline and parse. */
static void cast_read(const char *p, struct cast *c)
{
	size_t len;
	char *buf = file_read(p, &len), *line = buf, *nl;
	double last = 0;

	memset(c, 0, sizeof *c);
	assert_true(len > 0 && buf[len - 1] == '\n');
	nl = memchr(line, '\n', len);
	header_check(line, (size_t)(nl - line), c);
	for (line = nl + 1; line < buf + len; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(buf + len - line));
		event_check(line, (size_t)(nl - line), c, &last);
	}
	free(buf);
}

static struct record *open_ok(unsigned height, unsigned width)
{
	char err[300] = "";
	struct record *r = record_open(path, height, width, err, sizeof err);

	if (r == NULL)
		fail_msg("record_open: %s", err);
	return r;
}

static void record_test(void **state)
{
	const struct record_row *row = *state;
	size_t heap = heap_in_use();
	char want_resize[32] = "";
	struct record *r = open_ok(24, 80);
	struct cast c;

	for (const struct piece *p = row->pieces; p->data || p->rows; p++) {
		if (p->data == NULL) {
			record_resize(r, p->rows, p->cols);
			snprintf(want_resize, sizeof want_resize, "%ux%u", p->cols, p->rows);
			continue;
		}
		uint8_t *in = buf_dup(p->data, p->len); /* ASan sees a read past it */
		record_output(r, in, p->len);
		free(in);
	}
	assert_int_equal(record_close(r), 0);
	assert_int_equal(heap_in_use(), heap);
	cast_read(path, &c);
	assert_int_equal(c.rows, 24);
	assert_int_equal(c.cols, 80);
	assert_string_equal(c.last_resize, want_resize);
	if (c.olen != row->wantlen || memcmp(c.o, row->want, c.olen) != 0)
		fail_msg("\"o\" data differs: %zu bytes, want %zu", c.olen, row->wantlen);
	free(c.o);
}

/* Pseudo-random bytes in pieces of 1 to 9 bytes give the same text as in
 * one piece, and that text is UTF-8. */
static void chunking_test(void **state)
{
	enum { N = 20000 };
	unsigned char *in = malloc(N);
	unsigned seed = 1;
	struct cast whole, cut;
	struct record *r;

	(void)state;
	for (size_t i = 0; i < N; i++) {
		seed = seed * 1103515245 + 12345;
		in[i] = (unsigned char)(seed >> 16);
		if (i % 7 == 0)
			in[i] = (unsigned char)(0xf0 | (in[i] & 0x7)); /* many 4-byte leads */
	}
	r = open_ok(24, 80);
	record_output(r, in, N);
	assert_int_equal(record_close(r), 0);
	cast_read(path, &whole);
	r = open_ok(24, 80);
	for (size_t i = 0, n; i < N; i += n) {
		n = 1 + (i * 31 + 7) % 9;
		n = n > N - i ? N - i : n;
		record_output(r, in + i, n);
	}
	assert_int_equal(record_close(r), 0);
	cast_read(path, &cut);
	assert_true(utf8_valid((const uint8_t *)whole.o, whole.olen));
	assert_int_equal(cut.olen, whole.olen);
	assert_memory_equal(cut.o, whole.o, whole.olen);
	free(whole.o);
	free(cut.o);
	free(in);
}

/* A session killed before record_close leaves a file asciinema reads:
 * the header at once, and events that came 100 ms after a flush. */
static void flush_test(void **state)
{
	struct timespec pause = {0, 120 * 1000 * 1000};
	struct record *r = open_ok(40, 120);
	struct stat st;
	struct cast c;

	(void)state;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	cast_read(path, &c);
	assert_int_equal(c.rows, 40);
	assert_int_equal(c.cols, 120);
	assert_int_equal(c.events, 0);
	record_output(r, "one ", 4);
	nanosleep(&pause, NULL);
	record_output(r, "two ", 4);
	cast_read(path, &c);
	assert_int_equal(c.events, 2);
	free(c.o);
	record_output(r, "three", 5);
	record_flush(r);
	cast_read(path, &c);
	assert_int_equal(c.olen, 13);
	assert_memory_equal(c.o, "one two three", 13);
	free(c.o);
	assert_int_equal(record_close(r), 0);
}

static void open_fail_check(const char *p, int err_no)
{
	char err[300] = "";

	assert_null(record_open(p, 24, 80, err, sizeof err));
	if (strstr(err, p) == NULL || strstr(err, strerror(err_no)) == NULL)
		fail_msg("message \"%s\" does not name %s and \"%s\"", err, p, strerror(err_no));
}

static void open_fail_test(void **state)
{
	(void)state;
	open_fail_check("/nonexistent-dir-for-sbx/x.cast", ENOENT);
	open_fail_check(dir, EISDIR);
	if (access("/dev/full", W_OK) == 0) /* the header's write fails at once */
		open_fail_check("/dev/full", ENOSPC);
}

int main(void)
{
	struct case_list l = {0};
	int failed;

	umask(022);
	setenv("TERM", "xterm-256color", 1);
	unsetenv("SHELL");
	if (mkdtemp(dir) == NULL)
		return perror("mkdtemp"), 1;
	snprintf(path, sizeof path, "%s/session.cast", dir);
	for (size_t i = 0; i < nitems(rows); i++)
		case_add(&l, rows[i].name, record_test, &rows[i]);
	case_add(&l, "random bytes in pieces as in one", chunking_test, NULL);
	case_add(&l, "flushed within 100 ms of events", flush_test, NULL);
	case_add(&l, "open failures name the path and reason", open_fail_test, NULL);
	failed = case_run(&l, "record");
	unlink(path);
	rmdir(dir);
	return failed ? 1 : 0;
}
