/*
 * exec.c: one running command of one connection. Owns the child's pipes
 * (as watches in the loop), its stdin backlog, and its exit; sends started,
 * data frames in order, then exited once the child is reaped and its
 * output pipes are drained. Called by conn.c (messages) and reaper.c.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"
#include "clock.h"
#include "log.h"
#include "spawn.h"
#include "watch.h"
#include "xmalloc.h"

/* Output of one exec waiting in its connection's queue: past HIGH the
 * child's pipes are no longer read, so a slow client stops the child. */
#define OUT_HIGH (1024 * 1024)
#define OUT_LOW (256 * 1024)
/* Stdin waiting for the child: past HIGH the connection is not read. */
#define IN_HIGH (1024 * 1024)
#define IN_LOW (256 * 1024)
/* After the child exits, pipes still held open by its background
 * children are closed once they have been quiet this long. */
#define DRAIN_QUIET_US (100 * 1000)

struct chunk {
	struct chunk *next;
	size_t len, off;
	unsigned char data[];
};

struct exec {
	struct exec *next;
	struct conn *conn; /* NULL once the connection is gone */
	uint32_t id;
	pid_t pid;
	struct watch *in, *out[2];
	struct chunk *in_head, *in_tail;
	size_t in_bytes;
	uint64_t in_off;
	int in_close_pending;
	int in_broken; /* the command closed its end */
	int tty;       /* stdin and stdout are one PTY */
	int stalling; /* this exec's stdin backlog paused the connection */
	uint64_t off[2];
	uint64_t limit, dropped[2]; /* output_limit per stream; bytes past it */
	size_t queued;
	int reaped, status;
	int out_activity;
	double t_recv, t_start, t_exit;
	lws_sorted_usec_list_t drain_sul;
	lws_sorted_usec_list_t timeout_sul;
	uint32_t kill_grace_ms;
	int timed_out;
	pid_t *doomed; /* its descendants when it timed out, 0-terminated */
};

static void exec_try_finish(struct exec *x);

struct exec *exec_find(struct conn *c, uint32_t id)
{
	for (struct exec *x = agent.execs; x; x = x->next)
		if (x->conn == c && x->id == id)
			return x;
	return NULL;
}

uint64_t exec_stdin_offset(const struct exec *x)
{
	return x->in_off;
}

int exec_stdin_open(const struct exec *x)
{
	return x->in != NULL && !x->in_close_pending;
}

static void group_kill(struct exec *x, int signo)
{
	if (x->reaped)
		return;
	/* setsid made the exec's pid its group id. */
	if (kill(-x->pid, signo) < 0 && errno == ESRCH)
		kill(x->pid, signo);
}

static void out_pause(struct exec *x, int paused)
{
	for (int k = 0; k < 2; k++)
		if (x->out[k])
			watch_pause(x->out[k], paused);
}

/* One read of stream k into the connection's queue: >0 bytes read, 0 at
 * EOF, -1 when nothing is there now. */
static ssize_t out_read(struct exec *x, int k, int fd)
{
	static unsigned char buf[PROTO_MAX_DATA];
	ssize_t n = read(fd, buf, sizeof buf);

	if (n < 0)
		return (errno == EAGAIN || errno == EINTR) ? -1 : 0;
	if (n == 0)
		return 0;
	x->out_activity = 1;
	if (x->conn == NULL)
		return n;
	size_t send = (size_t)n;
	/* Past the limit the output is read (the command never blocks on
	 * it) and counted, not sent. */
	if (x->limit && x->off[k] + send > x->limit)
		send = x->off[k] >= x->limit ? 0 : (size_t)(x->limit - x->off[k]);
	x->dropped[k] += (uint64_t)n - send;
	if (send == 0)
		return n;
	outq_push_data(&x->conn->q, k ? FRAME_STDERR : FRAME_STDOUT, x->id,
		       x->off[k], buf, send);
	x->off[k] += send;
	x->queued += send + PROTO_FRAME_HDR;
	lws_callback_on_writable(x->conn->wsi);
	return n;
}

