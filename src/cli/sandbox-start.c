/*
 * sandbox-start.c: sandbox_start, for `sbx up`. Forks a child that leaves
 * our session, joins the sandbox's cgroups and execs bwrap with the agent
 * (stdio to RUNDIR/NAME.log); learns the agent's pid from --info-fd and
 * waits, for a bounded time, until the agent answers hello.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "paths.h"
#include "sandbox.h"
#include "sbx.h"
#include "xmalloc.h"

#define START_TIMEOUT_MS 15000

struct start {
	struct sandbox *sb;
	pid_t child;   /* bwrap */
	int status;    /* its wait status, once reaped */
	int reaped;
	struct timespec deadline;
	char *err;
	size_t errlen;
};

static long ms_left(const struct start *st)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (st->deadline.tv_sec - now.tv_sec) * 1000 + (st->deadline.tv_nsec - now.tv_nsec) / 1000000;
}

/* NAME.d and the NAME.sock symlink; the log, open. */
static int prepare_files(struct start *st, int *logfd)
{
	char d[300], sock[300], target[80], log[300];
	const char *name = st->sb->name;

	if (mkdir(sandbox_path(d, sizeof d, name, "d"), 0700) < 0) {
		snprintf(st->err, st->errlen, "cannot create %s: %s", d, strerror(errno));
		return -1;
	}
	snprintf(target, sizeof target, "%s.d/agent.sock", name);
	if (symlink(target, paths_socket(sock, sizeof sock, name)) < 0) {
		snprintf(st->err, st->errlen, "cannot create %s: %s", sock, strerror(errno));
		return -1;
	}
	*logfd = open(sandbox_path(log, sizeof log, name, "log"),
		      O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (*logfd < 0) {
		snprintf(st->err, st->errlen, "cannot create %s: %s", log, strerror(errno));
		return -1;
	}
	return 0;
}

/* The child: out of our session, into the cgroups (the parent moves it
 * while it waits on go), then bwrap. Nothing of ours stays open but the
 * log as stdout and stderr, and info as fd 3. */
static void child_run(char **argv, int logfd, int info, int go)
{
	char c;
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	setsid();
	if (read(go, &c, 1) != 1)
		_exit(125); /* the parent is gone */
	if (dup2(null, 0) < 0 || dup2(logfd, 1) < 0 || dup2(logfd, 2) < 0 || dup2(info, 3) < 0)
		_exit(125);
	close_range(4, ~0u, 0);
	execv(argv[0], argv);
	dprintf(2, "sbx: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static int reap(struct start *st)
{
	if (!st->reaped && waitpid(st->child, &st->status, WNOHANG) == st->child)
		st->reaped = 1;
	return st->reaped;
}

/* --info-fd's JSON: child-pid (the agent) and pid-namespace. */
static int read_info(struct start *st, int fd)
{
	char buf[4096];
	size_t len = 0;
	ssize_t n;
	json_t *j = NULL;

	while (j == NULL && len < sizeof buf - 1 && ms_left(st) > 0) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, (int)ms_left(st)) <= 0)
			continue;
		if ((n = read(fd, buf + len, sizeof buf - 1 - len)) <= 0)
			break; /* bwrap failed before it started the agent */
		len += (size_t)n;
		j = json_loadb(buf, len, 0, NULL);
	}
	if (j == NULL)
		return -1;
	st->sb->pid = (pid_t)json_integer_value(json_object_get(j, "child-pid"));
	st->sb->pidns = (unsigned long long)json_integer_value(json_object_get(j, "pid-namespace"));
	json_decref(j);
	return st->sb->pid > 0 ? 0 : -1;
}

/* Polls until the agent answers hello, bwrap ends or time runs out. */
static int wait_hello(struct start *st)
{
	char d[300], sock[320], target[320], cerr[300];
	struct sbx *s;

	snprintf(sock, sizeof sock, "%s/agent.sock", sandbox_path(d, sizeof d, st->sb->name, "d"));
	sandbox_target(target, sizeof target, st->sb->name);
	while (ms_left(st) > 0) {
		if (reap(st) || !sandbox_alive(st->sb))
			return -1;
		if (access(sock, F_OK) == 0 && (s = sbx_connect(target, NULL, cerr, sizeof cerr))) {
			sbx_close(s);
			return 0;
		}
		poll(NULL, 0, 2); /* the agent listens within ~10 ms */
	}
	return -1;
}

