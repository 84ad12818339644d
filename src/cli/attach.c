/*
 * attach.c: see attach.h. Keys go through the detach matcher to the
 * session; output goes to the terminal (and the recording), through a
 * termmodes tracker, so that leaving undoes what the remote program set
 * (alternate screen, hidden cursor, mouse, cursor keys). A dropped
 * connection is retried with backoff for reconnect_ms and resumed from the
 * next byte we lack; the agent repaints the screen when it no longer has
 * them, and says how many were lost.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include <libwebsockets.h>

#include "attach.h"
#include "byteq.h"
#include "cmd.h"
#include "config.h"
#include "detach.h"
#include "failure.h"
#include "fdio.h"
#include "record.h"
#include "sbx.h"
#include "term.h"
#include "termmodes.h"
#include "watch.h"

#define RETRY_FIRST_MS 100
#define RETRY_MAX_MS 2000
#define FLUSH_MS 200

struct run {
	const struct attach_opts *o;
	struct sbx_client *cl;
	struct sbx_exec *x;
	struct watch *in;
	struct watch *out;  /* our terminal, written without blocking */
	int out_fd;         /* the same, or 1 when it cannot be reopened */
	struct byteq outq;  /* output the terminal has not taken yet; tag 1: stdout */
	size_t qstdout;     /* stdout bytes in outq */
	size_t stale;       /* of those, a lost connection's: not granted */
	struct detach det;
	struct termmodes tm;
	struct record *rec;
	uint32_t session;  /* 0 until started or attached */
	uint64_t offset;   /* the next output byte we lack */
	uint64_t lost;     /* over all reconnections */
	uint64_t screen_left; /* of a repaint, still to come */
	uint64_t last_lost;
	int loss_notice;   /* due once the repaint is done */
	uint16_t rows, cols;
	int status;
	int detaching;     /* asked; 128+signal, or 0 for the keys */
	int raw;
	int notice;        /* our line is on the screen's last row */
	lws_usec_t give_up_at;
	unsigned retry_ms;
	lws_sorted_usec_list_t retry_sul, armed_sul, flush_sul;
};

static void run_end(struct run *r, int status)
{
	if (r->status >= 0)
		return; /* the first way out is the one */
	r->status = status;
	r->x = NULL;
	sbx_client_stop(r->cl);
}

static void notice_clear(struct run *r);
static void out_drain(struct run *r);
static void out_flush(struct run *r);

/* Bytes of ours for the terminal: after what waits, never before it. */
static void out_put(struct run *r, const void *p, size_t n)
{
	byteq_push(&r->outq, p, n, 0);
	out_flush(r);
}

/* What the remote program set on our terminal, undone; then cooked. */
static void terminal_leave(struct run *r)
{
	char seq[TERMMODES_SEQ_MAX];
	size_t n = termmodes_reset(&r->tm, seq);

	out_drain(r);
	if (r->raw)
		notice_clear(r);
	if (r->raw && n)
		fd_write_all(1, seq, n);
	termmodes_init(&r->tm);
	if (r->raw && term_restore())
		fputs("\n", stderr); /* cooked again: the terminal adds the CR */
	r->raw = 0;
}

/* A line of ours on the last row, over the remote screen, until the
 * remote program redraws it. */
static void notice_show(struct run *r, const char *text)
{
	char buf[300];
	int n;

	if (!r->raw)
		return;
	n = snprintf(buf, sizeof buf, "\0337\033[%u;1H\033[0;7m sbx: %s \033[0m\033[K\0338", r->rows,
		     text);
	out_put(r, buf, n > 0 && (size_t)n < sizeof buf ? (size_t)n : 0);
	r->notice = 1;
}

static void notice_clear(struct run *r)
{
	char buf[40];
	int n;

	if (!r->notice)
		return;
	r->notice = 0;
	n = snprintf(buf, sizeof buf, "\0337\033[%u;1H\033[K\0338", r->rows);
	out_put(r, buf, (size_t)n);
}

