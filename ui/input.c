/* input.c: the keys, pastes and mouse events of our terminal, for the
 * panes or, after the prefix, for sbx ui; see ui-int.h. */
#include <curses.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "b64.h"
#include "sbx.h"
#include "ui-int.h"

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

static void picker_choose(struct ui *u)
{
	char *url = NULL, *token = NULL, *ca_file = NULL;
	const char *name;

	u->overlay = OVERLAY_NONE;
	u->relayout = 1;
	if (u->pick >= u->o->nknown)
		return;
	name = u->o->known[u->pick];
	if (u->o->resolve(name, &url, &token, &ca_file) < 0) {
		ui_say(u, "%s: cannot be reached", name);
		return;
	}
	pane_split(u, 1, name, url, token, ca_file);
	free(url);
	free(token);
	free(ca_file);
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
		pane_split(u, 0, NULL, NULL, NULL, NULL);
		break;
	case ACT_SPLIT_RIGHT:
		pane_split(u, 1, NULL, NULL, NULL, NULL);
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
		ui_detach(u);
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
		ui_say(u, "%s %c: no such key (%s ? lists them)", u->o->prefix_name,
		       k[0] >= 0x20 && k[0] < 0x7f ? k[0] : '?', u->o->prefix_name);
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
	size_t lines = 1;

	/* OSC 52: the outer terminal (or tmux, with set-clipboard) keeps it. */
	outer_write("\033]52;c;", 7);
	outer_write(b, strlen(b));
	outer_write("\a", 1);
	for (const char *q = line; (q = strchr(q, '\n')) != NULL; q++)
		lines++;
	if (lines > 1)
		ui_say(u, "copied %zu lines", lines);
	else
		ui_say(u, "copied: %.100s", line);
	free(b);
	free(line);
}

#define WHEEL_LINES 3

/* The wheel over the focused pane, whose program did not ask for the
 * mouse: on the alternate screen (less, vi) arrow keys for it, as xterm's
 * alternateScroll does; else up enters copy mode and scrolls its history,
 * and down to the end leaves it, as tmux does. */
static void wheel(struct ui *u, struct pane *p, int down)
{
	if (p->modes.set & TM_ALTSCREEN) {
		const char *arrow = p->modes.set & TM_CURSOR_KEYS ? (down ? "\033OB" : "\033OA")
								   : (down ? "\033[B" : "\033[A");
		for (int i = 0; i < WHEEL_LINES; i++)
			pane_type(p, arrow, 3);
		return;
	}
	if (!u->copy.on) {
		if (down)
			return;
		copy_enter(&u->copy, p);
		u->relayout = 1;
	}
	if (!copy_scroll(&u->copy, down ? WHEEL_LINES : -WHEEL_LINES)) {
		copy_leave(&u->copy);
		u->relayout = 1;
	}
	frame_want(u);
}

/* A mouse event from our terminal (SGR: CSI < b ; x ; y M, m on release):
 * a click focuses the pane under it; in the focused pane it goes to a
 * program that asked for the mouse, in the pane's own coordinates; the
 * wheel scrolls one that did not (wheel). */
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
		/* A click focuses the pane; the wheel too, and scrolls it. */
		int click = fin == 'M' && (b & ~3) == 0;

		if (!click && !(fin == 'M' && (b & 64) && !(b & 32)))
			return;
		if (u->copy.on)
			copy_leave(&u->copy);
		u->focus = p->id;
		u->zoomed = 0;
		u->relayout = 1;
		frame_want(u);
		if (click)
			return;
	}
	row = y - (r.y + 1), col = x - r.x;
	if (row < 0)
		return;
	if (!(p->modes.set & (TM_MOUSE_X10 | TM_MOUSE_CLICK | TM_MOUSE_DRAG | TM_MOUSE_MOVE))) {
		if ((b & 64) && !(b & 32) && fin == 'M')
			wheel(u, p, b & 1);
		return;
	}
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

void keys_feed(struct ui *u, const unsigned char *buf, size_t n)
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

