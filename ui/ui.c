/* ui.c: see ui.h. */
#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "b64.h"
#include "copy.h"
#include "draw.h"
#include "keys.h"
#include "layout.h"
#include "pane.h"
#include "sbx.h"
#include "ui.h"
#include "watch.h"
#include "xmalloc.h"

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
	char message[200];  /* on the status line until the next key */
	lws_sorted_usec_list_t frame_sul, prefix_sul;
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

static void outer_write(const char *s, size_t n)
{
	fflush(stdout);
	while (n) {
		ssize_t w = write(1, s, n);
		if (w <= 0)
			return;
		s += w, n -= (size_t)w;
	}
}

static struct pane *pane_by_id(struct ui *u, int id)
{
	for (size_t i = 0; i < u->npanes; i++)
		if (u->panes[i]->id == id)
			return u->panes[i];
	return NULL;
}

static void frame_fire(lws_sorted_usec_list_t *sul);

/* A frame at once when none was drawn for FRAME_US (a key's echo shows
 * without delay), else when that much has passed since the last: a flood
 * gets a frame every FRAME_US, not one per piece of output. */
static void frame_want(struct ui *u)
{
	lws_usec_t since;

	if (u->frame_due)
		return;
	u->frame_due = 1;
	since = lws_now_usecs() - u->last_frame;
	lws_sul_schedule(sbx_client_context(u->cl), 0, &u->frame_sul, frame_fire,
			 since >= FRAME_US ? 1 : FRAME_US - since);
}

static void on_damaged(struct pane *p, void *arg)
{
	struct ui *u = arg;

	/* The echo of what was just typed: drawn now, not at the flood's pace
	 * of another pane. */
	if (p->echo_due) {
		p->echo_due = 0;
		u->frame_due = 1;
		lws_sul_schedule(sbx_client_context(u->cl), 0, &u->frame_sul, frame_fire, 1);
		return;
	}
	frame_want(u);
}

static const struct pane_ops pane_ops = {.damaged = on_damaged};

/* ---- layout ---------------------------------------------------------------------- */

static struct rect area_of(const struct ui *u)
{
	return (struct rect){0, 0, u->rows > 1 ? u->rows - 1 : 1, u->cols};
}

/* Every pane at its place; each remote terminal follows its pane's size. */
static size_t layout_now(struct ui *u, struct layout_pane *lp)
{
	size_t n = layout_compute(u->layout, area_of(u), lp, MAX_PANES);

	if (u->zoomed) {
		for (size_t i = 0; i < n; i++)
			lp[i].r = lp[i].id == u->focus ? area_of(u) : (struct rect){0, 0, 0, 0};
	}
	return n;
}

static void panes_fit(struct ui *u)
{
	struct layout_pane lp[MAX_PANES];
	size_t n = layout_now(u, lp);

	for (size_t i = 0; i < n; i++) {
		struct pane *p = pane_by_id(u, lp[i].id);

		if (p && lp[i].r.h > 1 && lp[i].r.w > 0)
			pane_resize(p, lp[i].r.h - 1, lp[i].r.w);
	}
	u->relayout = 1;
	frame_want(u);
}

static struct pane *pane_add(struct ui *u, const struct pane_spec *s, int id)
{
	struct pane *p;

	if (u->npanes == MAX_PANES) {
		snprintf(u->message, sizeof u->message, "at most %d panes", MAX_PANES);
		return NULL;
	}
	if (id <= 0 || pane_by_id(u, id))
		id = u->next_id + 1;
	if (id > u->next_id)
		u->next_id = id;
	p = pane_new(u->cl, id, s, 24, 80, &pane_ops, u);
	u->panes[u->npanes++] = p;
	return p;
}

static void pane_close(struct ui *u, int id)
{
	for (size_t i = 0; i < u->npanes; i++)
		if (u->panes[i]->id == id) {
			pane_free(u->panes[i]);
			memmove(&u->panes[i], &u->panes[i + 1], (u->npanes - i - 1) * sizeof u->panes[0]);
			u->npanes--;
			break;
		}
	if (u->focus == id) {
		int next = 0;
		for (enum layout_dir d = LAYOUT_LEFT; d <= LAYOUT_DOWN && !next; d++)
			next = layout_neighbour(u->layout, area_of(u), id, d);
		u->focus = next ? next : u->npanes ? u->panes[0]->id : 0;
	}
	layout_remove(u->layout, id);
	u->zoomed = 0;
	if (u->npanes == 0)
		sbx_client_stop(u->cl);
	panes_fit(u);
}

