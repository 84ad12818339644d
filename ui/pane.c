/* pane.c: see pane.h. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "pane.h"
#include "sbx.h"
#include "xmalloc.h"

/* A --tail pane's session outlives a lost UI this long, then ends. */
#define TAIL_LINGER_MS 30000

static void pane_connect(struct pane *p);
static void typeahead_flush(struct pane *p);

static void damage_add(struct pane *p, VTermRect r)
{
	if (!p->damaged) {
		p->damage = r;
		p->damaged = 1;
	} else {
		if (r.start_row < p->damage.start_row)
			p->damage.start_row = r.start_row;
		if (r.start_col < p->damage.start_col)
			p->damage.start_col = r.start_col;
		if (r.end_row > p->damage.end_row)
			p->damage.end_row = r.end_row;
		if (r.end_col > p->damage.end_col)
			p->damage.end_col = r.end_col;
	}
	if (p->ops->damaged)
		p->ops->damaged(p, p->arg);
}

static void damage_all(struct pane *p)
{
	damage_add(p, (VTermRect){0, p->rows, 0, p->cols});
}

void pane_clear_damage(struct pane *p)
{
	p->damaged = 0;
}

/* ---- the terminal ------------------------------------------------------------ */

static int on_damage(VTermRect r, void *user)
{
	damage_add(user, r);
	return 1;
}

static int on_movecursor(VTermPos pos, VTermPos old, int visible, void *user)
{
	struct pane *p = user;

	(void)old;
	p->cursor = pos;
	p->cursor_visible = visible;
	if (p->ops->damaged)
		p->ops->damaged(p, p->arg);
	return 1;
}

static int on_termprop(VTermProp prop, VTermValue *val, void *user)
{
	struct pane *p = user;

	if (prop == VTERM_PROP_TITLE) {
		free(p->title);
		p->title = xstrdup(val->string);
		damage_add(p, (VTermRect){0, 0, 0, 0});
	} else if (prop == VTERM_PROP_CURSORVISIBLE) {
		p->cursor_visible = val->boolean;
	} else if (prop == VTERM_PROP_CURSORSHAPE) {
		p->cursor_shape = val->number;
	} else if (prop == VTERM_PROP_CURSORBLINK) {
		p->cursor_blink = val->boolean;
	}
	return 1;
}

static int on_pushline(int cols, const VTermScreenCell *cells, void *user)
{
	struct pane *p = user;

	history_cells(&p->history, cols, cells);
	return 1;
}

static const VTermScreenCallbacks screen_cbs = {
	.damage = on_damage,
	.movecursor = on_movecursor,
	.settermprop = on_termprop,
	.sb_pushline = on_pushline,
};

/* Answers to the program's queries (where is the cursor, what are you),
 * and keys libvterm encodes, go to the program. */
static void on_vt_output(const char *s, size_t len, void *user)
{
	struct pane *p = user;

	if (p->x && !p->read_only && p->state == PANE_RUNNING)
		sbx_exec_write(p->x, s, len);
}

/* ---- the session ---------------------------------------------------------------- */

static void on_started(struct sbx_exec *x, void *arg, int64_t pid)
{
	struct pane *p = arg;

	(void)pid;
	p->session = sbx_exec_number(x);
	p->state = PANE_RUNNING;
	p->attempt = 0;
	typeahead_flush(p);
	damage_add(p, (VTermRect){0, 0, 0, 0});
}

static void on_attached(struct sbx_exec *x, void *arg, const struct msg_attached *a)
{
	struct pane *p = arg;

	(void)x;
	p->state = PANE_RUNNING;
	p->attempt = 0;
	typeahead_flush(p);
	/* A repaint follows: it draws on a terminal in its default state. */
	if (a->screen_bytes) {
		p->npending = 0; /* what came before is part of what is repainted */
		vtfeed_reset(&p->feed);
		vterm_screen_reset(p->vs, 1);
		termmodes_clear(&p->modes);
	}
	damage_all(p);
}

