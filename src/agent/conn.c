/*
 * conn.c: one client's WebSocket. Reassembles messages, decodes them, and
 * dispatches each to a small handler; queues replies and writes them when
 * the socket is writable. Bad input gets an `error` reply and the
 * connection keeps serving, except a version mismatch, which closes it.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "clock.h"
#include "log.h"
#include "session.h"
#include "xmalloc.h"

/* A client that sends and never reads (a flood of bad messages, each
 * answered) would grow our queue without end: past this, read no more
 * from it until it has taken its replies. Data frames are bounded per
 * exec already (exec.c). */
#define QUEUE_PAUSE (4 * 1024 * 1024)
#define QUEUE_RESUME (1024 * 1024)

/* The connection is read only while no exec's stdin backlog stalls it and
 * its own write queue is not full. */
static void rx_update(struct conn *c)
{
	int on = c->stdin_stalls == 0 && !c->queue_full;

	if (on != c->rx_on) {
		c->rx_on = on;
		lws_rx_flow_control(c->wsi, on);
	}
}

void conn_send(struct conn *c, const struct msg *m)
{
	size_t len;
	char *s = msg_encode(m, &len);

	/* id 0: only data frames count against an exec's output backlog */
	outq_push_text(&c->q, 0, s, len);
	free(s);
	lws_callback_on_writable(c->wsi);
	if (c->q.bytes > QUEUE_PAUSE && !c->queue_full) {
		c->queue_full = 1;
		rx_update(c);
	}
}

void conn_send_error(struct conn *c, uint32_t id, enum proto_err code,
		     const char *message)
{
	struct msg m = {.type = MSG_ERROR, .id = id};

	m.u.error.code = code;
	m.u.error.message = (char *)message;
	log_debug("error to client: %s: %s", proto_err_name(code), message);
	conn_send(c, &m);
}

static void conn_fatal(struct conn *c, enum proto_err code, const char *message)
{
	conn_send_error(c, 0, code, message);
	c->closing = 1;
}

void conn_stall(struct conn *c, int stall)
{
	c->stdin_stalls += stall ? 1 : -1;
	rx_update(c);
}

void conn_open(struct conn *c, struct lws *wsi)
{
	struct msg m = {.type = MSG_HELLO};

	memset(c, 0, sizeof *c);
	c->wsi = wsi;
	c->rx_on = 1;
	c->next = agent.conns;
	agent.conns = c;
	m.u.hello.version = PROTO_VERSION;
	m.u.hello.software = "sbx-agent/" SBX_VERSION;
	m.u.hello.max_frame = PROTO_MAX_FRAME;
	m.u.hello.max_execs = PROTO_MAX_EXECS;
	m.u.hello.instance = agent.instance;
	/* The client offered permessage-deflate, which we always accept. */
	if (lws_hdr_total_length(wsi, WSI_TOKEN_EXTENSIONS) > 0) {
		c->q.deflate = 1;
		lws_set_extension_option(wsi, "permessage-deflate", "tx_buf_size", "16");
		lws_set_extension_option(wsi, "permessage-deflate", "rx_buf_size", "16");
	}
	conn_send(c, &m);
}

static struct exec *lookup(struct conn *c, uint32_t id)
{
	struct exec *x = exec_find(c, id);
	char buf[80];

	if (x == NULL) {
		snprintf(buf, sizeof buf, "no running exec has id %u", id);
		conn_send_error(c, id, PERR_UNKNOWN_EXEC, buf);
	}
	return x;
}

/* A new exec or attach may take id m->id: 0 (and an error) if not. */
static int id_free(struct conn *c, const struct msg *m)
{
	char buf[80];

	if (exec_find(c, m->id) || viewer_find(c, m->id)) {
		snprintf(buf, sizeof buf, "exec id %u is already running", m->id);
		conn_send_error(c, m->id, PERR_DUPLICATE_ID, buf);
		return 0;
	}
	if (c->nexecs >= PROTO_MAX_EXECS) {
		snprintf(buf, sizeof buf, "this connection already runs %d execs, the limit",
			 PROTO_MAX_EXECS);
		conn_send_error(c, m->id, PERR_TOO_MANY_EXECS, buf);
		return 0;
	}
	return 1;
}

static void on_exec(struct conn *c, const struct msg *m, double t_recv)
{
	if (id_free(c, m))
		exec_start(c, NULL, m, t_recv);
}

static void on_attach(struct conn *c, const struct msg *m)
{
	if (id_free(c, m))
		session_attach(c, m);
}