/* A new pane beside or below the focused one, on the same sandbox. */
static void pane_split(struct ui *u, int vertical, const char *name, const char *url,
		       const char *token)
{
	struct pane *f = pane_by_id(u, u->focus), *p;
	struct pane_spec s = {.name = name ? name : f->name, .url = url ? url : f->url,
			      .token = url ? token : f->token};

	if (f == NULL || (p = pane_add(u, &s, 0)) == NULL)
		return;
	if (layout_split(u->layout, u->focus, p->id, vertical) < 0) {
		pane_close(u, p->id);
		return;
	}
	u->zoomed = 0;
	u->focus = p->id;
	panes_fit(u);
	pane_start(p);
}

/* ---- drawing ----------------------------------------------------------------------- */

static void frame_title(struct ui *u, struct pane *p, struct rect r)
{
	char st[200], line[600];
	int focused = p->id == u->focus;
	int n;

	pane_state_text(p, st, sizeof st);
	/* The state before the command: a narrow pane cuts the end. */
	n = snprintf(line, sizeof line, " %s [%s]%s %s ", p->name, st,
		     focused && u->broadcast ? " BROADCAST" : "", p->title ? p->title : p->command);
	attrset(focused ? A_REVERSE | A_BOLD : A_REVERSE);
	mvhline(r.y, r.x, ' ', r.w);
	mvaddnstr(r.y, r.x, line, n < r.w ? n : r.w);
	attrset(A_NORMAL);
}

static void status_draw(struct ui *u)
{
	struct pane *f = pane_by_id(u, u->focus);
	char line[600];

	if (u->copy.on)
		snprintf(line, sizeof line, " %s", u->copy.status);
	else if (u->message[0])
		snprintf(line, sizeof line, " %s", u->message);
	else
		snprintf(line, sizeof line, " sbx ui | %zu pane%s | %s%s | broadcast %s | %s%s ? help",
			 u->npanes, u->npanes == 1 ? "" : "s", f ? f->name : "-",
			 u->zoomed ? " (zoomed)" : "", u->broadcast ? "ON" : "off", u->o->prefix_name,
			 u->armed ? " ..." : "");
	attrset(u->broadcast ? A_BOLD | A_REVERSE : A_REVERSE);
	mvhline(u->rows - 1, 0, ' ', u->cols);
	mvaddnstr(u->rows - 1, 0, line, u->cols);
	attrset(A_NORMAL);
}

static void box_draw(struct ui *u, const char *title, const char *text, size_t mark)
{
	int lines = 1, width = (int)strlen(title) + 4, w = 0, y, x, row = 0;

	for (const char *p = text; *p; p++, w++)
		if (*p == '\n') {
			lines++;
			width = w + 4 > width ? w + 4 : width;
			w = -1;
		}
	if (width > u->cols)
		width = u->cols;
	y = (u->rows - lines - 2) / 2, x = (u->cols - width) / 2;
	y = y < 0 ? 0 : y, x = x < 0 ? 0 : x;
	attrset(A_REVERSE);
	for (int i = 0; i < lines + 2 && y + i < u->rows; i++)
		mvhline(y + i, x, ' ', width);
	mvaddnstr(y, x + 1, title, width - 2);
	for (const char *p = text; *p && row < lines; row++) {
		const char *e = strchr(p, '\n');
		int len = e ? (int)(e - p) : (int)strlen(p);

		attrset(mark && (size_t)row + 1 == mark ? A_BOLD : A_REVERSE);
		mvaddnstr(y + 1 + row, x + 1, p, len < width - 2 ? len : width - 2);
		p += len + (e != NULL);
	}
	attrset(A_NORMAL);
}