void pane_flush(struct pane *p)
{
	size_t cut, n;
	char *kept;

	if (p->npending == 0)
		return;
	cut = vtfeed_cut(p->pending, p->npending, (size_t)p->rows + PANE_SCROLLBACK,
			 (size_t)p->cols);
	if (cut) {
		/* Its text scrolls off before what follows is done: only what
		 * outlasts it (colours, modes, title) is applied. */
		history_raw(&p->history, p->pending, cut);
		kept = vtfeed_lasting(p->pending, cut, &n);
		vtfeed_reset(&p->feed);
		if (n)
			vtfeed_write(&p->feed, p->vt, kept, n);
		free(kept);
	}
	vtfeed_write(&p->feed, p->vt, p->pending + cut, p->npending - cut);
	p->npending = 0;
	vterm_screen_flush_damage(p->vs);
}

static void on_output(struct sbx_exec *x, void *arg, enum frame_kind kind, const uint8_t *data,
		      size_t len)
{
	struct pane *p = arg;

	(void)x;
	if (kind != FRAME_STDOUT && kind != FRAME_SCREEN && kind != FRAME_STDERR)
		return;
	termmodes_feed(&p->modes, data, len);
	if (p->npending + len > p->pending_cap) {
		p->pending_cap = p->npending + len > 2 * PANE_BATCH ? p->npending + len : 2 * PANE_BATCH;
		p->pending = xrealloc(p->pending, p->pending_cap);
	}
	memcpy(p->pending + p->npending, data, len);
	p->npending += len;
	if (p->npending >= PANE_BATCH)
		pane_flush(p);
	else if (p->ops->damaged)
		p->ops->damaged(p, p->arg); /* a frame soon takes it */
}

static void on_exited(struct sbx_exec *x, void *arg, const struct msg_exited *e)
{
	struct pane *p = arg;

	(void)x;
	p->x = NULL;
	p->state = PANE_EXITED;
	p->code = e->code;
	p->signo = e->signo;
	damage_add(p, (VTermRect){0, 0, 0, 0});
}

static void pane_fail(struct pane *p, const char *why)
{
	p->x = NULL;
	p->state = PANE_FAILED;
	snprintf(p->why, sizeof p->why, "%s", why);
	if (p->conn) {
		sbx_conn_close(p->conn);
		p->conn = NULL;
	}
	damage_add(p, (VTermRect){0, 0, 0, 0});
}

static void on_failed(struct sbx_exec *x, void *arg, const struct msg_failed *f)
{
	struct pane *p = arg;

	(void)x;
	p->x = NULL;
	p->state = PANE_FAILED;
	snprintf(p->why, sizeof p->why, "%s", f->message ? f->message : "could not start");
	damage_add(p, (VTermRect){0, 0, 0, 0});
}

static void on_error(struct sbx_exec *x, void *arg, enum proto_err code, const char *msg)
{
	struct pane *p = arg;

	(void)x;
	if (code == PERR_STDIN_CLOSED)
		return;
	if (p->state != PANE_RUNNING || code == PERR_UNKNOWN_EXEC) {
		p->x = NULL; /* refused: the handle is gone */
		p->state = PANE_FAILED;
		snprintf(p->why, sizeof p->why, "%s", msg);
		damage_add(p, (VTermRect){0, 0, 0, 0});
	}
}

static const struct sbx_exec_ops exec_ops = {
	.started = on_started,
	.attached = on_attached,
	.output = on_output,
	.exited = on_exited,
	.failed = on_failed,
	.error = on_error,
};

static void session_begin(struct pane *p)
{
	struct msg_exec req = {0};
	char *none[] = {NULL};
	/* What libvterm is: programs ask the terminal database for it. */
	char *env[] = {"TERM=xterm-256color", "COLORTERM=truecolor", NULL};

	req.tty = 1;
	req.rows = (uint16_t)p->rows, req.cols = (uint16_t)p->cols;
	req.session = 1;
	req.stdin_mode = STDIN_PIPE;
	req.env = env;
	req.nenv = 2;
	if (p->linger)
		req.linger_ms = TAIL_LINGER_MS;
	if (p->argv) {
		req.cmd = p->argv[0];
		req.args = p->argv + 1;
		for (req.nargs = 0; req.args[req.nargs]; req.nargs++)
			;
	} else {
		req.login = 1;
		req.args = none;
	}
	p->x = sbx_exec_start(p->conn, &req, &exec_ops, p);
}

