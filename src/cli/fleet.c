/*
 * fleet.c: see fleet.h. Every member is one connection with one exec (or
 * one attachment to the session it started), all driven by one client
 * loop; signals come through a signalfd watch on the same loop.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "clock.h"
#include "cmd.h"
#include "failure.h"
#include "fleet.h"
#include "sbx.h"
#include "target.h"
#include "watch.h"
#include "xmalloc.h"

/* A session outlives our last sight of it by the reconnect window and
 * this much more, then its agent ends it. */
#define LINGER_EXTRA_MS 10000
/* After a signal, commands still running this long are killed. */
#define STOP_GRACE_US (3 * LWS_US_PER_SEC)

static lws_sorted_usec_list_t stop_sul;
static struct fleet *stop_fleet;

static void member_connect(struct member *m);

int fleet_init(struct fleet *f, char **names, size_t n, const char *token_file,
	       const char *ca_file)
{
	struct target t;

	f->m = xcalloc(n, sizeof *f->m);
	f->n = n;
	for (size_t i = 0; i < n; i++) {
		struct member *m = &f->m[i];

		m->f = f;
		m->index = i;
		m->name = xstrdup(names[i]);
		/* One that cannot be reached fails alone, named, when its turn
		 * comes; the others run. */
		if (target_resolve(names[i], token_file, ca_file, &t, m->why, sizeof m->why) < 0)
			continue;
		if (t.ca_file && target_ca_check(t.ca_file, m->why, sizeof m->why) < 0) {
			target_free(&t);
			continue;
		}
		if (target_token(t.token_file, &m->token) < 0) {
			target_free(&t);
			return -1;
		}
		m->url = t.url;
		m->ca_file = t.ca_file;
		t.url = t.ca_file = NULL;
		target_free(&t);
	}
	return 0;
}

void fleet_free(struct fleet *f)
{
	for (size_t i = 0; f->m && i < f->n; i++) {
		free(f->m[i].name);
		free(f->m[i].url);
		free(f->m[i].token);
		free(f->m[i].ca_file);
	}
	free(f->m);
	f->m = NULL;
}

size_t fleet_width(const struct fleet *f)
{
	size_t w = 0;

	for (size_t i = 0; i < f->n; i++)
		if (strlen(f->m[i].name) > w)
			w = strlen(f->m[i].name);
	return w;
}

