/*
 * spawn.c: vfork and exec for every exec; see spawn.h. The child reports
 * the first failing step as {stage, errno} on a CLOEXEC pipe: a successful
 * exec closes the pipe, so the parent reads 0 bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <linux/capability.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdio.h"
#include "spawn.h"
#include "xmalloc.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

enum stage { ST_PIPE, ST_FORK, ST_SETSID, ST_STDIO, ST_RLIMIT, ST_MOUNT, ST_CAPS, ST_USER,
	     ST_CHDIR, ST_EXEC };
static const char *const stage_names[] = {"pipe", "fork", "setsid", "stdio", "rlimit",
					  "mount", "caps", "user", "chdir", "exec"};

struct spawn_report {
	int stage;
	int err;
};

static void child_fail(int fd, enum stage st)
{
	struct spawn_report r = {st, errno};

	if (write(fd, &r, sizeof r) < 0) {
		/* Nothing left to tell anyone. */
	}
	_exit(127);
}

static void child_reset_signals(void)
{
	sigset_t all;

	/* The agent blocks signals for its signalfd; the child must not
	 * inherit that, nor ignored SIGPIPE. */
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
}

/* A mount namespace of the command's own, where its disks are bound and
 * the disks' staging is gone, so no other exec sees them. Private first:
 * nothing done here propagates back to the agent's namespace. */
