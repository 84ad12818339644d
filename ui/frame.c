/* frame.c: drawing a frame of sbx ui: the panes, their frame lines, the
 * status line and the overlays; see ui-int.h. */
#include <curses.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "draw.h"
#include "ui-int.h"

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

void frame_draw(struct ui *u)
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

void frame_fire(lws_sorted_usec_list_t *sul)
{
	struct ui *u = lws_container_of(sul, struct ui, frame_sul);

	u->frame_due = 0;
	u->last_frame = lws_now_usecs();
	frame_draw(u);
}

