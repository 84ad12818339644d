/*
 * test_linefmt.c: the lines of `sbx tail` (linefmt_line, linefmt_notice).
 * Text rows are compared byte for byte; JSON is parsed back with jansson,
 * field by field, and base64 is decoded here, not by the code under test;
 * times are checked against gmtime_r.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "lines.h"
#include "linefmt.h"
#include "unit.h"

#define TS 1764643201123 /* 2025-12-02T02:40:01.123Z */

/* Pinned: FNV-1a of the name, modulo 6, worked out by hand (python). */
#define C_BOX1 "\033[32m" /* index 1 */
#define C_BOX2 "\033[35m" /* index 4 */
#define C_BOX6 "\033[31m" /* index 0 */
#define RST "\033[0m"
#define DIM "\033[2m"

static const struct linefmt plain = {0}, padded = {.width = 6}, stamped = {.timestamps = 1},
	stamped6 = {.timestamps = 1, .width = 6}, colour = {.color = 1},
	colour6 = {.color = 1, .width = 6}, colour_ts = {.color = 1, .timestamps = 1},
	json = {.json = 1}, json_all = {.json = 1, .color = 1, .timestamps = 1, .width = 9};

/* Text lines, and JSON lines as exact bytes. len and want_len 0: strlen. */
struct text_row {
	const char *name;
	const struct linefmt *f;
	const char *box;
	int stream;
	int64_t ts;
	const char *line;
	size_t len;
	int flags;
	const char *want;
	size_t want_len;
};

static const struct text_row text_rows[] = {
	{"stdout", &plain, "box1", 1, TS, "hello", 0, 0, "box1 | hello\n", 0},
	{"stderr", &plain, "box1", 2, TS, "oops", 0, 0, "box1 ! oops\n", 0},
	{"padded to the width", &padded, "box1", 1, 0, "hello", 0, 0, "box1   | hello\n", 0},
	{"padded, stderr", &padded, "db", 2, 0, "x", 0, 0, "db     ! x\n", 0},
	{"as wide as the column", &padded, "box123", 1, 0, "x", 0, 0, "box123 | x\n", 0},
	{"wider than the column", &padded, "longname", 1, 0, "x", 0, 0, "longname | x\n", 0},
	{"an empty line", &plain, "box1", 1, 0, "", 0, 0, "box1 | \n", 0},
	{"bytes as they are", &plain, "b", 1, 0, "a\r\033[31mred\033[0m\t\xff\xfe", 0, 0,
	 "b | a\r\033[31mred\033[0m\t\xff\xfe\n", 0},
	{"a NUL byte", &plain, "b", 1, 0, "a\0b", 3, 0, "b | a\0b\n", 8},
	{"time 0", &stamped, "box1", 1, 0, "hello", 0, 0, "1970-01-01T00:00:00.000Z box1 | hello\n", 0},
	{"time, stderr", &stamped, "box1", 2, TS, "x", 0, 0, "2025-12-02T02:40:01.123Z box1 ! x\n", 0},
	{"cut", &plain, "box1", 1, 0, "abc", 0, LINE_CUT, "box1 | abc [continued]\n", 0},
	{"continued", &plain, "box1", 1, 0, "abc", 0, LINE_CONT, "box1 | [continued] abc\n", 0},
	{"cut and continued", &plain, "box1", 2, 0, "abc", 0, LINE_CUT | LINE_CONT,
	 "box1 ! [continued] abc [continued]\n", 0},
	{"partial: no marker", &plain, "box1", 1, 0, "$ ", 0, LINE_PARTIAL, "box1 | $ \n", 0},
	{"partial and continued", &plain, "box1", 1, 0, "x", 0, LINE_PARTIAL | LINE_CONT,
	 "box1 | [continued] x\n", 0},
	{"colour, stdout", &colour, "box1", 1, 0, "hello", 0, 0, C_BOX1 "box1 |" RST " hello\n", 0},
	{"colour, stderr padded", &colour6, "box6", 2, 0, "oops", 0, 0,
	 C_BOX6 "box6   " RST "\033[1;31m!" RST " oops\n", 0},
	{"colour, markers", &colour, "box2", 1, 0, "abc", 0, LINE_CUT | LINE_CONT,
	 C_BOX2 "box2 |" RST " " DIM "[continued]" RST " abc " DIM "[continued]" RST "\n", 0},
	{"colour and time", &colour_ts, "box1", 1, TS, "hi", 0, 0,
	 "2025-12-02T02:40:01.123Z " C_BOX1 "box1 |" RST " hi\n", 0},
	{"colour leaves the line's escapes alone", &colour, "box1", 1, 0, "\033[1mbold", 0, 0,
	 C_BOX1 "box1 |" RST " \033[1mbold\n", 0},
	{"json", &json, "box1", 1, 0, "hi", 0, 0,
	 "{\"sandbox\":\"box1\",\"stream\":\"stdout\",\"line\":\"hi\",\"ts\":\"1970-01-01T00:00:00.000Z\"}\n", 0},
	{"json ignores colour, width and timestamps", &json_all, "box1", 2, TS, "hi", 0,
	 LINE_CUT | LINE_CONT | LINE_PARTIAL,
	 "{\"sandbox\":\"box1\",\"stream\":\"stderr\",\"line\":\"hi\",\"ts\":\"2025-12-02T02:40:01.123Z\","
	 "\"cut\":true,\"continued\":true,\"partial\":true}\n", 0},
	{"json escapes", &json, "b", 1, 0, "q\"\\/\n\r\t\b\x1f\x7f", 0, 0,
	 "{\"sandbox\":\"b\",\"stream\":\"stdout\",\"line\":\"q\\\"\\\\/\\n\\r\\t\\u0008\\u001f\x7f\","
	 "\"ts\":\"1970-01-01T00:00:00.000Z\"}\n", 0},
	{"json base64", &json, "b", 2, 0, "\xff\xfe", 0, 0,
	 "{\"sandbox\":\"b\",\"stream\":\"stderr\",\"line\":\"//4=\",\"encoding\":\"base64\","
	 "\"ts\":\"1970-01-01T00:00:00.000Z\"}\n", 0},
};