static void hint_detached(struct run *r)
{
	fprintf(stderr, "sbx: detached from session %u, which goes on; to return: "
			"sbx attach --session %u %s\n", r->session, r->session, r->o->target);
}

/* The terminal took n bytes of stdout: the agent may send as many more. */
static void out_taken(struct run *r, size_t n)
{
	size_t stale = n < r->stale ? n : r->stale;

	r->qstdout -= n;
	r->stale -= stale;
	if (r->x && n > stale)
		sbx_exec_consumed(r->x, n - stale);
}

/* Writes what waits, as far as the terminal takes it now. */
static void out_flush(struct run *r)
{
	const unsigned char *p;
	size_t n;
	ssize_t w;
	int tag;

	while ((p = byteq_peek(&r->outq, &n, &tag))) {
		w = write(r->out_fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN && r->out) {
			watch_want_write(r->out);
			return;
		}
		if (w < 0) { /* our terminal is gone: nothing to show it on */
			byteq_clear(&r->outq);
			return;
		}
		byteq_take(&r->outq, (size_t)w);
		if (tag)
			out_taken(r, (size_t)w);
	}
}

static void out_writable(struct watch *w, void *arg)
{
	(void)w;
	out_flush(arg);
}

static void out_closed(struct watch *w, void *arg)
{
	struct run *r = arg;

	(void)w;
	r->out = NULL;
	r->out_fd = 1;
}

static const struct watch_ops out_ops = {.writable = out_writable, .closed = out_closed};

/* Everything still queued, waiting as long as it takes: before we leave. */
static void out_drain(struct run *r)
{
	int fl = fcntl(r->out_fd, F_GETFL);

	if (fl >= 0 && (fl & O_NONBLOCK))
		fcntl(r->out_fd, F_SETFL, fl & ~O_NONBLOCK);
	out_flush(r);
}

static void loss_notice_show(struct run *r);

/* Output goes to the terminal through a queue, so that parsing the next
 * frames goes on while the terminal drains; the agent is granted what the
 * terminal has taken, so the queue stays within one window. */
static void on_output(struct sbx_exec *x, void *arg, enum frame_kind kind,
		      const uint8_t *data, size_t len)
{
	struct run *r = arg;

	if (kind == FRAME_SCREEN) {
		r->notice = 0; /* the repaint clears the screen */
		r->screen_left -= len < r->screen_left ? len : r->screen_left;
	} else if (kind == FRAME_STDOUT) {
		r->offset = sbx_exec_output_offset(x);
	}
	termmodes_feed(&r->tm, data, len);
	byteq_push(&r->outq, data, len, kind == FRAME_STDOUT);
	if (kind == FRAME_STDOUT)
		r->qstdout += len;
	out_flush(r);
	if (r->rec)
		record_output(r->rec, data, len);
	if (r->loss_notice && r->screen_left == 0)
		loss_notice_show(r);
}

static void loss_notice_show(struct run *r)
{
	char text[200];

	r->loss_notice = 0;
	snprintf(text, sizeof text, "reconnected; %llu bytes of output were lost (more than "
		 "the agent keeps), the screen is repainted", (unsigned long long)r->last_lost);
	notice_show(r, text);
}

static void on_started(struct sbx_exec *x, void *arg, int64_t pid)
{
	struct run *r = arg;

	(void)pid;
	r->session = sbx_exec_number(x);
}

static void on_attached(struct sbx_exec *x, void *arg, const struct msg_attached *a)
{
	struct run *r = arg;

	(void)x;
	r->session = a->session;
	r->offset = a->offset;
	if (a->screen_bytes)
		termmodes_init(&r->tm); /* the repaint sets them again */
	notice_clear(r);
	r->screen_left = a->screen_bytes;
	if (a->lost) {
		/* Told over the repaint, once it is drawn. */
		r->lost += a->lost;
		r->last_lost = a->lost;
		r->loss_notice = 1;
		if (r->screen_left == 0)
			loss_notice_show(r);
	}
}

static void on_exited(struct sbx_exec *x, void *arg, const struct msg_exited *e)
{
	struct run *r = arg;

	(void)x;
	terminal_leave(r);
	run_end(r, exited_status(e, r->o->timeout_text));
}

