/*
 * run.c: libsbx's blocking API, one verb after another, against an agent:
 * run a command and collect it, a shell script, a command that is not
 * there, stdin, options, several streams at once, a signal.
 *
 *   cc run.c $(pkg-config --cflags --libs --static sbx) -o run
 *   ./run unix:/tmp/box.sock
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sbx.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void print_result(const char *what, const struct sbx_result *r)
{
	printf("%s: status %d", what, r->status);
	if (r->outcome == SBX_EXITED)
		printf(", total %.3f ms, queue %.3f ms, execute %.3f ms\n", r->exited.total_ms,
		       r->exited.queue_ms, r->exited.execute_ms);
	else if (r->outcome == SBX_FAILED)
		printf(", failed: %s at %s: %s\n", fail_kind_name(r->failed.kind), r->failed.stage,
		       r->failed.message);
	else
		printf(", refused: %s: %s\n", proto_err_name(r->error), r->error_message);
	printf("%s: stdout [%s] stderr [%s]\n", what, r->out, r->err);
}

/* microsandbox exec, shell and a missing command: all are answers. */
static int run_simple(struct sbx *s)
{
	char *const uname_args[] = {"-s", NULL};
	struct sbx_result r;

	if (sbx_run(s, "uname", uname_args, &r) < 0)
		return -1;
	print_result("uname", &r);
	sbx_result_free(&r);
	if (sbx_shell(s, "echo out; echo err >&2; exit 3", &r) < 0)
		return -1;
	print_result("shell", &r);
	sbx_result_free(&r);
	if (sbx_run(s, "no-such-command-here", NULL, &r) < 0)
		return -1;
	print_result("missing", &r);
	sbx_result_free(&r);
	return 0;
}

/* execWith: stdin, environment, working directory and a timeout. */
static int run_options(struct sbx *s)
{
	char *cat_args[] = {NULL};
	char *sh_args[] = {"-c", "echo \"$GREETING from $(pwd)\"", NULL};
	char *sleep_args[] = {"30", NULL};
	char *env[] = {"GREETING=hello", NULL};
	struct msg_exec cat = {.cmd = "cat", .args = cat_args};
	struct msg_exec sh = {.cmd = "/bin/sh", .args = sh_args, .nargs = 2,
			      .cwd = "/tmp", .env = env, .nenv = 1};
	struct msg_exec sleepy = {.cmd = "sleep", .args = sleep_args, .nargs = 1,
				  .timeout_ms = 200, .kill_grace_ms = 100};
	const char *text = "hello through stdin\n";
	struct sbx_result r;

	if (sbx_run_with(s, &cat, text, strlen(text), &r) < 0)
		return -1;
	print_result("stdin", &r);
	sbx_result_free(&r);
	if (sbx_run_with(s, &sh, NULL, 0, &r) < 0)
		return -1;
	print_result("options", &r);
	sbx_result_free(&r);
	if (sbx_run_with(s, &sleepy, NULL, 0, &r) < 0)
		return -1;
	printf("timeout: timed_out %d\n", r.exited.timed_out);
	print_result("timeout", &r);
	sbx_result_free(&r);
	return 0;
}

/* execStream: a filter fed through stdin, its events one by one. */
static int stream_events(struct sbx *s)
{
	char *args[] = {"a-z", "A-Z", NULL};
	struct msg_exec req = {.cmd = "tr", .args = args, .nargs = 2, .stdin_mode = STDIN_PIPE};
	struct sbx_stream *h = sbx_stream_start(s, &req);
	struct sbx_event ev;
	char out[64] = "";
	size_t n = 0;
	int rc;

	if (h == NULL)
		return -1;
	sbx_stream_write(h, "streamed ", 9);
	sbx_stream_write(h, "stdin", 5);
	sbx_stream_close_stdin(h);
	while ((rc = sbx_stream_recv(h, &ev, 5000)) == 1) {
		if (ev.type == SBX_EVENT_STARTED)
			printf("event: started, pid %s\n", ev.pid > 0 ? "> 0" : "missing");
		else if (ev.type == SBX_EVENT_STDOUT && n + ev.len < sizeof out) {
			/* ev.data is ours until the next recv: keep a copy. */
			memcpy(out + n, ev.data, ev.len);
			out[n += ev.len] = '\0';
		} else if (ev.type == SBX_EVENT_EXITED)
			printf("event: exited %d\n", ev.exited.code);
	}
	printf("event: stdout [%s]\n", out);
	sbx_stream_free(h);
	return rc == 0 ? -1 : 0; /* -1 after the last event is the normal end */
}

/* Several at once on one connection: three 300 ms sleeps in about 300 ms. */
static int stream_many(struct sbx *s)
{
	char num[3][4];
	char *args[3][5];
	struct sbx_stream *h[3];
	struct sbx_result r;
	double t0 = now_ms();

	for (int i = 0; i < 3; i++) {
		snprintf(num[i], sizeof num[i], "%d", i);
		args[i][0] = "-c", args[i][1] = "sleep 0.3; echo stream-$1", args[i][2] = "sh";
		args[i][3] = num[i], args[i][4] = NULL;
		h[i] = sbx_stream_start(s, &(struct msg_exec){.cmd = "/bin/sh", .args = args[i],
							       .nargs = 4});
	}
	for (int i = 0; i < 3; i++) {
		if (h[i] == NULL || sbx_stream_collect(h[i], &r) < 0)
			return -1;
		printf("many: %s", r.out);
		sbx_result_free(&r);
		sbx_stream_free(h[i]);
	}
	printf("many: 3 streams in %s\n", now_ms() - t0 < 800 ? "parallel" : "series");
	return 0;
}

/* signal and wait: TERM ends it with 128 + 15. */
static int stream_signal(struct sbx *s)
{
	char *args[] = {"30", NULL};
	struct sbx_stream *h = sbx_stream_start(s, &(struct msg_exec){.cmd = "sleep", .args = args,
								      .nargs = 1});
	struct sbx_event ev;
	struct sbx_result r;

	if (h == NULL || sbx_stream_recv(h, &ev, 5000) != 1 || ev.type != SBX_EVENT_STARTED)
		return -1;
	sbx_stream_signal(h, SIGTERM);
	if (sbx_stream_wait(h, &r) < 0)
		return -1;
	printf("signal: status %d signo %d\n", r.status, r.exited.signo);
	sbx_result_free(&r);
	sbx_stream_free(h);
	return 0;
}

int main(int argc, char **argv)
{
	char err[300];
	struct sbx *s;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: run TARGET\n");
		return 2;
	}
	s = sbx_connect(argv[1], getenv("SBX_TOKEN"), err, sizeof err);
	if (s == NULL) {
		fprintf(stderr, "run: %s\n", err);
		return 1;
	}
	rc = run_simple(s) || run_options(s) || stream_events(s) || stream_many(s) ||
	     stream_signal(s);
	if (rc)
		fprintf(stderr, "run: %s\n", sbx_error(s));
	sbx_close(s);
	return rc ? 1 : 0;
}
