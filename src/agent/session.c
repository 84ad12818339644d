/*
 * session.c: sessions and their viewers; see session.h. The PTY's output
 * goes into a ring and into the session's screen; each viewer is sent the
 * ring from its own offset, within its credit. While a viewer is attached
 * the PTY is read only as fast as the slowest viewer takes it (nothing is
 * lost); with none attached it is read freely, the ring keeps the last
 * SESSION_RING bytes, and the screen keeps the rest of what matters.
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "exec.h"
#include "log.h"
#include "screen.h"
#include "session.h"
#include "xmalloc.h"

/* The screen is fed lazily and brought up to date for a snapshot. Output
 * about to leave the ring unfed is taken FEED_STEP at a time, at most
 * FEED_LAG behind: skipped (screen_skip) when the ring holds enough lines
 * after it that its text is sure to scroll away, fed otherwise. A flood
 * then costs libvterm little more than the screens of the snapshots. */
#define FEED_LAG (SESSION_RING - 2 * PROTO_MAX_DATA)
#define FEED_STEP (512 * 1024)

/* A viewer's frames waiting in its connection's queue, at most. */
#define VIEWER_QUEUED (1024 * 1024)

/* Pieces of the ring that say which stream and when: at most this many
 * are kept (4 MiB of them), so a command that switches streams every
 * byte keeps less than the ring's worth of output, not 40 times more. */
#define CHUNKS_MAX (128 * 1024)

/* Output read at once (the same millisecond) from one stream. */
struct chunk {
	uint64_t at;     /* in the session's output: its first byte */
	uint64_t off[2]; /* the stdout and stderr offsets there */
	int64_t ts_ms;   /* read then, wall clock */
	uint32_t len;
	uint8_t kind;    /* FRAME_STDOUT or FRAME_STDERR */
};

struct viewer {
	struct viewer *next;
	struct session *s;
	struct conn *conn;
	uint32_t id;
	uint64_t sent;   /* output offset sent up to */
	int64_t credit;  /* with conn->window: bytes it takes */
	size_t queued;
	uint16_t rows, cols; /* 0: no say in the size */
	int read_only;
	int stamps;      /* wants stamp messages */
	int64_t stamp;   /* the last one sent */
	int stalled;     /* its connection paused for our stdin backlog */
	uint64_t in_off; /* its stdin, received */
};

struct session {
	struct session *next;
	uint32_t serial;
	pid_t pid;
	char **argv;
	int64_t started_at_ms, ended_at_ms;
	struct exec *x; /* NULL once the process is gone */
	int tty;        /* a terminal's session; else stdout and stderr, no screen */
	struct screen *screen;
	unsigned char *ring; /* output [head - held, head) at ring[offset % cap] */
	uint64_t head;
	struct chunk *chunks; /* the ring's pieces from chunks[first], n of them */
	size_t first, nchunks, chunks_cap;
	uint64_t total[2];    /* stdout and stderr bytes so far */
	uint64_t in_total;    /* stdin taken from its viewers */
	uint32_t linger_ms;
	lws_sorted_usec_list_t linger_sul;
	uint64_t fed;        /* output up to here is in the screen */
	uint16_t rows, cols;
	struct viewer *viewers;
	int stalled;
	int over;
	int delivered; /* a viewer was sent the exited: its client has it all */
	struct msg exited;
	lws_sorted_usec_list_t expire_sul;
};

static struct session *sessions;

static uint64_t ring_start(const struct session *s)
{
	return s->head > SESSION_RING ? s->head - SESSION_RING : 0;
}

static struct chunk *chunk_at(const struct session *s, size_t i)
{
	return &s->chunks[(s->first + i) % s->chunks_cap];
}

/* The oldest output the session still holds. */
static uint64_t session_kept(const struct session *s)
{
	return s->nchunks ? chunk_at(s, 0)->at : s->head;
}

static void chunks_grow(struct session *s)
{
	size_t cap = s->chunks_cap ? 2 * s->chunks_cap : 64;
	struct chunk *c = xmalloc(cap * sizeof *c);

	for (size_t i = 0; i < s->nchunks; i++)
		c[i] = *chunk_at(s, i);
	free(s->chunks);
	s->chunks = c;
	s->chunks_cap = cap;
	s->first = 0;
}