static void on_ready(struct sbx_conn *c, void *arg)
{
	struct pane *p = arg;
	const char *instance = sbx_conn_instance(c);
	/* Read-only is ours (no keys sent): the pane still sizes its terminal. */
	struct msg_attach a = {.session = p->session, .rows = (uint16_t)p->rows,
			       .cols = (uint16_t)p->cols};

	if (p->session && p->instance[0] && strcmp(instance, p->instance) != 0) {
		pane_fail(p, "the agent restarted: the session is gone with it");
		return;
	}
	snprintf(p->instance, sizeof p->instance, "%s", instance);
	if (p->session == 0) {
		session_begin(p);
		return;
	}
	/* Each attach repaints the screen: what a drop cost is drawn again,
	 * exactly, whatever the ring still holds. */
	p->x = sbx_exec_attach(c, &a, &exec_ops, p);
}

static void retry_fire(lws_sorted_usec_list_t *sul)
{
	pane_connect(lws_container_of(sul, struct pane, retry_sul));
}

static void on_conn_failed(struct sbx_conn *c, void *arg, enum proto_err code, const char *why)
{
	struct pane *p = arg;
	unsigned delay = backoff_ms(p->attempt);

	(void)c;
	p->conn = NULL;
	p->x = NULL;
	if (p->state == PANE_EXITED || p->state == PANE_FAILED)
		return;
	if (sbx_conn_err_final(code)) {
		pane_fail(p, why);
		return;
	}
	/* A pane keeps trying as long as it is open: the sandbox may come
	 * back (sbx up), and the user closes the pane when it will not. */
	p->state = PANE_RECONNECTING;
	snprintf(p->why, sizeof p->why, "%s", why);
	p->attempt++;
	lws_sul_schedule(sbx_client_context(p->cl), 0, &p->retry_sul, retry_fire,
			 (lws_usec_t)delay * 1000);
	damage_add(p, (VTermRect){0, 0, 0, 0});
}

static const struct sbx_conn_ops conn_ops = {
	.ready = on_ready,
	.failed = on_conn_failed,
};

static void pane_connect(struct pane *p)
{
	char err[300];

	p->conn = sbx_conn_open_ca(p->cl, p->url, p->token, p->ca_file, &conn_ops, p, err,
				   sizeof err);
	if (p->conn == NULL)
		pane_fail(p, err);
}

/* ---- the pane ---------------------------------------------------------------------- */

static char *command_text(char *const *argv)
{
	char buf[256];
	size_t at = 0;

	if (argv == NULL)
		return xstrdup("login shell");
	buf[0] = '\0';
	for (char *const *a = argv; *a && at < sizeof buf - 1; a++) {
		int w = snprintf(buf + at, sizeof buf - at, "%s%s", a == argv ? "" : " ", *a);
		at += w > 0 ? (size_t)w : 0;
	}
	return xstrdup(buf);
}

struct pane *pane_new(struct sbx_client *cl, int id, const struct pane_spec *s, int rows, int cols,
		      const struct pane_ops *ops, void *arg)
{
	struct pane *p = xcalloc(1, sizeof *p);
	size_t n = 0;

	p->id = id;
	p->cl = cl;
	p->name = xstrdup(s->name);
	p->url = xstrdup(s->url);
	p->token = s->token ? xstrdup(s->token) : NULL;
	p->ca_file = s->ca_file ? xstrdup(s->ca_file) : NULL;
	p->session = s->session;
	p->read_only = s->read_only;
	p->linger = s->linger;
	if (s->argv) {
		while (s->argv[n])
			n++;
		p->argv = xcalloc(n + 1, sizeof *p->argv);
		for (size_t i = 0; i < n; i++)
			p->argv[i] = xstrdup(s->argv[i]);
	}
	p->command = s->command ? xstrdup(s->command)
		     : s->session ? xasprintf("session %u", s->session) : command_text(p->argv);
	p->rows = rows > 0 ? rows : 1;
	p->cols = cols > 0 ? cols : 1;
	p->ops = ops;
	p->arg = arg;
	p->cursor_visible = 1;
	p->vt = vterm_new(p->rows, p->cols);
	vterm_set_utf8(p->vt, 1);
	vterm_output_set_callback(p->vt, on_vt_output, p);
	p->vs = vterm_obtain_screen(p->vt);
	vterm_screen_enable_altscreen(p->vs, 1);
	vterm_screen_set_damage_merge(p->vs, VTERM_DAMAGE_SCROLL);
	vterm_screen_set_callbacks(p->vs, &screen_cbs, p);
	vterm_screen_reset(p->vs, 1);
	termmodes_init(&p->modes);
	return p;
}

