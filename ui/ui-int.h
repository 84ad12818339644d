/*
 * ui-int.h: what the parts of sbx ui share: the UI's state, and the calls
 * between its loop and panes (ui.c), its drawing (frame.c) and its input
 * (input.c).
 */
#ifndef SBX_UI_INT_H
#define SBX_UI_INT_H

#include <libwebsockets.h>

#include "copy.h"
#include "keys.h"
#include "layout.h"
#include "pane.h"
#include "ui.h"

#define MAX_PANES 64
/* Output is drawn at most this often: a flood costs a frame, not a draw
 * per frame of output; an idle UI has no timer at all. */
#define FRAME_US (16 * 1000)
/* After the prefix, the next key is a command for this long. */
#define PREFIX_US (3 * LWS_US_PER_SEC)

enum overlay { OVERLAY_NONE, OVERLAY_HELP, OVERLAY_PICKER };

struct ui {
	const struct ui_opts *o;
	struct sbx_client *cl;
	struct pane *panes[MAX_PANES];
	size_t npanes;
	int next_id;
	struct layout *layout;
	int focus;          /* a pane's id */
	int zoomed;
	int broadcast;
	int armed;          /* the prefix came: the next key is a command */
	enum overlay overlay;
	size_t pick;        /* the picker's choice */
	int rows, cols;
	int relayout;       /* sizes changed: lay out and draw everything */
	int frame_due;
	lws_usec_t last_frame;
	int detached;
	char message[200];  /* on the status line for a while (ui_say) */
	lws_sorted_usec_list_t frame_sul, prefix_sul, message_sul;
	/* A key split over two reads (an escape sequence). */
	unsigned char pend[16];
	size_t npend;
	struct keymap km;   /* what each key after the prefix does */
	struct copy copy;   /* copy mode of the focused pane */
	int pasting;        /* between our terminal's paste brackets */
	int shape_out;      /* the cursor shape our terminal was last told */
};

/* Our terminal, while the UI runs: mouse clicks and drags (SGR), and
 * pastes bracketed, so that we can tell them from typing. */
#define OUTER_MODES_ON "\033[?1002h\033[?1006h\033[?2004h"
#define OUTER_MODES_OFF "\033[?1002l\033[?1006l\033[?2004l\033[0 q"

/* ui.c */
struct pane *pane_by_id(struct ui *u, int id);
void frame_want(struct ui *u);
struct rect area_of(const struct ui *u);
/* Every pane's place as drawn (the zoomed one over the whole area). */
size_t layout_now(struct ui *u, struct layout_pane *lp);
/* Each pane's terminal sized to its place, and everything drawn again. */
void panes_fit(struct ui *u);
void pane_close(struct ui *u, int id);
/* A new pane beside (vertical) or below the focused one; on its sandbox
 * unless name and url say another. */
void pane_split(struct ui *u, int vertical, const char *name, const char *url, const char *token,
		const char *ca_file);
void outer_write(const char *s, size_t n);
/* A message on the status line, for 4 seconds or until the prefix. */
void ui_say(struct ui *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ui_detach(struct ui *u);

/* frame.c */
void frame_draw(struct ui *u);
void frame_fire(lws_sorted_usec_list_t *sul);

/* input.c */
void keys_feed(struct ui *u, const unsigned char *buf, size_t n);

#endif
