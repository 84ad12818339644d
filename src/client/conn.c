/*
 * conn.c: one WebSocket to one agent. Connects (unix socket or TCP),
 * sends hello, queues frames until writable, reassembles what arrives and
 * hands it to exec.c. A failure is reported once, with the reason a user
 * can act on (no agent there, token refused, version mismatch).
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "client.h"
#include "xmalloc.h"

void conn_push(struct sbx_conn *c, const struct msg *m)
{
	size_t len;
	char *s = msg_encode(m, &len);

	outq_push_text(&c->q, m->id, s, len);
	free(s);
	conn_kick(c);
}

uint32_t conn_new_id(struct sbx_conn *c)
{
	uint32_t id;

	do
		id = ++c->next_id;
	while (id == 0 || exec_id_in_use(c, id) || request_id_in_use(c, id));
	return id;
}

/* Called after queueing: write as soon as the socket is up. */
void conn_kick(struct sbx_conn *c)
{
	if (c->q.bytes > SBX_QUEUE_HIGH)
		c->above_high = 1;
	if (c->wsi && c->established)
		lws_callback_on_writable(c->wsi);
}

/* lws gives vague reasons for a failed connect; a plain connect() of our
 * own tells the errno a user can act on. Only runs on the failure path. */
static int probe_errno(const struct addr *a)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct pollfd pfd;
	char port[16];
	int fd, rc, err = 0;
	socklen_t elen = sizeof err;

	if (a->is_unix) {
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		snprintf(sun.sun_path, sizeof sun.sun_path, "%s", a->path);
		rc = connect(fd, (struct sockaddr *)&sun, sizeof sun);
		err = rc < 0 ? errno : 0;
		close(fd);
		return err;
	}
	snprintf(port, sizeof port, "%d", a->port);
	if ((rc = getaddrinfo(a->host, port, &hints, &res)) != 0)
		return rc == EAI_NONAME ? -1 : EHOSTUNREACH;
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	rc = connect(fd, res->ai_addr, res->ai_addrlen);
	if (rc < 0 && errno == EINPROGRESS) {
		pfd.fd = fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, 3000) == 1)
			getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
		else
			err = ETIMEDOUT;
	} else if (rc < 0) {
		err = errno;
	}
	close(fd);
	freeaddrinfo(res);
	return err;
}

static void conn_fail(struct sbx_conn *c, enum proto_err code, const char *why)
{
	if (c->done)
		return;
	c->done = 1;
	exec_abandon_all(c);
	if (c->ops->failed)
		c->ops->failed(c, c->arg, code, why);
}

static void connect_failed(struct sbx_conn *c, const char *lws_reason)
{
	char why[300];
	int err;

	if (lws_reason && strstr(lws_reason, "unauthorized")) {
		snprintf(why, sizeof why,
			 c->token ? "the agent at %s refused the token (401 unauthorized); check --token-file or SBX_TOKEN"
				  : "the agent at %s requires a token: give --token-file FILE or set SBX_TOKEN",
			 c->addr.text);
		conn_fail(c, PERR_UNAUTHORIZED, why);
		return;
	}
	if (c->addr.tls && lws_reason && (strstr(lws_reason, "SSL") || strstr(lws_reason, "tls"))) {
		snprintf(why, sizeof why,
			 "TLS handshake with %s failed: certificate not trusted, or not a wss:// agent "
			 "(give --ca-file FILE for a private CA)", c->addr.text);
		conn_fail(c, PERR_TLS, why);
		return;
	}
	err = probe_errno(&c->addr);
	if (err < 0)
		snprintf(why, sizeof why, "cannot connect to %s: unknown host %s", c->addr.text,
			 c->addr.host);
	else if (err)
		snprintf(why, sizeof why, "cannot connect to %s: %s (is sbx-agent running?)",
			 c->addr.text, strerror(err));
	else
		snprintf(why, sizeof why, "cannot connect to %s: %s (is it an sbx-agent%s?)",
			 c->addr.text, lws_reason ? lws_reason : "WebSocket handshake failed",
			 c->addr.tls ? "" : ", or one that wants wss://");
	conn_fail(c, PERR_INTERNAL, why);
}

static void on_hello(struct sbx_conn *c, const struct msg *m)
{
	if (c->ready)
		return;
	c->ready = 1;
	if (m->u.hello.instance)
		snprintf(c->instance, sizeof c->instance, "%s", m->u.hello.instance);
	if (c->ops->ready)
		c->ops->ready(c, c->arg);
}