static void text_test(void **state)
{
	const struct text_row *r = *state;
	size_t len = r->len ? r->len : strlen(r->line);
	size_t want = r->want_len ? r->want_len : strlen(r->want);
	char *line = (char *)buf_dup(r->line, len);
	struct outbuf out = {0};

	linefmt_line(r->f, &out, r->box, r->stream, r->ts, line, len, r->flags);
	if (out.len != want || memcmp(out.p, r->want, want) != 0)
		fail_msg("got \"%.*s\"", (int)out.len, out.p);
	/* Lines are appended: a second one follows the first. */
	linefmt_line(r->f, &out, r->box, r->stream, r->ts, line, len, r->flags);
	assert_int_equal(out.len, 2 * want);
	assert_memory_equal(out.p + want, r->want, want);
	outbuf_free(&out);
	free(line);
}

/* Notices. */
struct notice_row {
	const char *name;
	const struct linefmt *f;
	const char *box, *text, *want;
};

static const struct notice_row notice_rows[] = {
	{"text", &plain, "box1", "disconnected: connection refused; retrying in 2s",
	 "box1 | disconnected: connection refused; retrying in 2s\n"},
	{"padded, with the time", &stamped6, "db", "connected",
	 "2025-12-02T02:40:01.123Z db     | connected\n"},
	{"colour", &colour, "box1", "connected", C_BOX1 "box1 |" RST " \033[2;3mconnected" RST "\n"},
	{"json", &json_all, "box1", "retrying in 2s",
	 "{\"sandbox\":\"box1\",\"event\":\"notice\",\"message\":\"retrying in 2s\","
	 "\"ts\":\"2025-12-02T02:40:01.123Z\"}\n"},
	{"json escapes", &json, "box1", "a \"b\"\n\xc3\xa9",
	 "{\"sandbox\":\"box1\",\"event\":\"notice\",\"message\":\"a \\\"b\\\"\\n\xc3\xa9\","
	 "\"ts\":\"2025-12-02T02:40:01.123Z\"}\n"},
	{"json, not UTF-8", &json, "b\xffx", "bad \xe9",
	 "{\"sandbox\":\"b?x\",\"event\":\"notice\",\"message\":\"bad ?\","
	 "\"ts\":\"2025-12-02T02:40:01.123Z\"}\n"},
};

static void notice_test(void **state)
{
	const struct notice_row *r = *state;
	struct outbuf out = {0};

	linefmt_notice(r->f, &out, r->box, TS, r->text);
	if (out.len != strlen(r->want) || memcmp(out.p, r->want, out.len) != 0)
		fail_msg("got \"%.*s\"", (int)out.len, out.p);
	outbuf_free(&out);
}

