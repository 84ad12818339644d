/*
 * stream.c: struct sbx_stream, the blocking handle on one exec (the
 * SDK's ExecHandle: recv, write, close stdin, signal, kill, wait,
 * collect). The exec's callbacks queue events in the handle; the caller
 * takes them with sbx_stream_recv, or all at once with wait or collect.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sync.h"
#include "xmalloc.h"

/* One buffered event; the bytes of an output chunk or message follow it. */
struct stream_event {
	struct stream_event *next;
	struct sbx_event ev;
};

struct sbx_stream {
	struct sbx_stream *next;
	struct sbx *s;
	struct sbx_exec *x; /* NULL once the exec has ended or was lost */
	struct stream_event *head, *tail;
	struct stream_event *given; /* what the last recv handed out */
	int started, ended, lost;
	int orphan; /* freed by the caller while running: goes at the end */
	/* How it ended, kept for wait and collect whatever recv took. */
	enum sbx_outcome outcome;
	int64_t pid;
	struct msg_exited exited;
	struct msg_failed failed;
	enum proto_err error;
	char *error_message;
};

static struct stream_event *push(struct sbx_stream *h, enum sbx_event_type type,
				 const void *data, size_t len)
{
	struct stream_event *e = xcalloc(1, sizeof *e + len + 1);

	e->ev.type = type;
	if (data) {
		memcpy(e + 1, data, len);
		e->ev.data = (const uint8_t *)(e + 1);
		e->ev.len = len;
	}
	if (h->tail)
		h->tail->next = e;
	else
		h->head = e;
	h->tail = e;
	return e;
}

static void unlink_stream(struct sbx_stream *h)
{
	struct sbx_stream **p;

	for (p = &h->s->streams; *p; p = &(*p)->next)
		if (*p == h) {
			*p = h->next;
			return;
		}
}

static void destroy(struct sbx_stream *h)
{
	struct stream_event *e, *next;

	unlink_stream(h);
	for (e = h->head; e; e = next) {
		next = e->next;
		free(e);
	}
	free(h->given);
	free(h->failed.stage);
	free(h->failed.message);
	free(h->error_message);
	free(h);
}

/* The exec is over: its handle in exec.c is freed when we return. */
static void end(struct sbx_stream *h, enum sbx_outcome outcome)
{
	h->outcome = outcome;
	h->ended = 1;
	h->x = NULL;
	if (h->orphan)
		destroy(h);
}

static void on_started(struct sbx_exec *x, void *arg, int64_t pid)
{
	struct sbx_stream *h = arg;
	struct stream_event *e;

	h->started = 1;
	h->pid = pid;
	e = push(h, SBX_EVENT_STARTED, NULL, 0);
	e->ev.pid = pid;
	e->ev.exec = sbx_exec_number(x);
}

/* Only buffered here: the caller consumes it when it takes it (take),
 * and only then does the agent get credit for more, so a caller that
 * does not read holds at most SBX_WINDOW of output here. */
static void on_output(struct sbx_exec *x, void *arg, enum frame_kind kind,
		      const uint8_t *data, size_t len)
{
	struct sbx_stream *h = arg;

	if (h->orphan)
		sbx_exec_consumed(x, len);
	else
		push(h, kind == FRAME_STDERR ? SBX_EVENT_STDERR : SBX_EVENT_STDOUT, data, len);
}

static void on_exited(struct sbx_exec *x, void *arg, const struct msg_exited *e)
{
	struct sbx_stream *h = arg;

	(void)x;
	h->exited = *e;
	push(h, SBX_EVENT_EXITED, NULL, 0)->ev.exited = *e;
	end(h, SBX_EXITED);
}

/* The event points at the handle's copy, which lives as long as it. */
static void on_failed(struct sbx_exec *x, void *arg, const struct msg_failed *f)
{
	struct sbx_stream *h = arg;

	(void)x;
	h->failed.kind = f->kind;
	h->failed.err = f->err;
	h->failed.stage = xstrdup(f->stage ? f->stage : "");
	h->failed.message = xstrdup(f->message ? f->message : "");
	push(h, SBX_EVENT_FAILED, NULL, 0)->ev.failed = h->failed;
	end(h, SBX_FAILED);
}

static void on_error(struct sbx_exec *x, void *arg, enum proto_err code, const char *message)
{
	struct sbx_stream *h = arg;
	const char *m = message ? message : "";
	struct stream_event *e = push(h, SBX_EVENT_ERROR, m, strlen(m));

	(void)x;
	e->ev.code = code;
	e->ev.message = (const char *)e->ev.data;
	e->ev.data = NULL;
	e->ev.len = 0;
	h->error = code;
	free(h->error_message);
	h->error_message = xstrdup(m);
	/* The same rule as exec.c: a refused request frees the exec. */
	if (!h->started && (code == PERR_BAD_MESSAGE || code == PERR_TOO_MANY_EXECS))
		end(h, SBX_REFUSED);
}

static const struct sbx_exec_ops exec_ops = {
	.started = on_started,
	.output = on_output,
	.exited = on_exited,
	.failed = on_failed,
	.error = on_error,
};

struct sbx_stream *sbx_stream_start(struct sbx *s, const struct msg_exec *req)
{
	struct sbx_stream *h;

	if (s->broken)
		return NULL;
	h = xcalloc(1, sizeof *h);
	h->s = s;
	h->next = s->streams;
	s->streams = h;
	h->x = sbx_exec_start(s->conn, req, &exec_ops, h);
	sbx_exec_hold_output(h->x, 1);
	return h;
}

/* Takes the oldest buffered event out of the queue; the caller owns it. */
static struct stream_event *take(struct sbx_stream *h)
{
	struct stream_event *e = h->head;

