/*
 * termmodes.c: a VT parser cut down to the sequences that set the modes of
 * termmodes.h, and the bytes that replay or undo them. The agent feeds it
 * a session's output, the client the output it writes to its terminal.
 */
#include <stdio.h>
#include <string.h>

#include "termmodes.h"

#define ESC 0x1b
#define NPARAMS ((int)(sizeof ((struct termmodes *)0)->params / sizeof (uint32_t)))
/* Digits saturate here: past any screen and any mode number, so that a
 * huge parameter neither overflows nor wraps round to a mode we know. */
#define PARAM_MAX (UINT16_MAX + 1u)

#define MOUSE_TRACK (TM_MOUSE_X10 | TM_MOUSE_CLICK | TM_MOUSE_DRAG | TM_MOUSE_MOVE)
#define MOUSE_ENC (TM_MOUSE_UTF8 | TM_MOUSE_SGR | TM_MOUSE_URXVT)

/*
 * Only ESC begins what we follow, and terminals let ESC begin a sequence
 * anywhere, even inside a string: ESC \ ends one and any other ESC starts
 * a new sequence (xterm, libvterm). So whatever we do not follow (OSC,
 * DCS and APC strings, other escapes, other CSIs) goes back to the ground
 * state: its bytes up to the next ESC are as inert as text.
 */
enum {
	ST_GROUND, /* zero, so that a zeroed struct is ready */
	ST_ESC,
	ST_CSI,    /* collecting parameters */
};

struct mode {
	uint16_t num;   /* CSI ? num h / l */
	char on;        /* the final that sets flag: 'h', or 'l' for 7 and 25 */
	uint32_t flag;
	uint32_t group; /* what setting it replaces */
	uint32_t drop;  /* what resetting it ends besides itself */
	const char *set, *reset; /* what restore and reset write; NULL: an alias */
};

#define MODE_H(n, f, g, d) {n, 'h', f, g, d, "\033[?" #n "h", "\033[?" #n "l"}
#define MODE_L(n, f) {n, 'l', f, 0, 0, "\033[?" #n "l", "\033[?" #n "h"}
#define ALIAS(n, f) {n, 'h', f, 0, 0, NULL, NULL}

/*
 * In the order termmodes_restore writes them. The alternate screen comes
 * first there, as entering it clears it, and last in termmodes_reset, as
 * leaving it brings back the cursor of the normal screen.
 *
 * Mouse modes behave as in xterm: one tracking mode and one encoding at a
 * time; resetting any tracking mode ends tracking, while resetting an
 * encoding ends only that encoding. libvterm agrees on tracking.
 */
static const struct mode modes[] = {
	MODE_H(1049, TM_ALTSCREEN, 0, 0),
	MODE_H(1, TM_CURSOR_KEYS, 0, 0),
	/* DECNKM, the mode of ESC = and ESC >, which are better known. */
	{66, 'h', TM_KEYPAD, 0, 0, "\033=", "\033>"},
	MODE_H(2004, TM_BRACKETED_PASTE, 0, 0),
	MODE_H(9, TM_MOUSE_X10, MOUSE_TRACK, MOUSE_TRACK),
	MODE_H(1000, TM_MOUSE_CLICK, MOUSE_TRACK, MOUSE_TRACK),
	MODE_H(1002, TM_MOUSE_DRAG, MOUSE_TRACK, MOUSE_TRACK),
	MODE_H(1003, TM_MOUSE_MOVE, MOUSE_TRACK, MOUSE_TRACK),
	MODE_H(1005, TM_MOUSE_UTF8, MOUSE_ENC, 0),
	MODE_H(1006, TM_MOUSE_SGR, MOUSE_ENC, 0),
	MODE_H(1015, TM_MOUSE_URXVT, MOUSE_ENC, 0),
	MODE_H(1004, TM_FOCUS, 0, 0),
	MODE_H(6, TM_ORIGIN, 0, 0),
	MODE_L(7, TM_NO_AUTOWRAP),
	MODE_L(25, TM_CURSOR_HIDDEN),
	ALIAS(47, TM_ALTSCREEN),
	ALIAS(1047, TM_ALTSCREEN),
};
#define NMODES (sizeof modes / sizeof modes[0])

void termmodes_init(struct termmodes *t)
{
	termmodes_clear(t);
}

void termmodes_clear(struct termmodes *t)
{
	memset(t, 0, sizeof *t);
}

static void mode_apply(struct termmodes *t, uint32_t num, unsigned char final)
{
	for (size_t i = 0; i < NMODES; i++) {
		const struct mode *m = &modes[i];

		if (m->num != num)
			continue;
		if (final == m->on)
			t->set = (t->set & ~m->group) | m->flag;
		else
			t->set &= ~(m->flag | m->drop);
		return;
	}
}

/* DECSTBM, judged as a terminal would, short of knowing its height. */
static void region_set(struct termmodes *t, int n)
{
	uint32_t top = n > 0 && t->params[0] ? t->params[0] : 1;
	uint32_t bottom = n > 1 ? t->params[1] : 0;

	/* Terminals clamp a bottom past the screen to the screen's own. */
	if (bottom > UINT16_MAX)
		bottom = 0;
	/* They ignore a region of fewer than two lines. */
	if (top > UINT16_MAX || (bottom != 0 && top >= bottom))
		return;
	if (top == 1 && bottom == 0)
		top = 0;
	t->top = (uint16_t)top;
	t->bottom = (uint16_t)bottom;
}