/* JSON parsed back. */

static int b64_val(char c)
{
	const char *set = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c ? strchr(set, c) : NULL;

	return p ? (int)(p - set) : -1;
}

/* Strict RFC 4648 base64 with padding; length or -1. */
static long b64_decode(const char *s, unsigned char *out)
{
	size_t n = strlen(s);
	long len = 0;

	if (n % 4)
		return -1;
	for (size_t i = 0; i < n; i += 4) {
		int v[4], pad = 0;

		for (int k = 0; k < 4; k++) {
			v[k] = b64_val(s[i + k]);
			if (s[i + k] == '=' && i + 4 == n && k >= 2) {
				v[k] = 0;
				pad++;
			} else if (v[k] < 0 || pad) {
				return -1;
			}
		}
		out[len++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		if (pad < 2)
			out[len++] = (unsigned char)(v[1] << 4 | v[2] >> 2);
		if (pad < 1)
			out[len++] = (unsigned char)(v[2] << 6 | v[3]);
	}
	return len;
}

struct json_row {
	const char *name, *line;
	size_t len;
	int stream, flags, base64;
};

static const struct json_row json_rows[] = {
	{"plain", "hello", 0, 1, 0, 0},
	{"stderr", "oops", 0, 2, 0, 0},
	{"empty", "", 0, 1, LINE_CONT, 0},
	{"every control character", "\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11"
				     "\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f", 0, 1, 0, 0},
	{"quotes, backslashes, DEL", "\"\\\\\"/\x7f", 0, 1, 0, 0},
	{"a NUL byte", "a\0b", 3, 1, 0, 0},
	{"UTF-8", "h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80", 0, 1, LINE_CUT, 0},
	{"terminal escapes", "\033[1;31mred\033[0m\r", 0, 2, LINE_PARTIAL, 0},
	{"all flags", "x", 0, 1, LINE_CUT | LINE_CONT | LINE_PARTIAL, 0},
	{"not UTF-8", "\xff\xfe\0abc", 6, 1, 0, 1},
	{"a cut-off character", "abc\xe2\x82", 0, 1, LINE_CUT, 1},
	{"a surrogate", "\xed\xa0\x80", 0, 2, 0, 1},
	{"an overlong slash", "\xc0\xaf", 0, 1, 0, 1},
	{"one byte of base64", "\x80", 0, 1, 0, 1},
	{"two bytes of base64", "\x80\x81", 0, 1, 0, 1},
	{"three bytes of base64", "\x80\x81\x82", 0, 1, 0, 1},
};

static void flag_check(json_t *o, const char *key, int set)
{
	json_t *v = json_object_get(o, key);

	if (set)
		assert_true(json_is_true(v));
	else
		assert_null(v);
}

static void json_test(void **state)
{
	const struct json_row *r = *state;
	size_t len = r->len ? r->len : strlen(r->line), nkeys = 4;
	char *line = (char *)buf_dup(r->line, len);
	struct outbuf out = {0};
	unsigned char bytes[64];
	json_error_t e;
	json_t *o, *v;

	linefmt_line(&json_all, &out, "box-1.a", r->stream, TS, line, len, r->flags);
	assert_true(out.len > 0 && out.p[out.len - 1] == '\n');
	assert_null(memchr(out.p, '\n', out.len - 1)); /* one line */
	o = json_loadb(out.p, out.len, JSON_ALLOW_NUL, &e);
	if (o == NULL)
		fail_msg("not JSON (%s): %.*s", e.text, (int)out.len, out.p);
	assert_string_equal(json_string_value(json_object_get(o, "sandbox")), "box-1.a");
	assert_string_equal(json_string_value(json_object_get(o, "stream")),
			    r->stream == 2 ? "stderr" : "stdout");
	assert_string_equal(json_string_value(json_object_get(o, "ts")), "2025-12-02T02:40:01.123Z");
	v = json_object_get(o, "line");
	assert_true(json_is_string(v));
	if (r->base64) {
		assert_string_equal(json_string_value(json_object_get(o, "encoding")), "base64");
		assert_int_equal(b64_decode(json_string_value(v), bytes), len);
		assert_memory_equal(bytes, r->line, len);
		nkeys++;
	} else {
		assert_null(json_object_get(o, "encoding"));
		assert_int_equal(json_string_length(v), len);
		assert_memory_equal(json_string_value(v), r->line, len);
	}
	flag_check(o, "cut", r->flags & LINE_CUT);
	flag_check(o, "continued", r->flags & LINE_CONT);
	flag_check(o, "partial", r->flags & LINE_PARTIAL);
	nkeys += !!(r->flags & LINE_CUT) + !!(r->flags & LINE_CONT) + !!(r->flags & LINE_PARTIAL);
	assert_int_equal(json_object_size(o), nkeys);
	json_decref(o);
	outbuf_free(&out);
	free(line);
}

/* Every byte value, alone and in a long line, parses back (or decodes)
 * to itself. */
static void json_bytes_test(void **state)
{
	static char big[300000];
	struct outbuf out = {0};
	json_t *o;

	(void)state;
	for (int c = 0; c < 256; c++) {
		char b = (char)c;

		linefmt_line(&json, &out, "b", 1, 0, &b, 1, 0);
		o = json_loadb(out.p, out.len, JSON_ALLOW_NUL, NULL);
		assert_non_null(o);
		if (c < 0x80) {
			assert_int_equal(json_string_length(json_object_get(o, "line")), 1);
			assert_int_equal((unsigned char)json_string_value(json_object_get(o, "line"))[0], c);
		} else {
			assert_string_equal(json_string_value(json_object_get(o, "encoding")), "base64");
		}
		json_decref(o);
		out.len = 0;
	}
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (char)(i % 128); /* ASCII, escapes every few bytes */
	linefmt_line(&json, &out, "b", 1, 0, big, sizeof big, LINE_CUT);
	o = json_loadb(out.p, out.len, JSON_ALLOW_NUL, NULL);
	assert_non_null(o);
	assert_int_equal(json_string_length(json_object_get(o, "line")), sizeof big);
	assert_memory_equal(json_string_value(json_object_get(o, "line")), big, sizeof big);
	json_decref(o);
	outbuf_free(&out);
}

/* Colours. */

static void color_test(void **state)
{
	static const char *names[] = {"box1", "box2", "box3", "box4", "box5", "box6", "web", "db"};
	unsigned seen = 0;

	(void)state;
	assert_int_equal(linefmt_color_of("box1"), 1);
	assert_int_equal(linefmt_color_of("box2"), 4);
	assert_int_equal(linefmt_color_of("box6"), 0);
	for (size_t i = 0; i < nitems(names); i++) {
		unsigned c = linefmt_color_of(names[i]);

		assert_true(c < LINEFMT_COLORS);
		assert_int_equal(linefmt_color_of(names[i]), c);
		seen |= 1u << c;
	}
	assert_true(__builtin_popcount(seen) >= 3);
}

/* Without colour there is no escape at all in what we add; with it, the
 * name's colour starts every line. */
static void escapes_test(void **state)
{
	static const int flags[] = {0, LINE_CUT, LINE_CONT, LINE_PARTIAL, LINE_CUT | LINE_CONT};
	static const char *names[] = {"box1", "box2", "box3", "box6", "db"};
	struct outbuf out = {0};
	char want[8];

	(void)state;
	for (size_t n = 0; n < nitems(names); n++)
		for (size_t k = 0; k < nitems(flags); k++)
			for (int stream = 1; stream <= 2; stream++) {
				struct linefmt f = {.timestamps = (int)k & 1, .width = 8};

				linefmt_line(&f, &out, names[n], stream, TS, "text", 4, flags[k]);
				linefmt_notice(&f, &out, names[n], TS, "a notice");
				assert_null(memchr(out.p, '\033', out.len));
				out.len = 0;
				f.color = 1;
				snprintf(want, sizeof want, "\033[%um", 31 + linefmt_color_of(names[n]));
				linefmt_line(&f, &out, names[n], stream, TS, "text", 4, flags[k]);
				assert_non_null(memchr(out.p, '\033', out.len));
				assert_memory_equal(out.p + (f.timestamps ? LINEFMT_TIME_LEN + 1 : 0), want,
						    strlen(want));
				out.len = 0;
			}
	outbuf_free(&out);
}

/* Times. */

struct time_row {
	int64_t ms;
	const char *want;
};

static const struct time_row time_rows[] = {
	{0, "1970-01-01T00:00:00.000Z"},
	{TS, "2025-12-02T02:40:01.123Z"},
	{-1, "1969-12-31T23:59:59.999Z"},
	{951782400000, "2000-02-29T00:00:00.000Z"},
	{4102444799999, "2099-12-31T23:59:59.999Z"},
	{253402300799999, "9999-12-31T23:59:59.999Z"},
	{253402300800000, "9999-12-31T23:59:59.999Z"},
	{INT64_MAX, "9999-12-31T23:59:59.999Z"},
	{-62167219200000, "0000-01-01T00:00:00.000Z"},
	{INT64_MIN, "0000-01-01T00:00:00.000Z"},
};

static void time_rows_test(void **state)
{
	char got[LINEFMT_TIME_LEN + 1] = "";

	(void)state;
	for (size_t i = 0; i < nitems(time_rows); i++) {
		linefmt_time(got, time_rows[i].ms);
		assert_string_equal(got, time_rows[i].want);
	}
}

/* Random times from 1900 to 2109 agree with gmtime_r. */
static void time_libc_test(void **state)
{
	uint64_t seed = 7;
	char got[LINEFMT_TIME_LEN + 1] = "", want[64];

	(void)state;
	for (int i = 0; i < 200000; i++) {
		int64_t ms, s;
		time_t t;
		struct tm tm;

		seed = seed * 6364136223846793005u + 1442695040888963407u;
		ms = (int64_t)(seed >> 21) % 6600000000000 - 2208988800000;
		s = ms / 1000 - (ms % 1000 < 0);
		t = (time_t)s;
		assert_non_null(gmtime_r(&t, &tm));
		strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(want + 19, sizeof want - 19, ".%03dZ", (int)(ms - s * 1000));
		linefmt_time(got, ms);
		if (strcmp(got, want) != 0)
			fail_msg("%lld: got %s, want %s", (long long)ms, got, want);
	}
}

/* The buffer: appends, reuse after a write, and nothing left after free. */
static void outbuf_test(void **state)
{
	size_t before = heap_in_use();
	struct outbuf out = {0};
	static char big[100000];

	(void)state;
	outbuf_append(&out, NULL, 0);
	assert_int_equal(out.len, 0);
	outbuf_append(&out, "ab", 2);
	outbuf_append(&out, "c", 1);
	assert_int_equal(out.len, 3);
	assert_memory_equal(out.p, "abc", 3);
	memset(big, 'x', sizeof big);
	linefmt_line(&plain, &out, "n", 1, 0, big, sizeof big, 0);
	assert_int_equal(out.len, 3 + 4 + sizeof big + 1);
	assert_memory_equal(out.p + 3, "n | x", 5);
	out.len = 0;
	linefmt_line(&plain, &out, "n", 1, 0, "y", 1, 0);
	assert_int_equal(out.len, 6);
	assert_memory_equal(out.p, "n | y\n", 6);
	outbuf_free(&out);
	assert_null(out.p);
	assert_int_equal(heap_in_use(), before);
}

int main(void)
{
	static char names[nitems(text_rows) + nitems(notice_rows) + nitems(json_rows)][80];
	struct case_list l = {0};
	size_t k = 0;

	for (size_t i = 0; i < nitems(text_rows); i++, k++) {
		snprintf(names[k], sizeof names[k], "line: %s", text_rows[i].name);
		case_add(&l, names[k], text_test, &text_rows[i]);
	}
	for (size_t i = 0; i < nitems(notice_rows); i++, k++) {
		snprintf(names[k], sizeof names[k], "notice: %s", notice_rows[i].name);
		case_add(&l, names[k], notice_test, &notice_rows[i]);
	}
	for (size_t i = 0; i < nitems(json_rows); i++, k++) {
		snprintf(names[k], sizeof names[k], "json parsed back: %s", json_rows[i].name);
		case_add(&l, names[k], json_test, &json_rows[i]);
	}
	case_add(&l, "json: every byte, and a long line", json_bytes_test, NULL);
	case_add(&l, "colours are stable and differ", color_test, NULL);
	case_add(&l, "escapes only with colour", escapes_test, NULL);
	case_add(&l, "times: fixed rows", time_rows_test, NULL);
	case_add(&l, "times: as gmtime_r", time_libc_test, NULL);
	case_add(&l, "outbuf", outbuf_test, NULL);
	return case_run(&l, "linefmt") ? 1 : 0;
}