/* len bytes of stream kind, just put at the ring's head. */
static void chunk_add(struct session *s, enum frame_kind kind, size_t len, int64_t ts)
{
	struct chunk *c = s->nchunks ? chunk_at(s, s->nchunks - 1) : NULL;
	int k = kind == FRAME_STDERR;

	if (c && c->kind == kind && c->ts_ms == ts && c->len + len <= UINT32_MAX) {
		c->len += (uint32_t)len;
	} else {
		if (s->nchunks == s->chunks_cap)
			chunks_grow(s);
		c = chunk_at(s, s->nchunks++);
		c->at = s->head - len;
		c->off[0] = s->total[0], c->off[1] = s->total[1];
		c->ts_ms = ts;
		c->len = (uint32_t)len;
		c->kind = (uint8_t)kind;
	}
	s->total[k] += len;
	while (s->nchunks && (s->nchunks > CHUNKS_MAX ||
			      chunk_at(s, 0)->at + chunk_at(s, 0)->len <= ring_start(s))) {
		s->first = (s->first + 1) % s->chunks_cap;
		s->nchunks--;
	}
}

/* The chunk that holds output byte off, kept <= off < head. */
static const struct chunk *chunk_find(const struct session *s, uint64_t off)
{
	size_t lo = 0, hi = s->nchunks;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (chunk_at(s, mid)->at <= off)
			lo = mid;
		else
			hi = mid;
	}
	return chunk_at(s, lo);
}

/* The stdout and stderr offsets at output byte off (kept <= off <= head). */
static void session_offsets(const struct session *s, uint64_t off, uint64_t o[2])
{
	const struct chunk *c;

	if (off == s->head || s->nchunks == 0) {
		o[0] = s->total[0], o[1] = s->total[1];
		return;
	}
	c = chunk_find(s, off);
	o[0] = c->off[0], o[1] = c->off[1];
	o[c->kind == FRAME_STDERR] += off - c->at;
}

static void ring_put(struct session *s, const unsigned char *p, size_t len)
{
	while (len) {
		size_t at = (size_t)(s->head % SESSION_RING), n = SESSION_RING - at;

		if (n > len)
			n = len;
		memcpy(s->ring + at, p, n);
		s->head += n, p += n, len -= n;
	}
}

struct viewer *viewer_find(struct conn *c, uint32_t id)
{
	for (struct session *s = sessions; s; s = s->next)
		for (struct viewer *v = s->viewers; v; v = v->next)
			if (v->conn == c && v->id == id)
				return v;
	return NULL;
}

struct session *session_by_serial(uint32_t n)
{
	for (struct session *s = sessions; s; s = s->next)
		if (s->serial == n)
			return s;
	return NULL;
}

static void exec_poke(struct session *s)
{
	if (s->x)
		exec_out_update(s->x);
}

static void session_catch_up(struct session *s);

/* An exited session that nobody watches keeps its screen for a later
 * attach, not its output: what is left is bounded by the screen. */
static void session_shrink(struct session *s)
{
	if (!s->over || s->viewers || s->ring == NULL || !s->tty)
		return;
	session_catch_up(s);
	free(s->ring);
	s->ring = NULL;
	free(s->chunks);
	s->chunks = NULL;
	s->nchunks = s->chunks_cap = s->first = 0;
}

static void session_linger(struct session *s);

static void session_expire(lws_sorted_usec_list_t *sul);

static void viewer_free(struct viewer *v)
{
	struct viewer **p;

	for (p = &v->s->viewers; *p; p = &(*p)->next)
		if (*p == v) {
			*p = v->next;
			break;
		}
	if (v->stalled)
		conn_stall(v->conn, 0);
	v->conn->nexecs--;
	session_shrink(v->s);
	session_linger(v->s);
	/* Without a terminal there is no screen to come back to, and one
	 * started to linger (by a fleet) is nobody's to come back to: once
	 * its client had the whole output, an ended session is of no use. */
	if (v->s->over && v->s->delivered && (!v->s->tty || v->s->linger_ms) && !v->s->viewers)
		lws_sul_schedule(agent.ctx, 0, &v->s->expire_sul, session_expire, 1);
	free(v);
}

static void viewer_send(struct viewer *v, enum frame_kind kind, uint64_t off, const void *p,
			size_t n)
{
	if (v->stamps && kind != FRAME_SCREEN) {
		const struct chunk *c = chunk_find(v->s, v->sent);
		struct msg m = {.type = MSG_STAMP, .id = v->id, .u.stamp.ts_ms = c->ts_ms};

		if (c->ts_ms != v->stamp) {
			v->stamp = c->ts_ms;
			conn_send(v->conn, &m);
		}
	}
	outq_push_data(&v->conn->q, kind, v->id, off, p, n);
	v->queued += n + PROTO_FRAME_HDR;
	lws_callback_on_writable(v->conn->wsi);
}