static void on_failed(struct sbx_exec *x, void *arg, const struct msg_failed *f)
{
	struct run *r = arg;

	(void)x;
	terminal_leave(r);
	run_end(r, failure_report(f));
}

static void on_detached(struct sbx_exec *x, void *arg)
{
	struct run *r = arg;

	(void)x;
	terminal_leave(r);
	hint_detached(r);
	run_end(r, r->detaching > 0 ? r->detaching : 0);
}

static void on_error(struct sbx_exec *x, void *arg, enum proto_err code, const char *msg)
{
	struct run *r = arg;

	(void)x;
	if (code == PERR_STDIN_CLOSED)
		return; /* read-only, or the process is gone: exited follows */
	terminal_leave(r);
	fprintf(stderr, "sbx: %s\n", msg);
	if (r->session == 0 || code == PERR_UNKNOWN_EXEC)
		run_end(r, EXIT_SBX);
}

static void on_conn_failed(struct sbx_conn *c, void *arg, enum proto_err code,
			   const char *why);

static const struct sbx_conn_ops conn_ops = {.failed = on_conn_failed};

static const struct sbx_exec_ops exec_ops = {
	.started = on_started,
	.output = on_output,
	.exited = on_exited,
	.failed = on_failed,
	.error = on_error,
	.attached = on_attached,
	.detached = on_detached,
};

static int conn_start(struct run *r, char *err, size_t errlen)
{
	struct msg_attach a = {.session = r->session ? r->session : r->o->session,
			       .read_only = r->o->read_only};
	struct sbx_conn *c = sbx_conn_open(r->cl, r->o->url, r->o->token, &conn_ops, r, err, errlen);

	if (c == NULL)
		return -1;
	if (!r->o->read_only)
		a.rows = r->rows, a.cols = r->cols;
	a.resume = r->session != 0;
	a.offset = r->offset;
	r->x = r->session == 0 && r->o->req ? sbx_exec_start(c, r->o->req, &exec_ops, r)
					     : sbx_exec_attach(c, &a, &exec_ops, r);
	sbx_exec_hold_output(r->x, 1); /* granted as the terminal takes it */
	return 0;
}

static void retry_fire(lws_sorted_usec_list_t *sul)
{
	struct run *r = lws_container_of(sul, struct run, retry_sul);
	char err[300];

	if (conn_start(r, err, sizeof err) < 0) {
		terminal_leave(r);
		fprintf(stderr, "sbx: %s\n", err);
		run_end(r, EXIT_SBX);
	}
}

/* Lost before the session was ours, or for longer than we retry: over.
 * Otherwise, try again later; the session goes on in the agent. */
static void on_conn_failed(struct sbx_conn *c, void *arg, enum proto_err code,
			   const char *why)
{
	struct run *r = arg;
	lws_usec_t now = lws_now_usecs();
	char text[200];

	(void)c, (void)code;
	r->x = NULL;
	r->stale = r->qstdout; /* granted by nobody now */
	if (r->status >= 0)
		return; /* already ending */
	if (r->session == 0 || r->o->reconnect_ms == 0 || r->detaching ||
	    (r->give_up_at && now >= r->give_up_at)) {
		terminal_leave(r);
		if (r->session && r->give_up_at)
			fprintf(stderr, "sbx: lost the connection to %s; gave up reconnecting after "
					"%u s (last try: %s); if the agent lives, so does the session: "
					"sbx attach --session %u %s\n", r->o->url,
				(r->o->reconnect_ms + 999) / 1000, why, r->session, r->o->target);
		else
			fprintf(stderr, "sbx: %s\n", why);
		run_end(r, EXIT_SBX);
		return;
	}
	if (r->give_up_at == 0) {
		r->give_up_at = now + (lws_usec_t)r->o->reconnect_ms * 1000;
		r->retry_ms = RETRY_FIRST_MS;
		snprintf(text, sizeof text, "connection lost; reconnecting for up to %u s "
			 "(the detach keys give up)...", (r->o->reconnect_ms + 999) / 1000);
		notice_show(r, text);
	} else if ((r->retry_ms *= 2) > RETRY_MAX_MS) {
		r->retry_ms = RETRY_MAX_MS;
	}
	lws_sul_schedule(sbx_client_context(r->cl), 0, &r->retry_sul, retry_fire,
			 (lws_usec_t)r->retry_ms * 1000);
}

