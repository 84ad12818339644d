/*
 * history.h: the lines that scrolled off a pane's top, as text, for copy
 * mode to show, search and copy: the ones libvterm scrolls away, and the
 * ones of a flood that never went through libvterm (their escape
 * sequences stripped). A ring of at most HISTORY_LINES.
 */
#ifndef SBX_HISTORY_H
#define SBX_HISTORY_H

#include <stddef.h>

#include <vterm.h>

#define HISTORY_LINES 2000

struct history {
	char **lines;    /* ring: the oldest at first */
	size_t first, n;
	/* A raw line not ended yet (history_raw). */
	char *part;
	size_t npart;
};

/* A line of cells as libvterm gives it to sb_pushline. */
void history_cells(struct history *h, int cols, const VTermScreenCell *cells);
/* Such a line as UTF-8 text, trailing blanks dropped (malloc'd). */
char *history_text(int cols, const VTermScreenCell *cells);
/* Output that skipped the terminal: its lines, escapes stripped, \r and
 * other controls dropped; a last line without \n waits for the rest. */
void history_raw(struct history *h, const char *p, size_t n);
/* Line i, 0 the oldest; NULL past the end. */
const char *history_line(const struct history *h, size_t i);
void history_free(struct history *h);

#endif
