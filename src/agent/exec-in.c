/*
 * exec-in.c: an exec's stdin. Data frames from the client wait in a
 * backlog until the command's pipe (or PTY) takes them; as it does, the
 * agent grants the client that much more credit with `window`, so a
 * client that keeps to its credit never has more than PROTO_STDIN_WINDOW
 * waiting here, and never holds up its other execs. A client that does
 * not keep credit (no window in its hello) is throttled the old way: past
 * IN_HIGH its whole connection is not read. Called from exec.c, conn.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "exec.h"
#include "session.h"
#include "watch.h"

/* Stdin waiting for the child: past HIGH the connection is not read. */
#define IN_HIGH (1024 * 1024)
#define IN_LOW (256 * 1024)
/* Grants are batched: one window message per this much taken, or when
 * the backlog empties. */
#define GRANT_BATCH (PROTO_STDIN_WINDOW / 4)

uint64_t exec_stdin_offset(const struct exec *x)
{
	return x->in_off;
}

int exec_stdin_open(const struct exec *x)
{
	return x->in != NULL && !x->in_close_pending;
}

int exec_stdin_broken(const struct exec *x)
{
	return x->in_broken;
}

static void in_stall(struct exec *x, int stall)
{
	if (x->stalling == stall || (x->conn == NULL && x->sess == NULL))
		return;
	x->stalling = stall;
	if (x->sess)
		session_stall(x->sess, stall);
	else
		conn_stall(x->conn, stall);
}

void exec_in_close(struct exec *x)
{
	if (x->in)
		watch_close(x->in);
	x->in = NULL;
	byteq_clear(&x->in_q);
	in_stall(x, 0);
}

/* The command closed its stdin (EPIPE): tell the client once, so it stops
 * sending, and drop what it sent meanwhile, as a pipe would. */
static void in_broken(struct exec *x)
{
	exec_in_close(x);
	if (x->in_broken || x->conn == NULL || agent.done)
		return;
	x->in_broken = 1;
	conn_send_error(x->conn, x->id, PERR_STDIN_CLOSED, "the command closed its stdin");
}

static void in_grant(struct exec *x, size_t n)
{
	struct msg m = {.type = MSG_WINDOW, .id = x->id};

	x->in_grant += n;
	if (x->conn == NULL || !x->conn->window || x->in_grant == 0 ||
	    (x->in_grant < GRANT_BATCH && x->in_q.head))
		return;
	m.u.window.bytes = (uint32_t)x->in_grant;
	x->in_grant = 0;
	conn_send(x->conn, &m);
}

static void in_writable(struct watch *w, void *arg)
{
	struct exec *x = arg;
	const unsigned char *p;
	size_t len;
	ssize_t n;
	int ours;

	while ((p = byteq_peek(&x->in_q, &len, &ours))) {
		n = write(watch_fd(w), p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			watch_want_write(w);
			break;
		}
		if (n < 0) {
			in_broken(x);
			return;
		}
		byteq_take(&x->in_q, (size_t)n);
		if (!ours)
			in_grant(x, (size_t)n);
	}
	in_grant(x, 0);
	if (x->in_q.bytes < IN_LOW)
		in_stall(x, 0);
	if (x->in_close_pending && x->in_q.head == NULL)
		exec_in_close(x);
}

static void in_closed(struct watch *w, void *arg)
{
	struct exec *x = arg;

	(void)w;
	x->in = NULL;
	in_broken(x);
}

static const struct watch_ops in_ops = {
	.writable = in_writable,
	.closed = in_closed,
};

void exec_in_open(struct exec *x, int fd)
{
	if (fd >= 0)
		x->in = watch_new(agent.vh, fd, &in_ops, x);
}

/* ours: bytes the agent adds itself (a terminal's EOF key), not the
 * client's, so not granted back. */
/* ours: bytes the agent adds itself (a terminal's EOF key), not the
 * client's, so not granted back. */
static void in_queue(struct exec *x, const void *data, size_t len, int ours)
{
	byteq_push(&x->in_q, data, len, ours);
	watch_want_write(x->in);
	if (x->in_q.bytes > IN_HIGH)
		in_stall(x, 1);
}

void exec_stdin(struct exec *x, const struct frame *f)
{
	if (f->len == 0)
		return;
	x->in_off += f->len;
	in_queue(x, f->data, f->len, 0);
}

size_t exec_in_push(struct exec *x, const void *data, size_t len)
{
	if (x->in == NULL)
		return 0;
	in_queue(x, data, len, 0);
	return len;
}

void exec_stdin_close(struct exec *x)
{
	if (x->in == NULL)
		return;
	/* A terminal has no end of file to give: type its EOF key (^D),
	 * which the command reads as EOF at the start of a line. */
	if (x->tty)
		in_queue(x, "\x04", 1, 1);
	x->in_close_pending = 1;
	if (x->in_q.head == NULL)
		exec_in_close(x);
}