static void detach_now(struct run *r, int status)
{
	if (r->detaching || r->status >= 0)
		return; /* asked already, or ending: nothing is left to detach */
	r->detaching = status ? status : -1;
	if (r->x) {
		sbx_exec_detach(r->x);
		return;
	}
	/* Between connections: nothing to tell the agent. */
	terminal_leave(r);
	hint_detached(r);
	run_end(r, status);
}

static void armed_expire(lws_sorted_usec_list_t *sul)
{
	struct run *r = lws_container_of(sul, struct run, armed_sul);

	if (detach_expire(&r->det))
		detach_now(r, 0);
}

static void keys_feed(struct run *r, const unsigned char *buf, size_t n)
{
	unsigned char out[PROTO_MAX_DATA + DETACHKEYS_MAX];
	size_t len = 0;
	enum detach_result d = detach_feed(&r->det, buf, n, out, &len);

	lws_sul_cancel(&r->armed_sul);
	if (len && r->x && !r->o->read_only)
		sbx_exec_write(r->x, out, len);
	if (d == DETACH_YES)
		detach_now(r, 0);
	else if (d == DETACH_ARMED)
		lws_sul_schedule(sbx_client_context(r->cl), 0, &r->armed_sul, armed_expire,
				 DETACH_DOUBLE_MS * 1000);
}

static void in_readable(struct watch *w, void *arg)
{
	struct run *r = arg;
	unsigned char buf[PROTO_MAX_DATA];
	ssize_t n = read(watch_fd(w), buf, sizeof buf);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		/* Our terminal is gone: the session is not. */
		watch_close(w);
		r->in = NULL;
		detach_now(r, 0);
		return;
	}
	keys_feed(r, buf, (size_t)n);
}

static void in_closed(struct watch *w, void *arg)
{
	struct run *r = arg;

	(void)w;
	r->in = NULL;
	detach_now(r, 0);
}

static const struct watch_ops in_ops = {.readable = in_readable, .closed = in_closed};

static void size_read(struct run *r)
{
	uint16_t rows, cols;

	if (term_size(&rows, &cols) == 0 && rows && cols)
		r->rows = rows, r->cols = cols;
}

static void on_winch(struct run *r)
{
	size_read(r);
	if (r->x && r->session && !r->o->read_only)
		sbx_exec_resize(r->x, r->rows, r->cols);
	if (r->rec)
		record_resize(r->rec, r->rows, r->cols);
}

/* WINCH: our size. TERM and HUP: our terminal or our user is going away,
 * the session is not: detach. INT (from kill; a typed ^C is a byte for the
 * remote terminal): passed on. */
static void signals_readable(struct watch *w, void *arg)
{
	struct run *r = arg;
	struct signalfd_siginfo si;

	while (read(watch_fd(w), &si, sizeof si) == sizeof si) {
		int sig = (int)si.ssi_signo;

		if (sig == SIGWINCH)
			on_winch(r);
		else if (sig == SIGINT && r->x && !r->o->read_only)
			sbx_exec_signal(r->x, sig);
		else if (r->detaching || r->session == 0)
			run_end(r, 128 + sig);
		else
			detach_now(r, 128 + sig);
	}
}

static const struct watch_ops signal_ops = {.readable = signals_readable};

static int signals_start(struct run *r)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGWINCH);
	return watch_signals(sbx_client_vhost(r->cl), &set, &signal_ops, r) ? 0 : -1;
}

static void flush_tick(lws_sorted_usec_list_t *sul)
{
	struct run *r = lws_container_of(sul, struct run, flush_sul);

	record_flush(r->rec);
	lws_sul_schedule(sbx_client_context(r->cl), 0, &r->flush_sul, flush_tick,
			 FLUSH_MS * 1000);
}