/* Messages for an attached session's viewer; 0 if m is not one. */
static int on_viewer(struct conn *c, const struct msg *m)
{
	struct viewer *v = viewer_find(c, m->id);

	if (v == NULL)
		return 0;
	switch (m->type) {
	case MSG_RESIZE:
		viewer_resize(v, m->u.resize.rows, m->u.resize.cols);
		break;
	case MSG_WINDOW:
		viewer_window(v, m->u.window.bytes);
		break;
	case MSG_SIGNAL:
		viewer_signal(v, m->u.signal.signo);
		break;
	case MSG_KILL:
		viewer_signal(v, SIGKILL);
		break;
	case MSG_DETACH:
		viewer_detach(v);
		break;
	case MSG_STDIN_CLOSE:
		viewer_stdin_close(v);
		break;
	default:
		break;
	}
	return 1;
}

static void on_list(struct conn *c, uint32_t id)
{
	struct msg m = {.type = MSG_EXECS, .id = id};

	exec_list(&m);
	conn_send(c, &m);
	msg_free(&m);
}

/* Any client may signal any exec of this agent: they all hold the same
 * token, and can run kill(1) there anyway. */
static void on_signal_exec(struct conn *c, const struct msg *req)
{
	struct msg m = {.type = MSG_SIGNALED, .id = req->id};
	struct exec *x = exec_by_serial(req->u.signal_exec.exec);
	char buf[120];

	if (x == NULL) {
		snprintf(buf, sizeof buf, "no exec numbered %u runs on this agent",
			 req->u.signal_exec.exec);
		conn_send_error(c, req->id, PERR_UNKNOWN_EXEC, buf);
		return;
	}
	exec_signal(x, req->u.signal_exec.signo);
	m.u.signal_exec.exec = req->u.signal_exec.exec;
	m.u.signal_exec.pid = exec_pid(x);
	conn_send(c, &m);
}

/* Messages for an exec of this connection. */
static void on_exec_msg(struct conn *c, const struct msg *m)
{
	struct exec *x;

	switch (m->type) {
	case MSG_RESIZE:
		if ((x = lookup(c, m->id)) && exec_resize(x, m->u.resize.rows, m->u.resize.cols) < 0)
			conn_send_error(c, m->id, PERR_BAD_MESSAGE, "resize: the exec has no tty");
		break;
	case MSG_WINDOW:
		/* A grant can cross the exec's exited: one for an exec that
		 * is gone is no error. */
		if ((x = exec_find(c, m->id)))
			exec_window(x, m->u.window.bytes);
		break;
	case MSG_STDIN_CLOSE:
		if ((x = lookup(c, m->id)))
			exec_stdin_close(x);
		break;
	case MSG_SIGNAL:
		if ((x = lookup(c, m->id)))
			exec_signal(x, m->u.signal.signo);
		break;
	case MSG_KILL:
		if ((x = lookup(c, m->id)))
			exec_signal(x, SIGKILL);
		break;
	default:
		break;
	}
}

static void on_text(struct conn *c, const unsigned char *buf, size_t len, double t_recv)
{
	struct proto_error e;
	struct msg m;

	if (msg_decode((const char *)buf, len, DIR_TO_AGENT, &m, &e) < 0) {
		if (e.code == PERR_VERSION)
			conn_fatal(c, e.code, e.message);
		else
			conn_send_error(c, e.id, e.code, e.message);
		return;
	}
	if (!c->hello_ok && m.type != MSG_HELLO) {
		conn_fatal(c, PERR_HELLO_REQUIRED, "the first message must be hello");
		msg_free(&m);
		return;
	}
	switch (m.type) {
	case MSG_HELLO:
		if (!c->hello_ok) /* a second hello changes nothing */
			c->window = m.u.hello.window;
		c->hello_ok = 1;
		break;
	case MSG_LIST:
		on_list(c, m.id);
		break;
	case MSG_ATTACH:
		on_attach(c, &m);
		break;
	case MSG_DETACH:
		if (!on_viewer(c, &m))
			conn_send_error(c, m.id, PERR_UNKNOWN_EXEC, "detach: nothing is attached with this id");
		break;
	case MSG_RESIZE:
	case MSG_WINDOW:
	case MSG_SIGNAL:
	case MSG_KILL:
	case MSG_STDIN_CLOSE:
		if (on_viewer(c, &m))
			break;
		on_exec_msg(c, &m);
		break;
	case MSG_SIGNAL_EXEC:
		on_signal_exec(c, &m);
		break;
	case MSG_EXEC:
		on_exec(c, &m, t_recv);
		break;
	default:
		break; /* msg_decode let only client messages through */
	}
	msg_free(&m);
}

int conn_stdin_in_order(struct conn *c, const struct frame *f, uint64_t expected)
{
	char msg[120];

	if (f->offset == expected)
		return 1;
	snprintf(msg, sizeof msg, "stdin of exec %u: frame at byte %llu, expected %llu; dropped",
		 f->id, (unsigned long long)f->offset, (unsigned long long)expected);
	conn_send_error(c, f->id, PERR_BAD_FRAME, msg);
	return 0;
}

