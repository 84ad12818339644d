/*
 * multi.c: many execs over one connection through libsbx, as a C program
 * using the library would run them. Each exec prints its own number on
 * stdout and stderr and exits with it; every output and status is checked.
 *
 *   multi TARGET N
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sbx.h"

struct job {
	int n;
	char out[64], err[64];
	size_t outlen, errlen;
	int code;
	int ended;
};

static struct sbx_client *cl;
static int remaining, failures;

static void on_output(struct sbx_exec *x, void *arg, enum frame_kind kind,
		      const uint8_t *data, size_t len)
{
	struct job *j = arg;
	char *buf = kind == FRAME_STDOUT ? j->out : j->err;
	size_t *n = kind == FRAME_STDOUT ? &j->outlen : &j->errlen;

	(void)x;
	if (*n + len < sizeof j->out) {
		memcpy(buf + *n, data, len);
		*n += len;
	}
}

static void job_end(struct job *j, int code)
{
	j->code = code;
	j->ended = 1;
	if (--remaining == 0)
		sbx_client_stop(cl);
}

static void on_exited(struct sbx_exec *x, void *arg, const struct msg_exited *e)
{
	(void)x;
	job_end(arg, e->signo ? 128 + e->signo : e->code);
}

static void on_failed(struct sbx_exec *x, void *arg, const struct msg_failed *f)
{
	(void)x;
	fprintf(stderr, "multi: exec failed: %s\n", f->message);
	job_end(arg, -1);
}

static void on_conn_failed(struct sbx_conn *c, void *arg, enum proto_err code,
			   const char *why)
{
	(void)c, (void)arg, (void)code;
	fprintf(stderr, "multi: %s\n", why);
	failures++;
	sbx_client_stop(cl);
}

static const struct sbx_exec_ops ops = {
	.output = on_output, .exited = on_exited, .failed = on_failed};
static const struct sbx_conn_ops conn_ops = {.failed = on_conn_failed};

int main(int argc, char **argv)
{
	char err[200], expect[64], num[16];
	int n = argc > 2 ? atoi(argv[2]) : 100;
	struct job *jobs = calloc((size_t)n, sizeof *jobs);
	char *args[] = {"-c", "sleep 0.2; echo out-$1; echo err-$1 >&2; exit $(($1 % 100))",
			"sh", NULL, NULL};
	struct msg_exec req = {.cmd = "/bin/sh", .args = args, .nargs = 4};
	struct sbx_conn *c;

	cl = sbx_client_new(0, NULL);
	c = sbx_conn_open(cl, argv[1], NULL, &conn_ops, NULL, err, sizeof err);
	if (c == NULL) {
		fprintf(stderr, "multi: %s\n", err);
		return 1;
	}
	for (int i = 0; i < n; i++) {
		jobs[i].n = i;
		snprintf(num, sizeof num, "%d", i);
		args[3] = num;
		sbx_exec_start(c, &req, &ops, &jobs[i]);
		remaining++;
	}
	sbx_client_run(cl);
	for (int i = 0; i < n; i++) {
		struct job *j = &jobs[i];
		snprintf(expect, sizeof expect, "out-%d\n", i);
		if (!j->ended || j->outlen != strlen(expect) || memcmp(j->out, expect, j->outlen)) {
			fprintf(stderr, "multi: exec %d: stdout \"%.*s\"\n", i, (int)j->outlen, j->out);
			failures++;
		}
		snprintf(expect, sizeof expect, "err-%d\n", i);
		if (j->errlen != strlen(expect) || memcmp(j->err, expect, j->errlen)) {
			fprintf(stderr, "multi: exec %d: stderr \"%.*s\"\n", i, (int)j->errlen, j->err);
			failures++;
		}
		if (j->code != i % 100) {
			fprintf(stderr, "multi: exec %d: exit %d, want %d\n", i, j->code, i % 100);
			failures++;
		}
	}
	sbx_client_free(cl);
	free(jobs);
	if (failures == 0)
		printf("multi: %d execs over one connection: all outputs and codes right\n", n);
	return failures ? 1 : 0;
}
