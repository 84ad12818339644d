/*
 * pane.h: one pane of `sbx ui`: a session on a sandbox (new, or one that
 * runs already), seen through a libvterm terminal of the pane's size. The
 * pane connects, attaches, feeds what comes into its terminal, types what
 * it is given, follows its size, and when the connection drops retries
 * with backoff and resumes from the byte it lacks, while the other panes
 * go on. What the UI shows of it is its terminal and its state.
 */
#ifndef SBX_PANE_H
#define SBX_PANE_H

#include <stddef.h>
#include <stdint.h>

#include <libwebsockets.h>
#include <vterm.h>

#include "history.h"
#include "termmodes.h"
#include "vtfeed.h"

struct sbx_client;
struct sbx_conn;
struct sbx_exec;

enum pane_state { PANE_CONNECTING, PANE_RUNNING, PANE_RECONNECTING, PANE_EXITED, PANE_FAILED };

struct pane;

/* What the UI hears from its panes. */
struct pane_ops {
	void (*damaged)(struct pane *p, void *arg); /* the screen or the state changed */
};

/* What a new pane runs, and where. */
struct pane_spec {
	const char *name;   /* the target as the user named it */
	const char *url, *token;
	const char *ca_file; /* what its wss:// must chain to; NULL: the system's */
	uint32_t session;   /* attach to this one; 0: start a new one */
	char *const *argv;  /* a new session's command; NULL: the login shell */
	int read_only;      /* watch only: no keys, no say in the size */
	int linger;         /* a new session ends once nobody watches it (--tail) */
	const char *command; /* shown in the frame; NULL: argv, or "session N" */
};

struct pane {
	int id;
	char *name, *url, *token, *ca_file;
	char *command;           /* as shown in the frame */
	int read_only, linger;
	char **argv;             /* NULL: the login shell */
	enum pane_state state;
	int code, signo;         /* PANE_EXITED: how */
	char why[300];           /* PANE_FAILED, PANE_RECONNECTING: why */
	VTerm *vt;
	VTermScreen *vs;
	struct vtfeed feed;
	/* Output not yet in the terminal: taken at the next frame, or once
	 * PANE_BATCH is waiting, so that text a flood scrolls away at once
	 * is skipped rather than drawn into libvterm line by line. */
	char *pending;
	size_t npending, pending_cap;
	struct termmodes modes;  /* what libvterm does not report: cursor keys, paste, mouse */
	int rows, cols;
	VTermPos cursor;
	int cursor_visible;
	char *title;             /* the program's, or NULL */
	int cursor_shape;        /* VTERM_PROP_CURSORSHAPE_*: 0 not set */
	int cursor_blink;
	struct history history;  /* lines scrolled off its top, for copy mode */
	/* The damage since the last draw, in the pane's cells. */
	int damaged;
	VTermRect damage;
	int echo_due;            /* keys were typed: their echo is drawn at once */
	char *typeahead;         /* typed before it runs, sent once it does */
	size_t ntypeahead;
	/* The connection and what resuming needs. */
	struct sbx_client *cl;
	struct sbx_conn *conn;
	struct sbx_exec *x;
	uint32_t session;
	char instance[40];
	unsigned attempt;
	lws_sorted_usec_list_t retry_sul;
	const struct pane_ops *ops;
	void *arg;
};

struct pane *pane_new(struct sbx_client *cl, int id, const struct pane_spec *s, int rows, int cols,
		      const struct pane_ops *ops, void *arg);
/* Leaves its session running (detach), frees the pane. */
void pane_free(struct pane *p);
/* Starts connecting. */
void pane_start(struct pane *p);
/* Keys typed into it (already as the program expects them). */
void pane_type(struct pane *p, const void *data, size_t len);
/* Keys as our terminal sent them, turned into what the pane's program
 * expects (arrows in application mode). */
void pane_key(struct pane *p, const unsigned char *data, size_t len);
void pane_paste(struct pane *p, const char *text, size_t len);
void pane_resize(struct pane *p, int rows, int cols);
void pane_signal(struct pane *p, int signo);
#define PANE_BATCH (256 * 1024)
/* Lines kept above the screen, a flood's that would scroll away sooner
 * are never drawn into the terminal. */
#define PANE_SCROLLBACK 0
/* The output waiting goes into the terminal (before a frame is drawn). */
void pane_flush(struct pane *p);
/* Nothing to draw from here on. */
void pane_clear_damage(struct pane *p);
/* "running", "exited 3", "reconnecting: ...". */
void pane_state_text(const struct pane *p, char *buf, size_t len);

#endif
