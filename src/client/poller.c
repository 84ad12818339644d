/*
 * poller.c: struct sbx_poller, an sbx_client driven from someone else's
 * event loop: one fd to poll, a timeout, and a step that never blocks.
 *
 * Why it is built this way, checked against the packaged lws 4.1.6:
 * - lws_config.h leaves LWS_WITH_EXTERNAL_POLL undefined, and then lws
 *   never delivers LWS_CALLBACK_ADD_POLL_FD, DEL_POLL_FD or
 *   CHANGE_MODE_POLL_FD (a client that counts them gets none through
 *   a whole connect and handshake); lws's own pollfd table is private. So the fd
 *   set is rebuilt here from what libsbx knows: the socket of each
 *   connection (lws_get_socket_fd), in an epoll fd, waiting for input
 *   always and for output while something is queued or the connection is
 *   still connecting (see poller_conn).
 * - lws_service(ctx, -1) polls lws's table with a zero timeout, runs due
 *   timers and forced service, and returns: a step that never blocks
 *   (lws_service(ctx, 0) sleeps until the next event, its timeout being
 *   ignored since lws 3.2).
 * - lws's timers are private too, and lws_service_adjust_timeout only
 *   says whether some connection needs service now (0). The timers lws
 *   runs for a client are second-grained (connect timeout, keepalive ping
 *   at 20 s, hangup at 60 s), so waking once every POLLER_TICK_MS runs
 *   them late by at most that. The two immediate ones libsbx schedules
 *   itself show in the connection's state and shorten the timeout: a
 *   connect that failed before any socket existed (0), and a close.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "client.h"
#include "xmalloc.h"

#define POLLER_TICK_MS 1000
#define POLLER_SETUP_MS 1

struct sbx_poller {
	struct sbx_client *cl;
	int epfd;
	int *fds; /* registered in epfd */
	size_t nfds, cap;
};

struct sbx_poller *sbx_poller_new(struct sbx_client *cl)
{
	struct sbx_poller *p = xcalloc(1, sizeof *p);

	p->cl = cl;
	p->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (p->epfd < 0) {
		free(p);
		return NULL;
	}
	return p;
}

int sbx_poller_fd(const struct sbx_poller *p)
{
	return p->epfd;
}

/* MOD first: an fd number seen before may be a new socket, which the
 * kernel dropped from the set when the old one closed. */
static void poller_watch(struct sbx_poller *p, int fd, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.fd = fd};

	if (epoll_ctl(p->epfd, EPOLL_CTL_MOD, fd, &ev) < 0 && errno == ENOENT)
		epoll_ctl(p->epfd, EPOLL_CTL_ADD, fd, &ev);
	if (p->nfds == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 8;
		p->fds = xrealloc(p->fds, p->cap * sizeof *p->fds);
	}
	p->fds[p->nfds++] = fd;
}

static int wanted(const struct sbx_poller *p, int fd)
{
	for (struct sbx_conn *c = p->cl->conns; c; c = c->next)
		if (c->wsi && !c->done && lws_get_socket_fd(c->wsi) == fd)
			return 1;
	return 0;
}

static int writable_now(int fd)
{
	struct pollfd pfd = {.fd = fd, .events = POLLOUT};

	return poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLOUT);
}

/* What one connection's socket waits for, and how soon lws must look
 * (*wait_ms, lowered). While the WebSocket is being set up lws may want
 * to write at any time and cannot say so: a socket still connecting waits
 * for writability; a connected one would be writable all along, and
 * waiting for that spins through the round trip, so lws gets a look
 * every POLLER_SETUP_MS instead. */
static void poller_conn(struct sbx_poller *p, struct sbx_conn *c, int *wait_ms)
{
	int fd = lws_get_socket_fd(c->wsi);
	uint32_t events = EPOLLIN;

	if (fd < 0) { /* no socket yet: look again soon */
		*wait_ms = POLLER_SETUP_MS;
		return;
	}
	if (c->established && c->q.bytes)
		events |= EPOLLOUT;
	else if (!c->established && !writable_now(fd))
		events |= EPOLLOUT;
	else if (!c->established && *wait_ms > POLLER_SETUP_MS)
		*wait_ms = POLLER_SETUP_MS;
	poller_watch(p, fd, events);
}

/* Rebuilds the set; returns how long the caller may wait at most. */
static int poller_sync(struct sbx_poller *p)
{
	size_t old = p->nfds, i;
	int wait_ms = POLLER_TICK_MS;

	for (i = 0; i < old; i++)
		if (!wanted(p, p->fds[i]))
			epoll_ctl(p->epfd, EPOLL_CTL_DEL, p->fds[i], NULL);
	p->nfds = 0;
	for (struct sbx_conn *c = p->cl->conns; c; c = c->next) {
		/* Failing before it had a socket is a timer due now; a close
		 * takes lws a pass or two (a short wait, in case it takes more). */
		if (c->wsi == NULL && !c->done)
			wait_ms = 0;
		else if (c->wsi && c->done && wait_ms > POLLER_SETUP_MS)
			wait_ms = POLLER_SETUP_MS;
		if (c->wsi && !c->done)
			poller_conn(p, c, &wait_ms);
	}
	return wait_ms;
}

int sbx_poller_timeout_ms(struct sbx_poller *p)
{
	int wait_ms = poller_sync(p);

	return wait_ms ? lws_service_adjust_timeout(p->cl->ctx, wait_ms, 0) : 0;
}

void sbx_poller_step(struct sbx_poller *p)
{
	lws_service(p->cl->ctx, -1);
	poller_sync(p);
}

void sbx_poller_free(struct sbx_poller *p)
{
	if (p == NULL)
		return;
	close(p->epfd);
	free(p->fds);
	free(p);
}
