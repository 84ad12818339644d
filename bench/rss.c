/*
 * rss.c: holds an agent loaded, through libsbx, while bench/run reads the
 * agent's memory from /proc. Built by bench/run against the release
 * build's libsbxclient/libsbxutil/libsbxproto, like rate.c.
 *
 *   rss idle TARGET N             opens N connections and leaves them idle
 *   rss exec TARGET M CONNS [tty] starts M execs of `sleep 7654321` over
 *                                 CONNS connections (at most PROTO_MAX_EXECS
 *                                 each), in a PTY with "tty"
 *
 * When every connection has had the agent's hello (idle) or every exec has
 * been reported started (exec), it prints one line beginning "ready" and
 * waits for EOF on stdin. Then idle closes its connections; exec kills
 * every exec and waits until each one is reported ended by SIGKILL, and
 * prints "ended M of M". Exit 0 when all went as said, 1 otherwise (with
 * the reason on stderr), 2 for bad usage. An alarm ends it after
 * RSS_TIMEOUT seconds, so a stuck run cannot hang bench/run.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "sbx.h"
#include "watch.h"

#define RSS_TIMEOUT 300
/* An unusual duration, so that bench/run can tell our sleeps from others. */
#define RSS_SLEEP "7654321"

static struct sbx_client *cl;
static struct sbx_conn **conns;
static struct sbx_exec **execs;
static int nconns, nexecs, hellos, started, ended, killed, failed, tty;
static int waiting; /* 1 once "ready" is printed: EOF on stdin moves on */

static void fail(const char *fmt, const char *why)
{
	fprintf(stderr, "rss: ");
	fprintf(stderr, fmt, why);
	fputc('\n', stderr);
	failed = 1;
	sbx_client_stop(cl);
}

static void stdin_readable(struct watch *w, void *arg);
static void stdin_closed(struct watch *w, void *arg);
static const struct watch_ops stdin_ops = {.readable = stdin_readable, .closed = stdin_closed};

static void say_ready(void)
{
	if (nexecs)
		printf("ready: %d execs started over %d connections\n", started, nconns);
	else
		printf("ready: %d connections idle\n", hellos);
	fflush(stdout);
	waiting = 1;
	if (watch_new(sbx_client_vhost(cl), STDIN_FILENO, &stdin_ops, NULL) == NULL)
		fail("%s", "cannot watch stdin");
}

/* EOF on stdin: bench/run has read what it wanted. */
static void stdin_eof(void)
{
	if (nexecs == 0) {
		sbx_client_stop(cl);
		return;
	}
	for (int i = 0; i < nexecs; i++)
		if (execs[i])
			sbx_exec_kill(execs[i]);
}

static void stdin_readable(struct watch *w, void *arg)
{
	char buf[256];
	ssize_t n = read(watch_fd(w), buf, sizeof buf);

	(void)arg;
	if (n > 0 || (n < 0 && errno == EINTR))
		return;
	watch_close(w);
	stdin_eof();
}

/* A pipe or FIFO whose writer went away polls as POLLHUP, on which lws
 * closes the descriptor itself rather than reporting it readable. */
static void stdin_closed(struct watch *w, void *arg)
{
	(void)w, (void)arg;
	stdin_eof();
}

static int exec_index(void *arg)
{
	return (int)(intptr_t)arg;
}

static void exec_started(struct sbx_exec *x, void *arg, int64_t pid)
{
	(void)x, (void)arg, (void)pid;
	if (++started == nexecs)
		say_ready();
}

static void exec_ended(void *arg, int by_kill)
{
	execs[exec_index(arg)] = NULL;
	ended++;
	killed += by_kill;
	if (!waiting)
		fail("%s", "an exec ended before all had started");
	else if (ended == nexecs)
		sbx_client_stop(cl);
}

static void exec_exited(struct sbx_exec *x, void *arg, const struct msg_exited *e)
{
	(void)x;
	exec_ended(arg, e->signo == SIGKILL);
}

static void exec_failed(struct sbx_exec *x, void *arg, const struct msg_failed *f)
{
	(void)x;
	fprintf(stderr, "rss: exec failed at %s: %s\n", f->stage, f->message);
	exec_ended(arg, 0);
}

static void exec_error(struct sbx_exec *x, void *arg, enum proto_err code, const char *message)
{
	(void)x, (void)arg;
	fprintf(stderr, "rss: agent error %s: %s\n", proto_err_name(code), message);
	if (code == PERR_BAD_MESSAGE || code == PERR_TOO_MANY_EXECS)
		exec_ended(arg, 0);
}

static const struct sbx_exec_ops exec_ops = {
	.started = exec_started,
	.exited = exec_exited,
	.failed = exec_failed,
	.error = exec_error,
};

static void conn_ready(struct sbx_conn *c, void *arg)
{
	(void)c, (void)arg;
	if (++hellos == nconns && nexecs == 0)
		say_ready();
}

static void conn_failed(struct sbx_conn *c, void *arg, enum proto_err code, const char *why)
{
	(void)c, (void)arg, (void)code;
	fail("connection: %s", why);
}

static const struct sbx_conn_ops conn_ops = {.ready = conn_ready, .failed = conn_failed};

/* Execs are dealt out to the connections in turn, so each holds
 * nexecs / nconns of them (one more for the first few). */
static void start_execs(void)
{
	static char *args[] = {RSS_SLEEP, NULL};
	struct msg_exec req = {.cmd = "sleep", .args = args, .nargs = 1,
			       .tty = tty, .rows = 24, .cols = 80};

	for (int i = 0; i < nexecs; i++)
		execs[i] = sbx_exec_start(conns[i % nconns], &req, &exec_ops, (void *)(intptr_t)i);
}

static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int usage(void)
{
	fprintf(stderr, "usage: rss idle TARGET N\n"
			"       rss exec TARGET M CONNS [tty]\n");
	return 2;
}

static int parse_args(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "idle") == 0) {
		nconns = atoi(argv[3]);
		return nconns > 0 ? 0 : -1;
	}
	if ((argc == 5 || argc == 6) && strcmp(argv[1], "exec") == 0) {
		nexecs = atoi(argv[3]);
		nconns = atoi(argv[4]);
		tty = argc == 6 && strcmp(argv[5], "tty") == 0;
		if (argc == 6 && !tty)
			return -1;
		return nexecs > 0 && nconns > 0 &&
			       (nexecs + nconns - 1) / nconns <= PROTO_MAX_EXECS
			       ? 0 : -1;
	}
	return -1;
}

int main(int argc, char **argv)
{
	char err[200];

	if (parse_args(argc, argv) < 0)
		return usage();
	raise_nofile();
	alarm(RSS_TIMEOUT);
	if ((cl = sbx_client_new(0, NULL)) == NULL) {
		fprintf(stderr, "rss: cannot create the client loop\n");
		return 1;
	}
	conns = calloc(nconns, sizeof *conns);
	execs = calloc(nexecs ? nexecs : 1, sizeof *execs);
	for (int i = 0; i < nconns; i++)
		if ((conns[i] = sbx_conn_open(cl, argv[2], NULL, &conn_ops, NULL, err, sizeof err)) == NULL) {
			fprintf(stderr, "rss: %s\n", err);
			return 1;
		}
	start_execs();
	sbx_client_run(cl);
	sbx_client_free(cl);
	if (nexecs && !failed) {
		printf("ended %d of %d, %d by SIGKILL\n", ended, nexecs, killed);
		failed = ended != nexecs || killed != nexecs;
	}
	free(conns);
	free(execs);
	return failed ? 1 : 0;
}
