/*
 * exec.c: one running command of one connection: its start, signals,
 * timeout and exit. Sends started, then (through exec-out.c) data frames
 * in order, then exited once the child is reaped and its output drained.
 * Stdin is exec-in.c's. Called by conn.c (messages) and reaper.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "disk.h"
#include "exec.h"
#include "log.h"
#include "session.h"
#include "spawn.h"
#include "xmalloc.h"

struct exec *exec_find(struct conn *c, uint32_t id)
{
	for (struct exec *x = agent.execs; x; x = x->next)
		if (x->conn == c && x->id == id)
			return x;
	return NULL;
}

static void group_kill(struct exec *x, int signo)
{
	if (x->reaped)
		return;
	/* setsid made the exec's pid its group id. */
	if (kill(-x->pid, signo) < 0 && errno == ESRCH)
		kill(x->pid, signo);
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

void exec_terminate(struct exec *x)
{
	if (x->reaped || x->doomed)
		return;
	proctree_collect(x->pid, &x->doomed);
	for (pid_t *p = x->doomed; *p; p++)
		kill(*p, SIGTERM);
	group_kill(x, SIGTERM);
	proctree_kill_session(x->pid, SIGTERM);
	lws_sul_schedule(agent.ctx, 0, &x->timeout_sul, timeout_kill,
			 (lws_usec_t)x->kill_grace_ms * 1000);
}

static void timeout_fire(lws_sorted_usec_list_t *sul)
{
	struct exec *x = lws_container_of(sul, struct exec, timeout_sul);

	if (x->reaped)
		return;
	log_debug("exec %u: timed out, SIGTERM to its session", x->id);
	x->timed_out = 1;
	exec_terminate(x);
}

static void owner_send(struct conn *c, struct http *h, const struct msg *m)
{
	if (c)
		conn_send(c, m);
	else if (h)
		http_exec_event(h, m);
}

static void send_failed(struct conn *c, struct http *h, uint32_t id, const struct spawn_res *r,
			const struct msg_exec *req)
{
	struct msg m = {.type = MSG_FAILED, .id = id};
	const char *what = r->kind == FAIL_BAD_CWD ? (req->cwd ? req->cwd : agent.workdir)
			   : r->kind == FAIL_BAD_USER ? req->user
			   : r->kind == FAIL_BAD_MOUNT ? "mounting its disks"
			   : strcmp(r->stage, "rlimit") == 0 ? "setting a resource limit"
			   : strcmp(r->stage, "caps") == 0 ? "dropping capabilities"
							      : req->cmd;

	m.u.failed.kind = r->kind;
	m.u.failed.err = r->err;
	m.u.failed.stage = (char *)r->stage;
	/* A per-exec mount namespace cannot make / private where / is no
	 * mount point (a chroot): say so, EINVAL alone tells nobody. */
	m.u.failed.message = xasprintf("%s: %s%s", what, strerror(r->err),
				       r->kind == FAIL_BAD_MOUNT && r->err == EINVAL
					       ? " (is / a mount point here? not in a chroot)"
					       : "");
	owner_send(c, h, &m);
	free(m.u.failed.message);
}

/* Refused before any fork: a bad user or mount. */
static void send_refused(struct conn *c, struct http *h, uint32_t id, enum fail_kind kind,
			 int err, const char *stage, const char *why)
{
	struct msg m = {.type = MSG_FAILED, .id = id};

	m.u.failed.kind = kind;
	m.u.failed.err = err;
	m.u.failed.stage = (char *)stage;
	m.u.failed.message = (char *)why;
	owner_send(c, h, &m);
}

static char **argv_dup(const struct msg_exec *req)
{
	char **v = xcalloc(req->nargs + 2, sizeof *v);

	v[0] = xstrdup(req->cmd);
	for (size_t i = 0; i < req->nargs; i++)
		v[i + 1] = xstrdup(req->args[i]);
	return v;
}

struct exec *exec_by_serial(uint32_t n)
{
	for (struct exec *x = agent.execs; x; x = x->next)
		if (x->serial == n && !x->reaped && (x->conn || x->http || x->sess))
			return x;
	return NULL;
}