static void on_text(struct sbx_conn *c, const char *buf, size_t len)
{
	struct proto_error e;
	struct msg m;
	char why[300];

	if (msg_decode(buf, len, DIR_TO_CLIENT, &m, &e) < 0) {
		snprintf(why, sizeof why, "%s sent a bad message (%s: %s)", c->addr.text,
			 proto_err_name(e.code), e.message);
		conn_fail(c, e.code == PERR_VERSION ? PERR_VERSION : PERR_INTERNAL, why);
		return;
	}
	if (m.type == MSG_HELLO)
		on_hello(c, &m);
	else if (m.type == MSG_ERROR && (m.id == 0 || m.u.error.code == PERR_VERSION ||
					 m.u.error.code == PERR_HELLO_REQUIRED)) {
		snprintf(why, sizeof why, "%s: %s", c->addr.text, m.u.error.message);
		conn_fail(c, m.u.error.code, why);
	} else if (!request_on_message(c, &m))
		exec_on_message(c, &m);
	msg_free(&m);
}

static void on_binary(struct sbx_conn *c, const unsigned char *buf, size_t len)
{
	struct proto_error e;
	struct frame f;
	char why[300];

	if (frame_decode(buf, len, &f, &e) < 0) {
		snprintf(why, sizeof why, "%s sent a bad data frame (%s)", c->addr.text, e.message);
		conn_fail(c, PERR_INTERNAL, why);
		return;
	}
	exec_on_frame(c, &f);
}

static void on_receive(struct sbx_conn *c, struct lws *wsi, const void *in, size_t len)
{
	int last = lws_is_final_fragment(wsi) && lws_remaining_packet_payload(wsi) == 0;

	/* The common case, a whole message in one callback, needs no copy. */
	if (last && c->rxlen == 0) {
		if (lws_frame_is_binary(wsi))
			on_binary(c, in, len);
		else
			on_text(c, in, len);
		return;
	}
	if (c->rxlen + len > PROTO_MAX_FRAME + PROTO_FRAME_HDR) {
		conn_fail(c, PERR_FRAME_TOO_LARGE, "the agent sent a message over the size limit");
		return;
	}
	if (c->rxlen + len > c->rxcap) {
		c->rxcap = c->rxlen + len < 65536 ? 65536 : c->rxlen + len;
		c->rx = xrealloc(c->rx, c->rxcap);
	}
	memcpy(c->rx + c->rxlen, in, len);
	c->rxlen += len;
	if (!last)
		return;
	len = c->rxlen;
	c->rxlen = 0;
	if (lws_frame_is_binary(wsi))
		on_binary(c, c->rx, len);
	else
		on_text(c, (char *)c->rx, len);
}

/* lws's default buffers (1 KiB) cut a 64 KiB frame into many pieces, a
 * writable callback each: take a frame at once. */
static void deflate_tune(struct lws *wsi)
{
	lws_set_extension_option(wsi, "permessage-deflate", "tx_buf_size", "16");
	lws_set_extension_option(wsi, "permessage-deflate", "rx_buf_size", "16");
}

static int on_writable(struct sbx_conn *c, struct lws *wsi)
{
	uint32_t id;

	/* Compressed, one frame per callback (see outq.h). */
	while (c->q.head && !lws_send_pipe_choked(wsi)) {
		if (outq_write(&c->q, wsi, &id) < 0)
			return -1;
		if (c->q.deflate)
			break;
	}
	if (c->q.head)
		lws_callback_on_writable(wsi);
	if (c->above_high && c->q.bytes < SBX_QUEUE_LOW) {
		c->above_high = 0;
		if (c->ops->drained && !c->done)
			c->ops->drained(c, c->arg);
	}
	return 0;
}

/* Closed under us: say whether it was the keepalive giving up on a
 * silent agent (stopped, or the network cut), which a user acts on
 * differently from an agent that went away. */
static void conn_lost(struct sbx_conn *c)
{
	lws_usec_t quiet = lws_now_usecs() - c->last_rx;
	char why[300];

	if (quiet >= (lws_usec_t)(c->hangup_secs > 1 ? c->hangup_secs - 1 : 1) * LWS_US_PER_SEC)
		snprintf(why, sizeof why,
			 "lost the connection to %s: no answer for %lld s (keepalive); "
			 "the agent is stopped or unreachable", c->addr.text,
			 (long long)(quiet / LWS_US_PER_SEC));
	else
		snprintf(why, sizeof why, "lost the connection to %s", c->addr.text);
	conn_fail(c, PERR_INTERNAL, why);
}

static int add_token(struct sbx_conn *c, struct lws *wsi, void *in, size_t len)
{
	unsigned char **p = in, *end = *p + len;
	char *v;
	int rc;

	if (c->token == NULL)
		return 0;
	v = xasprintf("Bearer %s", c->token);
	rc = lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_AUTHORIZATION,
					  (unsigned char *)v, (int)strlen(v), p, end);
	free(v);
	return rc ? -1 : 0;
}