/* Sends what the ring holds past v->sent, within credit and queue room;
 * after the last byte of an exited session, its exited. Returns 0 if the
 * viewer is gone. */
static int viewer_pump(struct viewer *v)
{
	struct session *s = v->s;
	int keep = v->conn->window != 0;

	while (v->sent < s->head && v->queued < VIEWER_QUEUED && (!keep || v->credit > 0)) {
		size_t at = (size_t)(v->sent % SESSION_RING), n = SESSION_RING - at;
		const struct chunk *c = chunk_find(s, v->sent);

		if (n > c->at + c->len - v->sent)
			n = (size_t)(c->at + c->len - v->sent);
		if (n > PROTO_MAX_DATA)
			n = PROTO_MAX_DATA;
		if (keep && (int64_t)n > v->credit)
			n = (size_t)v->credit;
		viewer_send(v, c->kind, c->off[c->kind == FRAME_STDERR] + (v->sent - c->at),
			    s->ring + at, n);
		v->sent += n;
		v->credit -= keep ? (int64_t)n : 0;
	}
	if (s->over && v->sent == s->head) {
		s->exited.id = v->id;
		conn_send(v->conn, &s->exited);
		s->delivered = 1;
		viewer_free(v);
		return 0;
	}
	return 1;
}

static void session_pump(struct session *s)
{
	struct viewer *v, *next;

	for (v = s->viewers; v; v = next) {
		next = v->next;
		viewer_pump(v);
	}
	exec_poke(s);
}

int session_may_read(const struct session *s)
{
	for (const struct viewer *v = s->viewers; v; v = v->next)
		if (s->head - v->sent + PROTO_MAX_DATA > SESSION_RING ||
		    (s->nchunks >= CHUNKS_MAX && v->sent < chunk_at(s, 0)->at + chunk_at(s, 0)->len))
			return 0;
	return 1;
}

/* The ring's bytes [from, to) as one piece: at p, or copied into *tmp. */
static const unsigned char *ring_span(struct session *s, uint64_t from, uint64_t to,
				      unsigned char **tmp)
{
	size_t at = (size_t)(from % SESSION_RING), n = (size_t)(to - from);

	if (at + n <= SESSION_RING)
		return s->ring + at;
	*tmp = xmalloc(n);
	memcpy(*tmp, s->ring + at, SESSION_RING - at);
	memcpy(*tmp + SESSION_RING - at, s->ring, n - (SESSION_RING - at));
	return *tmp;
}

/* Where the output that matters to the screen begins in the ring's
 * [from, head): after the line feed that leaves rows + scrollback lines
 * to come, counting a line longer than the screen is wide as the rows it
 * wraps to (escapes counted as text: an over-estimate, which the
 * scrollback's margin absorbs). 1 with *cut set, or 0 when there are not
 * that many lines. */
static int ring_cut(const struct session *s, uint64_t from, uint64_t *cut)
{
	size_t cols = s->cols ? s->cols : 80, since = 0;
	size_t want = (size_t)s->rows + SESSION_SCROLLBACK + 1;
	uint64_t at = s->head;

	while (at > from) {
		/* The contiguous piece of the ring that ends at `at`. */
		size_t end = (size_t)((at - 1) % SESSION_RING) + 1;
		size_t n = end < at - from ? end : (size_t)(at - from), piece = n;
		const unsigned char *base = s->ring + end - n, *nl;

		while (n && (nl = memrchr(base, '\n', n))) {
			size_t line = since + (size_t)(base + n - nl - 1), lines = 1 + line / cols;

			if (lines >= want) {
				*cut = at - piece + (uint64_t)(nl - base) + 1;
				return 1;
			}
			want -= lines;
			since = 0;
			n = (size_t)(nl - base);
		}
		since += n;
		at -= piece;
	}
	return 0;
}

