/*
 * rate.c: execs per second over one open connection through libsbx, and
 * the round trip of one exec, for bench/run. Built by bench/run against
 * the release build's libsbxclient/libsbxutil/libsbxproto.
 *
 *   rate TARGET N INFLIGHT   runs N execs of /bin/true, INFLIGHT at a time,
 *                            and prints "N execs in S s: R/s, mean M ms"
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sbx.h"

static struct sbx_client *cl;
static struct sbx_conn *conn;
static int todo, running, done, failed, inflight;
static double t_sum;

static const struct msg_exec req = {.cmd = "/bin/true", .args = (char *[]){NULL}};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void start_more(void);

static void on_end(struct sbx_exec *x, void *arg, int ok)
{
	double *t0 = arg;

	(void)x;
	t_sum += now() - *t0;
	free(t0);
	running--;
	done++;
	failed += !ok;
	if (done == todo)
		sbx_client_stop(cl);
	else
		start_more();
}

static void on_exited(struct sbx_exec *x, void *arg, const struct msg_exited *e)
{
	on_end(x, arg, e->signo == 0 && e->code == 0);
}

static void on_failed(struct sbx_exec *x, void *arg, const struct msg_failed *f)
{
	(void)f;
	on_end(x, arg, 0);
}

static const struct sbx_exec_ops ops = {.exited = on_exited, .failed = on_failed};

static void start_more(void)
{
	static int started;

	while (running < inflight && started < todo) {
		double *t0 = malloc(sizeof *t0);
		*t0 = now();
		sbx_exec_start(conn, &req, &ops, t0);
		running++;
		started++;
	}
}

static void on_ready(struct sbx_conn *c, void *arg)
{
	(void)c, (void)arg;
}

static void on_conn_failed(struct sbx_conn *c, void *arg, enum proto_err code, const char *why)
{
	(void)c, (void)arg, (void)code;
	fprintf(stderr, "rate: %s\n", why);
	failed = todo;
	sbx_client_stop(cl);
}

static const struct sbx_conn_ops conn_ops = {.ready = on_ready, .failed = on_conn_failed};

int main(int argc, char **argv)
{
	char err[200];
	double t0;

	if (argc != 4) {
		fprintf(stderr, "usage: rate TARGET N INFLIGHT\n");
		return 2;
	}
	todo = atoi(argv[2]);
	inflight = atoi(argv[3]);
	cl = sbx_client_new(0, NULL);
	if ((conn = sbx_conn_open(cl, argv[1], NULL, &conn_ops, NULL, err, sizeof err)) == NULL) {
		fprintf(stderr, "rate: %s\n", err);
		return 1;
	}
	t0 = now();
	start_more();
	sbx_client_run(cl);
	t0 = now() - t0;
	sbx_client_free(cl);
	printf("%d execs in %.3f s: %.0f/s, mean round trip %.3f ms, %d failed\n", todo, t0,
	       todo / t0, t_sum / todo * 1e3, failed);
	return failed ? 1 : 0;
}
