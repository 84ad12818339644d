/*
 * exec-out.c: an exec's stdout and stderr. Reads the pipes (or the PTY)
 * into data frames on the connection, within two bounds: the client's
 * credit for this exec (the `window` it grants as it consumes) and the
 * bytes of ours still unwritten in the connection's queue. Past either,
 * the pipes are not read, so the command blocks instead of the agent
 * growing. Called from exec.c and, for windows and sent frames, conn.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "exec.h"
#include "session.h"
#include "watch.h"

/* Output of one exec waiting in its connection's queue: past HIGH the
 * child's pipes are no longer read, so a slow socket stops the child. */
#define OUT_HIGH (1024 * 1024)
#define OUT_LOW (256 * 1024)
/* After the child exits, pipes still held open by its background
 * children are closed once they have been quiet this long. */
#define DRAIN_QUIET_US (100 * 1000)

static int credit_kept(const struct exec *x)
{
	return x->conn && x->conn->window;
}

/* 1 while the pipes may be read: credit left (when kept), nothing held
 * back for want of it, and the socket keeping up. */
static int out_may_read(const struct exec *x)
{
	if (x->sess)
		return session_may_read(x->sess);
	if (credit_kept(x) && (x->credit <= 0 || x->held.head))
		return 0;
	return x->queued <= OUT_HIGH;
}

static void drain_check(lws_sorted_usec_list_t *sul);

/* A session's output held back (above) goes into its ring as its viewers
 * catch up; once it is all in, the exec may end (later, not from inside
 * the session that called us). */
static void out_flush_session(struct exec *x)
{
	const unsigned char *p;
	size_t n;
	int k;

	if (x->flushing || x->held.head == NULL)
		return;
	x->flushing = 1;
	while (x->sess && (p = byteq_peek(&x->held, &n, &k)) && session_may_read(x->sess)) {
		if (n > PROTO_MAX_DATA)
			n = PROTO_MAX_DATA;
		session_output(x->sess, k ? FRAME_STDERR : FRAME_STDOUT, p, n);
		byteq_take(&x->held, n);
	}
	x->flushing = 0;
	if (x->held.head == NULL && !x->out[0] && !x->out[1])
		lws_sul_schedule(agent.ctx, 0, &x->drain_sul, drain_check, 1);
}

void exec_out_update(struct exec *x)
{
	int paused = !out_may_read(x);

	if (x->sess)
		out_flush_session(x);
	for (int k = 0; k < 2; k++)
		if (x->out[k] && watch_paused(x->out[k]) != paused &&
		    (paused || x->queued < OUT_LOW))
			watch_pause(x->out[k], paused);
}

static void out_send(struct exec *x, int k, const unsigned char *data, size_t len)
{
	if (x->http) {
		http_exec_output(x->http, k, data, len);
		x->off[k] += len;
		return;
	}
	outq_push_data(&x->conn->q, k ? FRAME_STDERR : FRAME_STDOUT, x->id, x->off[k], data,
		       len);
	x->off[k] += len;
	x->queued += len + PROTO_FRAME_HDR;
	if (credit_kept(x))
		x->credit -= (int64_t)len;
	lws_callback_on_writable(x->conn->wsi);
}

/* Sends what the credit allows now and holds the rest, in order. */
static void out_emit(struct exec *x, int k, const unsigned char *data, size_t len)
{
	size_t now = len;

	if (credit_kept(x)) {
		if (x->held.head || x->credit <= 0)
			now = 0;
		else if ((int64_t)now > x->credit)
			now = (size_t)x->credit;
	}
	if (now)
		out_send(x, k, data, now);
	if (now < len)
		byteq_push(&x->held, data + now, len - now, k);
}

/* Held output goes out as credit comes in. */
static void out_flush_held(struct exec *x)
{
	const unsigned char *p;
	size_t n;
	int k;

	while (x->credit > 0 && (p = byteq_peek(&x->held, &n, &k))) {
		if ((int64_t)n > x->credit)
			n = (size_t)x->credit;
		out_send(x, k, p, n);
		byteq_take(&x->held, n);
	}
}

/* One read of stream k: >0 bytes read, 0 at EOF, -1 when nothing is
 * there now. `all` reads past the credit (the pipe is closing). */
