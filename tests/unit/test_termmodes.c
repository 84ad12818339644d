/*
 * test_termmodes.c: the mode tracker, one case per row: output bytes and
 * the modes they leave. Each row is fed whole, a byte at a time and split
 * at every point; its state then goes through restore and reset. Then the
 * exact bytes restore and reset write, and inputs meant to hurt.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "termmodes.h"
#include "unit.h"

#define TM_ALL ((uint32_t)(TM_NO_AUTOWRAP << 1) - 1)

struct mode_row {
	const char *name;
	const char *in;
	uint32_t set;
	uint16_t top, bottom;
};

/* A mode, and the same mode set then cleared. */
#define SET_CLEAR(name, on, off, flag) \
	{name " set", on, flag, 0, 0}, {name " cleared", on off, 0, 0, 0}
#define DEC(name, n, flag) SET_CLEAR(name, "\033[?" #n "h", "\033[?" #n "l", flag)

static const struct mode_row rows[] = {
	{"nothing", "", 0, 0, 0},
	{"plain text", "hello, world\r\n", 0, 0, 0},
	DEC("DECCKM", 1, TM_CURSOR_KEYS),
	SET_CLEAR("keypad", "\033=", "\033>", TM_KEYPAD),
	DEC("keypad by DECNKM", 66, TM_KEYPAD),
	DEC("bracketed paste", 2004, TM_BRACKETED_PASTE),
	DEC("X10 mouse", 9, TM_MOUSE_X10),
	DEC("click mouse", 1000, TM_MOUSE_CLICK),
	DEC("drag mouse", 1002, TM_MOUSE_DRAG),
	DEC("move mouse", 1003, TM_MOUSE_MOVE),
	DEC("focus events", 1004, TM_FOCUS),
	DEC("UTF-8 mouse", 1005, TM_MOUSE_UTF8),
	DEC("SGR mouse", 1006, TM_MOUSE_SGR),
	DEC("urxvt mouse", 1015, TM_MOUSE_URXVT),
	DEC("alt screen 1049", 1049, TM_ALTSCREEN),
	DEC("alt screen 1047", 1047, TM_ALTSCREEN),
	DEC("alt screen 47", 47, TM_ALTSCREEN),
	DEC("origin", 6, TM_ORIGIN),
	SET_CLEAR("cursor hidden", "\033[?25l", "\033[?25h", TM_CURSOR_HIDDEN),
	SET_CLEAR("no autowrap", "\033[?7l", "\033[?7h", TM_NO_AUTOWRAP),
	{"setting a set mode again", "\033[?1h\033[?1h", TM_CURSOR_KEYS, 0, 0},
	{"clearing a clear mode", "\033[?1l\033[?25h\033[?7h\033>", 0, 0, 0},

	{"several in one sequence", "\033[?1000;1006;2004;1049h",
	 TM_MOUSE_CLICK | TM_MOUSE_SGR | TM_BRACKETED_PASTE | TM_ALTSCREEN, 0, 0},
	{"several cleared in one sequence", "\033[?1;2004;1004h\033[?2004;1l", TM_FOCUS, 0, 0},
	{"inverted modes in one sequence", "\033[?25;7l", TM_CURSOR_HIDDEN | TM_NO_AUTOWRAP, 0, 0},
	{"an empty parameter among them", "\033[?;1;;2004h", TM_CURSOR_KEYS | TM_BRACKETED_PASTE, 0, 0},
	{"no parameter", "\033[?h\033[?l", 0, 0, 0},
	{"a program's usual start", "\033[?1049h\033[22;0;0t\033[?1h\033=\033[?2004h\033[?25l",
	 TM_ALTSCREEN | TM_CURSOR_KEYS | TM_KEYPAD | TM_BRACKETED_PASTE | TM_CURSOR_HIDDEN, 0, 0},
	{"text and SGR around a mode", "ab\033[1;31mred\033[0m\033[?1hcd", TM_CURSOR_KEYS, 0, 0},

	{"a tracking mode replaces another", "\033[?1000h\033[?1002h", TM_MOUSE_DRAG, 0, 0},
	{"several tracking modes: the last wins", "\033[?1000;1003;9h", TM_MOUSE_X10, 0, 0},
	{"resetting any tracking mode ends tracking", "\033[?1003h\033[?1000l", 0, 0, 0},
	{"an encoding replaces another", "\033[?1005h\033[?1006h", TM_MOUSE_SGR, 0, 0},
	{"resetting another encoding leaves it", "\033[?1006h\033[?1015l", TM_MOUSE_SGR, 0, 0},
	{"tracking and encoding together", "\033[?1002;1006;1004h",
	 TM_MOUSE_DRAG | TM_MOUSE_SGR | TM_FOCUS, 0, 0},
	{"ending tracking keeps the encoding", "\033[?1002;1006h\033[?1002l", TM_MOUSE_SGR, 0, 0},

	{"OSC title with BEL", "\033]0;[?1049h\a", 0, 0, 0},
	{"OSC title with ST", "\033]2;[?1049h vim\033\\", 0, 0, 0},
	{"OSC title, then a mode", "\033]0;[?1049h\a\033[?1h", TM_CURSOR_KEYS, 0, 0},
	{"OSC with UTF-8", "\033]0;\xe2\x9b\x84[?1h\a", 0, 0, 0},
	{"OSC 8 hyperlink", "\033]8;;http://x/?1049h\033\\link\033]8;;\033\\", 0, 0, 0},
	{"DCS", "\033P1$r[?1049h\033\\", 0, 0, 0},
	{"BEL does not end DCS", "\033P+q\a[?1049h\033\\", 0, 0, 0},
	{"APC", "\033_Ga=T;[?1h\033\\", 0, 0, 0},
	{"PM and SOS", "\033^[?1h\033\\\033X[?1h\033\\", 0, 0, 0},
	{"ESC ends a string and starts a sequence", "\033]0;title\033[?1h", TM_CURSOR_KEYS, 0, 0},
	{"CAN ends a string", "\033]0;x\x18[?1049h", 0, 0, 0},

	{"RIS clears everything", "\033[?1;1049;1002;1006;6h\033=\033[?25;7l\033[5;10r\033c",
	 0, 0, 0},
	{"RIS, then modes again", "\033[?1h\033c\033[?2004h", TM_BRACKETED_PASTE, 0, 0},
	{"RIS in a CSI", "\033[?10\033c49h", 0, 0, 0},

	{"scroll region", "\033[5;20r", 0, 5, 20},
	{"scroll region, then CSI r", "\033[5;20r\033[r", 0, 0, 0},
	{"scroll region, then CSI ; r", "\033[5;20r\033[;r", 0, 0, 0},
	{"scroll region from line 1 to the bottom", "\033[5;20r\033[1r", 0, 0, 0},
	{"scroll region, top only", "\033[3r", 0, 3, 0},
	{"scroll region, default top", "\033[;10r", 0, 1, 10},
	{"scroll region of one line: ignored", "\033[5;20r\033[7;7r", 0, 5, 20},
	{"scroll region upside down: ignored", "\033[9;3r", 0, 0, 0},
	{"scroll region, huge bottom: the screen's", "\033[2;4294967296000r", 0, 2, 0},
	{"scroll region, huge top: ignored", "\033[5;20r\033[99999999999;3r", 0, 5, 20},
	{"scroll region, largest", "\033[65534;65535r", 0, 65534, 65535},
	{"scroll region with modes", "\033[?1049h\033[2;23r\033[?6h", TM_ALTSCREEN | TM_ORIGIN, 2, 23},
	{"private CSI r is not DECSTBM", "\033[?5;20r", 0, 0, 0},
	{"CSI r with an intermediate is not DECSTBM", "\033[5;20 r", 0, 0, 0},

	{"unknown DEC modes", "\033[?12;1001;1007;9999;1h\033[?12l", TM_CURSOR_KEYS, 0, 0},
	{"ANSI modes are not DEC modes", "\033[1h\033[4h\033[25l\033[2004h", 0, 0, 0},
	{"other private markers", "\033[>1h\033[=1049h\033[<1h\033[>4;1m", 0, 0, 0},
	{"a marker after digits", "\033[1?h", 0, 0, 0},
	{"two markers", "\033[??1h", 0, 0, 0},
	{"intermediates", "\033[?1049$p\033[?1$h\033[?1 h", 0, 0, 0},
	{"DECSTR is not followed", "\033[?1h\033[!p", TM_CURSOR_KEYS, 0, 0},
	{"sub-parameters", "\033[?1049:1h", 0, 0, 0},
	{"other finals", "\033[?1049m\033[?1049s\033[?1049r", 0, 0, 0},
	{"a CSI ignored to its final, then a mode", "\033[?1;2$|x\033[?1h", TM_CURSOR_KEYS, 0, 0},
	{"charset designations are not keypad", "\033(=\033)>\033#8", 0, 0, 0},
	{"ESC > after a designation", "\033=\033(>", TM_KEYPAD, 0, 0},
	{"ESC ( 0 then text", "\033(0=\033(B", 0, 0, 0},
	{"ESC \\ alone", "\033\\", 0, 0, 0},

	{"CAN aborts a CSI", "\033[?10\x18" "49h", 0, 0, 0},
	{"SUB aborts a CSI", "\033[?10\x1a" "49h", 0, 0, 0},
	{"ESC restarts a CSI", "\033[?10\033[?1h", TM_CURSOR_KEYS, 0, 0},
	{"ESC ESC [", "\033\033[?1h", TM_CURSOR_KEYS, 0, 0},
	{"controls inside a CSI act and do not break it", "\033[?10\r\n49h", TM_ALTSCREEN, 0, 0},
	{"DEL inside a CSI", "\033[?10\x7f" "49h", TM_ALTSCREEN, 0, 0},
	{"a high byte aborts a CSI", "\033[?10\xc3\xa9" "49h", 0, 0, 0},
	{"8-bit CSI is not CSI", "\x9b?1049h", 0, 0, 0},
	{"UTF-8 holding 0x9b", "\xe2\x9b\x84\033[?1h\xe2\x9b\x84", TM_CURSOR_KEYS, 0, 0},

	{"sixteen parameters apply", "\033[?3;4;5;8;10;11;12;13;14;15;16;17;18;19;1;2004h",
	 TM_CURSOR_KEYS | TM_BRACKETED_PASTE, 0, 0},
	{"the seventeenth does not", "\033[?3;4;5;8;10;11;12;13;14;15;16;17;18;19;20;1;1049h",
	 TM_CURSOR_KEYS, 0, 0},
	{"many parameters", "\033[?1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;2004;1049;1;1;1;1;1;1;"
	 "1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1h",
	 TM_CURSOR_KEYS | TM_ORIGIN | TM_MOUSE_X10 | TM_BRACKETED_PASTE, 0, 0},
	{"many empty parameters", "\033[?;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;1049h", 0, 0, 0},
	{"a huge number", "\033[?99999999999999999999999999999999999999h", 0, 0, 0},
	{"2^32 + 1049 is not 1049", "\033[?4294968345h", 0, 0, 0},
	{"2^32 + 1 is not 1", "\033[?4294967297h", 0, 0, 0},
	{"65536 + 1 is not 1", "\033[?65537h", 0, 0, 0},
	{"leading zeros", "\033[?0001049h", TM_ALTSCREEN, 0, 0},
	{"a huge number, then a mode", "\033[?4294968345;1h", TM_CURSOR_KEYS, 0, 0},
};

