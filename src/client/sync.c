/*
 * sync.c: struct sbx, one connection used the blocking way: connect,
 * run a command and collect it (sbx_run, sbx_run_with, sbx_shell). It is
 * the callback API underneath, with the client's loop run until the
 * answer is in; stream.c holds the exec handles these are built from.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sync.h"
#include "xmalloc.h"

void sbx_fail(struct sbx *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->why, sizeof s->why, fmt, ap);
	va_end(ap);
}

static void on_ready(struct sbx_conn *c, void *arg)
{
	struct sbx *s = arg;

	(void)c;
	s->ready = 1;
}

/* Every exec on the connection is gone with it (conn.c abandoned them
 * before calling us): their handles must stop pointing at them. */
static void on_failed(struct sbx_conn *c, void *arg, enum proto_err code, const char *why)
{
	struct sbx *s = arg;

	(void)c, (void)code;
	s->broken = 1;
	sbx_fail(s, "%s", why);
	stream_lost_all(s);
}

static const struct sbx_conn_ops conn_ops = {.ready = on_ready, .failed = on_failed};

/* Does nothing: being due is what makes lws_service return. */
/* The deadline may ripen just before lws polls: wake the poll, which
 * would otherwise sleep on until the next timer (see fail_later). */
static void on_wake(lws_sorted_usec_list_t *sul)
{
	struct sbx *s = lws_container_of(sul, struct sbx, wake);

	lws_cancel_service(s->cl->ctx);
}

int sbx_wait(struct sbx *s, int (*ready)(void *arg), void *arg, int timeout_ms)
{
	lws_usec_t deadline = lws_now_usecs() + (lws_usec_t)timeout_ms * LWS_US_PER_MS;
	int looked = 0, rc;

	if (timeout_ms > 0)
		lws_sul_schedule(s->cl->ctx, 0, &s->wake, on_wake,
				 (lws_usec_t)timeout_ms * LWS_US_PER_MS);
	for (;;) {
		if (ready(arg)) {
			rc = 1;
			break;
		}
		if (s->broken) {
			rc = -1;
			break;
		}
		if (timeout_ms == 0 ? looked : timeout_ms > 0 && lws_now_usecs() >= deadline) {
			rc = 0;
			break;
		}
		/* In lws 4.1.6 a timeout of 0 sleeps until the next fd event or
		 * timer (ours bounds it); a negative one only looks. */
		if (lws_service(s->cl->ctx, timeout_ms == 0 ? -1 : 0) < 0) {
			s->broken = 1;
			sbx_fail(s, "the client's event loop failed");
		}
		looked = 1;
	}
	if (timeout_ms > 0)
		lws_sul_cancel(&s->wake);
	return rc;
}

static int is_ready(void *arg)
{
	return ((struct sbx *)arg)->ready;
}

struct sbx *sbx_connect_ca(const char *target, const char *token, const char *ca_file,
			   char *err, size_t errlen)
{
	return sbx_connect_within(target, token, ca_file, -1, err, errlen);
}

struct sbx *sbx_connect_within(const char *target, const char *token, const char *ca_file,
			       int timeout_ms, char *err, size_t errlen)
{
	/* TLS costs milliseconds at start: only wss:// targets pay it. */
	unsigned flags = strncmp(target, "wss://", 6) == 0 ? SBX_CLIENT_TLS : 0;
	struct sbx *s = xcalloc(1, sizeof *s);
	int rc = -1;

	s->timeout_ms = timeout_ms;
	s->cl = sbx_client_new(flags, ca_file);
	if (s->cl == NULL) {
		snprintf(err, errlen, "cannot create the client's event loop%s",
			 flags ? " (TLS: check the CA file)" : "");
		free(s);
		return NULL;
	}
	s->conn = sbx_conn_open(s->cl, target, token, &conn_ops, s, err, errlen);
	if (s->conn == NULL || (rc = sbx_wait(s, is_ready, s, timeout_ms)) <= 0) {
		if (s->conn && rc == 0)
			snprintf(err, errlen, "%s did not answer within %d ms (agent stopped or busy?)",
				 target, timeout_ms);
		else if (s->conn)
			snprintf(err, errlen, "%s", s->why);
		sbx_close(s);
		return NULL;
	}
	return s;
}

struct sbx *sbx_connect(const char *target, const char *token, char *err, size_t errlen)
{
	return sbx_connect_ca(target, token, NULL, err, errlen);
}

void sbx_close(struct sbx *s)
{
	if (s == NULL)
		return;
	stream_free_all(s);
	/* Destroying the loop closes the connection; conn.c stays silent. */
	sbx_client_free(s->cl);
	free(s);
}

