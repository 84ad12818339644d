/* ui.c: see ui.h. */
#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <malloc.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "sbx.h"
#include "ui-int.h"
#include "watch.h"
#include "xmalloc.h"

void outer_write(const char *s, size_t n)
{
	fflush(stdout);
	while (n) {
		ssize_t w = write(1, s, n);
		if (w <= 0)
			return;
		s += w, n -= (size_t)w;
	}
}

struct pane *pane_by_id(struct ui *u, int id)
{
	for (size_t i = 0; i < u->npanes; i++)
		if (u->panes[i]->id == id)
			return u->panes[i];
	return NULL;
}

/* A frame at once when none was drawn for FRAME_US (a key's echo shows
 * without delay), else when that much has passed since the last: a flood
 * gets a frame every FRAME_US, not one per piece of output. */
void frame_want(struct ui *u)
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

struct rect area_of(const struct ui *u)
{
	return (struct rect){0, 0, u->rows > 1 ? u->rows - 1 : 1, u->cols};
}

/* Every pane at its place; each remote terminal follows its pane's size. */
size_t layout_now(struct ui *u, struct layout_pane *lp)
{
	size_t n = layout_compute(u->layout, area_of(u), lp, MAX_PANES);

	if (u->zoomed) {
		for (size_t i = 0; i < n; i++)
			lp[i].r = lp[i].id == u->focus ? area_of(u) : (struct rect){0, 0, 0, 0};
	}
	return n;
}

void panes_fit(struct ui *u)
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

#define MESSAGE_US (4 * LWS_US_PER_SEC)

static void message_expire(lws_sorted_usec_list_t *sul)
{
	struct ui *u = lws_container_of(sul, struct ui, message_sul);

	u->message[0] = '\0';
	frame_want(u);
}

void ui_say(struct ui *u, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(u->message, sizeof u->message, fmt, ap);
	va_end(ap);
	lws_sul_schedule(sbx_client_context(u->cl), 0, &u->message_sul, message_expire, MESSAGE_US);
	frame_want(u);
}

static struct pane *pane_add(struct ui *u, const struct pane_spec *s, int id)
{
	struct pane *p;

	if (u->npanes == MAX_PANES) {
		ui_say(u, "at most %d panes", MAX_PANES);
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

void pane_close(struct ui *u, int id)
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
void pane_split(struct ui *u, int vertical, const char *name, const char *url,
		const char *token, const char *ca_file)
{
	struct pane *f = pane_by_id(u, u->focus), *p;
	struct pane_spec s;

	if (f == NULL)
		return;
	s = (struct pane_spec){.name = name ? name : f->name, .url = url ? url : f->url,
			       .token = url ? token : f->token,
			       .ca_file = url ? ca_file : f->ca_file};
	if ((p = pane_add(u, &s, 0)) == NULL)
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
			ui_detach(u);
		return;
	}
	keys_feed(u, buf, have + (size_t)n);
}

static void in_closed(struct watch *w, void *arg)
{
	(void)w;
	ui_detach(arg);
}

static const struct watch_ops in_ops = {.readable = in_readable, .closed = in_closed};

void ui_detach(struct ui *u)
{
	if (u->npanes == 0)
		return; /* the last one was closed: nothing to detach from */
	u->detached = 1;
	sbx_client_stop(u->cl);
}

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
			ui_detach(u); /* TERM, HUP: the sessions go on */
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
		fprintf(f, "pane %d %u %d %s %s\n", p->id, p->session, p->read_only, p->name,
			p->command);
	}
	text = layout_save(u->layout);
	fprintf(f, "layout %s\nfocus %d\nzoomed %d\n", text ? text : "", u->focus, u->zoomed);
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
	/* A picked sandbox may want TLS too. */
	if (o->tls)
		flags = SBX_CLIENT_TLS;
	u.cl = sbx_client_new(flags, NULL);
	if (u.cl == NULL) {
		fprintf(stderr, "sbx: cannot start the event loop\n");
		return 125;
	}
	for (size_t i = 0; i < o->n && i < MAX_PANES; i++) {
		s.name = o->targets[i].name;
		s.url = o->targets[i].url;
		s.token = o->targets[i].token;
		s.ca_file = o->targets[i].ca_file;
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
	u.zoomed = o->zoomed && u.focus == o->focus;
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
	lws_sul_cancel(&u.message_sul);
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