static void state_check(const struct termmodes *t, const struct mode_row *r, const char *how)
{
	if (t->set != r->set || t->top != r->top || t->bottom != r->bottom)
		fail_msg("%s: set %#x region %u;%u, want %#x region %u;%u", how,
			 (unsigned)t->set, t->top, t->bottom, (unsigned)r->set, r->top, r->bottom);
}

static void feed(struct termmodes *t, const char *s, size_t len)
{
	uint8_t *b = buf_dup(s, len); /* ASan sees a read past it */

	termmodes_feed(t, b, len);
	free(b);
}

/* The state the row gives, read from bytes the tracker wrote itself. */
static void round_trip_check(const struct termmodes *t, const struct mode_row *r)
{
	struct termmodes u;
	char out[TERMMODES_SEQ_MAX];
	size_t n;

	n = termmodes_restore(t, out);
	assert_in_range(n, 0, TERMMODES_SEQ_MAX);
	termmodes_init(&u);
	feed(&u, out, n);
	state_check(&u, r, "restore into a fresh tracker");

	n = termmodes_reset(t, out);
	assert_in_range(n, 0, TERMMODES_SEQ_MAX);
	u = *t;
	feed(&u, out, n);
	assert_int_equal(u.set, 0);
	assert_int_equal(u.top, 0);
	assert_int_equal(u.bottom, 0);
}