static void notice(struct member *m, enum fleet_notice what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void notice(struct member *m, enum fleet_notice what, const char *fmt, ...)
{
	char text[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (m->f->ops->notice)
		m->f->ops->notice(m, what, text);
}

static void fleet_next(struct fleet *f)
{
	while (!f->stopping && f->started < f->n &&
	       (!f->parallel || f->started - f->done < f->parallel))
		member_connect(&f->m[f->started++]);
	if (f->done == f->n)
		sbx_client_stop(f->cl);
}

/* Not from inside the exec's callback, which libsbx is still in. */
static void close_fire(lws_sorted_usec_list_t *sul)
{
	struct member *m = lws_container_of(sul, struct member, close_sul);

	if (m->conn) {
		sbx_conn_close(m->conn);
		m->conn = NULL;
	}
}

static void member_done(struct member *m)
{
	struct fleet *f = m->f;

	if (m->state == MEMBER_DONE)
		return;
	m->state = MEMBER_DONE;
	m->t1 = clock_ms();
	lws_sul_cancel(&m->retry_sul);
	m->x = NULL;
	if (m->conn)
		lws_sul_schedule(sbx_client_context(f->cl), 0, &m->close_sul, close_fire, 1);
	f->done++;
	if (f->ops->ended)
		f->ops->ended(m);
	feed_update(f);
	fleet_next(f);
}

/* It did not run to its end: status and why, for the summary. */
static void member_fail(struct member *m, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void member_fail(struct member *m, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->why, sizeof m->why, fmt, ap);
	va_end(ap);
	m->status = status;
	member_done(m);
}

/* ---- the exec's callbacks ------------------------------------------------ */

static void on_started(struct sbx_exec *x, void *arg, int64_t pid)
{
	struct member *m = arg;

	(void)pid;
	m->ran = 1;
	m->state = MEMBER_RUNNING;
	m->session = m->f->reconnect_ms ? sbx_exec_number(x) : 0;
	feed_update(m->f);
}

/* stdin_data from byte `from` on, then its end. */
static void stdin_data_send(struct member *m, uint64_t from)
{
	struct fleet *f = m->f;

	if (from < f->stdin_len)
		sbx_exec_write(m->x, (const char *)f->stdin_data + from, f->stdin_len - (size_t)from);
	sbx_exec_close_stdin(m->x);
}

/* Reattached: what its agent did not get of our stdin, again. */
static void stdin_resume(struct member *m, const struct msg_attached *a)
{
	struct fleet *f = m->f;
	uint64_t lost = 0;

	if (f->stdin_data && a->stdin_known)
		stdin_data_send(m, a->stdin_offset);
	else if (f->stdin_stream && !a->stdin_known)
		feed_begin(m);
	else if (f->stdin_stream && feed_resume(m, a->stdin_offset, &lost) == 0 && lost)
		notice(m, NOTICE_LOST, "%llu bytes of input were lost while disconnected",
		       (unsigned long long)lost);
}

static void on_attached(struct sbx_exec *x, void *arg, const struct msg_attached *a)
{
	struct member *m = arg;

	(void)x;
	m->state = MEMBER_RUNNING;
	notice(m, NOTICE_BACK, "reconnected after %.1fs", (clock_ms() - m->down_since) / 1000);
	if (a->lost)
		notice(m, NOTICE_LOST, "%llu bytes of output were lost while disconnected "
		       "(the agent keeps the last 4 MiB)", (unsigned long long)a->lost);
	m->offset = a->offset;
	stdin_resume(m, a);
}

static void on_output(struct sbx_exec *x, void *arg, enum frame_kind kind,
		      const uint8_t *data, size_t len)
{
	struct member *m = arg;

	m->offset = sbx_exec_output_offset(x);
	if (kind != FRAME_STDOUT && kind != FRAME_STDERR)
		return;
	m->bytes[kind == FRAME_STDERR] += len;
	if (!m->f->stamps)
		m->ts_ms = clock_wall_ms();
	m->f->ops->output(m, kind, data, len);
}

static void on_stamp(struct sbx_exec *x, void *arg, int64_t ts_ms)
{
	struct member *m = arg;

	(void)x;
	m->ts_ms = ts_ms;
}

static void on_exited(struct sbx_exec *x, void *arg, const struct msg_exited *e)
{
	struct member *m = arg;

	(void)x;
	m->x = NULL;
	m->exited = *e;
	m->signo = e->signo;
	m->status = exited_code(e);
	member_done(m);
}

static void on_failed(struct sbx_exec *x, void *arg, const struct msg_failed *f)
{
	struct member *m = arg;
	char why[sizeof m->why];
	int status = failure_text(f, why, sizeof why);

	(void)x;
	m->x = NULL;
	member_fail(m, status, "%s", why);
}

static void on_error(struct sbx_exec *x, void *arg, enum proto_err code, const char *msg)
{
	struct member *m = arg;

	(void)x;
	if (code == PERR_STDIN_CLOSED) {
		feed_update(m->f); /* it takes no more, and holds none back */
		return;
	}
	if (code == PERR_UNKNOWN_EXEC && m->session) {
		m->x = NULL;
		member_fail(m, EXIT_SBX, "its session is gone from the agent: %s", msg);
		return;
	}
	if (code == PERR_BAD_MESSAGE || code == PERR_TOO_MANY_EXECS || code == PERR_DUPLICATE_ID) {
		if (!m->ran)
			m->x = NULL; /* refused: libsbx freed it */
		member_fail(m, EXIT_SBX, "agent error (%s): %s", proto_err_name(code), msg);
		return;
	}
	notice(m, NOTICE_LOST, "agent error (%s): %s", proto_err_name(code), msg);
}

static void on_stdin_drained(struct sbx_exec *x, void *arg)
{
	struct member *m = arg;

	(void)x;
	feed_update(m->f);
}

static const struct sbx_exec_ops exec_ops = {
	.stdin_drained = on_stdin_drained,
	.started = on_started,
	.output = on_output,
	.exited = on_exited,
	.failed = on_failed,
	.error = on_error,
	.attached = on_attached,
	.stamp = on_stamp,
};

/* ---- connections ----------------------------------------------------------- */

static void exec_begin(struct member *m)
{
	struct fleet *f = m->f;
	struct msg_exec req = *f->req;

	if (f->reconnect_ms) {
		req.session = 1;
		req.linger_ms = f->reconnect_ms + LINGER_EXTRA_MS;
		req.stamps = f->stamps;
	}
	req.stdin_mode = f->stdin_data || f->stdin_stream ? STDIN_PIPE : STDIN_NULL;
	m->offset = 0;
	m->x = sbx_exec_start(m->conn, &req, &exec_ops, m);
	if (f->stdin_data)
		stdin_data_send(m, 0);
	if (f->stdin_stream)
		feed_begin(m);
}

static void on_ready(struct sbx_conn *c, void *arg)
{
	struct member *m = arg;
	const char *instance = sbx_conn_instance(c);
	struct msg_attach a = {.session = m->session, .resume = 1, .offset = m->offset,
			       .stamps = m->f->stamps};

	if (m->session && strcmp(instance, m->instance) == 0) {
		m->x = sbx_exec_attach(c, &a, &exec_ops, m);
	} else if (m->session && !m->f->rerun) {
		member_fail(m, EXIT_SBX, "the agent restarted: the command was lost with it");
		return;
	} else {
		if (m->session) {
			notice(m, NOTICE_RERUN, "the agent restarted and the command with it; "
			       "running it again");
			m->session = 0;
		}
		exec_begin(m);
	}
	snprintf(m->instance, sizeof m->instance, "%s", instance);
}

static void retry_fire(lws_sorted_usec_list_t *sul)
{
	member_connect(lws_container_of(sul, struct member, retry_sul));
}

static void on_conn_failed(struct sbx_conn *c, void *arg, enum proto_err code, const char *why)
{
	struct member *m = arg;
	struct fleet *f = m->f;
	unsigned delay;
	int first = !m->ran && !m->session;

	(void)c;
	m->conn = NULL;
	m->x = NULL; /* abandoned with the connection */
	if (m->state == MEMBER_DONE)
		return;
	feed_update(f); /* it can take no more for now */
	if (m->state != MEMBER_RETRYING && m->state != MEMBER_CONNECTING)
		m->down_since = clock_ms();
	else if (m->attempt == 0)
		m->down_since = clock_ms();
	if (f->stopping || sbx_conn_err_final(code) ||
	    !f->reconnect_ms || (first && !f->retry_first)) {
		member_fail(m, EXIT_SBX, "%s", why);
		return;
	}
	if (clock_ms() - m->down_since >= f->reconnect_ms) {
		member_fail(m, EXIT_SBX, "gave up reconnecting after %.0fs: %s",
			    (clock_ms() - m->down_since) / 1000, why);
		return;
	}
	delay = backoff_ms(m->attempt);
	/* Said once per reason, not at every try. */
	if (m->attempt == 0 || strcmp(why, m->down_why) != 0)
		notice(m, NOTICE_DOWN, "%s%s; retrying for up to %gs", first ? "" : "disconnected: ",
		       why, (double)f->reconnect_ms / 1000);
	snprintf(m->down_why, sizeof m->down_why, "%s", why);
	m->attempt++;
	m->state = MEMBER_RETRYING;
	lws_sul_schedule(sbx_client_context(f->cl), 0, &m->retry_sul, retry_fire,
			 (lws_usec_t)delay * 1000);
}

static const struct sbx_conn_ops conn_ops = {
	.ready = on_ready,
	.failed = on_conn_failed,
};

static void member_connect(struct member *m)
{
	char err[300];

	if (m->t0 == 0)
		m->t0 = clock_ms();
	if (m->url == NULL) {
		char why[sizeof m->why];

		memcpy(why, m->why, sizeof why);
		member_fail(m, EXIT_SBX, "%s", why);
		return;
	}
	m->conn = sbx_conn_open_ca(m->f->cl, m->url, m->token, m->ca_file, &conn_ops, m, err,
				   sizeof err);
	if (m->conn == NULL) {
		member_fail(m, EXIT_SBX, "%s", err);
		return;
	}
	if (m->state != MEMBER_RETRYING)
		m->attempt = 0;
	m->state = MEMBER_CONNECTING;
}

/* ---- signals ------------------------------------------------------------------ */

static void kill_running(struct fleet *f)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->m[i].x && f->m[i].state == MEMBER_RUNNING)
			sbx_exec_kill(f->m[i].x);
}