static void child_mounts(const struct spawn_req *req, int rep)
{
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		child_fail(rep, ST_MOUNT);
	for (size_t i = 0; i < req->nmounts; i++) {
		const struct spawn_mount *m = &req->mounts[i];
		if (mount(m->src, m->dst, NULL, MS_BIND | MS_REC, NULL) < 0 ||
		    (m->ro && mount(NULL, m->dst, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0))
			child_fail(rep, ST_MOUNT);
	}
	for (char *const *h = req->hide; h && *h; h++)
		if (umount2(*h, MNT_DETACH) < 0 && errno != EINVAL)
			child_fail(rep, ST_MOUNT);
}

/* The bounding set first (that needs CAP_SETPCAP, which the user switch
 * may take away), so no exec can gain a capability back. */
static void child_drop_bounding(int rep)
{
	for (int cap = 0; cap <= 63; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			child_fail(rep, ST_CAPS);
}

/* Then every capability this process holds, ambient ones too, and no
 * gaining any through setuid or file capabilities. */
static void child_drop_caps(int rep)
{
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof data);
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 ||
	    syscall(SYS_capset, &hdr, data) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(rep, ST_CAPS);
}

/* Runs in the vfork child, on the parent's memory: system calls only, no
 * allocation; argv and envp were built by the parent. */
static void child_run(const struct spawn_req *req, char **argv, char **envp,
		      const int fds[3], int rep)
{
	child_reset_signals();
	if (setsid() < 0)
		child_fail(rep, ST_SETSID);
	if (dup2(fds[0], 0) < 0 || dup2(fds[1], 1) < 0 || dup2(fds[2], 2) < 0)
		child_fail(rep, ST_STDIO);
	/* The new session's controlling terminal: ^C, job control, SIGHUP. */
	if (req->tty && ioctl(0, TIOCSCTTY, 0) < 0)
		child_fail(rep, ST_STDIO);
	/* Nothing of the agent's leaks into the command. */
	syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
	for (size_t i = 0; i < req->nrlimits; i++) {
		const struct msg_rlimit *l = &req->rlimits[i];
		struct rlimit rl = {
			.rlim_cur = l->soft < 0 ? RLIM_INFINITY : (rlim_t)l->soft,
			.rlim_max = l->hard < 0 ? RLIM_INFINITY : (rlim_t)l->hard,
		};
		if (setrlimit(l->resource, &rl) < 0)
			child_fail(rep, ST_RLIMIT);
	}
	if (req->nmounts || req->hide)
		child_mounts(req, rep);
	if (req->drop_caps)
		child_drop_bounding(rep);
	/* Groups first, the uid last: after setuid there is no way back. */
	if (req->user && req->user->change && (setgroups((size_t)req->user->ngroups, req->user->groups) < 0 ||
			  setgid(req->user->gid) < 0 || setuid(req->user->uid) < 0))
		child_fail(rep, ST_USER);
	if (req->drop_caps)
		child_drop_caps(rep);
	if (req->cwd && chdir(req->cwd) < 0)
		child_fail(rep, ST_CHDIR);
	execvpe(req->cmd, argv, envp);
	child_fail(rep, ST_EXEC);
}

/* vfork: no page tables copied and no copy-on-write faults in the agent
 * afterwards; the agent waits for the exec (read_report) in any case. In
 * a function of its own so no caller's local lives across it. */
static pid_t child_start(const struct spawn_req *req, char **argv, char **envp,
			 const int fds[3], int rep)
{
	pid_t pid = vfork();

	if (pid == 0)
		child_run(req, argv, envp, fds, rep);
	return pid;
}

static char **argv_build(const struct spawn_req *req)
{
	size_t n = 0;
	char **argv;

	while (req->args && req->args[n])
		n++;
	argv = xcalloc(n + 2, sizeof *argv);
	argv[0] = (char *)req->cmd;
	memcpy(argv + 1, req->args, n * sizeof *argv);
	return argv;
}

static int env_overridden(const char *kv, char *const *env)
{
	size_t klen = strcspn(kv, "=");

	for (; env && *env; env++)
		if (strncmp(*env, kv, klen) == 0 && (*env)[klen] == '=')
			return 1;
	return 0;
}

/* The agent's environment, the user's HOME, USER and LOGNAME over it, and
 * the request's K=V over both. */
static char **envp_build(const struct spawn_req *req)
{
	char *const *uenv = req->user ? req->user->env : NULL;
	size_t n = 0, m = 0, i = 0;
	char **envp;

	while (environ[n])
		n++;
	while (req->env && req->env[m])
		m++;
	envp = xcalloc(n + m + 4, sizeof *envp);
	for (char **e = environ; *e; e++)
		if (!env_overridden(*e, req->env) && !env_overridden(*e, uenv))
			envp[i++] = *e;
	for (char *const *e = uenv; e && *e; e++)
		if (!env_overridden(*e, req->env))
			envp[i++] = *e;
	for (size_t k = 0; k < m; k++)
		envp[i++] = req->env[k];
	return envp;
}

static enum fail_kind kind_of(enum stage st, int err)
{
	if (st == ST_CHDIR)
		return FAIL_BAD_CWD;
	if (st == ST_USER)
		return FAIL_BAD_USER;
	if (st == ST_MOUNT)
		return FAIL_BAD_MOUNT;
	if (st != ST_EXEC)
		return FAIL_SPAWN;
	if (err == ENOENT || err == ENOTDIR)
		return FAIL_NOT_FOUND;
	if (err == EACCES || err == EPERM || err == EISDIR)
		return FAIL_PERMISSION;
	return FAIL_SPAWN;
}

static void close_pair(int p[2])
{
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
}

/* Reads the child's report; 0 if exec succeeded. */
static int read_report(pid_t pid, int fd, struct spawn_res *res)
{
	struct spawn_report r;
	ssize_t n;

	do
		n = read(fd, &r, sizeof r);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return 0;
	if (n != (ssize_t)sizeof r) {
		r.stage = ST_EXEC;
		r.err = EIO;
	}
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	res->kind = kind_of((enum stage)r.stage, r.err);
	res->err = r.err;
	res->stage = stage_names[r.stage];
	return -1;
}

/* The command's stdin, stdout and stderr (child side) and our ends. */
struct stdio {
	int child[3];
	int in, out, err; /* -1: none */
};

static void stdio_close_child(struct stdio *io)
{
	for (int i = 0; i < 3; i++) {
		if (io->child[i] < 0)
			continue;
		/* With a PTY all three are one fd: close it once. */
		for (int j = i + 1; j < 3; j++)
			if (io->child[j] == io->child[i])
				io->child[j] = -1;
		close(io->child[i]);
		io->child[i] = -1;
	}
}

static void stdio_close(struct stdio *io)
{
	stdio_close_child(io);
	if (io->in >= 0)
		close(io->in);
	if (io->out >= 0)
		close(io->out);
	if (io->err >= 0)
		close(io->err);
	io->in = io->out = io->err = -1;
}

static int stdio_pipes(const struct spawn_req *req, struct stdio *io)
{
	int p[2];

	if (req->stdin_pipe) {
		if (pipe2(p, O_CLOEXEC) < 0)
			return -1;
		io->child[0] = p[0], io->in = p[1];
	} else if ((io->child[0] = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
		return -1;
	}
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	io->out = p[0], io->child[1] = p[1];
	/* Fewer wakeups per byte on bulk output. */
	fcntl(io->out, F_SETPIPE_SZ, 256 * 1024);
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	io->err = p[0], io->child[2] = p[1];
	return 0;
}

/* One PTY for all three: stdout and stderr arrive merged, as a terminal
 * shows them. Our stdin side is a second fd on the master, so that
 * reading and writing are two watches. */
static int stdio_pty(const struct spawn_req *req, struct stdio *io)
{
	struct winsize ws = {.ws_row = req->rows, .ws_col = req->cols};
	char name[64];
	int slave;

	if ((io->out = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0 ||
	    grantpt(io->out) < 0 || unlockpt(io->out) < 0 ||
	    ptsname_r(io->out, name, sizeof name) != 0 ||
	    ioctl(io->out, TIOCSWINSZ, &ws) < 0)
		return -1;
	if ((slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		return -1;
	io->child[0] = io->child[1] = io->child[2] = slave;
	if (req->stdin_pipe && (io->in = fcntl(io->out, F_DUPFD_CLOEXEC, 0)) < 0)
		return -1;
	return 0;
}

int spawn_start(const struct spawn_req *req, struct spawn_res *res)
{
	struct stdio io = {{-1, -1, -1}, -1, -1, -1};
	int rep[2] = {-1, -1};
	char **argv, **envp;
	int rc;

	memset(res, 0, sizeof *res);
	res->in_fd = res->out_fd = res->err_fd = -1;
	if ((req->tty ? stdio_pty(req, &io) : stdio_pipes(req, &io)) < 0 ||
	    pipe2(rep, O_CLOEXEC) < 0) {
		res->kind = FAIL_SPAWN, res->err = errno, res->stage = req->tty ? "pty" : "pipe";
		goto fail;
	}
	argv = argv_build(req);
	envp = envp_build(req);
	res->pid = child_start(req, argv, envp, io.child, rep[1]);
	free(argv);
	free(envp);
	if (res->pid < 0) {
		res->kind = FAIL_SPAWN, res->err = errno, res->stage = "fork";
		goto fail;
	}
	close(rep[1]), rep[1] = -1;
	rc = read_report(res->pid, rep[0], res);
	close(rep[0]), rep[0] = -1;
	if (rc < 0)
		goto fail;
	stdio_close_child(&io);
	res->in_fd = io.in;
	res->out_fd = io.out;
	res->err_fd = io.err;
	if (res->in_fd >= 0)
		fd_set_nonblock(res->in_fd, 1);
	fd_set_nonblock(res->out_fd, 1);
	if (res->err_fd >= 0)
		fd_set_nonblock(res->err_fd, 1);
	return 0;
fail:
	stdio_close(&io);
	close_pair(rep);
	res->pid = 0;
	return -1;
}
