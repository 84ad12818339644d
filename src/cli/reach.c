/*
 * reach.c: reach_all, hello from many agents at once; see reach.h.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reach.h"
#include "sbx.h"
#include "xmalloc.h"

struct probe {
	struct reach *r;
	struct sbx_client *cl;
	struct sbx_poller *p;
	int done;
};

static void on_ready(struct sbx_conn *c, void *arg)
{
	struct probe *pr = arg;

	(void)c;
	pr->r->ok = 1;
	pr->done = 1;
}

static void on_failed(struct sbx_conn *c, void *arg, enum proto_err code, const char *why)
{
	struct probe *pr = arg;

	(void)c, (void)code;
	snprintf(pr->r->why, sizeof pr->r->why, "%s", why);
	pr->done = 1;
}

static const struct sbx_conn_ops probe_ops = {.ready = on_ready, .failed = on_failed};

static void probe_open(struct probe *pr, struct reach *r)
{
	unsigned flags = strncmp(r->target, "wss://", 6) == 0 ? SBX_CLIENT_TLS : 0;

	pr->r = r;
	r->ok = 0;
	snprintf(r->why, sizeof r->why, "no answer in time");
	if ((pr->cl = sbx_client_new(flags, r->ca_file)) == NULL) {
		snprintf(r->why, sizeof r->why, "cannot create a client%s", flags ? " (TLS: check the CA file)" : "");
		pr->done = 1;
	} else if (sbx_conn_open(pr->cl, r->target, r->token, &probe_ops, pr, r->why, sizeof r->why) == NULL) {
		pr->done = 1;
	} else {
		pr->p = sbx_poller_new(pr->cl);
	}
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One poll over every pending probe; 0 when none is pending. */
static int reach_step(struct probe *pr, struct pollfd *fds, size_t n, long left)
{
	size_t k = 0;
	int t = (int)left, pt;

	for (size_t i = 0; i < n; i++)
		if (!pr[i].done) {
			fds[k++] = (struct pollfd){.fd = sbx_poller_fd(pr[i].p), .events = POLLIN};
			if ((pt = sbx_poller_timeout_ms(pr[i].p)) >= 0 && pt < t)
				t = pt;
		}
	if (k == 0)
		return 0;
	poll(fds, k, t);
	for (size_t i = 0; i < n; i++)
		if (!pr[i].done)
			sbx_poller_step(pr[i].p);
	return 1;
}

void reach_all(struct reach *r, size_t n, int timeout_ms)
{
	struct probe *pr = xcalloc(n ? n : 1, sizeof *pr);
	struct pollfd *fds = xcalloc(n ? n : 1, sizeof *fds);
	long end = now_ms() + timeout_ms, left;

	for (size_t i = 0; i < n; i++)
		probe_open(&pr[i], &r[i]);
	while ((left = end - now_ms()) > 0 && reach_step(pr, fds, n, left))
		;
	for (size_t i = 0; i < n; i++) {
		if (pr[i].p)
			sbx_poller_free(pr[i].p);
		if (pr[i].cl)
			sbx_client_free(pr[i].cl);
	}
	free(pr);
	free(fds);
}
