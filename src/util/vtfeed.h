/*
 * vtfeed.h: a program's output into a libvterm terminal, safely. libvterm
 * 0.1.4 decodes a write's text into an array on its stack as long as the
 * write (megabytes of text overflow it), and misreads a UTF-8 character
 * or an OSC (a title) cut between two writes. vtfeed writes in pieces at
 * character boundaries and holds such a cut tail until the rest comes.
 * Used by the agent's copy of a session's screen and by the UI's panes.
 */
#ifndef SBX_VTFEED_H
#define SBX_VTFEED_H

#include <stddef.h>

#include <vterm.h>

/* An OSC longer than this is written as it comes, cut or not. */
#define VTFEED_OSC_MAX 4096

struct vtfeed {
	int scan;       /* where the scanner is: text, ESC, in an OSC */
	char *held;     /* a tail not yet given to libvterm */
	size_t len, cap;
};

/* Zero-initialised is ready. */
void vtfeed_write(struct vtfeed *f, VTerm *vt, const void *data, size_t len);
/* What is held is dropped: the output it began was skipped. */
void vtfeed_reset(struct vtfeed *f);
void vtfeed_free(struct vtfeed *f);

/* The sequences of data whose effect outlasts the text around them (SGR,
 * modes, the scroll region, charsets, titles, keypad, reset), in order:
 * what to apply of output whose text is known to scroll away (malloc'd,
 * *outlen bytes; NULL when none). */
char *vtfeed_lasting(const void *data, size_t len, size_t *outlen);
/* Where in p[0..n) the text that stays on a screen begins: after the line
 * feed that leaves `lines` lines to come, a line longer than cols counting
 * as the rows it wraps to (escapes counted as text: an over-estimate). 0
 * when there are not that many lines. */
size_t vtfeed_cut(const char *p, size_t n, size_t lines, size_t cols);

#endif