/* The oldest unfed output, before the ring drops it (see FEED_STEP). */
static void session_advance(struct session *s)
{
	unsigned char *tmp;
	const unsigned char *p;
	uint64_t end, cut;

	while (s->tty && s->head - s->fed > FEED_LAG) {
		end = s->fed + FEED_STEP;
		/* To the end of a line (within another step): no sequence or
		 * character cut between what is skipped and what is fed. */
		while (end < s->head && end - s->fed < 2 * FEED_STEP &&
		       s->ring[(end - 1) % SESSION_RING] != '\n')
			end++;
		tmp = NULL;
		p = ring_span(s, s->fed, end, &tmp);
		if (ring_cut(s, end, &cut))
			screen_skip(s->screen, p, (size_t)(end - s->fed));
		else
			screen_feed(s->screen, p, (size_t)(end - s->fed));
		free(tmp);
		s->fed = end;
	}
}

/* The screen brought up to the newest output. */
static void session_catch_up(struct session *s)
{
	unsigned char *tmp = NULL;
	const unsigned char *p;
	uint64_t cut = s->fed;
	size_t n, skip;

	if (s->fed == s->head || !s->tty)
		return;
	n = (size_t)(s->head - s->fed);
	p = ring_span(s, s->fed, s->head, &tmp);
	ring_cut(s, s->fed, &cut);
	skip = (size_t)(cut - s->fed);
	if (skip)
		screen_skip(s->screen, p, skip);
	screen_feed(s->screen, p + skip, n - skip);
	s->fed = s->head;
	free(tmp);
}

void session_output(struct session *s, enum frame_kind kind, const void *data, size_t len)
{
	ring_put(s, data, len);
	chunk_add(s, kind, len, clock_wall_ms());
	session_advance(s);
	for (struct viewer *v = s->viewers; v; v = v->next)
		viewer_pump(v);
}

/* The smallest size of the viewers that have one, as tmux does; the
 * session keeps its size while none has. */
static void session_fit(struct session *s)
{
	uint16_t rows = 0, cols = 0;

	for (struct viewer *v = s->viewers; v; v = v->next) {
		if (!v->rows)
			continue;
		rows = rows && rows < v->rows ? rows : v->rows;
		cols = cols && cols < v->cols ? cols : v->cols;
	}
	if (!rows || (rows == s->rows && cols == s->cols) || s->x == NULL || !s->tty)
		return;
	s->rows = rows, s->cols = cols;
	session_catch_up(s); /* what came before was written at the old size */
	screen_resize(s->screen, rows, cols);
	exec_resize(s->x, rows, cols);
}

static struct viewer *viewer_add(struct session *s, struct conn *c, uint32_t id,
				 const struct msg_attach *a)
{
	struct viewer *v = xcalloc(1, sizeof *v);

	v->s = s;
	v->conn = c;
	v->id = id;
	v->credit = c->window;
	v->read_only = a->read_only;
	v->stamps = a->stamps;
	v->stamp = -1;
	if (!a->read_only)
		v->rows = a->rows, v->cols = a->cols;
	lws_sul_cancel(&s->linger_sul);
	v->next = s->viewers;
	s->viewers = v;
	c->nexecs++;
	if (s->stalled && !v->read_only && (v->stalled = 1))
		conn_stall(c, 1);
	return v;
}

void session_start(struct exec *x, struct conn *c, uint32_t id, const struct msg_exec *req)
{
	struct session *s = xcalloc(1, sizeof *s);
	struct msg_attach a = {.rows = req->rows, .cols = req->cols, .stamps = req->stamps};

	s->serial = x->serial;
	s->pid = x->pid;
	s->argv = x->argv; /* the session's now: it may outlive x */
	x->argv = NULL;
	s->started_at_ms = x->started_at_ms;
	s->x = x;
	s->rows = req->rows, s->cols = req->cols;
	s->tty = req->tty;
	s->linger_ms = req->linger_ms;
	if (s->tty)
		s->screen = screen_new(req->rows, req->cols, SESSION_SCROLLBACK);
	/* Touched as it fills: a quiet session costs what it wrote. */
	s->ring = xmalloc(SESSION_RING);
	s->next = sessions;
	sessions = s;
	x->sess = s;
	viewer_add(s, c, id, &a);
}

static void session_free(struct session *s)
{
	struct session **p;

	for (p = &sessions; *p; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			break;
		}
	while (s->viewers)
		viewer_free(s->viewers);
	lws_sul_cancel(&s->expire_sul);
	lws_sul_cancel(&s->linger_sul);
	if (s->x)
		s->x->sess = NULL;
	for (char **a = s->argv; a && *a; a++)
		free(*a);
	free(s->argv);
	if (s->screen)
		screen_free(s->screen);
	free(s->ring);
	free(s->chunks);
	free(s);
}