static void mode_test(void **state)
{
	const struct mode_row *r = *state;
	size_t len = strlen(r->in);
	struct termmodes t;
	char how[64];

	termmodes_init(&t);
	feed(&t, r->in, len);
	state_check(&t, r, "whole");

	termmodes_init(&t);
	for (size_t i = 0; i < len; i++)
		feed(&t, r->in + i, 1);
	state_check(&t, r, "a byte at a time");

	for (size_t i = 0; i <= len; i++) {
		termmodes_init(&t);
		feed(&t, r->in, i);
		feed(&t, r->in + i, len - i);
		snprintf(how, sizeof how, "split at %zu", i);
		state_check(&t, r, how);
	}
	round_trip_check(&t, r);
}

struct seq_row {
	const char *name;
	const char *in;
	const char *restore, *reset;
};

static const struct seq_row seq_rows[] = {
	{"defaults write nothing", "", "", ""},
	{"alt screen first in restore, last in reset", "\033[?2004;1049;1h",
	 "\033[?1049h\033[?1h\033[?2004h", "\033[?1l\033[?2004l\033[?1049l"},
	{"keypad", "\033=", "\033=", "\033>"},
	{"keypad by DECNKM is written as ESC =", "\033[?66h", "\033=", "\033>"},
	{"alt screen 47 is written as 1049", "\033[?47h", "\033[?1049h", "\033[?1049l"},
	{"mouse", "\033[?1004;1002;1006h",
	 "\033[?1002h\033[?1006h\033[?1004h", "\033[?1002l\033[?1006l\033[?1004l"},
	{"inverted modes", "\033[?25;7l\033[?6h",
	 "\033[?6h\033[?7l\033[?25l", "\033[?6l\033[?7h\033[?25h"},
	{"region last in restore, cursor kept in reset", "\033[3;9r\033[?1h",
	 "\033[?1h\033[3;9r", "\033[?1l\0337\033[r\0338"},
	{"region, top only", "\033[3r", "\033[3r", "\0337\033[r\0338"},
	{"region on the alt screen: leaving restores the cursor", "\033[?1049h\033[3;9r",
	 "\033[?1049h\033[3;9r", "\033[r\033[?1049l"},
};

