/*
 * feed.c: a fleet's stdin read as it comes and sent to every member, as
 * `sbx exec -i` sends it to one. It is read only while every member can
 * take it: none still connecting or reconnecting (what it missed could
 * not be sent again), none with more than SBX_QUEUE_HIGH waiting for its
 * agent's credit. So the slowest member sets the pace, and a member that
 * ends stops taking part. What a member may not have received when its
 * connection dropped (its queue, its credit) is at most FEED_KEEP bytes:
 * the last that much is kept, and sent again from where its agent says
 * it stopped (feed_resume).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fleet.h"
#include "proto.h"
#include "sbx.h"
#include "watch.h"
#include "xmalloc.h"

#define FEED_KEEP (SBX_QUEUE_HIGH + PROTO_STDIN_WINDOW + 2 * PROTO_MAX_DATA)

/* The kept bytes [from, to) of the stream, to m: two pieces at most. */
static void kept_write(struct fleet *f, struct member *m, uint64_t from, uint64_t to)
{
	while (from < to) {
		size_t at = (size_t)(from % FEED_KEEP), n = FEED_KEEP - at;

		if (n > to - from)
			n = (size_t)(to - from);
		sbx_exec_write(m->x, f->kept + at, n);
		from += n;
	}
}

static void feed_send(struct fleet *f, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	for (size_t i = 0; i < f->n; i++)
		if (f->m[i].state != MEMBER_DONE && f->m[i].x)
			sbx_exec_write(f->m[i].x, buf, len);
	if (f->kept == NULL)
		f->kept = xmalloc(FEED_KEEP);
	for (size_t done = 0; done < len;) {
		size_t at = (size_t)(f->in_total % FEED_KEEP), n = FEED_KEEP - at;

		if (n > len - done)
			n = len - done;
		memcpy(f->kept + at, p + done, n);
		done += n;
		f->in_total += n;
	}
}

static void feed_eof(struct fleet *f)
{
	f->in_eof = 1;
	for (size_t i = 0; i < f->n; i++)
		if (f->m[i].state != MEMBER_DONE && f->m[i].x)
			sbx_exec_close_stdin(f->m[i].x);
}

/* One read: >0 bytes sent, 0 at the end, -1 for nothing now. */
static ssize_t feed_read(struct fleet *f, int fd)
{
	static char buf[PROTO_MAX_DATA];
	ssize_t n = read(fd, buf, sizeof buf);

	if (n < 0)
		return (errno == EAGAIN || errno == EINTR) ? -1 : 0;
	if (n > 0)
		feed_send(f, buf, (size_t)n);
	return n;
}

static void feed_readable(struct watch *w, void *arg)
{
	struct fleet *f = arg;

	if (feed_read(f, watch_fd(w)) == 0) {
		watch_close(w);
		f->in = NULL;
		feed_eof(f);
		return;
	}
	feed_update(f);
}

/* lws closes a pipe whose writer is gone (POLLHUP), even while paused,
 * with bytes still in it (a pipe's worth at most): the fd is still open
 * here, so keep them for when every member takes input. */
static void feed_hangup(struct watch *w, void *arg)
{
	struct fleet *f = arg;
	char buf[65536];
	ssize_t n;

	while ((n = read(watch_fd(w), buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		outbuf_append(&f->held, buf, (size_t)n);
	}
	f->in = NULL;
	f->in_hup = 1;
	feed_update(f);
}

static const struct watch_ops feed_ops = {.readable = feed_readable, .closed = feed_hangup};

int feed_start(struct fleet *f)
{
	if ((f->in = watch_new(sbx_client_vhost(f->cl), f->stdin_fd, &feed_ops, f)) == NULL)
		return -1;
	f->stdin_fd = -1; /* the watch's now */
	watch_pause(f->in, 1);
	return 0;
}

void feed_update(struct fleet *f)
{
	int take = 1;

	if (f->in == NULL && !(f->in_hup && !f->in_eof))
		return;
	for (size_t i = 0; i < f->n && take; i++) {
		const struct member *m = &f->m[i];

		if (m->state == MEMBER_DONE)
			continue;
		take = m->x && m->state == MEMBER_RUNNING &&
		       sbx_exec_stdin_queued(m->x) <= SBX_QUEUE_HIGH;
	}
	if (f->in && watch_paused(f->in) == take) {
		watch_pause(f->in, !take);
	} else if (f->in == NULL && take) {
		feed_send(f, f->held.p, f->held.len);
		outbuf_free(&f->held);
		feed_eof(f);
	}
}

int feed_resume(struct member *m, uint64_t from, uint64_t *lost)
{
	struct fleet *f = m->f;
	uint64_t oldest = f->in_total > FEED_KEEP ? f->in_total - FEED_KEEP : 0;

	*lost = 0;
	if (from > f->in_total) {
		feed_begin(m);
		return -1; /* more than we ever sent: not ours to mend */
	}
	if (from < oldest) {
		*lost = oldest - from;
		from = oldest;
	}
	if (m->x)
		kept_write(f, m, from, f->in_total);
	feed_begin(m);
	return 0;
}

void feed_begin(struct member *m)
{
	if (m->f->in_eof && m->x)
		sbx_exec_close_stdin(m->x);
	feed_update(m->f);
}

void feed_stop(struct fleet *f)
{
	if (f->in)
		watch_close(f->in);
	f->in = NULL;
	outbuf_free(&f->held);
	free(f->kept);
	f->kept = NULL;
}