static void session_expire(lws_sorted_usec_list_t *sul)
{
	session_free(lws_container_of(sul, struct session, expire_sul));
}

/* Left without viewers: a session started with linger_ms is ended that
 * long after (its command TERM, then KILL, as at a timeout; an exited one
 * freed), so a client that died leaves nothing running. */
static void linger_fire(lws_sorted_usec_list_t *sul)
{
	struct session *s = lws_container_of(sul, struct session, linger_sul);

	if (s->viewers)
		return;
	log_debug("session %u: no viewer for %u ms", s->serial, s->linger_ms);
	if (s->x)
		exec_terminate(s->x);
	else
		session_free(s);
}

static void session_linger(struct session *s)
{
	if (s->linger_ms && s->viewers == NULL)
		lws_sul_schedule(agent.ctx, 0, &s->linger_sul, linger_fire,
				 (lws_usec_t)s->linger_ms * 1000);
}

void session_exited(struct session *s, const struct msg *exited)
{
	s->exited = *exited;
	s->exited.u.exited.stdout_bytes = s->total[0];
	s->exited.u.exited.stderr_bytes = s->total[1];
	s->over = 1;
	s->x = NULL;
	s->ended_at_ms = clock_wall_ms();
	log_debug("session %u: over", s->serial);
	/* Before the pump: a viewer given everything may free it sooner. */
	lws_sul_schedule(agent.ctx, 0, &s->expire_sul, session_expire,
			 (lws_usec_t)SESSION_KEEP_MS * 1000);
	session_pump(s);
	session_shrink(s);
	session_linger(s);
}

void session_stall(struct session *s, int stall)
{
	s->stalled = stall;
	for (struct viewer *v = s->viewers; v; v = v->next)
		if (!v->read_only && v->stalled != stall) {
			v->stalled = stall;
			conn_stall(v->conn, stall);
		}
}

/* The screen as it is, as frames before the output resumes. */
static void viewer_repaint(struct viewer *v, const char *snap, size_t len)
{
	size_t n;

	for (size_t at = 0; at < len; at += n) {
		n = len - at < PROTO_MAX_DATA ? len - at : PROTO_MAX_DATA;
		viewer_send(v, FRAME_SCREEN, at, snap + at, n);
	}
}

static int attach_check(struct conn *c, const struct msg *m, struct session **sp)
{
	const struct msg_attach *a = &m->u.attach;
	struct session *s = session_by_serial(a->session);
	char buf[160];

	if (s == NULL) {
		snprintf(buf, sizeof buf, "no session numbered %u on this agent (see sbx ps)",
			 a->session);
		conn_send_error(c, m->id, PERR_UNKNOWN_EXEC, buf);
		return -1;
	}
	if (a->resume && a->offset > s->head) {
		snprintf(buf, sizeof buf, "offset %llu is past the session's output (%llu bytes)",
			 (unsigned long long)a->offset, (unsigned long long)s->head);
		conn_send_error(c, m->id, PERR_BAD_MESSAGE, buf);
		return -1;
	}
	*sp = s;
	return 0;
}

static void attached_send(struct viewer *v, struct msg *r)
{
	uint64_t o[2];

	session_offsets(v->s, v->sent, o);
	r->u.attached.stdout_offset = o[0];
	r->u.attached.stderr_offset = o[1];
	r->u.attached.stdin_offset = v->s->in_total;
	r->u.attached.stdin_known = 1;
	conn_send(v->conn, r);
}

/* attach: resume from the offset the client has if the ring still holds
 * it; otherwise (or without one) repaint the screen, saying how much of
 * what it asked for is lost, and go on from the newest byte. */