static void picker_draw(struct ui *u)
{
	char text[4096];
	size_t at = 0;

	text[0] = '\0';
	for (size_t i = 0; i < u->o->nknown && at < sizeof text - 80; i++)
		at += (size_t)snprintf(text + at, sizeof text - at, "%s %s\n", i == u->pick ? ">" : " ",
				       u->o->known[i]);
	if (u->o->nknown == 0)
		snprintf(text, sizeof text, "no sandbox known (sbx up NAME)\n");
	box_draw(u, "new pane on: (arrows, Enter; Esc to cancel)", text, u->pick + 1);
}

/* The focused pane's cursor shape on our terminal (DECSCUSR): block,
 * underline or bar, blinking or not; 0 for our terminal's own. */
static void cursor_shape(struct ui *u, const struct pane *f)
{
	int shape = 0;
	char seq[16];

	if (f && f->cursor_shape)
		shape = 2 * (f->cursor_shape == VTERM_PROP_CURSORSHAPE_UNDERLINE ? 2
			     : f->cursor_shape == VTERM_PROP_CURSORSHAPE_BAR_LEFT ? 3 : 1) -
			!!f->cursor_blink;
	if (shape == u->shape_out)
		return;
	u->shape_out = shape;
	outer_write(seq, (size_t)snprintf(seq, sizeof seq, "\033[%d q", shape));
}

/* The keys as they are bound now (the config's ui-keys included). */
static void help_text(const struct ui *u, char *buf, size_t len)
{
	size_t at = 0;

	at += (size_t)snprintf(buf + at, len - at, "  %-12s focus the pane that way\n", "arrows");
	for (int a = 0; a < ACT__COUNT && at < len; a++) {
		char keys[32] = "";
		size_t k = 0;

		for (size_t i = 0; i < u->km.n[a] && k + 8 < sizeof keys; i++) {
			unsigned char c = u->km.key[a][i];
			k += (size_t)(c < 0x20 ? snprintf(keys + k, sizeof keys - k, "%sctrl-%c", i ? " " : "",
							  c + 'a' - 1)
					      : snprintf(keys + k, sizeof keys - k, "%s%c", i ? " " : "", c));
		}
		at += (size_t)snprintf(buf + at, len - at, "  %-12s %s\n", keys, keymap_action_help(a));
	}
	if (at < len)
		snprintf(buf + at, len - at, "  %-12s the prefix key itself, to the pane\n",
			 u->o->prefix_name);
}

static void frame_draw(struct ui *u)
{
	struct layout_pane lp[MAX_PANES];
	size_t n = layout_now(u, lp);
	struct pane *f = NULL;
	struct rect fr = {0};

	if (u->relayout) {
		erase();
		/* Borders between panes side by side: what no pane covers. */
		for (size_t i = 0; i < n; i++)
			if (lp[i].r.w > 0 && lp[i].r.x + lp[i].r.w < u->cols)
				mvvline(lp[i].r.y, lp[i].r.x + lp[i].r.w, ACS_VLINE, lp[i].r.h);
	}
	for (size_t i = 0; i < u->npanes; i++)
		pane_flush(u->panes[i]);
	for (size_t i = 0; i < n; i++) {
		struct pane *p = pane_by_id(u, lp[i].id);
		struct rect r = lp[i].r;
		struct draw_rect in = {r.y + 1, r.x, r.h - 1, r.w};

		if (p == NULL || r.h < 2 || r.w < 1)
			continue;
		frame_title(u, p, r);
		if (u->copy.on && p->id == u->focus)
			copy_draw(&u->copy, in);
		else if (u->relayout || p->damaged)
			draw_screen(p->vs, in, u->relayout ? NULL : &p->damage);
		pane_clear_damage(p);
		if (p->id == u->focus)
			f = p, fr = r;
	}
	status_draw(u);
	if (u->overlay == OVERLAY_HELP) {
		char text[4096];

		help_text(u, text, sizeof text);
		box_draw(u, "sbx ui: keys after the prefix (Esc or any key to close)", text, 0);
	} else if (u->overlay == OVERLAY_PICKER) {
		picker_draw(u);
	}
	u->relayout = 0;
	if (f && f->cursor_visible && u->overlay == OVERLAY_NONE && !u->copy.on &&
	    f->cursor.row < fr.h - 1 && f->cursor.col < fr.w) {
		curs_set(1);
		move(fr.y + 1 + f->cursor.row, fr.x + f->cursor.col);
	} else {
		curs_set(0);
	}
	refresh();
	cursor_shape(u, f);
}

