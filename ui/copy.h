/*
 * copy.h: copy mode of `sbx ui`: a pane's history and screen as text, at
 * the time it was entered, to scroll through, search (/ backwards, n and
 * N for the next and previous match) and copy a line from (Enter or y:
 * to the outer terminal's clipboard, OSC 52, as tmux's set-clipboard
 * does). q or Esc leaves.
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
	int rows;          /* shown at once */
	int searching;     /* typing the query */
	char query[128];
	size_t nquery;
	char status[200];  /* for the status line */
};

void copy_enter(struct copy *c, struct pane *p);
void copy_leave(struct copy *c);
/* A key (an escape sequence whole). 0 when copy mode ends; *yank is set
 * to a line to copy (malloc'd) when one was chosen. */
int copy_key(struct copy *c, const unsigned char *k, size_t n, char **yank);
void copy_draw(const struct copy *c, struct draw_rect r);

#endif