static void on_binary(struct conn *c, const unsigned char *buf, size_t len)
{
	struct proto_error e;
	struct frame f;
	struct exec *x;
	struct viewer *v;
	char msg[120];

	if (frame_decode(buf, len, &f, &e) < 0) {
		if (e.code == PERR_VERSION)
			conn_fatal(c, e.code, e.message);
		else
			conn_send_error(c, 0, e.code, e.message);
		return;
	}
	if (!c->hello_ok) {
		conn_fatal(c, PERR_HELLO_REQUIRED, "the first message must be hello");
		return;
	}
	if (f.kind != FRAME_STDIN) {
		snprintf(msg, sizeof msg, "clients send only stdin data, not %s",
			 frame_kind_name(f.kind));
		conn_send_error(c, f.id, PERR_BAD_FRAME, msg);
		return;
	}
	if ((v = viewer_find(c, f.id))) {
		viewer_stdin(v, &f);
		return;
	}
	if ((x = lookup(c, f.id)) == NULL)
		return;
	if (exec_stdin_broken(x))
		return; /* in flight when the command closed its stdin: dropped */
	if (!exec_stdin_open(x)) {
		snprintf(msg, sizeof msg, "exec %u has no open stdin (stdin \"pipe\" not asked, or closed)",
			 f.id);
		conn_send_error(c, f.id, PERR_STDIN_CLOSED, msg);
		return;
	}
	if (conn_stdin_in_order(c, &f, exec_stdin_offset(x)))
		exec_stdin(x, &f);
}

static void conn_dispatch(struct conn *c, const unsigned char *buf, size_t len)
{
	if (lws_frame_is_binary(c->wsi))
		on_binary(c, buf, len);
	else
		on_text(c, buf, len, clock_ms());
}

void conn_receive(struct conn *c, const void *in, size_t len)
{
	struct lws *wsi = c->wsi;
	int last = lws_is_final_fragment(wsi) && lws_remaining_packet_payload(wsi) == 0;

	if (c->closing)
		return;
	/* The common case, a whole message in one callback, needs no copy
	 * (and an idle connection no reassembly buffer). */
	if (last && c->rxlen == 0 && !c->rx_discard) {
		conn_dispatch(c, in, len);
		return;
	}
	if (!c->rx_discard && c->rxlen + len > PROTO_MAX_FRAME) {
		char buf[100];
		snprintf(buf, sizeof buf, "message over the limit of %d bytes; dropped",
			 PROTO_MAX_FRAME);
		conn_send_error(c, 0, PERR_FRAME_TOO_LARGE, buf);
		c->rx_discard = 1;
	}
	if (!c->rx_discard) {
		if (c->rxlen + len > c->rxcap) {
			c->rxcap = c->rxlen + len > 65536 ? c->rxlen + len : 65536;
			c->rx = xrealloc(c->rx, c->rxcap);
		}
		memcpy(c->rx + c->rxlen, in, len);
		c->rxlen += len;
	}
	if (!last)
		return;
	if (!c->rx_discard)
		conn_dispatch(c, c->rx, c->rxlen);
	c->rxlen = 0;
	c->rx_discard = 0;
	if (c->rxcap > 4 * 65536) {
		free(c->rx);
		c->rx = NULL;
		c->rxcap = 0;
	}
}

int conn_writable(struct conn *c)
{
	struct exec *x;
	uint32_t id;
	long n;

	while (c->q.head && !lws_send_pipe_choked(c->wsi)) {
		n = outq_write(&c->q, c->wsi, &id);
		if (n < 0)
			return -1;
		struct viewer *v;
		if (id && (x = exec_find(c, id)))
			exec_sent(x, (size_t)n);
		else if (id && (v = viewer_find(c, id)))
			viewer_sent(v, (size_t)n);
		/* Compressed, the frame may not all be out: lws sends the
		 * rest before our next writable callback, not after a write
		 * of ours it would interleave with. */
		if (c->q.deflate)
			break;
	}
	if (c->queue_full && c->q.bytes < QUEUE_RESUME) {
		c->queue_full = 0;
		rx_update(c);
	}
	if (c->q.head) {
		lws_callback_on_writable(c->wsi);
		return 0;
	}
	if (c->closing) {
		lws_close_reason(c->wsi, LWS_CLOSE_STATUS_POLICY_VIOLATION, NULL, 0);
		return -1;
	}
	return 0;
}

/* 1 while some client still has messages (exited, above all) to get. */
int conn_any_pending(void)
{
	for (struct conn *c = agent.conns; c; c = c->next)
		if (c->q.head)
			return 1;
	return 0;
}

void conn_closed(struct conn *c)
{
	struct conn **p;

	for (p = &agent.conns; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	exec_conn_gone(c);
	session_conn_gone(c);
	outq_clear(&c->q);
	free(c->rx);
	c->rx = NULL;
}