int conn_callback(struct lws *wsi, enum lws_callback_reasons reason,
			 void *user, void *in, size_t len)
{
	struct sbx_conn *c = lws_get_opaque_user_data(wsi);

	(void)user;
	if (c == NULL)
		return 0;
	switch (reason) {
	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
		return add_token(c, wsi, in, len);
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		c->wsi = NULL;
		connect_failed(c, in ? (const char *)in : NULL);
		return 0;
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		c->established = 1;
		c->q.deflate = c->cl->deflate;
		if (c->q.deflate)
			deflate_tune(wsi);
		c->last_rx = lws_now_usecs();
		lws_callback_on_writable(wsi);
		return 0;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		c->last_rx = lws_now_usecs();
		if (!c->done)
			on_receive(c, wsi, in, len);
		return 0;
	case LWS_CALLBACK_CLIENT_RECEIVE_PONG:
		c->last_rx = lws_now_usecs();
		return 0;
	case LWS_CALLBACK_CLIENT_WRITEABLE:
		return c->done ? -1 : on_writable(c, wsi);
	case LWS_CALLBACK_CLIENT_CLOSED:
		c->wsi = NULL;
		conn_lost(c);
		return 0;
	default:
		return 0;
	}
}


/* lws_client_connect_via_info fails without a callback when a unix socket
 * is missing: report it from the loop, like every other failure. lws runs
 * ripe timers just before it polls, with the poll's timeout already set
 * by the next timer (up to 30 s away): wake it, or a waiter would sleep
 * through the failure. */
static void fail_later(lws_sorted_usec_list_t *sul)
{
	struct sbx_conn *c = lws_container_of(sul, struct sbx_conn, fail_sul);

	connect_failed(c, NULL);
	lws_cancel_service(c->cl->ctx);
}

struct sbx_conn *sbx_conn_open(struct sbx_client *cl, const char *target,
			       const char *token, const struct sbx_conn_ops *ops,
			       void *arg, char *err, size_t errlen)
{
	return sbx_conn_open_ca(cl, target, token, NULL, ops, arg, err, errlen);
}

struct sbx_conn *sbx_conn_open_ca(struct sbx_client *cl, const char *target,
				  const char *token, const char *ca_file,
				  const struct sbx_conn_ops *ops, void *arg, char *err,
				  size_t errlen)
{
	struct lws_client_connect_info ci = {0};
	struct sbx_conn *c = xcalloc(1, sizeof *c);
	struct msg hello = {.type = MSG_HELLO};
	struct lws_vhost *vh = cl->vh;
	char address[200];

	if (addr_parse_target(target, &c->addr, err, errlen) < 0) {
		addr_free(&c->addr);
		free(c);
		return NULL;
	}
	if (c->addr.tls && !cl->tls) {
		snprintf(err, errlen, "%s: this client was made without TLS (SBX_CLIENT_TLS)", target);
		addr_free(&c->addr);
		free(c);
		return NULL;
	}
	if (c->addr.tls && (vh = client_vhost_for(cl, ca_file)) == NULL) {
		snprintf(err, errlen, "%s: cannot load the CA file %s", target, ca_file);
		addr_free(&c->addr);
		free(c);
		return NULL;
	}
	c->cl = cl;
	c->ops = ops;
	c->arg = arg;
	c->token = token ? xstrdup(token) : NULL;
	c->next = cl->conns;
	cl->conns = c;
	hello.u.hello.version = PROTO_VERSION;
	hello.u.hello.software = "sbx/" SBX_VERSION;
	hello.u.hello.window = SBX_WINDOW;
	conn_push(c, &hello);

	if (c->addr.is_unix)
		snprintf(address, sizeof address, "+%s", c->addr.path);
	else
		snprintf(address, sizeof address, "%s", c->addr.host);
	ci.context = cl->ctx;
	ci.vhost = vh;
	ci.address = address;
	ci.port = c->addr.is_unix ? 0 : c->addr.port;
	ci.path = "/";
	ci.host = c->addr.is_unix ? "localhost" : c->addr.host;
	ci.origin = ci.host;
	ci.protocol = PROTO_SUBPROTOCOL;
	ci.local_protocol_name = PROTO_SUBPROTOCOL;
	ci.ssl_connection = c->addr.tls ? LCCSCF_USE_SSL : 0;
	ci.opaque_user_data = c;
	ci.retry_and_idle_policy = &cl->keepalive;
	c->hangup_secs = cl->keepalive.secs_since_valid_hangup;
	ci.pwsi = &c->wsi;
	if (lws_client_connect_via_info(&ci) == NULL) {
		c->wsi = NULL;
		lws_sul_schedule(cl->ctx, 0, &c->fail_sul, fail_later, 1);
	}
	return c;
}

int sbx_conn_err_final(enum proto_err code)
{
	return code == PERR_UNAUTHORIZED || code == PERR_TLS || code == PERR_VERSION;
}

size_t sbx_conn_queued(const struct sbx_conn *c)
{
	return c->q.bytes;
}

const char *sbx_conn_instance(const struct sbx_conn *c)
{
	return c->instance;
}

const char *sbx_conn_target(const struct sbx_conn *c)
{
	return c->addr.text;
}

void sbx_conn_close(struct sbx_conn *c)
{
	c->done = 1;
	exec_abandon_all(c);
	if (c->wsi)
		lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
}