	if (e == NULL)
		return NULL;
	h->head = e->next;
	if (h->head == NULL)
		h->tail = NULL;
	e->next = NULL;
	if (h->x && (e->ev.type == SBX_EVENT_STDOUT || e->ev.type == SBX_EVENT_STDERR))
		sbx_exec_consumed(h->x, e->ev.len);
	return e;
}

static int has_event(void *arg)
{
	struct sbx_stream *h = arg;

	return h->head != NULL || h->ended || h->lost;
}

int sbx_stream_recv(struct sbx_stream *h, struct sbx_event *ev, int timeout_ms)
{
	int rc;

	free(h->given);
	h->given = NULL;
	rc = sbx_wait(h->s, has_event, h, timeout_ms);
	if (h->head == NULL)
		return rc == 0 ? 0 : -1; /* timed out, or nothing more to come */
	h->given = take(h);
	*ev = h->given->ev;
	return 1;
}

int sbx_stream_write(struct sbx_stream *h, const void *buf, size_t len)
{
	if (h->x == NULL)
		return -1;
	sbx_exec_write(h->x, buf, len);
	return 0;
}

int sbx_stream_close_stdin(struct sbx_stream *h)
{
	if (h->x == NULL)
		return -1;
	sbx_exec_close_stdin(h->x);
	return 0;
}

int sbx_stream_signal(struct sbx_stream *h, int signo)
{
	if (h->x == NULL)
		return -1;
	sbx_exec_signal(h->x, signo);
	return 0;
}

int sbx_stream_kill(struct sbx_stream *h)
{
	if (h->x == NULL)
		return -1;
	sbx_exec_kill(h->x);
	return 0;
}

static int is_over(void *arg)
{
	struct sbx_stream *h = arg;

	return h->ended || h->lost;
}

static void append(char **buf, size_t *len, const uint8_t *data, size_t n)
{
	*buf = xrealloc(*buf, *len + n + 1);
	memcpy(*buf + *len, data, n);
	*len += n;
	(*buf)[*len] = '\0';
}

/* Moves what is buffered into r (or drops it), then frees it. */
static void drain(struct sbx_stream *h, struct sbx_result *r, int keep)
{
	struct stream_event *e;

	while ((e = take(h)) != NULL) {
		if (keep && e->ev.type == SBX_EVENT_STDOUT)
			append(&r->out, &r->out_len, e->ev.data, e->ev.len);
		else if (keep && e->ev.type == SBX_EVENT_STDERR)
			append(&r->err, &r->err_len, e->ev.data, e->ev.len);
		free(e);
	}
}

/* The CLI's exit statuses, so that a program can pass them on. */
static int status_of(const struct sbx_stream *h)
{
	if (h->outcome == SBX_REFUSED)
		return 125;
	if (h->outcome == SBX_FAILED)
		return h->failed.kind == FAIL_NOT_FOUND	   ? 127
		       : h->failed.kind == FAIL_PERMISSION ? 126
		       : h->failed.kind == FAIL_SPAWN	   ? 126
							   : 125;
	if (h->exited.timed_out)
		return 124;
	return h->exited.signo ? 128 + h->exited.signo : h->exited.code;
}

static void fill(const struct sbx_stream *h, struct sbx_result *r)
{
	r->outcome = h->outcome;
	r->status = status_of(h);
	r->pid = h->pid;
	r->exited = h->exited;
	r->failed.kind = h->failed.kind;
	r->failed.err = h->failed.err;
	r->failed.stage = h->failed.stage ? xstrdup(h->failed.stage) : NULL;
	r->failed.message = h->failed.message ? xstrdup(h->failed.message) : NULL;
	r->error = h->error;
	r->error_message = h->error_message ? xstrdup(h->error_message) : NULL;
	if (r->out == NULL)
		r->out = xcalloc(1, 1);
	if (r->err == NULL)
		r->err = xcalloc(1, 1);
}

static int finish(struct sbx_stream *h, struct sbx_result *r, int keep)
{
	memset(r, 0, sizeof *r);
	free(h->given);
	h->given = NULL;
	drain(h, r, keep);
	while (!is_over(h) && sbx_wait(h->s, has_event, h, -1) > 0)
		drain(h, r, keep);
	drain(h, r, keep);
	if (!h->ended) {
		sbx_result_free(r);
		return -1;
	}
	fill(h, r);
	return 0;
}

int sbx_stream_wait(struct sbx_stream *h, struct sbx_result *r)
{
	return finish(h, r, 0);
}

int sbx_stream_collect(struct sbx_stream *h, struct sbx_result *r)
{
	return finish(h, r, 1);
}

/* A running exec is killed; its handle stays, unseen, until the exec's
 * last callback, which would otherwise find it freed. */
void sbx_stream_free(struct sbx_stream *h)
{
	if (h == NULL)
		return;
	if (h->x == NULL) {
		destroy(h);
		return;
	}
	sbx_exec_kill(h->x);
	h->orphan = 1;
	drain(h, NULL, 0);
}

void sbx_result_free(struct sbx_result *r)
{
	free(r->failed.stage);
	free(r->failed.message);
	free(r->error_message);
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof *r);
}

void stream_lost_all(struct sbx *s)
{
	struct sbx_stream *h, *next;

	for (h = s->streams; h; h = next) {
		next = h->next;
		h->x = NULL;
		if (h->ended)
			continue;
		h->lost = 1;
		if (h->orphan)
			destroy(h);
	}
}

void stream_free_all(struct sbx *s)
{
	while (s->streams)
		destroy(s->streams);
}
