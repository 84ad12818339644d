/*
 * exec.c: the client's handle on one remote command, with the SDK's verbs
 * (write stdin, close it, signal, kill) and its events (started, output,
 * exited or failed). Output offsets are checked, so a lost byte is an
 * error, never silent.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "xmalloc.h"

struct sbx_exec {
	struct sbx_exec *next;
	struct sbx_conn *conn;
	uint32_t id;
	const struct sbx_exec_ops *ops;
	void *arg;
	uint64_t in_off;
	uint64_t out_off[2];
	int stdin_closed;
	int started;
};

uint32_t sbx_exec_id(const struct sbx_exec *x)
{
	return x->id;
}

static struct sbx_exec *find(struct sbx_conn *c, uint32_t id)
{
	for (struct sbx_exec *x = c->execs; x; x = x->next)
		if (x->id == id)
			return x;
	return NULL;
}

static void unlink_free(struct sbx_exec *x)
{
	struct sbx_exec **p;

	for (p = &x->conn->execs; *p; p = &(*p)->next)
		if (*p == x) {
			*p = x->next;
			break;
		}
	free(x);
}

struct sbx_exec *sbx_exec_start(struct sbx_conn *c, const struct msg_exec *req,
				const struct sbx_exec_ops *ops, void *arg)
{
	struct sbx_exec *x = xcalloc(1, sizeof *x);
	struct msg m = {.type = MSG_EXEC};

	x->conn = c;
	x->ops = ops;
	x->arg = arg;
	do
		x->id = ++c->next_id;
	while (x->id == 0 || find(c, x->id));
	x->stdin_closed = req->stdin_mode != STDIN_PIPE;
	x->next = c->execs;
	c->execs = x;
	m.id = x->id;
	m.u.exec = *req;
	conn_push(c, &m);
	return x;
}

void sbx_exec_write(struct sbx_exec *x, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t n;

	if (x->stdin_closed || x->conn->done)
		return;
	while (len > 0) {
		n = len < PROTO_MAX_DATA ? len : PROTO_MAX_DATA;
		outq_push_data(&x->conn->q, FRAME_STDIN, x->id, x->in_off, p, n);
		x->in_off += n;
		p += n;
		len -= n;
	}
	conn_kick(x->conn);
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

void exec_on_message(struct sbx_conn *c, const struct msg *m)
{
	struct sbx_exec *x = find(c, m->id);

	if (x == NULL)
		return; /* e.g. an error about an exec that just ended */
	switch (m->type) {
	case MSG_STARTED:
		x->started = 1;
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
	case MSG_ERROR:
		/* The command closed its stdin: sending more is pointless. */
		if (m->u.error.code == PERR_STDIN_CLOSED)
			x->stdin_closed = 1;
		if (x->ops->error)
			x->ops->error(x, x->arg, m->u.error.code, m->u.error.message);
		/* The exec message itself was refused: it will never run. */
		if (!x->started && (m->u.error.code == PERR_BAD_MESSAGE ||
				    m->u.error.code == PERR_TOO_MANY_EXECS))
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
}

void exec_abandon_all(struct sbx_conn *c)
{
	struct sbx_exec *x, *next;

	for (x = c->execs; x; x = next) {
		next = x->next;
		free(x);
	}
	c->execs = NULL;
}
