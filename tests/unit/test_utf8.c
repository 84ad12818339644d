/*
 * test_utf8.c: utf8_valid, the gate in front of the JSON parser. Each
 * sequence length at its lowest and highest code point, and each way a
 * sequence can be wrong: overlong, surrogate, past U+10FFFF, cut short,
 * or a byte that never appears in UTF-8.
 */
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "unit.h"

struct utf8_row {
	const char *name;
	const char *bytes;
	size_t len;
	int valid;
};

#define OK(name, bytes) {name, bytes, sizeof bytes - 1, 1}
#define NO(name, bytes) {name, bytes, sizeof bytes - 1, 0}

static const struct utf8_row rows[] = {
	OK("empty", ""),
	OK("ASCII", "hello, world"),
	OK("NUL is ASCII", "a\0b"),
	OK("DEL U+007F", "\x7f"),
	OK("2-byte lowest U+0080", "\xc2\x80"),
	OK("2-byte highest U+07FF", "\xdf\xbf"),
	OK("2-byte e acute", "caf\xc3\xa9"),
	OK("3-byte lowest U+0800", "\xe0\xa0\x80"),
	OK("3-byte euro sign", "\xe2\x82\xac"),
	OK("3-byte before surrogates U+D7FF", "\xed\x9f\xbf"),
	OK("3-byte after surrogates U+E000", "\xee\x80\x80"),
	OK("3-byte highest U+FFFF", "\xef\xbf\xbf"),
	OK("3-byte BOM U+FEFF", "\xef\xbb\xbf"),
	OK("4-byte lowest U+10000", "\xf0\x90\x80\x80"),
	OK("4-byte emoji", "\xf0\x9f\x98\x80"),
	OK("4-byte U+FFFFF", "\xf3\xbf\xbf\xbf"),
	OK("4-byte U+100000", "\xf4\x80\x80\x80"),
	OK("4-byte highest U+10FFFF", "\xf4\x8f\xbf\xbf"),
	OK("mixed lengths", "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z"),

	NO("above U+10FFFF: U+110000", "\xf4\x90\x80\x80"),
	NO("above U+10FFFF: F4 BF", "\xf4\xbf\xbf\xbf"),
	NO("lead F5", "\xf5\x80\x80\x80"),
	NO("lead F7", "\xf7\xbf\xbf\xbf"),
	NO("5-byte form", "\xf8\x88\x80\x80\x80"),
	NO("6-byte form", "\xfc\x84\x80\x80\x80\x80"),
	NO("byte FE", "\xfe"),
	NO("byte FF", "\xff"),
	NO("overlong NUL C0 80", "\xc0\x80"),
	NO("overlong C1 BF", "\xc1\xbf"),
	NO("overlong 3-byte NUL", "\xe0\x80\x80"),
	NO("overlong 3-byte U+07FF", "\xe0\x9f\xbf"),
	NO("overlong 4-byte NUL", "\xf0\x80\x80\x80"),
	NO("overlong 4-byte U+FFFF", "\xf0\x8f\xbf\xbf"),
	NO("surrogate U+D800", "\xed\xa0\x80"),
	NO("surrogate U+DBFF", "\xed\xaf\xbf"),
	NO("surrogate U+DC00", "\xed\xb0\x80"),
	NO("surrogate U+DFFF", "\xed\xbf\xbf"),
	NO("surrogate pair in CESU-8", "\xed\xa0\xbd\xed\xb8\x80"),
	NO("lone continuation 80", "\x80"),
	NO("lone continuation BF", "\xbf"),
	NO("continuation after ASCII", "a\x80"),
	NO("2-byte cut short", "\xc3"),
	NO("3-byte cut after 1", "\xe2"),
	NO("3-byte cut after 2", "\xe2\x82"),
	NO("4-byte cut after 3", "\xf0\x9f\x98"),
	NO("cut short at the end of good text", "abc\xc3\xa9\xe2\x82"),
	NO("2-byte with ASCII second", "\xc3\x41"),
	NO("3-byte with ASCII third", "\xe2\x82\x41"),
	NO("4-byte with lead as fourth", "\xf0\x9f\x98\xf0"),
	NO("3-byte with extra continuation", "\xe2\x82\xac\x80"),
	NO("bad byte amid good text", "abc\xff" "def"),
};

static void utf8_test(void **state)
{
	const struct utf8_row *r = *state;
	/* Exact size, so a read past len is ASan's to see. */
	uint8_t *b = buf_dup(r->bytes, r->len);

	assert_int_equal(utf8_valid(b, r->len), r->valid);
	free(b);
}

/* The length given is the end, even when more valid-looking bytes follow. */
static void utf8_len_test(void **state)
{
	static const uint8_t euro[] = {0xe2, 0x82, 0xac};

	(void)state;
	assert_int_equal(utf8_valid(euro, 3), 1);
	assert_int_equal(utf8_valid(euro, 2), 0);
	assert_int_equal(utf8_valid(euro, 1), 0);
	assert_int_equal(utf8_valid(euro, 0), 1);
}

/* Every 2-byte lead with every second byte, against the rule itself. */
static void utf8_exhaustive2_test(void **state)
{
	uint8_t b[2];

	(void)state;
	for (unsigned hi = 0x80; hi <= 0xff; hi++) {
		for (unsigned lo = 0; lo <= 0xff; lo++) {
			b[0] = (uint8_t)hi;
			b[1] = (uint8_t)lo;
			int want = hi >= 0xc2 && hi <= 0xdf && lo >= 0x80 && lo <= 0xbf;
			if (utf8_valid(b, 2) != want)
				fail_msg("%02x %02x: want %d", hi, lo, want);
		}
	}
}

/* Every code point, encoded here the long way, is valid unless surrogate. */
static size_t encode_cp(uint32_t cp, uint8_t *b)
{
	if (cp < 0x80) {
		b[0] = (uint8_t)cp;
		return 1;
	}
	if (cp < 0x800) {
		b[0] = (uint8_t)(0xc0 | cp >> 6);
		b[1] = (uint8_t)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		b[0] = (uint8_t)(0xe0 | cp >> 12);
		b[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
		b[2] = (uint8_t)(0x80 | (cp & 0x3f));
		return 3;
	}
	b[0] = (uint8_t)(0xf0 | cp >> 18);
	b[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3f));
	b[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
	b[3] = (uint8_t)(0x80 | (cp & 0x3f));
	return 4;
}

static void utf8_every_cp_test(void **state)
{
	uint8_t b[4];

	(void)state;
	for (uint32_t cp = 0; cp <= 0x110000; cp++) {
		size_t n = encode_cp(cp, b);
		int want = cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);
		if (utf8_valid(b, n) != want)
			fail_msg("U+%04X: want %d", (unsigned)cp, want);
	}
}

int main(void)
{
	struct case_list l = {0};

	for (size_t i = 0; i < nitems(rows); i++)
		case_add(&l, rows[i].name, utf8_test, &rows[i]);
	case_add(&l, "length is the end", utf8_len_test, NULL);
	case_add(&l, "every 2-byte pair", utf8_exhaustive2_test, NULL);
	case_add(&l, "every code point U+0000..U+110000", utf8_every_cp_test, NULL);
	return case_run(&l, "utf8") ? 1 : 0;
}