/* Numbers count up; only after 2^32 of them can one still be in use, so
 * only then is the list searched (not on every start). */
static uint32_t serial_next(void)
{
	static int wrapped;
	uint32_t n;

	do {
		if ((n = ++agent.serial) == 0)
			wrapped = 1;
	} while (n == 0 || (wrapped && exec_by_serial(n)));
	return n;
}

pid_t exec_pid(const struct exec *x)
{
	return x->pid;
}

void exec_info_command(struct msg_exec_info *e, char *const *argv)
{
	e->cmd = xstrdup(argv[0]);
	for (e->nargs = 0; argv[e->nargs + 1]; e->nargs++)
		;
	e->args = xcalloc(e->nargs + 1, sizeof *e->args);
	for (size_t i = 0; i < e->nargs; i++)
		e->args[i] = xstrdup(argv[i + 1]);
}

void exec_list(struct msg *m)
{
	struct msg_execs *l = &m->u.execs;
	size_t n = 0;

	for (struct exec *x = agent.execs; x; x = x->next)
		n++;
	l->v = xcalloc(n + session_count() + 1, sizeof *l->v);
	session_list(l);
	for (struct exec *x = agent.execs; x; x = x->next) {
		if (x->reaped || x->sess || !(x->conn || x->http))
			continue;
		struct msg_exec_info *e = &l->v[l->n++];
		e->exec = x->serial;
		e->pid = x->pid;
		exec_info_command(e, x->argv);
		e->started_at_ms = x->started_at_ms;
		e->tty = x->tty;
		e->via = xstrdup(x->http ? "http" : "ws");
	}
}

/* login: the login shell of the user the exec runs as, from its passwd
 * entry (/bin/sh without one), with -l. */
static void login_shell(struct msg_exec *req, uid_t uid)
{
	static char *login_args[] = {"-l", NULL};
	static char shell[256];
	struct passwd *pw = getpwuid(uid);

	snprintf(shell, sizeof shell, "%s", pw && pw->pw_shell && *pw->pw_shell ? pw->pw_shell : "/bin/sh");
	req->cmd = shell;
	req->args = login_args;
	req->nargs = 1;
}

struct exec *exec_start(struct conn *c, struct http *h, const struct msg *m, double t_recv)
{
	struct msg_exec login_req = m->u.exec;
	const struct msg_exec *req = &login_req;
	struct spawn_req sr = {req->cmd, req->args, req->cwd ? req->cwd : agent.workdir, req->env,
			       req->stdin_mode == STDIN_PIPE, req->rlimits, req->nrlimits, NULL,
			       req->tty, req->rows, req->cols, NULL, 0, disk_hidden(),
			       agent.drop_caps};
	struct spawn_mount mounts[DISK_MAX];
	char *mpaths[2 * DISK_MAX] = {0};
	struct spawn_res res;
	struct user_ids user;
	char why[300];
	int rc;
	struct msg started = {.type = MSG_STARTED, .id = m->id};
	struct exec *x;
	double t_start = clock_ms();