static void stop_late(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	kill_running(stop_fleet);
}

/* Members not running yet never will; the others get signo. */
static void fleet_signal(struct fleet *f, int signo)
{
	f->stopping = 1;
	for (size_t i = 0; i < f->n; i++) {
		struct member *m = &f->m[i];

		if (m->state == MEMBER_RUNNING && m->x)
			sbx_exec_signal(m->x, signo);
		else if (m->state != MEMBER_DONE && m->state != MEMBER_WAITING)
			member_fail(m, 128 + signo, "stopped before it ran (%s)", strsignal(signo));
	}
	for (size_t i = f->started; i < f->n; i++)
		if (f->m[i].state == MEMBER_WAITING) {
			f->m[i].why[0] = '\0';
			snprintf(f->m[i].why, sizeof f->m[i].why, "not started (%s)", strsignal(signo));
			f->m[i].status = 128 + signo;
			f->m[i].state = MEMBER_DONE;
			f->done++;
			if (f->ops->ended)
				f->ops->ended(&f->m[i]);
		}
	if (f->done == f->n)
		sbx_client_stop(f->cl);
}

void fleet_stop(struct fleet *f)
{
	fleet_signal(f, SIGTERM);
	kill_running(f);
}

static void signals_readable(struct watch *w, void *arg)
{
	struct fleet *f = arg;
	struct signalfd_siginfo si;

	while (read(watch_fd(w), &si, sizeof si) == sizeof si) {
		int sig = (int)si.ssi_signo;

		if (f->interrupts++ == 0) {
			f->signo = sig;
			fleet_signal(f, sig);
			stop_fleet = f;
			lws_sul_schedule(sbx_client_context(f->cl), 0, &stop_sul, stop_late,
					 STOP_GRACE_US);
		} else {
			kill_running(f);
		}
	}
}