static ssize_t out_read(struct exec *x, int k, int fd, int all)
{
	static unsigned char buf[PROTO_MAX_DATA];
	size_t want = sizeof buf;
	ssize_t n;

	if (x->sess && !all && !session_may_read(x->sess))
		return -1;
	if (!all && credit_kept(x)) {
		if (x->credit <= 0 || x->held.head)
			return -1;
		if ((int64_t)want > x->credit)
			want = (size_t)x->credit;
	}
	n = read(fd, buf, want);
	if (n < 0)
		return (errno == EAGAIN || errno == EINTR) ? -1 : 0;
	if (n == 0)
		return 0;
	/* A PTY hands over at most a few KiB per read: gather what is there
	 * into one frame, not a frame (and a write, at each end) per read. */
	for (ssize_t more; x->tty && (size_t)n < want; n += more)
		if ((more = read(fd, buf + n, want - (size_t)n)) <= 0)
			break; /* EAGAIN, or the end, which the next read sees again */
	x->out_activity = 1;
	if (x->conn == NULL && x->http == NULL && x->sess == NULL)
		return n; /* abandoned: read, so that it never blocks */
	size_t send = (size_t)n;
	/* Past the limit the output is read (the command never blocks on
	 * it) and counted, not sent. */
	if (x->limit && x->accepted[k] + send > x->limit)
		send = x->accepted[k] >= x->limit ? 0 : (size_t)(x->limit - x->accepted[k]);
	x->dropped[k] += (uint64_t)n - send;
	x->accepted[k] += send;
	if (x->sess) {
		/* Read past what a viewer can take (the pipe is closing): it
		 * waits here, not over output the viewer still lacks. */
		if (send && (x->held.head || !session_may_read(x->sess)))
			byteq_push(&x->held, buf, send, k);
		else if (send)
			session_output(x->sess, k ? FRAME_STDERR : FRAME_STDOUT, buf, send);
		return n;
	}
	if (send)
		out_emit(x, k, buf, send);
	return n;
}

static void out_readable(struct watch *w, void *arg)
{
	struct exec *x = arg;
	int k = (w == x->out[1]);

	if (out_read(x, k, watch_fd(w), 0) == 0) {
		watch_close(w);
		x->out[k] = NULL;
		exec_try_finish(x);
		return;
	}
	exec_out_update(x);
}

/* lws closes a pipe on POLLHUP, which comes even while we are not reading
 * it (backpressure): what the child wrote before exiting is still in the
 * pipe, and the fd is still open here, so take it all now. Past the
 * credit it is held (at most a pipe's worth) until the client grants. */
static void out_closed(struct watch *w, void *arg)
{
	struct exec *x = arg;
	int k = (w == x->out[1]);

	while (out_read(x, k, watch_fd(w), 1) > 0)
		;
	x->out[k] = NULL;
	exec_try_finish(x);
}

static const struct watch_ops out_ops = {
	.readable = out_readable,
	.closed = out_closed,
};

void exec_out_open(struct exec *x, int out_fd, int err_fd)
{
	x->credit = x->conn ? x->conn->window : 0;
	x->out[0] = watch_new(agent.vh, out_fd, &out_ops, x);
	if (err_fd >= 0)
		x->out[1] = watch_new(agent.vh, err_fd, &out_ops, x);
}

/* The PTY's new size: the kernel tells the foreground group (SIGWINCH). */
int exec_resize(struct exec *x, uint16_t rows, uint16_t cols)
{
	struct winsize ws = {.ws_row = rows, .ws_col = cols};

	if (x->pty_keep < 0) /* no tty */
		return -1;
	return ioctl(x->pty_keep, TIOCSWINSZ, &ws);
}

/* A frame of ours left the connection's queue. */
void exec_sent(struct exec *x, size_t len)
{
	x->queued -= len < x->queued ? len : x->queued;
	exec_out_update(x);
}

/* The client consumed output and grants more. */
void exec_window(struct exec *x, uint32_t bytes)
{
	if (!credit_kept(x))
		return;
	x->credit += bytes;
	out_flush_held(x);
	exec_out_update(x);
	exec_try_finish(x);
}

/* 1 once both streams are closed and nothing is held back. */
int exec_out_done(const struct exec *x)
{
	return !x->out[0] && !x->out[1] &&
	       (x->held.head == NULL || (x->conn == NULL && x->sess == NULL));
}

void exec_out_close(struct exec *x)
{
	lws_sul_cancel(&x->drain_sul);
	for (int k = 0; k < 2; k++)
		if (x->out[k]) {
			watch_close(x->out[k]);
			x->out[k] = NULL;
		}
	byteq_clear(&x->held);
}

/* 1 while a pipe may still carry the command's own output: bytes wait in
 * it, or we stopped reading it (credit, backpressure). */
static int out_pending(struct exec *x)
{
	int n;

	for (int k = 0; k < 2; k++) {
		if (x->out[k] == NULL)
			continue;
		if (watch_paused(x->out[k]))
			return 1;
		if (ioctl(watch_fd(x->out[k]), FIONREAD, &n) == 0 && n > 0)
			return 1;
	}
	return 0;
}

/* Background children of the command may hold its output pipes open
 * forever; once the pipes are empty and quiet, stop waiting for them. */
static void drain_check(lws_sorted_usec_list_t *sul)
{
	struct exec *x = lws_container_of(sul, struct exec, drain_sul);

	if (x->out_activity || out_pending(x)) {
		x->out_activity = 0;
		lws_sul_schedule(agent.ctx, 0, &x->drain_sul, drain_check, DRAIN_QUIET_US);
		return;
	}
	for (int k = 0; k < 2; k++)
		if (x->out[k]) {
			watch_close(x->out[k]);
			x->out[k] = NULL;
		}
	exec_try_finish(x);
}

/* The command has exited; its pipes may stay open (see drain_check). */
void exec_out_drain_later(struct exec *x)
{
	x->out_activity = 0;
	if (x->out[0] || x->out[1])
		lws_sul_schedule(agent.ctx, 0, &x->drain_sul, drain_check, DRAIN_QUIET_US);
}