/* Private CSI r and s (XTRESTORE, XTSAVE) are not followed: they would
 * need the saved modes, which the struct does not keep. */
static void csi_dispatch(struct termmodes *t, unsigned char final)
{
	int n = t->nparams > NPARAMS ? NPARAMS : t->nparams;

	if (t->priv && (final == 'h' || final == 'l')) {
		for (int i = 0; i < n; i++)
			mode_apply(t, t->params[i], final);
	} else if (!t->priv && final == 'r') {
		region_set(t, n);
	}
}

/* nparams counts the parameters begun, up to NPARAMS + 1 for "more". */
static void csi_param(struct termmodes *t, unsigned char c)
{
	uint32_t *p;

	if (t->nparams == 0) {
		t->nparams = 1;
		t->params[0] = 0;
	}
	if (c == ';' && t->nparams <= NPARAMS && ++t->nparams <= NPARAMS)
		t->params[t->nparams - 1] = 0;
	if (c == ';' || t->nparams > NPARAMS)
		return;
	p = &t->params[t->nparams - 1];
	*p = *p * 10 + (uint32_t)(c - '0');
	if (*p > PARAM_MAX)
		*p = PARAM_MAX;
}

static void csi_byte(struct termmodes *t, unsigned char c)
{
	if ((c >= '0' && c <= '9') || c == ';') {
		csi_param(t, c);
	} else if (c == '?' && t->nparams == 0 && !t->priv) {
		t->priv = 1;
	} else {
		/* A final, or what makes a CSI not ours: intermediates,
		 * sub-parameters, other markers. */
		t->state = ST_GROUND;
		if (c >= 0x40 && c <= 0x7e)
			csi_dispatch(t, c);
	}
}

static void esc_byte(struct termmodes *t, unsigned char c)
{
	t->state = ST_GROUND;
	if (c == '[') {
		t->state = ST_CSI;
		t->priv = t->nparams = 0;
	} else if (c == '=') {
		t->set |= TM_KEYPAD;
	} else if (c == '>') {
		t->set &= ~(uint32_t)TM_KEYPAD;
	} else if (c == 'c') {
		termmodes_clear(t);
	}
}

static void feed_byte(struct termmodes *t, unsigned char c)
{
	if (c == ESC) {
		t->state = ST_ESC;
		return;
	}
	/* CAN and SUB abort a sequence; other controls act at once and
	 * leave it where it was. */
	if (c == 0x18 || c == 0x1a)
		t->state = ST_GROUND;
	if (c < 0x20 || c == 0x7f)
		return;
	if (t->state == ST_ESC)
		esc_byte(t, c);
	else if (t->state == ST_CSI)
		csi_byte(t, c);
}

void termmodes_feed(struct termmodes *t, const void *data, size_t len)
{
	const unsigned char *p = data, *end = p + len;

	while (p < end) {
		/* Most output is text, and only ESC leaves the ground state;
		 * 0x9b, C1 CSI, is part of UTF-8 characters and so not CSI. */
		if (t->state == ST_GROUND) {
			p = memchr(p, ESC, (size_t)(end - p));
			if (p == NULL)
				return;
		}
		feed_byte(t, *p++);
	}
}

/* The tables bound every output well under TERMMODES_SEQ_MAX, which the
 * unit test checks with every flag set. */
static size_t put(char *out, size_t n, const char *s)
{
	size_t len = strlen(s);

	memcpy(out + n, s, len);
	return n + len;
}

size_t termmodes_restore(const struct termmodes *t, char *out)
{
	size_t n = 0;
	int len = 0;

	for (size_t i = 0; i < NMODES; i++)
		if (modes[i].set && (t->set & modes[i].flag))
			n = put(out, n, modes[i].set);
	if (t->bottom)
		len = snprintf(out + n, TERMMODES_SEQ_MAX - n, "\033[%u;%ur",
			       (unsigned)t->top, (unsigned)t->bottom);
	else if (t->top)
		len = snprintf(out + n, TERMMODES_SEQ_MAX - n, "\033[%ur", (unsigned)t->top);
	return n + (len > 0 ? (size_t)len : 0);
}

size_t termmodes_reset(const struct termmodes *t, char *out)
{
	size_t n = 0;

	/* From 1: the alternate screen, row 0, goes last. */
	for (size_t i = 1; i < NMODES; i++)
		if (modes[i].reset && (t->set & modes[i].flag))
			n = put(out, n, modes[i].reset);
	/*
	 * DECSTBM homes the cursor, so save and restore it around; but not on
	 * the alternate screen, which leaving restores the cursor saved on
	 * entry, a slot that DECSC shares in some terminals (libvterm).
	 */
	if (t->top || t->bottom)
		n = put(out, n, t->set & TM_ALTSCREEN ? "\033[r" : "\0337\033[r\0338");
	if (t->set & TM_ALTSCREEN)
		n = put(out, n, modes[0].reset);
	return n;
}