static void out_readable(struct watch *w, void *arg)
{
	struct exec *x = arg;
	int k = (w == x->out[1]);

	if (out_read(x, k, watch_fd(w)) == 0) {
		watch_close(w);
		x->out[k] = NULL;
		exec_try_finish(x);
		return;
	}
	if (x->queued > OUT_HIGH)
		out_pause(x, 1);
}

/* lws closes a pipe on POLLHUP, which comes even while we are not reading
 * it (backpressure): what the child wrote before exiting is still in the
 * pipe, and the fd is still open here, so take it all now. */
static void out_closed(struct watch *w, void *arg)
{
	struct exec *x = arg;
	int k = (w == x->out[1]);

	while (out_read(x, k, watch_fd(w)) > 0)
		;
	x->out[k] = NULL;
	exec_try_finish(x);
}

static const struct watch_ops out_ops = {
	.readable = out_readable,
	.closed = out_closed,
};

/* A frame of ours left the connection's queue. */
void exec_sent(struct exec *x, size_t len)
{
	x->queued -= len < x->queued ? len : x->queued;
	if (x->queued < OUT_LOW)
		out_pause(x, 0);
}

static void in_free_chunks(struct exec *x)
{
	struct chunk *c, *next;

	for (c = x->in_head; c; c = next) {
		next = c->next;
		free(c);
	}
	x->in_head = x->in_tail = NULL;
	x->in_bytes = 0;
}

static void in_stall(struct exec *x, int stall)
{
	if (x->stalling == stall || x->conn == NULL)
		return;
	x->stalling = stall;
	conn_stall(x->conn, stall);
}

static void in_close(struct exec *x)
{
	if (x->in)
		watch_close(x->in);
	x->in = NULL;
	in_free_chunks(x);
	in_stall(x, 0);
}

/* The command closed its stdin (EPIPE): tell the client once, so it stops
 * sending, and drop what it sent meanwhile, as a pipe would. */
static void in_broken(struct exec *x)
{
	in_close(x);
	if (x->in_broken || x->conn == NULL || agent.done)
		return;
	x->in_broken = 1;
	conn_send_error(x->conn, x->id, PERR_STDIN_CLOSED, "the command closed its stdin");
}

int exec_stdin_broken(const struct exec *x)
{
	return x->in_broken;
}