/* A file description of our own on the terminal, made non-blocking
 * without touching the one our stdin and our shell share. */
static void out_open(struct run *r)
{
	int fd = open("/proc/self/fd/1", O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);

	r->out_fd = 1;
	if (fd < 0)
		return;
	if ((r->out = watch_new(sbx_client_vhost(r->cl), fd, &out_ops, r)) == NULL)
		return;
	watch_pause(r->out, 1); /* written only: a terminal also polls readable */
	r->out_fd = fd;
}

static int run_setup(struct run *r, char *err, size_t errlen)
{
	int in_fd;

	r->cl = sbx_client_new(strncmp(r->o->url, "wss://", 6) == 0 ? SBX_CLIENT_TLS : 0,
			       r->o->ca_file);
	if (r->cl == NULL) {
		snprintf(err, errlen, "cannot start the event loop");
		return -1;
	}
	if (r->o->keepalive)
		sbx_client_set_keepalive(r->cl, r->o->keepalive);
	if (signals_start(r) < 0) {
		snprintf(err, errlen, "cannot watch signals: %s", strerror(errno));
		return -1;
	}
	/* lws closes what it adopts: read a dup of our terminal. */
	if ((in_fd = dup(0)) < 0 ||
	    (r->in = watch_new(sbx_client_vhost(r->cl), in_fd, &in_ops, r)) == NULL) {
		snprintf(err, errlen, "cannot read the terminal: %s", strerror(errno));
		return -1;
	}
	out_open(r);
	if (r->o->record && (r->rec = record_open(r->o->record, r->rows, r->cols, err, errlen)) == NULL)
		return -1;
	if (r->rec)
		lws_sul_schedule(sbx_client_context(r->cl), 0, &r->flush_sul, flush_tick,
				 FLUSH_MS * 1000);
	return conn_start(r, err, errlen);
}

int attach_keys(const char *flag, const struct config *cfg, struct detachkeys *k)
{
	const char *env = getenv("SBX_DETACH_KEYS");
	const char *spec = flag ? flag : env ? env : NULL;
	const char *from = flag ? "--detach-keys" : "SBX_DETACH_KEYS";
	char err[300];

	if (spec == NULL) {
		*k = cfg->detach; /* checked when the config was read */
		return 0;
	}
	if (detachkeys_parse(spec, k, err, sizeof err) < 0) {
		fprintf(stderr, "sbx: %s: %s\n", from, err);
		return -1;
	}
	return 0;
}

int attach_run(const struct attach_opts *o)
{
	struct run r = {.o = o, .status = -1, .rows = 24, .cols = 80, .out_fd = 1};
	char err[1024];

	detach_init(&r.det, &o->keys);
	termmodes_init(&r.tm);
	size_read(&r);
	if (o->req && !o->req->rows)
		o->req->rows = r.rows, o->req->cols = r.cols;
	if (run_setup(&r, err, sizeof err) < 0) {
		fprintf(stderr, "sbx: %s\n", err);
		r.status = EXIT_SBX;
		goto out;
	}
	/* Raw only now, so that every error above prints to a sane terminal. */
	r.raw = term_raw(0) == 0;
	sbx_client_run(r.cl);
	terminal_leave(&r);
	if (r.lost)
		fprintf(stderr, "sbx: %llu bytes of the session's output were lost while "
				"reconnecting\n", (unsigned long long)r.lost);
out:
	if (r.rec && record_close(r.rec) < 0) {
		fprintf(stderr, "sbx: --record %s: %s\n", o->record, strerror(errno));
		if (r.status == 0)
			r.status = EXIT_SBX;
	}
	byteq_clear(&r.outq);
	if (r.cl) {
		lws_sul_cancel(&r.retry_sul);
		lws_sul_cancel(&r.armed_sul);
		lws_sul_cancel(&r.flush_sul);
		sbx_client_free(r.cl);
	}
	return r.status < 0 ? EXIT_SBX : r.status;
}