static void frame_fire(lws_sorted_usec_list_t *sul)
{
	struct ui *u = lws_container_of(sul, struct ui, frame_sul);

	u->frame_due = 0;
	u->last_frame = lws_now_usecs();
	frame_draw(u);
}

/* ---- keys -------------------------------------------------------------------------- */

static void prefix_expire(lws_sorted_usec_list_t *sul)
{
	struct ui *u = lws_container_of(sul, struct ui, prefix_sul);

	u->armed = 0;
	frame_want(u);
}

static void focus_move(struct ui *u, enum layout_dir d)
{
	int id = layout_neighbour(u->layout, area_of(u), u->focus, d);

	if (id) {
		u->focus = id;
		u->zoomed = 0;
		panes_fit(u);
	}
}

static void focus_next(struct ui *u, int step)
{
	for (size_t i = 0; i < u->npanes; i++)
		if (u->panes[i]->id == u->focus) {
			u->focus = u->panes[(i + u->npanes + (size_t)step) % u->npanes]->id;
			break;
		}
	if (u->zoomed)
		panes_fit(u);
	frame_want(u);
}

/* The pane before or after the focused one, in the order they are laid out. */
static int pane_beside(struct ui *u, int step)
{
	struct layout_pane lp[MAX_PANES];
	size_t n = layout_compute(u->layout, area_of(u), lp, MAX_PANES);

	for (size_t i = 0; i < n; i++)
		if (lp[i].id == u->focus)
			return n > 1 ? lp[(i + n + (size_t)step) % n].id : 0;
	return 0;
}

static void detach(struct ui *u)
{
	if (u->npanes == 0)
		return; /* the last one was closed: nothing to detach from */
	u->detached = 1;
	sbx_client_stop(u->cl);
}

static void picker_choose(struct ui *u)
{
	char *url = NULL, *token = NULL;
	const char *name;

	u->overlay = OVERLAY_NONE;
	u->relayout = 1;
	if (u->pick >= u->o->nknown)
		return;
	name = u->o->known[u->pick];
	if (u->o->resolve(name, &url, &token) < 0) {
		snprintf(u->message, sizeof u->message, "%s: cannot be reached", name);
		return;
	}
	pane_split(u, 1, name, url, token);
	free(url);
	free(token);
}

