/*
 * copy.h: copy mode of `sbx ui`: a pane's history and screen as text, at
 * the time it was entered, to scroll through, search (/ backwards, n and
 * N for the next and previous match) and copy from: the cursor's line, or
 * the lines from where v (or Space) was typed to the cursor, with Enter
 * or y, to the outer terminal's clipboard (OSC 52, as tmux's
 * set-clipboard does). Esc drops a selection; q, or Esc without one,
 * leaves.
 */
#ifndef SBX_COPY_H
#define SBX_COPY_H

#include <stddef.h>

#include "draw.h"

struct pane;

struct copy {
	int on;
	char **lines;      /* the history, then the screen's rows */
	size_t n;
	size_t cursor;     /* the line the cursor is on */
	size_t top;        /* the first line shown */
	int selecting;     /* lines from anchor to the cursor are chosen */
	size_t anchor;
	int rows;          /* shown at once */
	int searching;     /* typing the query */
	char query[128];
	size_t nquery;
	char status[200];  /* for the status line */
};

void copy_enter(struct copy *c, struct pane *p);
void copy_leave(struct copy *c);
/* A key (an escape sequence whole). 0 when copy mode ends; *yank is set
 * to the text to copy (malloc'd: lines joined by newlines) when some was
 * chosen. */
int copy_key(struct copy *c, const unsigned char *k, size_t n, char **yank);
/* The mouse wheel: the view up (lines < 0) or down, the cursor kept in
 * it. 0 once it went down to the end (copy mode then ends, as tmux's
 * copy-mode -e does). */
int copy_scroll(struct copy *c, long lines);
void copy_draw(const struct copy *c, struct draw_rect r);

#endif
