/*
 * exec.c: the client's handle on one remote command, with the SDK's verbs
 * (write stdin, close it, signal, kill) and its events (started, output,
 * exited or failed). Output offsets are checked, so a lost byte is an
 * error, never silent. Both directions keep the protocol's credit: stdin
 * goes out as the agent grants it, and consumed output is granted back.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "byteq.h"
#include "client.h"
#include "xmalloc.h"

struct sbx_exec {
	struct sbx_exec *next;
	struct sbx_conn *conn;
	uint32_t id;
	const struct sbx_exec_ops *ops;
	void *arg;
	uint64_t in_off;
	int64_t in_credit;      /* stdin the agent will take now */
	struct byteq in_q;      /* written, waiting for credit */
	int in_above_high;
	int close_pending;      /* stdin_close once the queue is out */
	uint64_t out_off[2];
	size_t out_owed;        /* consumed, not yet granted back */
	int hold;
	int stdin_closed;
	int started;
	int attaching;   /* an attach, not an exec */
	uint64_t screen_off;
	uint32_t number; /* the agent's, from started (a session's, from attached) */
};

uint32_t sbx_exec_id(const struct sbx_exec *x)
{
	return x->id;
}

uint32_t sbx_exec_number(const struct sbx_exec *x)
{
	return x->number;
}

static struct sbx_exec *find(struct sbx_conn *c, uint32_t id)
{
	for (struct sbx_exec *x = c->execs; x; x = x->next)
		if (x->id == id)
			return x;
	return NULL;
}

static void exec_free(struct sbx_exec *x)
{
	byteq_clear(&x->in_q);
	free(x);
}

static void unlink_free(struct sbx_exec *x)
{
	struct sbx_exec **p;

	for (p = &x->conn->execs; *p; p = &(*p)->next)
		if (*p == x) {
			*p = x->next;
			break;
		}
	exec_free(x);
}

/* A handle on c, its id chosen, for the request that m will carry. */
static struct sbx_exec *exec_new(struct sbx_conn *c, const struct sbx_exec_ops *ops, void *arg,
				 int stdin_closed, struct msg *m)
{
	struct sbx_exec *x = xcalloc(1, sizeof *x);

	x->conn = c;
	x->ops = ops;
	x->arg = arg;
	x->id = conn_new_id(c);
	x->stdin_closed = stdin_closed;
	x->in_credit = PROTO_STDIN_WINDOW;
	x->next = c->execs;
	c->execs = x;
	m->id = x->id;
	return x;
}

struct sbx_exec *sbx_exec_start(struct sbx_conn *c, const struct msg_exec *req,
				const struct sbx_exec_ops *ops, void *arg)
{
	struct msg m = {.type = MSG_EXEC, .u.exec = *req};
	struct sbx_exec *x = exec_new(c, ops, arg, req->stdin_mode != STDIN_PIPE, &m);

	conn_push(c, &m);
	return x;
}

struct sbx_exec *sbx_exec_attach(struct sbx_conn *c, const struct msg_attach *a,
				 const struct sbx_exec_ops *ops, void *arg)
{
	struct msg m = {.type = MSG_ATTACH, .u.attach = *a};
	struct sbx_exec *x = exec_new(c, ops, arg, a->read_only, &m);

	x->attaching = 1;
	x->number = a->session;
	conn_push(c, &m);
	return x;
}

uint64_t sbx_exec_output_offset(const struct sbx_exec *x)
{
	/* Frames come in the order the agent read them: having a bytes of
	 * stdout and b of stderr is having the first a + b of the output. */
	return x->out_off[0] + x->out_off[1];
}

static void push_simple(struct sbx_exec *x, enum msg_type type, int signo);

void sbx_exec_detach(struct sbx_exec *x)
{
	push_simple(x, MSG_DETACH, 0);
}

/* Sends queued stdin as far as the credit goes; then a pending close. */
static void in_flush(struct sbx_exec *x)
{
	const unsigned char *p;
	size_t n;

	while (x->in_credit > 0 && (p = byteq_peek(&x->in_q, &n, NULL))) {
		if (n > PROTO_MAX_DATA)
			n = PROTO_MAX_DATA;
		if ((int64_t)n > x->in_credit)
			n = (size_t)x->in_credit;
		outq_push_data(&x->conn->q, FRAME_STDIN, x->id, x->in_off, p, n);
		x->in_off += n;
		x->in_credit -= (int64_t)n;
		byteq_take(&x->in_q, n);
	}
	conn_kick(x->conn);
	if (x->close_pending && x->in_q.head == NULL) {
		x->close_pending = 0;
		push_simple(x, MSG_STDIN_CLOSE, 0);
	}
}

void sbx_exec_write(struct sbx_exec *x, const void *buf, size_t len)
{
	if (x->stdin_closed || x->conn->done || len == 0)
		return;
	byteq_push(&x->in_q, buf, len, 0);
	if (x->in_q.bytes > SBX_QUEUE_HIGH)
		x->in_above_high = 1;
	in_flush(x);
}

size_t sbx_exec_stdin_queued(const struct sbx_exec *x)
{
	return x->in_q.bytes;
}

/* The agent took stdin and grants more. */
static void on_window(struct sbx_exec *x, uint32_t bytes)
{
	x->in_credit += bytes;
	if (x->conn->done)
		return;
	in_flush(x);
	if (x->in_above_high && x->in_q.bytes < SBX_QUEUE_LOW) {
		x->in_above_high = 0;
		if (x->ops->stdin_drained)
			x->ops->stdin_drained(x, x->arg);
	}
}