void pane_start(struct pane *p)
{
	p->state = PANE_CONNECTING;
	pane_connect(p);
}

void pane_free(struct pane *p)
{
	if (p == NULL)
		return;
	lws_sul_cancel(&p->retry_sul);
	if (p->conn)
		sbx_conn_close(p->conn); /* the session goes on: a silent detach */
	vterm_free(p->vt);
	vtfeed_free(&p->feed);
	free(p->pending);
	free(p->typeahead);
	history_free(&p->history);
	for (char **a = p->argv; a && *a; a++)
		free(*a);
	free(p->argv);
	free(p->name);
	free(p->url);
	free(p->token);
	free(p->ca_file);
	free(p->command);
	free(p->title);
	free(p);
}

/* Typed before the session runs (the pane still connecting, or back
 * from a drop): kept, and sent once it runs, as a terminal keeps what is
 * typed ahead; at most TYPEAHEAD_MAX. */
#define TYPEAHEAD_MAX (64 * 1024)

static void typeahead_flush(struct pane *p)
{
	if (p->ntypeahead && p->x)
		sbx_exec_write(p->x, p->typeahead, p->ntypeahead);
	p->ntypeahead = 0;
}

void pane_type(struct pane *p, const void *data, size_t len)
{
	if (p->read_only || len == 0)
		return;
	if (p->x && p->state == PANE_RUNNING) {
		sbx_exec_write(p->x, data, len);
	} else if ((p->state == PANE_CONNECTING || p->state == PANE_RECONNECTING) &&
		   p->ntypeahead + len <= TYPEAHEAD_MAX) {
		p->typeahead = xrealloc(p->typeahead, p->ntypeahead + len);
		memcpy(p->typeahead + p->ntypeahead, data, len);
		p->ntypeahead += len;
	}
}

/* Cursor keys as our terminal sends them in normal mode (CSI A..D, H, F),
 * as SS3 for a program that asked for application mode. */
void pane_key(struct pane *p, const unsigned char *data, size_t len)
{
	size_t from = 0;

	if (!(p->modes.set & TM_CURSOR_KEYS)) {
		pane_type(p, data, len);
		return;
	}
	for (size_t i = 0; i + 2 < len; i++)
		if (data[i] == 0x1b && data[i + 1] == '[' && strchr("ABCDHF", data[i + 2]) &&
		    data[i + 2]) {
			char ss3[3] = {0x1b, 'O', (char)data[i + 2]};

			pane_type(p, data + from, i - from);
			pane_type(p, ss3, 3);
			from = i + 3;
			i += 2;
		}
	pane_type(p, data + from, len - from);
}

void pane_paste(struct pane *p, const char *text, size_t len)
{
	int bracketed = p->modes.set & TM_BRACKETED_PASTE;

	if (bracketed)
		pane_type(p, "\033[200~", 6);
	pane_type(p, text, len);
	if (bracketed)
		pane_type(p, "\033[201~", 6);
}

void pane_resize(struct pane *p, int rows, int cols)
{
	if (rows < 1)
		rows = 1;
	if (cols < 1)
		cols = 1;
	if (rows == p->rows && cols == p->cols)
		return;
	pane_flush(p); /* what came before was written at the old size */
	p->rows = rows, p->cols = cols;
	vterm_set_size(p->vt, rows, cols);
	vterm_screen_flush_damage(p->vs);
	if (p->x && p->state == PANE_RUNNING)
		sbx_exec_resize(p->x, (uint16_t)rows, (uint16_t)cols);
	damage_all(p);
}

void pane_signal(struct pane *p, int signo)
{
	if (p->x && p->state == PANE_RUNNING)
		sbx_exec_signal(p->x, signo);
}

void pane_state_text(const struct pane *p, char *buf, size_t len)
{
	switch (p->state) {
	case PANE_CONNECTING:
		snprintf(buf, len, "connecting");
		break;
	case PANE_RUNNING:
		snprintf(buf, len, "%s", p->read_only ? "running, read-only" : "running");
		break;
	case PANE_RECONNECTING:
		snprintf(buf, len, "reconnecting: %s", p->why);
		break;
	case PANE_EXITED:
		if (p->signo)
			snprintf(buf, len, "killed by SIG%s", sigabbrev_np(p->signo));
		else
			snprintf(buf, len, "exited %d", p->code);
		break;
	default:
		snprintf(buf, len, "failed: %s", p->why);
		break;
	}
}