/* A key after the prefix. n bytes of one key (an escape sequence whole). */
static void command_key(struct ui *u, const unsigned char *k, size_t n)
{
	struct pane *f = pane_by_id(u, u->focus);
	int other;

	u->armed = 0;
	lws_sul_cancel(&u->prefix_sul);
	if (n == 3 && k[0] == 0x1b && k[1] == '[' && strchr("ABCD", k[2])) {
		focus_move(u, k[2] == 'A' ? LAYOUT_UP : k[2] == 'B' ? LAYOUT_DOWN
			      : k[2] == 'C' ? LAYOUT_RIGHT : LAYOUT_LEFT);
		return;
	}
	if (n != 1)
		return;
	if (k[0] == u->o->prefix) {
		if (f)
			pane_type(f, k, 1);
		return;
	}
	switch (keymap_find(&u->km, k[0])) {
	case ACT_FOCUS_NEXT:
		focus_next(u, 1);
		break;
	case ACT_SPLIT_BELOW:
		pane_split(u, 0, NULL, NULL, NULL);
		break;
	case ACT_SPLIT_RIGHT:
		pane_split(u, 1, NULL, NULL, NULL);
		break;
	case ACT_NEW_PANE:
		u->overlay = OVERLAY_PICKER;
		u->pick = 0;
		break;
	case ACT_ZOOM:
		u->zoomed = !u->zoomed;
		panes_fit(u);
		break;
	case ACT_GROW_LEFT:
	case ACT_GROW_DOWN:
	case ACT_GROW_UP:
	case ACT_GROW_RIGHT: {
		static const enum layout_dir dirs[] = {LAYOUT_LEFT, LAYOUT_DOWN, LAYOUT_UP, LAYOUT_RIGHT};
		layout_resize(u->layout, area_of(u), u->focus,
			      dirs[keymap_find(&u->km, k[0]) - ACT_GROW_LEFT], 2);
		panes_fit(u);
		break;
	}
	case ACT_SWAP_PREV:
	case ACT_SWAP_NEXT:
		if ((other = pane_beside(u, keymap_find(&u->km, k[0]) == ACT_SWAP_PREV ? -1 : 1)) != 0) {
			layout_swap(u->layout, u->focus, other);
			panes_fit(u);
		}
		break;
	case ACT_BROADCAST:
		u->broadcast = !u->broadcast;
		u->relayout = 1;
		break;
	case ACT_CLOSE:
		if (f)
			pane_close(u, f->id);
		break;
	case ACT_KILL:
		if (f)
			pane_signal(f, SIGKILL);
		break;
	case ACT_DETACH:
		detach(u);
		break;
	case ACT_HELP:
		u->overlay = OVERLAY_HELP;
		break;
	case ACT_COPY_MODE:
		if (f) {
			copy_enter(&u->copy, f);
			u->relayout = 1;
		}
		break;
	default:
		snprintf(u->message, sizeof u->message, "%s %c: no such key (%s ? lists them)",
			 u->o->prefix_name, k[0] >= 0x20 && k[0] < 0x7f ? k[0] : '?',
			 u->o->prefix_name);
		break;
	}
	frame_want(u);
}

static void overlay_key(struct ui *u, const unsigned char *k, size_t n)
{
	if (u->overlay == OVERLAY_PICKER) {
		if (n == 3 && k[1] == '[' && (k[2] == 'A' || k[2] == 'B')) {
			if (k[2] == 'A' && u->pick > 0)
				u->pick--;
			else if (k[2] == 'B' && u->pick + 1 < u->o->nknown)
				u->pick++;
			frame_want(u);
			return;
		}
		if (n == 1 && (k[0] == '\r' || k[0] == '\n')) {
			picker_choose(u);
			frame_want(u);
			return;
		}
	}
	u->overlay = OVERLAY_NONE;
	u->relayout = 1;
	frame_want(u);
}

/* The length of the key at k: an escape sequence whole (CSI ... final,
 * SS3 x, ESC x), else one byte; 0 if it is cut (more to come). */
static size_t key_len(const unsigned char *k, size_t n)
{
	size_t i;

	if (k[0] != 0x1b)
		return 1;
	if (n < 2)
		return 0;
	if (k[1] == 'O')
		return n < 3 ? 0 : 3;
	if (k[1] != '[')
		return 2;
	for (i = 2; i < n; i++)
		if (k[i] >= 0x40 && k[i] <= 0x7e)
			return i + 1;
	return 0;
}

/* Typed text goes to the focused pane, or to all broadcasting. */
static void keys_send(struct ui *u, const unsigned char *k, size_t n)
{
	struct pane *f = pane_by_id(u, u->focus);

	if (n == 0)
		return;
	if (!u->broadcast) {
		if (f) {
			f->echo_due = 1;
			pane_key(f, k, n);
		}
		return;
	}
	for (size_t i = 0; i < u->npanes; i++) {
		u->panes[i]->echo_due = 1;
		pane_key(u->panes[i], k, n);
	}
}

/* A paste, as it is: bracketed for the programs that asked. */
static void paste_send(struct ui *u, const void *data, size_t n, const char *bracket)
{
	struct pane *f = pane_by_id(u, u->focus);

	for (size_t i = 0; i < u->npanes; i++) {
		struct pane *p = u->panes[i];

		if (p != f && !u->broadcast)
			continue;
		if (bracket && (p->modes.set & TM_BRACKETED_PASTE))
			pane_type(p, bracket, strlen(bracket));
		else if (!bracket)
			pane_type(p, data, n);
	}
}

