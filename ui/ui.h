/*
 * ui.h: `sbx ui`, a full-screen view of panes, each a session on a
 * sandbox (pane.h), laid out as a tree (layout.h) and drawn with ncurses
 * (draw.h). One loop: the panes' connections, our terminal's keys and
 * size, and a frame timer that draws what changed. Keys go to the focused
 * pane (or, broadcasting, to all); behind the prefix key they drive the
 * UI. Detaching leaves every session running and keeps the panes and
 * their layout, for `sbx ui --resume`.
 */
#ifndef SBX_UI_H
#define SBX_UI_H

#include <stddef.h>
#include <stdint.h>

struct ui_target {
	int id;             /* the pane's (a restored layout names it); 0: the next */
	char *name;         /* as the user named it */
	char *url, *token;
	char *ca_file;      /* for its wss://; NULL: the system's CAs */
	uint32_t session;   /* attach to it; 0: a new one */
	char *command;      /* what it runs, as the frame shows it; NULL: from the above */
	int read_only;      /* a --tail pane's (restored) */
};

struct ui_opts {
	struct ui_target *targets;
	size_t n;
	char **tail_argv;   /* --tail: read-only panes running this; NULL: shells */
	unsigned char prefix; /* the prefix key's byte (ctrl-a: 1) */
	const char *prefix_name;
	int tls;                /* a picked target may want wss:// */
	const char *keys;       /* the config's ui-keys (keys.h); NULL: the defaults */
	const char *state_file; /* where detach keeps the panes */
	int resumed;            /* the panes came from it: closing them all removes it */
	const char *layout;     /* restored layout, or NULL: tiled */
	int focus;              /* restored focus (a pane's id), or 0 */
	int zoomed;             /* restored: that pane zoomed */
	/* Targets the picker offers for a new pane, resolved on demand. */
	char **known;
	size_t nknown;
	int (*resolve)(const char *name, char **url, char **token, char **ca_file);
};

/* Runs until the user detaches (0) or every pane is closed (0); 125 when
 * the terminal cannot be used. */
int ui_run(const struct ui_opts *o);

#endif
