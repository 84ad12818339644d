/*
 * blocking.c: the corners of libsbx's blocking API that the example does
 * not walk: a refused request, a handle freed while its exec runs (the
 * exec is killed), output left unread when the connection closes, events
 * taken without blocking, a late reader of 30 MB (flow control), and a
 * connection lost under a stream.
 *
 *   blocking TARGET DOOMED_TARGET   (the second agent gets killed)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sbx.h"

static int failures;

static void expect(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok" : "FAIL", what);
	failures += !ok;
}

static void refused(struct sbx *s)
{
	struct msg_exec req = {.cmd = "", .args = (char *[]){NULL}};
	struct sbx_result r;

	expect(sbx_run_with(s, &req, NULL, 0, &r) == 0, "a refused request is an answer");
	expect(r.outcome == SBX_REFUSED && r.error == PERR_BAD_MESSAGE && r.status == 125,
	       "empty cmd: refused, bad_message, status 125");
	sbx_result_free(&r);
}

/* Freed while running: the agent kills it (the shell test checks). */
static void orphaned(struct sbx *s)
{
	char *args[] = {"-c", "sleep 30", "orphan-d41c", NULL};
	struct sbx_stream *h = sbx_stream_start(s, &(struct msg_exec){.cmd = "/bin/sh",
								      .args = args, .nargs = 3});
	struct sbx_event ev;

	expect(sbx_stream_recv(h, &ev, 5000) == 1 && ev.type == SBX_EVENT_STARTED,
	       "started event first");
	sbx_stream_free(h);
}

/* No blocking: recv with 0 comes back at once, then gets everything. */
static void polled(struct sbx *s)
{
	char *args[] = {"-c", "sleep 0.2; echo late", NULL};
	struct sbx_stream *h = sbx_stream_start(s, &(struct msg_exec){.cmd = "/bin/sh",
								      .args = args, .nargs = 2});
	struct sbx_event ev;
	int rc, empty = 0, got = 0, last = 0;

	while ((rc = sbx_stream_recv(h, &ev, 0)) >= 0) {
		empty += rc == 0;
		got += rc == 1 && ev.type == SBX_EVENT_STDOUT && ev.len == 5 &&
		       memcmp(ev.data, "late\n", 5) == 0;
		last = rc == 1 ? (int)ev.type : last;
	}
	expect(empty > 0 && got == 1 && last == SBX_EVENT_EXITED,
	       "recv(0) returns 0 while waiting, then the output, then exited");
	expect(sbx_stream_write(h, "x", 1) < 0 && sbx_stream_kill(h) < 0,
	       "write and kill after the end say so");
	sbx_stream_free(h);
}

/* Left buffered at close: sbx_close frees it (LSan would tell). */
static void unread(struct sbx *s)
{
	char *args[] = {"1", "20000", NULL};
	struct sbx_stream *h = sbx_stream_start(s, &(struct msg_exec){.cmd = "seq", .args = args,
								      .nargs = 2});
	struct sbx_result r;

	expect(sbx_run(s, "true", NULL, &r) == 0 && r.status == 0, "another exec meanwhile");
	sbx_result_free(&r);
	(void)h;
}

/* 30 MB through a stream read late: the handle holds one window, the
 * command waits for the rest, and every byte arrives once read. */
static void slow_reader(struct sbx *s)
{
	char *args[] = {"-c", "30000000", "/dev/zero", NULL};
	struct sbx_stream *h = sbx_stream_start(s, &(struct msg_exec){.cmd = "head", .args = args,
								      .nargs = 3});
	struct sbx_event ev;
	size_t got = 0;
	int rc;

	expect(sbx_stream_recv(h, &ev, 5000) == 1 && ev.type == SBX_EVENT_STARTED,
	       "a late reader's stream starts");
	usleep(300 * 1000); /* not reading: the agent stops at a window */
	while ((rc = sbx_stream_recv(h, &ev, 5000)) == 1 && ev.type == SBX_EVENT_STDOUT)
		got += ev.len;
	expect(rc == 1 && ev.type == SBX_EVENT_EXITED && ev.exited.code == 0 && got == 30000000,
	       "30 MB read through a stream, every byte");
	sbx_stream_free(h);
}

/* The command kills its own agent: the stream learns the connection went. */
static void lost(const char *target)
{
	char err[300];
	char *args[] = {"-c", "echo bye; kill -9 $PPID; sleep 5", NULL};
	struct sbx *s = sbx_connect(target, NULL, err, sizeof err);
	struct sbx_stream *h;
	struct sbx_result r;

	if (s == NULL) {
		expect(0, err);
		return;
	}
	h = sbx_stream_start(s, &(struct msg_exec){.cmd = "/bin/sh", .args = args, .nargs = 2});
	expect(sbx_stream_collect(h, &r) == -1, "collect: -1 when the agent dies");
	expect(strstr(sbx_error(s), "lost the connection") != NULL, sbx_error(s));
	expect(sbx_stream_start(s, &(struct msg_exec){.cmd = "true", .args = args + 2}) == NULL,
	       "no new stream on a lost connection");
	sbx_stream_free(h);
	sbx_close(s);
}

int main(int argc, char **argv)
{
	char err[300];
	struct sbx *s;

	if (argc != 3)
		return 2;
	s = sbx_connect(argv[1], NULL, err, sizeof err);
	if (s == NULL) {
		fprintf(stderr, "blocking: %s\n", err);
		return 1;
	}
	refused(s);
	orphaned(s);
	polled(s);
	slow_reader(s);
	unread(s);
	sbx_close(s);
	lost(argv[2]);
	return failures ? 1 : 0;
}