static void in_writable(struct watch *w, void *arg)
{
	struct exec *x = arg;
	struct chunk *c;
	ssize_t n;

	while ((c = x->in_head) != NULL) {
		n = write(watch_fd(w), c->data + c->off, c->len - c->off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			watch_want_write(w);
			return;
		}
		if (n < 0) {
			in_broken(x);
			return;
		}
		c->off += (size_t)n;
		x->in_bytes -= (size_t)n;
		if (c->off == c->len) {
			x->in_head = c->next;
			if (x->in_head == NULL)
				x->in_tail = NULL;
			free(c);
		}
	}
	if (x->in_bytes < IN_LOW)
		in_stall(x, 0);
	if (x->in_close_pending)
		in_close(x);
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

static void in_queue(struct exec *x, const void *data, size_t len)
{
	struct chunk *c = xmalloc(sizeof *c + len);

	c->next = NULL;
	c->len = len;
	c->off = 0;
	memcpy(c->data, data, len);
	if (x->in_tail)
		x->in_tail->next = c;
	else
		x->in_head = c;
	x->in_tail = c;
	x->in_bytes += len;
	watch_want_write(x->in);
	if (x->in_bytes > IN_HIGH)
		in_stall(x, 1);
}

void exec_stdin(struct exec *x, const struct frame *f)
{
	if (f->len == 0)
		return;
	x->in_off += f->len;
	in_queue(x, f->data, f->len);
}

void exec_stdin_close(struct exec *x)
{
	if (x->in == NULL)
		return;
	/* A terminal has no end of file to give: type its EOF key (^D),
	 * which the command reads as EOF at the start of a line. */
	if (x->tty)
		in_queue(x, "\x04", 1);
	x->in_close_pending = 1;
	if (x->in_head == NULL)
		in_close(x);
}

void exec_signal(struct exec *x, int signo)
{
	group_kill(x, signo);
}

/* KILL to all that was part of the exec at the deadline, and to its
 * session: its descendants that left the session, and those left behind
 * by a parent that died since (they are the agent's children now). */
static void timeout_finish(struct exec *x)
{
	for (pid_t *p = x->doomed; p && *p; p++)
		kill(*p, SIGKILL);
	free(x->doomed);
	x->doomed = NULL;
	proctree_kill_session(x->pid, SIGKILL);
}

/* The deadline: TERM to everything in the exec's session now, KILL to
 * what is left after the grace period. */
static void timeout_kill(lws_sorted_usec_list_t *sul)
{
	struct exec *x = lws_container_of(sul, struct exec, timeout_sul);

	timeout_finish(x);
}

static void timeout_fire(lws_sorted_usec_list_t *sul)
{
	struct exec *x = lws_container_of(sul, struct exec, timeout_sul);

	if (x->reaped)
		return;
	log_debug("exec %u: timed out, SIGTERM to its session", x->id);
	x->timed_out = 1;
	proctree_collect(x->pid, &x->doomed);
	for (pid_t *p = x->doomed; *p; p++)
		kill(*p, SIGTERM);
	group_kill(x, SIGTERM);
	proctree_kill_session(x->pid, SIGTERM);
	lws_sul_schedule(agent.ctx, 0, &x->timeout_sul, timeout_kill,
			 (lws_usec_t)x->kill_grace_ms * 1000);
}

static void send_failed(struct conn *c, uint32_t id, const struct spawn_res *r,
			const struct msg_exec *req)
{
	struct msg m = {.type = MSG_FAILED, .id = id};
	const char *what = r->kind == FAIL_BAD_CWD ? req->cwd
			   : r->kind == FAIL_BAD_USER ? req->user
			   : strcmp(r->stage, "rlimit") == 0 ? "setting a resource limit"
							      : req->cmd;

	m.u.failed.kind = r->kind;
	m.u.failed.err = r->err;
	m.u.failed.stage = (char *)r->stage;
	m.u.failed.message = xasprintf("%s: %s", what, strerror(r->err));
	conn_send(c, &m);
	free(m.u.failed.message);
}

static void send_user_failed(struct conn *c, uint32_t id, int err, const char *why)
{
	struct msg m = {.type = MSG_FAILED, .id = id};

	m.u.failed.kind = FAIL_BAD_USER;
	m.u.failed.err = err;
	m.u.failed.stage = "user";
	m.u.failed.message = (char *)why;
	conn_send(c, &m);
}

void exec_start(struct conn *c, const struct msg *m, double t_recv)
{
	const struct msg_exec *req = &m->u.exec;
	struct spawn_req sr = {req->cmd, req->args, req->cwd, req->env,
			       req->stdin_mode == STDIN_PIPE, req->rlimits, req->nrlimits, NULL,
			       req->tty, req->rows, req->cols};
	struct spawn_res res;
	struct user_ids user;
	char why[200];
	int rc;
	struct msg started = {.type = MSG_STARTED, .id = m->id};
	struct exec *x;
	double t_start = clock_ms();

	if (req->user) {
		if (user_resolve(req->user, &user, &rc, why, sizeof why) < 0) {
			send_user_failed(c, m->id, rc, why);
			return;
		}
		sr.user = &user;
	}
	rc = spawn_start(&sr, &res);
	if (req->user)
		user_free(&user);
	if (rc < 0) {
		log_debug("exec %u: %s failed at %s: %s", m->id, req->cmd, res.stage,
			  strerror(res.err));
		send_failed(c, m->id, &res, req);
		return;
	}
	x = xcalloc(1, sizeof *x);
	x->conn = c;
	x->id = m->id;
	x->pid = res.pid;
	x->t_recv = t_recv;
	x->t_start = t_start;
	x->next = agent.execs;
	agent.execs = x;
	c->nexecs++;
	x->out[0] = watch_new(agent.vh, res.out_fd, &out_ops, x);
	if (res.err_fd >= 0)
		x->out[1] = watch_new(agent.vh, res.err_fd, &out_ops, x);
	if (res.in_fd >= 0)
		x->in = watch_new(agent.vh, res.in_fd, &in_ops, x);
	log_debug("exec %u: started %s as pid %d", x->id, req->cmd, (int)x->pid);
	x->tty = req->tty;
	x->limit = req->output_limit;
	x->kill_grace_ms = req->kill_grace_ms ? req->kill_grace_ms : PROTO_KILL_GRACE_MS;
	if (req->timeout_ms)
		lws_sul_schedule(agent.ctx, 0, &x->timeout_sul, timeout_fire,
				 (lws_usec_t)req->timeout_ms * 1000);
	started.u.started.pid = x->pid;
	conn_send(c, &started);
}

static void send_exited(struct exec *x)
{
	struct msg m = {.type = MSG_EXITED, .id = x->id};
	struct msg_exited *e = &m.u.exited;
	double now = clock_ms();

	if (WIFSIGNALED(x->status)) {
		e->code = -1;
		e->signo = WTERMSIG(x->status);
		e->core_dumped = WCOREDUMP(x->status) != 0;
	} else {
		e->code = WEXITSTATUS(x->status);
	}
	e->queue_ms = x->t_start - x->t_recv;
	e->execute_ms = x->t_exit - x->t_start;
	e->total_ms = now - x->t_recv;
	e->timed_out = x->timed_out;
	e->stdout_dropped = x->dropped[0];
	e->stderr_dropped = x->dropped[1];
	e->stdout_bytes = x->off[0];
	e->stderr_bytes = x->off[1];
	conn_send(x->conn, &m);
}

static void exec_free(struct exec *x)
{
	struct exec **p;

	for (p = &agent.execs; *p; p = &(*p)->next)
		if (*p == x) {
			*p = x->next;
			break;
		}
	lws_sul_cancel(&x->drain_sul);
	lws_sul_cancel(&x->timeout_sul);
	/* Timed out, and done before the grace period ran out: what is left
	 * of its session ignored TERM, and nobody waits for it any more. */
	if (x->timed_out)
		timeout_finish(x);
	in_close(x);
	for (int k = 0; k < 2; k++)
		if (x->out[k])
			watch_close(x->out[k]);
	if (x->conn)
		x->conn->nexecs--;
	free(x);
}

static void exec_try_finish(struct exec *x)
{
	if (!x->reaped || x->out[0] || x->out[1])
		return;
	if (x->conn)
		send_exited(x);
	exec_free(x);
}

/* 1 while a pipe may still carry the command's own output: bytes wait in
 * it, or we stopped reading it for backpressure. */
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

void exec_reaped(pid_t pid, int status)
{
	struct exec *x;

	for (x = agent.execs; x; x = x->next)
		if (x->pid == pid && !x->reaped)
			break;
	if (x == NULL)
		return; /* an orphan we adopted as subreaper */
	x->reaped = 1;
	x->status = status;
	x->t_exit = clock_ms();
	x->out_activity = 0;
	if (x->out[0] || x->out[1])
		lws_sul_schedule(agent.ctx, 0, &x->drain_sul, drain_check, DRAIN_QUIET_US);
	exec_try_finish(x);
}

/* The connection is gone: nobody can read or detach its execs, so they
 * are killed, and freed once reaped. */
void exec_conn_gone(struct conn *c)
{
	struct exec *x, *next;

	for (x = agent.execs; x; x = next) {
		next = x->next; /* x may be freed below */
		if (x->conn != c)
			continue;
		c->nexecs--;
		x->conn = NULL;
		x->stalling = 0;
		in_close(x);
		group_kill(x, SIGKILL);
		if (x->reaped)
			exec_free(x);
	}
}