	if (req->nmounts > DISK_MAX ||
	    (req->nmounts && disk_mounts(req, mounts, mpaths, why, sizeof why) < 0)) {
		if (req->nmounts > DISK_MAX)
			snprintf(why, sizeof why, "at most %d mounts", DISK_MAX);
		send_refused(c, h, m->id, FAIL_BAD_MOUNT, EINVAL, "mount", why);
		return NULL;
	}
	sr.mounts = mounts;
	sr.nmounts = req->nmounts;
	if (req->user) {
		if (user_resolve(req->user, &user, &rc, why, sizeof why) < 0) {
			send_refused(c, h, m->id, FAIL_BAD_USER, rc, "user", why);
			disk_mounts_free(mpaths, req->nmounts);
			return NULL;
		}
		sr.user = &user;
	}
	if (req->login) {
		login_shell(&login_req, req->user ? user.uid : getuid());
		sr.cmd = req->cmd;
		sr.args = req->args;
	}
	rc = spawn_start(&sr, &res);
	disk_mounts_free(mpaths, req->nmounts);
	if (req->user)
		user_free(&user);
	if (rc < 0) {
		log_debug("exec %u: %s failed at %s: %s", m->id, req->cmd, res.stage,
			  strerror(res.err));
		send_failed(c, h, m->id, &res, req);
		return NULL;
	}
	x = xcalloc(1, sizeof *x);
	x->conn = req->session ? NULL : c;
	x->http = h;
	x->serial = serial_next();
	x->argv = argv_dup(req);
	x->started_at_ms = clock_wall_ms();
	x->id = m->id;
	x->pid = res.pid;
	/* lws closes a watched fd on POLLHUP, which a PTY's master gets as
	 * soon as the command has closed its terminal fds, while it may still
	 * run (at exit, its atexit handlers): closing the last master fd then
	 * hangs the terminal up and kills the command with SIGHUP. A terminal
	 * is hung up when its command has ended, not before. */
	x->pty_keep = req->tty ? fcntl(res.out_fd, F_DUPFD_CLOEXEC, 3) : -1;
	x->t_recv = t_recv;
	x->t_start = t_start;
	x->next = agent.execs;
	agent.execs = x;
	if (req->session)
		session_start(x, c, m->id, req);
	else if (c)
		c->nexecs++;
	exec_out_open(x, res.out_fd, res.err_fd);
	exec_in_open(x, res.in_fd);
	log_debug("exec %u: started %s as pid %d%s, timeout %u ms", x->id, req->cmd, (int)x->pid,
		  h ? " for HTTP" : "", req->timeout_ms);
	x->tty = req->tty;
	x->limit = req->output_limit;
	x->kill_grace_ms = req->kill_grace_ms ? req->kill_grace_ms : PROTO_KILL_GRACE_MS;
	if (req->timeout_ms)
		lws_sul_schedule(agent.ctx, 0, &x->timeout_sul, timeout_fire,
				 (lws_usec_t)req->timeout_ms * 1000);
	started.u.started.pid = x->pid;
	started.u.started.exec = x->serial;
	owner_send(c, h, &started);
	return x;
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
	if (x->sess)
		session_exited(x->sess, &m);
	else
		owner_send(x->conn, x->http, &m);
}

static void exec_free(struct exec *x)
{
	struct exec **p;

	for (p = &agent.execs; *p; p = &(*p)->next)
		if (*p == x) {
			*p = x->next;
			break;
		}
	lws_sul_cancel(&x->timeout_sul);
	/* Terminated (timed out, or a session nobody came back to), and done
	 * before the grace period ran out: what is left of its session
	 * ignored TERM, and nobody waits for it any more. */
	if (x->doomed)
		timeout_finish(x);
	exec_in_close(x);
	exec_out_close(x);
	if (x->pty_keep >= 0)
		close(x->pty_keep);
	if (x->conn)
		x->conn->nexecs--;
	for (char **a = x->argv; a && *a; a++)
		free(*a);
	free(x->argv);
	free(x);
}

void exec_try_finish(struct exec *x)
{
	if (!x->reaped || !exec_out_done(x))
		return;
	if (x->conn || x->http || x->sess)
		send_exited(x);
	exec_free(x);
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
	exec_out_drain_later(x);
	exec_try_finish(x);
}

/* Nobody is left to read the exec or detach it (its connection or its
 * HTTP request is gone): it is killed, and freed once reaped. */
void exec_abandon(struct exec *x)
{
	if (x->conn)
		x->conn->nexecs--;
	x->conn = NULL;
	x->http = NULL;
	x->stalling = 0;
	exec_in_close(x);
	group_kill(x, SIGKILL);
	if (x->reaped)
		exec_free(x);
}

void exec_conn_gone(struct conn *c)
{
	struct exec *x, *next;

	for (x = agent.execs; x; x = next) {
		next = x->next; /* x may be freed below */
		if (x->conn == c)
			exec_abandon(x);
	}
}