static void copy_yank(struct ui *u, char *line)
{
	char *b = b64_encode(line, strlen(line));

	/* OSC 52: the outer terminal (or tmux, with set-clipboard) keeps it. */
	outer_write("\033]52;c;", 7);
	outer_write(b, strlen(b));
	outer_write("\a", 1);
	snprintf(u->message, sizeof u->message, "copied: %.100s", line);
	free(b);
	free(line);
}

/* A mouse event from our terminal (SGR: CSI < b ; x ; y M, m on release):
 * a click focuses the pane under it; in the focused pane it goes to a
 * program that asked for the mouse, in the pane's own coordinates. */
static void mouse_event(struct ui *u, const unsigned char *k, size_t n)
{
	struct layout_pane lp[MAX_PANES];
	size_t np = layout_now(u, lp);
	struct pane *p = NULL;
	struct rect r = {0};
	int b, x, y, row, col;
	char fin, seq[32], text[16];

	if (n >= sizeof text || (memcpy(text, k, n), text[n] = '\0',
				 sscanf(text + 3, "%d;%d;%d%c", &b, &x, &y, &fin)) != 4)
		return;
	x--, y--;
	for (size_t i = 0; i < np; i++)
		if (y >= lp[i].r.y && y < lp[i].r.y + lp[i].r.h && x >= lp[i].r.x &&
		    x < lp[i].r.x + lp[i].r.w)
			p = pane_by_id(u, lp[i].id), r = lp[i].r;
	if (p == NULL)
		return;
	if (p->id != u->focus) {
		if (fin == 'M' && (b & ~3) == 0) {
			if (u->copy.on)
				copy_leave(&u->copy);
			u->focus = p->id;
			u->zoomed = 0;
			u->relayout = 1;
			frame_want(u);
		}
		return;
	}
	row = y - (r.y + 1), col = x - r.x;
	if (row < 0 || !(p->modes.set & (TM_MOUSE_X10 | TM_MOUSE_CLICK | TM_MOUSE_DRAG | TM_MOUSE_MOVE)))
		return;
	if ((b & 32) && !(p->modes.set & (TM_MOUSE_DRAG | TM_MOUSE_MOVE)))
		return; /* motion, which it did not ask for */
	if (p->modes.set & TM_MOUSE_SGR)
		n = (size_t)snprintf(seq, sizeof seq, "\033[<%d;%d;%d%c", b, col + 1, row + 1, fin);
	else if (col < 223 && row < 223)
		n = (size_t)snprintf(seq, sizeof seq, "\033[M%c%c%c", 32 + (fin == 'm' ? 3 : b),
				     33 + col, 33 + row);
	else
		return;
	pane_type(p, seq, n);
}

/* The length of the paste's end (CSI 201~) at the end of buf that may be
 * cut off by the read: kept for the next one. */
static size_t paste_tail(const unsigned char *buf, size_t n)
{
	static const char end[] = "\033[201~";

	for (size_t k = n < 5 ? n : 5; k > 0; k--)
		if (memcmp(buf + n - k, end, k) == 0)
			return k;
	return 0;
}