const char *sbx_error(const struct sbx *s)
{
	return s->why[0] ? s->why : "no error";
}

struct sbx_client *sbx_get_client(struct sbx *s)
{
	return s->cl;
}

int sbx_run_with(struct sbx *s, const struct msg_exec *req, const void *stdin_data,
		 size_t stdin_len, struct sbx_result *r)
{
	struct msg_exec with_stdin = *req;
	struct sbx_stream *h;
	int rc;

	memset(r, 0, sizeof *r);
	if (stdin_data)
		with_stdin.stdin_mode = STDIN_PIPE;
	h = sbx_stream_start(s, &with_stdin);
	if (h == NULL)
		return -1;
	if (stdin_data && stdin_len)
		sbx_stream_write(h, stdin_data, stdin_len);
	/* Nobody can write later in a blocking call: EOF now. */
	sbx_stream_close_stdin(h);
	rc = sbx_stream_collect(h, r);
	sbx_stream_free(h);
	return rc;
}

int sbx_run(struct sbx *s, const char *cmd, char *const args[], struct sbx_result *r)
{
	static char *const none[] = {NULL};
	struct msg_exec req = {.cmd = (char *)cmd, .args = (char **)(args ? args : none)};

	while (req.args[req.nargs])
		req.nargs++;
	return sbx_run_with(s, &req, NULL, 0, r);
}

int sbx_shell(struct sbx *s, const char *script, struct sbx_result *r)
{
	char *const args[] = {"-c", (char *)script, NULL};

	return sbx_run(s, "/bin/sh", args, r);
}

/* One request's answer, for sbx_list and sbx_signal_exec. */
struct answer {
	struct sbx *s;
	int done, rc;
	struct msg_execs *execs;
	int64_t pid;
};

static int is_answered(void *arg)
{
	return ((struct answer *)arg)->done;
}

/* The callback's list is the connection's: a copy through the codec. */
static void on_execs(struct sbx_conn *c, void *arg, const struct msg_execs *l)
{
	struct answer *a = arg;
	struct msg m = {.type = MSG_EXECS, .id = 1}, copy;
	struct proto_error e;
	size_t len;
	char *text;

	(void)c;
	m.u.execs = *l;
	text = msg_encode(&m, &len);
	if (msg_decode(text, len, DIR_TO_CLIENT, &copy, &e) == 0)
		*a->execs = copy.u.execs;
	free(text);
	a->done = 1;
}

static void on_signaled(struct sbx_conn *c, void *arg, uint32_t exec, int64_t pid)
{
	struct answer *a = arg;

	(void)c, (void)exec;
	a->pid = pid;
	a->done = 1;
}

static void on_refused(struct sbx_conn *c, void *arg, enum proto_err code, const char *message)
{
	struct answer *a = arg;

	(void)c, (void)code;
	sbx_fail(a->s, "%s", message);
	a->rc = 1;
	a->done = 1;
}

/* The answer, within the connection's time limit; -1 when none came. A
 * late answer finds its request gone with the connection. */
static int answer_wait(struct sbx *s, struct answer *a)
{
	int rc = sbx_wait(s, is_answered, a, s->timeout_ms);

	if (rc == 0) {
		sbx_fail(s, "no answer within %d ms (agent stopped or busy?)", s->timeout_ms);
		s->broken = 1;
		sbx_conn_close(s->conn);
	}
	return rc > 0 ? 0 : -1;
}

static const struct sbx_request_ops answer_ops = {
	.execs = on_execs, .signaled = on_signaled, .error = on_refused};

int sbx_list(struct sbx *s, struct msg_execs *l)
{
	struct answer a = {.s = s, .execs = l};

	memset(l, 0, sizeof *l);
	if (s->broken)
		return -1;
	sbx_conn_list(s->conn, &answer_ops, &a);
	if (answer_wait(s, &a) < 0)
		return -1;
	return a.rc ? -1 : 0;
}

void sbx_execs_free(struct msg_execs *l)
{
	struct msg m = {.type = MSG_EXECS};

	m.u.execs = *l;
	msg_free(&m);
	memset(l, 0, sizeof *l);
}

int sbx_signal_exec(struct sbx *s, uint32_t exec, int signo, int64_t *pid)
{
	struct answer a = {.s = s};

	if (s->broken)
		return -1;
	sbx_conn_signal_exec(s->conn, exec, signo, &answer_ops, &a);
	if (answer_wait(s, &a) < 0)
		return -1;
	if (pid)
		*pid = a.pid;
	return a.rc;
}