static const struct watch_ops signal_ops = {.readable = signals_readable};

int fleet_run(struct fleet *f)
{
	unsigned flags = f->deflate ? SBX_CLIENT_DEFLATE : 0;
	sigset_t set;

	for (size_t i = 0; i < f->n; i++)
		if (f->m[i].url && strncmp(f->m[i].url, "wss://", 6) == 0)
			flags |= SBX_CLIENT_TLS;
	/* Each member connects trusting its own CA file (sbx_conn_open_ca). */
	f->cl = sbx_client_new(flags, NULL);
	if (f->cl == NULL) {
		fprintf(stderr, "sbx: cannot start the event loop\n");
		return -1;
	}
	if (f->keepalive)
		sbx_client_set_keepalive(f->cl, f->keepalive);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (watch_signals(sbx_client_vhost(f->cl), &set, &signal_ops, f) == NULL) {
		fprintf(stderr, "sbx: cannot watch signals: %s\n", strerror(errno));
		sbx_client_free(f->cl);
		return -1;
	}
	if (f->stdin_stream && feed_start(f) < 0) {
		fprintf(stderr, "sbx: cannot read stdin\n");
		sbx_client_free(f->cl);
		return -1;
	}
	fleet_next(f);
	if (f->done < f->n)
		sbx_client_run(f->cl);
	feed_stop(f);
	lws_sul_cancel(&stop_sul);
	for (size_t i = 0; i < f->n; i++) {
		lws_sul_cancel(&f->m[i].retry_sul);
		lws_sul_cancel(&f->m[i].close_sul);
	}
	sbx_client_free(f->cl);
	f->cl = NULL;
	return 0;
}