static void keys_feed(struct ui *u, const unsigned char *buf, size_t n)
{
	size_t at = 0, from = 0, len;
	char *yank;

	while (at < n) {
		if (u->pasting) {
			const unsigned char *end = memmem(buf + at, n - at, "\033[201~", 6);
			size_t upto = end ? (size_t)(end - buf) : n - paste_tail(buf + at, n - at);

			paste_send(u, buf + at, upto - at, NULL);
			if (end == NULL) {
				from = at = upto;
				break;
			}
			paste_send(u, NULL, 0, "\033[201~");
			u->pasting = 0;
			from = at = upto + 6;
			continue;
		}
		len = key_len(buf + at, n - at);
		if (len == 0) {
			/* A sequence cut by the read: a lone ESC is a key too. */
			if (n - at == 1 && buf[at] == 0x1b && u->npend == 0)
				len = 1;
			else
				break;
		}
		if (len == 6 && memcmp(buf + at, "\033[200~", 6) == 0) {
			keys_send(u, buf + from, at - from);
			paste_send(u, NULL, 0, "\033[200~");
			u->pasting = 1;
			from = at = at + 6;
			continue;
		}
		if (len > 3 && buf[at] == 0x1b && buf[at + 1] == '[' && buf[at + 2] == '<') {
			keys_send(u, buf + from, at - from);
			mouse_event(u, buf + at, len);
			from = at = at + len;
			continue;
		}
		if (u->copy.on) {
			keys_send(u, buf + from, at - from);
			if (!copy_key(&u->copy, buf + at, len, &yank)) {
				copy_leave(&u->copy);
				u->relayout = 1;
				if (yank)
					copy_yank(u, yank);
			}
			frame_want(u);
			from = at + len;
		} else if (u->overlay != OVERLAY_NONE || u->armed || buf[at] == u->o->prefix) {
			keys_send(u, buf + from, at - from);
			u->message[0] = '\0';
			if (u->overlay != OVERLAY_NONE)
				overlay_key(u, buf + at, len);
			else if (u->armed)
				command_key(u, buf + at, len);
			else {
				u->armed = 1;
				lws_sul_schedule(sbx_client_context(u->cl), 0, &u->prefix_sul,
						 prefix_expire, PREFIX_US);
				frame_want(u);
			}
			from = at + len;
		}
		at += len;
	}
	keys_send(u, buf + from, at - from);
	u->npend = n - at < sizeof u->pend ? n - at : 0;
	memcpy(u->pend, buf + at, u->npend);
}

static void in_readable(struct watch *w, void *arg)
{
	struct ui *u = arg;
	unsigned char buf[4096 + sizeof u->pend];
	size_t have = u->npend;
	ssize_t n;

	memcpy(buf, u->pend, have);
	u->npend = 0;
	n = read(watch_fd(w), buf + have, sizeof buf - have);
	if (n <= 0) {
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			detach(u);
		return;
	}
	keys_feed(u, buf, have + (size_t)n);
}

static void in_closed(struct watch *w, void *arg)
{
	(void)w;
	detach(arg);
}

static const struct watch_ops in_ops = {.readable = in_readable, .closed = in_closed};

/* ---- signals ---------------------------------------------------------------------------- */

static void outer_resize(struct ui *u)
{
	struct winsize ws;

	if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col) {
		resizeterm(ws.ws_row, ws.ws_col);
		u->rows = ws.ws_row, u->cols = ws.ws_col;
	}
	panes_fit(u);
}

static void signals_readable(struct watch *w, void *arg)
{
	struct ui *u = arg;
	struct signalfd_siginfo si;

	while (read(watch_fd(w), &si, sizeof si) == sizeof si) {
		if (si.ssi_signo == SIGWINCH)
			outer_resize(u);
		else
			detach(u); /* TERM, HUP: the sessions go on */
	}
}

static const struct watch_ops signal_ops = {.readable = signals_readable};

/* ---- state ---------------------------------------------------------------------------------- */

/* What --resume needs: each pane's target and session, the layout, the
 * focus. Written on detach; a pane with no session left is not kept. */
static void state_save(struct ui *u)
{
	char tmp[4200], *text;
	FILE *f;

	if (u->o->state_file == NULL)
		return;
	snprintf(tmp, sizeof tmp, "%s.tmp", u->o->state_file);
	if ((f = fopen(tmp, "w")) == NULL)
		return;
	fprintf(f, "# sbx ui --resume: panes and layout\n");
	for (size_t i = 0; i < u->npanes; i++) {
		struct pane *p = u->panes[i];

		/* One with no session left is not kept, nor its place. */
		if (!p->session || p->state == PANE_EXITED || p->state == PANE_FAILED) {
			layout_remove(u->layout, p->id);
			continue;
		}
		if (1)
			fprintf(f, "pane %d %u %d %s %s\n", p->id, p->session, p->read_only, p->name,
				p->command);
	}
	text = layout_save(u->layout);
	fprintf(f, "layout %s\nfocus %d\n", text ? text : "", u->focus);
	free(text);
	if (fclose(f) == 0)
		rename(tmp, u->o->state_file);
	else
		unlink(tmp);
}

/* ---- the loop --------------------------------------------------------------------------------- */

