/*
 * window.c: per-exec flow control, through libsbx against a real agent.
 *
 *   window TARGET
 *
 * 1. Output: exec A writes 50 MB that we hold unconsumed; exec B on the
 *    same connection still runs to the end. A's command is then blocked
 *    (its write count stands still), we have exactly one window of it,
 *    and once consumed it resumes and every byte arrives.
 * 2. Stdin: 8 MiB for exec C, which reads nothing for 2 s, waits in our
 *    queue for the agent's credit, not in the agent; exec D started after
 *    it on the same connection is not held up; C then gets every byte.
 * Prints "ok: ..." per check and exits 1 if any failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "sbx.h"
#include "watch.h"

#define A_BYTES 50000000
#define C_BYTES (8 * 1024 * 1024)

static struct sbx_client *cl;
static struct sbx_conn *conn;
static struct watch *timer;
static int failures;

struct job {
	const char *name;
	struct sbx_exec *x;
	int64_t pid;
	size_t bytes;
	char out[64];
	int ended, code;
	double t_end;
};

static struct job A = {.name = "A"}, B = {.name = "B"}, C = {.name = "C"}, D = {.name = "D"};
static size_t a_before;
static long a_wchar;
static int ticks;
static double t_d_start;
static size_t c_queued_at_d_end;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void check(const char *what, int ok)
{
	printf("%s: %s\n", ok ? "ok" : "FAIL", what);
	failures += !ok;
}

/* Bytes the process has written so far (/proc/PID/io), -1 if unknown. */
static long wchar_of(int64_t pid)
{
	char path[64], line[128];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%lld/io", (long long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "wchar: %ld", &v) == 1)
			break;
	fclose(f);
	return v;
}

static void after(double secs)
{
	struct itimerspec its = {.it_value = {(time_t)secs,
					      (long)((secs - (time_t)secs) * 1e9)}};

	timerfd_settime(watch_fd(timer), 0, &its, NULL);
}

static void start_stdin_phase(void);

static void on_started(struct sbx_exec *x, void *arg, int64_t pid)
{
	struct job *j = arg;

	(void)x;
	j->pid = pid;
}

static void on_output(struct sbx_exec *x, void *arg, enum frame_kind kind,
		      const uint8_t *data, size_t len)
{
	struct job *j = arg;

	(void)x, (void)kind;
	if (j->bytes + len < sizeof j->out)
		memcpy(j->out + j->bytes, data, len);
	j->bytes += len;
}

static void on_exited(struct sbx_exec *x, void *arg, const struct msg_exited *e)
{
	struct job *j = arg;

	(void)x;
	j->ended = 1;
	j->code = e->signo ? 128 + e->signo : e->code;
	j->t_end = now();
	j->x = NULL;
	if (j == &B) {
		check("B ran to the end while A's output was held", B.bytes == 1288895 && B.code == 0);
		after(1.0);
	} else if (j == &A) {
		check("A resumed once consumed, every byte there", A.bytes == A_BYTES && A.code == 0);
		start_stdin_phase();
	} else if (j == &D) {
		c_queued_at_d_end = C.x ? sbx_exec_stdin_queued(C.x) : 0;
		check("D on the same connection is not held up by C's stdin",
		      D.t_end - t_d_start < 1.5 && !C.ended);
		check("C's stdin waits for credit in the client, not in the agent",
		      c_queued_at_d_end >= C_BYTES - 2 * PROTO_STDIN_WINDOW);
	} else if (j == &C) {
		check("C got all 8 MiB of stdin, in order, then EOF",
		      strcmp(C.out, "8388608\n") == 0 && C.code == 0);
		sbx_client_stop(cl);
	}
}

static void on_failed(struct sbx_exec *x, void *arg, const struct msg_failed *f)
{
	struct job *j = arg;

	(void)x;
	fprintf(stderr, "window: exec %s failed: %s\n", j->name, f->message);
	failures++;
	sbx_client_stop(cl);
}

static void on_error(struct sbx_exec *x, void *arg, enum proto_err code, const char *msg)
{
	struct job *j = arg;

	(void)x;
	fprintf(stderr, "window: exec %s: %s: %s\n", j->name, proto_err_name(code), msg);
	failures++;
}

static const struct sbx_exec_ops ops = {
	.started = on_started, .output = on_output, .exited = on_exited,
	.failed = on_failed, .error = on_error};

/* 1 s after B ended, A has had time to use up its credit: note where
 * it stands; 1 s later it must not have moved. Then let it go. */
static void timer_readable(struct watch *w, void *arg)
{
	uint64_t n;
	long w2;

	(void)arg;
	if (read(watch_fd(w), &n, sizeof n) != sizeof n)
		return;
	if (++ticks == 1) {
		a_before = A.bytes;
		a_wchar = wchar_of(A.pid);
		check("exactly one window of A arrived, unconsumed", A.bytes == SBX_WINDOW);
		after(1.0);
		return;
	}
	w2 = wchar_of(A.pid);
	check("A unconsumed: nothing more arrived in 1 s", A.bytes == a_before);
	check("A unconsumed: its command is blocked, not read into the agent",
	      a_wchar >= 0 && w2 == a_wchar && w2 < 4 * SBX_WINDOW);
	sbx_exec_hold_output(A.x, 0);
	sbx_exec_consumed(A.x, A.bytes);
}

static const struct watch_ops timer_ops = {.readable = timer_readable};

static void start_stdin_phase(void)
{
	char *c_args[] = {"-c", "sleep 2; wc -c", NULL};
	struct msg_exec c = {.cmd = "/bin/sh", .args = c_args, .nargs = 2,
			     .stdin_mode = STDIN_PIPE};
	struct msg_exec d = {.cmd = "echo", .args = (char *[]){"hi", NULL}, .nargs = 1};
	char *data = calloc(1, C_BYTES);

	C.x = sbx_exec_start(conn, &c, &ops, &C);
	sbx_exec_write(C.x, data, C_BYTES);
	sbx_exec_close_stdin(C.x);
	free(data);
	t_d_start = now();
	D.x = sbx_exec_start(conn, &d, &ops, &D);
}

static void on_conn_failed(struct sbx_conn *c, void *arg, enum proto_err code,
			   const char *why)
{
	(void)c, (void)arg, (void)code;
	fprintf(stderr, "window: %s\n", why);
	failures++;
	sbx_client_stop(cl);
}

static const struct sbx_conn_ops conn_ops = {.failed = on_conn_failed};

int main(int argc, char **argv)
{
	char err[200];
	struct msg_exec a = {.cmd = "head", .args = (char *[]){"-c", "50000000", "/dev/zero", NULL},
			     .nargs = 3};
	struct msg_exec b = {.cmd = "seq", .args = (char *[]){"1", "200000", NULL}, .nargs = 2};

	if (argc != 2) {
		fprintf(stderr, "usage: window TARGET\n");
		return 2;
	}
	cl = sbx_client_new(0, NULL);
	timer = watch_new(sbx_client_vhost(cl), timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC),
			  &timer_ops, NULL);
	conn = sbx_conn_open(cl, argv[1], NULL, &conn_ops, NULL, err, sizeof err);
	if (conn == NULL || timer == NULL) {
		fprintf(stderr, "window: %s\n", conn ? "no timer" : err);
		return 1;
	}
	A.x = sbx_exec_start(conn, &a, &ops, &A);
	sbx_exec_hold_output(A.x, 1);
	B.x = sbx_exec_start(conn, &b, &ops, &B);
	sbx_client_run(cl);
	check("every exec ended", A.ended && B.ended && C.ended && D.ended);
	sbx_client_free(cl);
	return failures ? 1 : 0;
}
