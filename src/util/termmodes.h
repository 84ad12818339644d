/*
 * termmodes.h: the terminal modes a program's output has set, tracked from
 * the bytes themselves, for what libvterm 0.1.4 does not report or cannot
 * replay: application cursor keys, keypad mode, bracketed paste, mouse
 * reporting and its encoding, focus events, the alternate screen, cursor
 * visibility, the scroll region, origin mode and autowrap.
 *
 * The agent keeps one per session, so that a reattaching client's terminal
 * is put into the modes the program expects (termmodes_restore); the client
 * keeps one per attached terminal, so that leaving puts the user's
 * terminal back as it was (termmodes_reset). Pure: no I/O.
 */
#ifndef SBX_TERMMODES_H
#define SBX_TERMMODES_H

#include <stddef.h>
#include <stdint.h>

enum {
	TM_CURSOR_KEYS = 1 << 0,   /* DECCKM, CSI ? 1 h */
	TM_KEYPAD = 1 << 1,        /* DECKPAM, ESC = (ESC > clears) */
	TM_BRACKETED_PASTE = 1 << 2, /* CSI ? 2004 h */
	TM_MOUSE_X10 = 1 << 3,     /* CSI ? 9 h */
	TM_MOUSE_CLICK = 1 << 4,   /* CSI ? 1000 h */
	TM_MOUSE_DRAG = 1 << 5,    /* CSI ? 1002 h */
	TM_MOUSE_MOVE = 1 << 6,    /* CSI ? 1003 h */
	TM_FOCUS = 1 << 7,         /* CSI ? 1004 h */
	TM_MOUSE_UTF8 = 1 << 8,    /* CSI ? 1005 h */
	TM_MOUSE_SGR = 1 << 9,     /* CSI ? 1006 h */
	TM_MOUSE_URXVT = 1 << 10,  /* CSI ? 1015 h */
	TM_ALTSCREEN = 1 << 11,    /* CSI ? 1049 h, also 47 and 1047 */
	TM_CURSOR_HIDDEN = 1 << 12, /* CSI ? 25 l */
	TM_ORIGIN = 1 << 13,       /* DECOM, CSI ? 6 h */
	TM_NO_AUTOWRAP = 1 << 14,  /* CSI ? 7 l */
};

/*
 * As in xterm, at most one mouse tracking mode (X10 to MOVE) and one
 * encoding (UTF8, SGR, URXVT) is set: setting one replaces the other,
 * resetting any tracking mode ends tracking, resetting an encoding ends
 * only that one. CSI ? 66 h (DECNKM) sets TM_KEYPAD too.
 */

struct termmodes {
	uint32_t set;            /* TM_* now in force */
	/* Scroll region, 1-based, as given (the height is not known here):
	 * 0 and 0 is the whole screen, bottom 0 the screen's last line. */
	uint16_t top, bottom;
	/* The parser's state across feeds: a sequence may be split anywhere. */
	int state;
	int priv;                /* the CSI had '?' */
	int nparams;
	uint32_t params[16];
};

void termmodes_init(struct termmodes *t);
/* Output of the program, in pieces of any size. */
void termmodes_feed(struct termmodes *t, const void *data, size_t len);
/* A full reset (RIS, ESC c) or a new program: back to the defaults. */
void termmodes_clear(struct termmodes *t);
/* Bytes that put a terminal in its default modes into t's modes (the
 * scroll region last; it homes the cursor, so the caller positions the
 * cursor after, relative to the region under TM_ORIGIN). Returns the
 * length written, with no NUL; out needs TERMMODES_SEQ_MAX. */
size_t termmodes_restore(const struct termmodes *t, char *out);
/* Bytes that take a terminal in t's modes back to the defaults, leaving
 * the alternate screen last and keeping the cursor where it is (but for
 * TM_ORIGIN, whose reset homes it). Same length rules as restore. */
size_t termmodes_reset(const struct termmodes *t, char *out);

#define TERMMODES_SEQ_MAX 256

#endif