static int screen_start(struct ui *u)
{
	sigset_t set;

	setlocale(LC_ALL, "");
	sigemptyset(&set);
	sigaddset(&set, SIGWINCH);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGINT);
	/* Before initscr: ncurses must not take SIGWINCH itself. */
	if (watch_signals(sbx_client_vhost(u->cl), &set, &signal_ops, u) == NULL)
		return -1;
	if (newterm(NULL, stdout, stdin) == NULL)
		return -1;
	raw();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	draw_init();
	u->rows = LINES, u->cols = COLS;
	refresh();
	outer_write(OUTER_MODES_ON, strlen(OUTER_MODES_ON));
	return 0;
}

int ui_run(const struct ui_opts *o)
{
	struct ui u = {.o = o, .relayout = 1};
	char err[600];

	/* The config file checked them already. */
	if (keymap_parse(&u.km, o->keys, err, sizeof err) < 0) {
		fprintf(stderr, "sbx: ui-keys: %s\n", err);
		return 125;
	}
	struct pane_spec s = {0};
	int ids[MAX_PANES], in_fd;
	struct layout *restored = NULL;

	if (!isatty(0) || !isatty(1)) {
		fprintf(stderr, "sbx: ui needs a terminal (stdin and stdout)\n");
		return 125;
	}
	unsigned flags = 0;

	for (size_t i = 0; i < o->n; i++)
		if (strncmp(o->targets[i].url, "wss://", 6) == 0)
			flags = SBX_CLIENT_TLS;
	/* A picked sandbox may want TLS too: with a CA file, be ready. */
	if (o->ca_file)
		flags = SBX_CLIENT_TLS;
	u.cl = sbx_client_new(flags, o->ca_file);
	if (u.cl == NULL) {
		fprintf(stderr, "sbx: cannot start the event loop\n");
		return 125;
	}
	for (size_t i = 0; i < o->n && i < MAX_PANES; i++) {
		s.name = o->targets[i].name;
		s.url = o->targets[i].url;
		s.token = o->targets[i].token;
		s.session = o->targets[i].session;
		s.command = o->targets[i].command;
		s.read_only = s.linger = o->tail_argv != NULL;
		s.read_only |= o->targets[i].read_only;
		s.argv = o->tail_argv;
		ids[i] = pane_add(&u, &s, o->targets[i].id)->id;
	}
	if (o->layout && (restored = layout_load(o->layout)) != NULL &&
	    layout_count(restored) == u.npanes) {
		u.layout = restored;
	} else {
		layout_free(restored);
		u.layout = layout_new();
		layout_tile(u.layout, ids, u.npanes);
	}
	u.focus = o->focus > 0 && pane_by_id(&u, o->focus) ? o->focus : u.npanes ? ids[0] : 0;
	in_fd = dup(0);
	if (screen_start(&u) < 0 || in_fd < 0 ||
	    watch_new(sbx_client_vhost(u.cl), in_fd, &in_ops, &u) == NULL) {
		if (!isendwin())
			endwin();
		fprintf(stderr, "sbx: cannot use this terminal: %s\n", strerror(errno));
		sbx_client_free(u.cl);
		return 125;
	}
	panes_fit(&u);
	for (size_t i = 0; i < u.npanes; i++)
		pane_start(u.panes[i]);
	frame_draw(&u);
	/* What setting up used and freed (the config, lws's and ncurses'
	 * start) goes back: an idle UI holds what its panes need. */
	malloc_trim(0);
	sbx_client_run(u.cl);
	if (u.detached)
		state_save(&u);
	else if (o->state_file && o->resumed)
		unlink(o->state_file); /* every pane it kept was closed */
	lws_sul_cancel(&u.frame_sul);
	lws_sul_cancel(&u.prefix_sul);
	if (u.copy.on)
		copy_leave(&u.copy);
	outer_write(OUTER_MODES_OFF, strlen(OUTER_MODES_OFF));
	endwin();
	for (size_t i = 0; i < u.npanes; i++)
		pane_free(u.panes[i]);
	layout_free(u.layout);
	sbx_client_free(u.cl);
	if (u.detached)
		printf("sbx: detached; every session goes on ('sbx ui --resume' returns)\n");
	return 0;
}