/* The last line of the log: what bwrap or the agent said when it failed. */
static void log_reason(const char *name, char *buf, size_t len)
{
	char path[300], line[512];
	FILE *f = fopen(sandbox_path(path, sizeof path, name, "log"), "re");

	*buf = '\0';
	while (f && fgets(line, sizeof line, f))
		if (line[strspn(line, " \t\r\n")] != '\0') {
			line[strcspn(line, "\r\n")] = '\0';
			snprintf(buf, len, "%s", line);
		}
	if (f)
		fclose(f);
}

/* Says why (unless err says already) and leaves nothing behind. */
static void fail(struct start *st)
{
	char why[512];

	if (*st->err)
		goto clean;
	log_reason(st->sb->name, why, sizeof why);
	if (*why == '\0' && st->reaped && WIFEXITED(st->status))
		snprintf(why, sizeof why, "bwrap exited with status %d", WEXITSTATUS(st->status));
	else if (*why == '\0' && st->reaped)
		snprintf(why, sizeof why, "bwrap was killed by signal %d", WTERMSIG(st->status));
	else if (*why == '\0')
		snprintf(why, sizeof why, "no answer from its agent within %d s", START_TIMEOUT_MS / 1000);
	/* bwrap's words for a root that is no mount point, as in a chroot. */
	snprintf(st->err, st->errlen, "%s did not start: %s%s", st->sb->name, why,
		 strstr(why, "Failed to make / slave") ? " (bwrap cannot sandbox where / is not a "
							  "mount point: inside a chroot?)"
						       : "");
clean:
	if (sandbox_alive(st->sb))
		kill(st->sb->pid, SIGKILL); /* pid 1: the whole sandbox */
	if (st->child > 0 && !st->reaped) {
		kill(st->child, SIGKILL);
		waitpid(st->child, &st->status, 0);
	}
	sandbox_remove(st->sb);
}

static int spawn(struct start *st, char **argv, int logfd)
{
	int info[2], go[2], rc = -1;

	if (pipe2(info, O_CLOEXEC) < 0 || pipe2(go, O_CLOEXEC) < 0) {
		snprintf(st->err, st->errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	if ((st->child = fork()) < 0) {
		snprintf(st->err, st->errlen, "fork: %s", strerror(errno));
	} else if (st->child == 0) {
		close(info[0]);
		close(go[1]);
		child_run(argv, logfd, info[1], go[0]);
	} else {
		close(info[1]);
		close(go[0]);
		cgroup_join(st->sb, st->child);
		if (write(go[1], "g", 1) == 1)
			rc = read_info(st, info[0]);
		close(go[1]);
	}
	close(info[0]);
	return rc;
}

int sandbox_start(struct sandbox *sb, char *err, size_t errlen)
{
	struct start st = {.sb = sb, .err = err, .errlen = errlen};
	char *bwrap, *agent = NULL, **argv;
	int logfd = -1, rc = -1;

	*err = '\0';
	if ((bwrap = bwrap_find(err, errlen)) == NULL || (agent = bwrap_find_agent(err, errlen)) == NULL)
		goto out;
	clock_gettime(CLOCK_MONOTONIC, &st.deadline);
	st.deadline.tv_sec += START_TIMEOUT_MS / 1000;
	if (prepare_files(&st, &logfd) < 0) {
		sandbox_remove(sb);
		goto out;
	}
	cgroup_make(sb);
	/* fds 0-3 are the child's; keep ours out of their way */
	int fd = fcntl(logfd, F_DUPFD_CLOEXEC, 10);
	close(logfd);
	logfd = fd;
	argv = bwrap_argv(sb, bwrap, agent, 3);
	rc = spawn(&st, argv, logfd);
	bwrap_argv_free(argv);
	if (rc == 0) {
		sb->pid_start = proc_starttime(sb->pid);
		sb->bwrap = st.child;
		sb->bwrap_start = proc_starttime(st.child);
		sb->started = time(NULL);
		rc = sandbox_save(sb, err, errlen);
	}
	if (rc == 0 && (rc = wait_hello(&st)) == 0)
		goto out;
	fail(&st);
out:
	if (logfd >= 0)
		close(logfd);
	free(bwrap);
	free(agent);
	return rc;
}