void sbx_exec_hold_output(struct sbx_exec *x, int hold)
{
	x->hold = hold;
}

/* Grants are batched: one window message per half window consumed. */
void sbx_exec_consumed(struct sbx_exec *x, size_t n)
{
	struct msg m = {.type = MSG_WINDOW, .id = x->id};

	x->out_owed += n;
	if (x->out_owed < SBX_WINDOW / 2 || x->conn->done)
		return;
	m.u.window.bytes = (uint32_t)x->out_owed;
	x->out_owed = 0;
	conn_push(x->conn, &m);
}

static void push_simple(struct sbx_exec *x, enum msg_type type, int signo)
{
	struct msg m = {.type = type, .id = x->id};

	if (x->conn->done)
		return;
	m.u.signal.signo = signo;
	conn_push(x->conn, &m);
}

void sbx_exec_close_stdin(struct sbx_exec *x)
{
	if (x->stdin_closed)
		return;
	x->stdin_closed = 1;
	if (x->in_q.head)
		x->close_pending = 1; /* after what waits for credit */
	else
		push_simple(x, MSG_STDIN_CLOSE, 0);
}

void sbx_exec_signal(struct sbx_exec *x, int signo)
{
	push_simple(x, MSG_SIGNAL, signo);
}

void sbx_exec_kill(struct sbx_exec *x)
{
	push_simple(x, MSG_KILL, 0);
}

void sbx_exec_resize(struct sbx_exec *x, uint16_t rows, uint16_t cols)
{
	struct msg m = {.type = MSG_RESIZE, .id = x->id};

	if (x->conn->done)
		return;
	m.u.resize.rows = rows;
	m.u.resize.cols = cols;
	conn_push(x->conn, &m);
}

void exec_on_message(struct sbx_conn *c, const struct msg *m)
{
	struct sbx_exec *x = find(c, m->id);

	if (x == NULL)
		return; /* e.g. an error about an exec that just ended */
	switch (m->type) {
	case MSG_STARTED:
		x->started = 1;
		x->number = m->u.started.exec;
		if (x->ops->started)
			x->ops->started(x, x->arg, m->u.started.pid);
		break;
	case MSG_EXITED:
		if (x->ops->exited)
			x->ops->exited(x, x->arg, &m->u.exited);
		unlink_free(x);
		break;
	case MSG_FAILED:
		if (x->ops->failed)
			x->ops->failed(x, x->arg, &m->u.failed);
		unlink_free(x);
		break;
	case MSG_ATTACHED:
		x->started = 1;
		x->out_off[0] = m->u.attached.stdout_offset;
		x->out_off[1] = m->u.attached.stderr_offset;
		if (x->ops->attached)
			x->ops->attached(x, x->arg, &m->u.attached);
		break;
	case MSG_DETACHED:
		if (x->ops->detached)
			x->ops->detached(x, x->arg);
		unlink_free(x);
		break;
	case MSG_WINDOW:
		on_window(x, m->u.window.bytes);
		break;
	case MSG_STAMP:
		if (x->ops->stamp)
			x->ops->stamp(x, x->arg, m->u.stamp.ts_ms);
		break;
	case MSG_ERROR:
		/* The command closed its stdin: sending more is pointless. */
		if (m->u.error.code == PERR_STDIN_CLOSED) {
			x->stdin_closed = 1;
			x->close_pending = 0;
			byteq_clear(&x->in_q);
		}
		if (x->ops->error)
			x->ops->error(x, x->arg, m->u.error.code, m->u.error.message);
		/* The exec message itself was refused: it will never run. */
		if (!x->started && (m->u.error.code == PERR_BAD_MESSAGE ||
				    m->u.error.code == PERR_TOO_MANY_EXECS ||
				    (x->attaching && m->u.error.code == PERR_UNKNOWN_EXEC)))
			unlink_free(x);
		break;
	default:
		break;
	}
}

void exec_on_frame(struct sbx_conn *c, const struct frame *f)
{
	struct sbx_exec *x = find(c, f->id);
	int k = f->kind == FRAME_STDERR;
	char buf[160];

	if (x == NULL || f->kind == FRAME_STDIN)
		return;
	if (f->kind == FRAME_SCREEN) {
		/* A repaint: outside the output's offsets and credit. */
		if (f->offset == 0)
			x->screen_off = 0;
		x->screen_off += f->len;
		if (x->ops->output)
			x->ops->output(x, x->arg, f->kind, f->data, f->len);
		return;
	}
	if (f->offset != x->out_off[k]) {
		snprintf(buf, sizeof buf, "%s jumped from byte %llu to %llu: output lost",
			 frame_kind_name(f->kind), (unsigned long long)x->out_off[k],
			 (unsigned long long)f->offset);
		if (x->ops->error)
			x->ops->error(x, x->arg, PERR_BAD_FRAME, buf);
	}
	x->out_off[k] = f->offset + f->len;
	if (x->ops->output)
		x->ops->output(x, x->arg, f->kind, f->data, f->len);
	/* The callback may have closed the connection, and x with it. */
	if (!c->done && !x->hold)
		sbx_exec_consumed(x, f->len);
}

int exec_id_in_use(const struct sbx_conn *c, uint32_t id)
{
	return find((struct sbx_conn *)c, id) != NULL;
}

void exec_abandon_all(struct sbx_conn *c)
{
	struct sbx_exec *x, *next;

	for (x = c->execs; x; x = next) {
		next = x->next;
		exec_free(x);
	}
	c->execs = NULL;
	request_abandon_all(c);
}