static void seq_test(void **state)
{
	const struct seq_row *r = *state;
	struct termmodes t;
	char out[TERMMODES_SEQ_MAX];
	size_t n;

	termmodes_init(&t);
	feed(&t, r->in, strlen(r->in));
	n = termmodes_restore(&t, out);
	if (n != strlen(r->restore) || memcmp(out, r->restore, n) != 0)
		fail_msg("restore \"%.*s\" (%zu), want \"%s\"", (int)n, out, n, r->restore);
	n = termmodes_reset(&t, out);
	if (n != strlen(r->reset) || memcmp(out, r->reset, n) != 0)
		fail_msg("reset \"%.*s\" (%zu), want \"%s\"", (int)n, out, n, r->reset);
}

/* Every flag, even those no input can set together, and the widest
 * region: both outputs still fit, with a guard after them untouched. */
static void everything_test(void **state)
{
	struct termmodes t;
	char out[TERMMODES_SEQ_MAX + 1];
	size_t n;

	(void)state;
	termmodes_init(&t);
	t.set = TM_ALL;
	t.top = t.bottom = UINT16_MAX;
	out[TERMMODES_SEQ_MAX] = 'x';
	n = termmodes_restore(&t, out);
	assert_in_range(n, 1, TERMMODES_SEQ_MAX - 1);
	assert_memory_equal(out + n - 14, "\033[65535;65535r", 14);
	n = termmodes_reset(&t, out);
	assert_in_range(n, 1, TERMMODES_SEQ_MAX);
	assert_memory_equal(out + n - 8, "\033[?1049l", 8);
	assert_int_equal(out[TERMMODES_SEQ_MAX], 'x');
}

/* Every mode a program can have at once goes there and back. */
static void most_test(void **state)
{
	static const struct mode_row r = {
		"most", "\033[?1049;1;2004;1003;1015;1004;6h\033=\033[?7;25l\033[4;20r",
		TM_ALL & ~(TM_MOUSE_X10 | TM_MOUSE_CLICK | TM_MOUSE_DRAG | TM_MOUSE_UTF8 |
			   TM_MOUSE_SGR), 4, 20,
	};
	struct termmodes t;

	(void)state;
	termmodes_init(&t);
	feed(&t, r.in, strlen(r.in));
	state_check(&t, &r, "whole");
	round_trip_check(&t, &r);
}

/* Far more parameters and digits than any buffer: the first sixteen
 * apply, nothing breaks, and the parser is ready for the next sequence. */
static void flood_test(void **state)
{
	static const struct mode_row r = {"flood", "", TM_ALTSCREEN | TM_CURSOR_KEYS, 0, 0};
	size_t len = 200000, n = 0;
	char *s = malloc(len);
	struct termmodes t;

	(void)state;
	assert_non_null(s);
	n += (size_t)sprintf(s, "\033[?");
	while (n < len / 2)
		n += (size_t)sprintf(s + n, "1049;");
	while (n < len - 16)
		s[n++] = '9';
	n += (size_t)sprintf(s + n, "h\033[?1h");
	termmodes_init(&t);
	feed(&t, s, n);
	state_check(&t, &r, "flood");
	free(s);
}

int main(void)
{
	struct case_list l = {0};

	for (size_t i = 0; i < nitems(rows); i++)
		case_add(&l, rows[i].name, mode_test, &rows[i]);
	for (size_t i = 0; i < nitems(seq_rows); i++)
		case_add(&l, seq_rows[i].name, seq_test, &seq_rows[i]);
	case_add(&l, "every flag set: both outputs fit", everything_test, NULL);
	case_add(&l, "every mode a program can set: round trip", most_test, NULL);
	case_add(&l, "a flood of parameters and digits", flood_test, NULL);
	return case_run(&l, "termmodes") ? 1 : 0;
}