void session_attach(struct conn *c, const struct msg *m)
{
	const struct msg_attach *a = &m->u.attach;
	struct msg r = {.type = MSG_ATTACHED, .id = m->id};
	struct msg_attached *d = &r.u.attached;
	struct session *s;
	struct viewer *v;
	char *snap;
	size_t len;

	if (attach_check(c, m, &s) < 0)
		return;
	v = viewer_add(s, c, m->id, a);
	session_fit(s);
	d->session = s->serial;
	d->pid = s->pid;
	d->rows = s->rows, d->cols = s->cols;
	if (a->resume && s->ring && a->offset >= session_kept(s)) {
		d->offset = v->sent = a->offset;
		attached_send(v, &r);
	} else if (!s->tty) {
		/* No screen to repaint: all the output still held. */
		d->offset = v->sent = session_kept(s);
		d->lost = a->resume ? v->sent - a->offset : 0;
		attached_send(v, &r);
	} else {
		d->offset = v->sent = s->head;
		d->lost = a->resume ? (s->ring ? session_kept(s) : s->head) - a->offset : 0;
		session_catch_up(s);
		snap = screen_snapshot(s->screen, &len);
		d->screen_bytes = len;
		attached_send(v, &r);
		viewer_repaint(v, snap, len);
		free(snap);
	}
	log_debug("session %u: attached (%u), at %llu", s->serial, m->id,
		  (unsigned long long)v->sent);
	viewer_pump(v);
}

void viewer_detach(struct viewer *v)
{
	struct msg m = {.type = MSG_DETACHED, .id = v->id};
	struct session *s = v->s;

	conn_send(v->conn, &m);
	viewer_free(v);
	session_fit(s);
	exec_poke(s);
}

void viewer_stdin(struct viewer *v, const struct frame *f)
{
	struct msg w = {.type = MSG_WINDOW, .id = v->id};

	if (v->read_only || v->s->x == NULL) {
		conn_send_error(v->conn, v->id, PERR_STDIN_CLOSED,
				v->read_only ? "attached read-only: input is not sent"
					     : "the session's process has exited");
		return;
	}
	if (!conn_stdin_in_order(v->conn, f, v->in_off) || f->len == 0)
		return;
	v->in_off += f->len;
	v->s->in_total += exec_in_push(v->s->x, f->data, f->len); /* stdin_offset */
	/* Granted at once: what waits is bounded by stalling the typists'
	 * connections (session_stall), not by their credit. */
	if (v->conn->window) {
		w.u.window.bytes = (uint32_t)f->len;
		conn_send(v->conn, &w);
	}
}

void viewer_stdin_close(struct viewer *v)
{
	if (!v->s->tty && !v->read_only && v->s->x)
		exec_stdin_close(v->s->x);
}

void viewer_resize(struct viewer *v, uint16_t rows, uint16_t cols)
{
	if (v->read_only)
		return;
	v->rows = rows, v->cols = cols;
	session_fit(v->s);
}

void viewer_signal(struct viewer *v, int signo)
{
	if (v->read_only) {
		conn_send_error(v->conn, v->id, PERR_BAD_MESSAGE, "attached read-only: no signals");
		return;
	}
	if (v->s->x)
		exec_signal(v->s->x, signo);
}

void viewer_window(struct viewer *v, uint32_t bytes)
{
	v->credit += bytes;
	if (viewer_pump(v))
		exec_poke(v->s);
}

void viewer_sent(struct viewer *v, size_t len)
{
	v->queued -= len < v->queued ? len : v->queued;
	if (viewer_pump(v))
		exec_poke(v->s);
}

/* A dropped connection is a detach: the sessions go on. */
void session_conn_gone(struct conn *c)
{
	for (struct session *s = sessions; s; s = s->next) {
		struct viewer *v, *next;
		int gone = 0;

		for (v = s->viewers; v; v = next) {
			next = v->next;
			if (v->conn == c && (gone = 1))
				viewer_free(v);
		}
		if (gone) {
			session_fit(s);
			exec_poke(s);
		}
	}
}

static void session_info(const struct session *s, struct msg_exec_info *e)
{
	e->exec = s->serial;
	e->pid = s->pid;
	exec_info_command(e, s->argv);
	e->started_at_ms = s->started_at_ms;
	e->tty = s->tty;
	e->via = xstrdup("ws");
	e->session = 1;
	for (const struct viewer *v = s->viewers; v; v = v->next)
		e->attached++;
	e->rows = s->rows, e->cols = s->cols;
	e->exited = s->over;
	e->code = s->exited.u.exited.code;
	e->signo = s->exited.u.exited.signo;
	e->ended_at_ms = s->ended_at_ms;
}

/* Appends the sessions to l, whose v has room (exec_list counts them). */
void session_list(struct msg_execs *l)
{
	for (struct session *s = sessions; s; s = s->next)
		session_info(s, &l->v[l->n++]);
}

size_t session_count(void)
{
	size_t n = 0;

	for (struct session *s = sessions; s; s = s->next)
		n++;
	return n;
}

void session_free_all(void)
{
	while (sessions)
		session_free(sessions);
}
