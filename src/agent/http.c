/*
 * http.c: the agent's plain HTTP side, on the same listeners and token as
 * the WebSocket. POST /v1/exec runs one command from a JSON body and
 * answers with one JSON result (stdout, stderr, exit code, timing, bytes
 * dropped past the cap), for callers that want no WebSocket: curl, a
 * serverless function. Anything else gets the right status and a JSON
 * error. main.c routes protocols[0] here; exec.c reports to us.
 */
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "b64.h"
#include "clock.h"
#include "log.h"
#include "xmalloc.h"

#define HTTP_MAX_BODY (4 * 1024 * 1024)
#define HTTP_DEFAULT_TIMEOUT_MS (5 * 60 * 1000)
#define HTTP_DEFAULT_CAP (128 * 1024)
#define HTTP_MAX_CAP (16 * 1024 * 1024)
#define HTTP_CHUNK 16384

/* One HTTP connection's state (lws per-session data), reset for each
 * request on a kept-alive connection. */
struct http {
	struct lws *wsi;
	int is_exec;        /* POST /v1/exec, body being read */
	int too_big;
	unsigned char *body;
	size_t blen;
	double t_recv;
	struct exec *x;     /* the command running for this request */
	unsigned char *out[2];
	size_t outlen[2];
	json_t *result;     /* filled as events come */
	/* The reply: status, then the JSON text, written in chunks. */
	unsigned status;
	char *reply;
	size_t rlen, roff;
	int headers_sent;
};

size_t http_session_size(void)
{
	return sizeof(struct http);
}

static void http_reset(struct http *h)
{
	free(h->body);
	free(h->out[0]);
	free(h->out[1]);
	free(h->reply);
	if (h->result)
		json_decref(h->result);
	memset(h, 0, sizeof *h);
}

/* Queues the reply and asks to write it. */
static void http_reply(struct http *h, unsigned status, json_t *o)
{
	h->status = status;
	h->reply = json_dumps(o, JSON_COMPACT);
	h->rlen = strlen(h->reply);
	h->reply = xrealloc(h->reply, h->rlen + 2);
	h->reply[h->rlen++] = '\n';
	h->reply[h->rlen] = '\0';
	json_decref(o);
	lws_callback_on_writable(h->wsi);
}

static void http_error(struct http *h, unsigned status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void http_error(struct http *h, unsigned status, const char *code, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	log_debug("http: %u %s: %s", status, code, msg);
	http_reply(h, status, json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", msg));
}

/* The method of the request, as lws filed its URI. */
static const char *http_method(struct lws *wsi)
{
	static const struct {
		enum lws_token_indexes tok;
		const char *name;
	} methods[] = {
		{WSI_TOKEN_GET_URI, "GET"},	    {WSI_TOKEN_POST_URI, "POST"},
		{WSI_TOKEN_PUT_URI, "PUT"},	    {WSI_TOKEN_PATCH_URI, "PATCH"},
		{WSI_TOKEN_DELETE_URI, "DELETE"}, {WSI_TOKEN_OPTIONS_URI, "OPTIONS"},
		{WSI_TOKEN_HEAD_URI, "HEAD"},
	};

	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
		if (lws_hdr_total_length(wsi, methods[i].tok) > 0)
			return methods[i].name;
	return "?";
}

static int http_begin(struct http *h, struct lws *wsi, const char *uri)
{
	const char *method = http_method(wsi);
	char len[32];

	http_reset(h);
	h->wsi = wsi;
	h->t_recv = clock_ms();
	if (agent.token && auth_check(wsi, agent.token) < 0) {
		http_error(h, HTTP_STATUS_UNAUTHORIZED, "unauthorized",
			   "missing or wrong token: send Authorization: Bearer TOKEN");
		return 0;
	}
	if (strcmp(uri, "/v1/exec") != 0) {
		http_error(h, HTTP_STATUS_NOT_FOUND, "not_found",
			   "no such endpoint %.100s: sbx-agent serves POST /v1/exec and the WebSocket "
			   "subprotocol " PROTO_SUBPROTOCOL, uri);
		return 0;
	}
	if (strcmp(method, "POST") != 0) {
		http_error(h, HTTP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed",
			   "%s /v1/exec: use POST with a JSON body", method);
		return 0;
	}
	/* Without a length, lws 4.1.6 waits for a body it never completes
	 * (chunked ones included) and hangs up after 5 s: say so instead. */
	if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH) <= 0) {
		http_error(h, HTTP_STATUS_LENGTH_REQUIRED, "length_required",
			   "POST /v1/exec needs a JSON body sent with Content-Length "
			   "(chunked bodies are not supported)");
		return 0;
	}
	if (lws_hdr_copy(wsi, len, sizeof len, WSI_TOKEN_HTTP_CONTENT_LENGTH) > 0 &&
	    strtoull(len, NULL, 10) > HTTP_MAX_BODY) {
		http_error(h, HTTP_STATUS_REQ_ENTITY_TOO_LARGE, "too_large",
			   "the body is %s bytes; at most %d are accepted", len, HTTP_MAX_BODY);
		return 0;
	}
	h->is_exec = 1;
	return 0;
}

static void http_body(struct http *h, const void *in, size_t len)
{
	if (!h->is_exec || h->too_big)
		return;
	if (h->blen + len > HTTP_MAX_BODY) {
		h->too_big = 1;
		return;
	}
	h->body = xrealloc(h->body, h->blen + len + 1);
	memcpy(h->body + h->blen, in, len);
	h->blen += len;
}

/* The body is the exec message of the WebSocket protocol without type
 * and id, but with stdin as a string of bytes: check it the same way. */
static int http_parse(struct http *h, struct msg *m, char **stdin_data, size_t *stdin_len)
{
	struct proto_error e;
	json_error_t jerr;
	json_t *o = json_loadb((const char *)h->body, h->blen, JSON_REJECT_DUPLICATES, &jerr);
	json_t *in;
	char *text;
	int rc;

	if (o == NULL || !json_is_object(o)) {
		http_error(h, HTTP_STATUS_BAD_REQUEST, "bad_json", "the body is not one JSON object%s%s",
			   o ? "" : ": ", o ? "" : jerr.text);
		json_decref(o);
		return -1;
	}
	if (json_object_get(o, "type") || json_object_get(o, "id")) {
		http_error(h, HTTP_STATUS_BAD_REQUEST, "bad_message",
			   "fields \"type\" and \"id\" belong to the WebSocket protocol, not here");
		json_decref(o);
		return -1;
	}
	in = json_object_get(o, "stdin");
	if (in && !json_is_string(in)) {
		http_error(h, HTTP_STATUS_BAD_REQUEST, "bad_message",
			   "field \"stdin\" must be a string (the command's stdin)");
		json_decref(o);
		return -1;
	}
	*stdin_data = in ? xstrdup(json_string_value(in)) : NULL;
	*stdin_len = in ? json_string_length(in) : 0;
	json_object_del(o, "stdin");
	if (!json_object_get(o, "timeout_ms"))
		json_object_set_new(o, "timeout_ms", json_integer(HTTP_DEFAULT_TIMEOUT_MS));
	if (!json_object_get(o, "output_limit"))
		json_object_set_new(o, "output_limit", json_integer(HTTP_DEFAULT_CAP));
	json_object_set_new(o, "type", json_string("exec"));
	json_object_set_new(o, "id", json_integer(1));
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	rc = msg_decode(text, strlen(text), DIR_TO_AGENT, m, &e);
	free(text);
	if (rc == 0 && (m->u.exec.tty || m->u.exec.output_limit > HTTP_MAX_CAP)) {
		http_error(h, HTTP_STATUS_BAD_REQUEST, "bad_message",
			   m->u.exec.tty ? "no tty over HTTP: use the WebSocket protocol (sbx exec -t)"
					 : "output_limit is at most 16777216 bytes over HTTP");
		msg_free(m);
		rc = -1;
	} else if (rc < 0) {
		http_error(h, HTTP_STATUS_BAD_REQUEST, proto_err_name(e.code), "%s", e.message);
	}
	if (rc < 0) {
		free(*stdin_data);
		*stdin_data = NULL;
	}
	return rc;
}

static void http_run(struct http *h)
{
	struct msg m;
	char *in;
	size_t inlen;

	h->is_exec = 0;
	if (h->too_big) {
		http_error(h, HTTP_STATUS_REQ_ENTITY_TOO_LARGE, "too_large",
			   "the body is over %d bytes", HTTP_MAX_BODY);
		return;
	}
	if (agent.stopping) {
		http_error(h, HTTP_STATUS_SERVICE_UNAVAILABLE, "stopping", "the agent is stopping");
		return;
	}
	if (http_parse(h, &m, &in, &inlen) < 0)
		return;
	/* Read: lws may drop this state without CLOSED_HTTP (a kept-alive
	 * connection at shutdown), so hold nothing we no longer need. */
	free(h->body);
	h->body = NULL;
	h->blen = 0;
	if (in)
		m.u.exec.stdin_mode = STDIN_PIPE;
	h->result = json_object();
	/* The command may run for minutes: lws must not time the wait out. */
	lws_set_timeout(h->wsi, NO_PENDING_TIMEOUT, 0);
	h->x = exec_start(NULL, h, &m, h->t_recv);
	if (h->x && in) {
		struct frame f = {.kind = FRAME_STDIN, .data = (uint8_t *)in, .len = inlen};
		exec_stdin(h->x, &f);
		exec_stdin_close(h->x);
	}
	free(in);
	msg_free(&m);
}

void http_exec_output(struct http *h, int k, const void *data, size_t len)
{
	h->out[k] = xrealloc(h->out[k], h->outlen[k] + len);
	memcpy(h->out[k] + h->outlen[k], data, len);
	h->outlen[k] += len;
}

static void http_exited(struct http *h, const struct msg_exited *e)
{
	json_t *o = h->result;

	b64_json_set(o, "stdout", "stdout_encoding", h->out[0], h->outlen[0]);
	b64_json_set(o, "stderr", "stderr_encoding", h->out[1], h->outlen[1]);
	json_object_set_new(o, "exit_code", e->signo ? json_null() : json_integer(e->code));
	json_object_set_new(o, "signal", e->signo && sig_name(e->signo) ? json_string(sig_name(e->signo))
							    : json_null());
	json_object_set_new(o, "timed_out", json_boolean(e->timed_out));
	json_object_set_new(o, "timing", json_pack("{s:f,s:f,s:f}", "total_ms", msg_round_ms(e->total_ms),
						   "queue_ms", msg_round_ms(e->queue_ms), "execute_ms",
						   msg_round_ms(e->execute_ms)));
	json_object_set_new(o, "stdout_dropped", json_integer((json_int_t)e->stdout_dropped));
	json_object_set_new(o, "stderr_dropped", json_integer((json_int_t)e->stderr_dropped));
	h->result = NULL;
	http_reply(h, HTTP_STATUS_OK, o);
}

/* It never ran: a result all the same (the request was right), with
 * exit_code null and why in "failed". */
static void http_failed(struct http *h, const struct msg_failed *f)
{
	json_t *o = h->result;

	json_object_set_new(o, "stdout", json_string(""));
	json_object_set_new(o, "stderr", json_string(""));
	json_object_set_new(o, "exit_code", json_null());
	json_object_set_new(o, "signal", json_null());
	json_object_set_new(o, "timed_out", json_false());
	json_object_set_new(o, "failed", json_pack("{s:s,s:i,s:s,s:s}", "kind",
						   fail_kind_name(f->kind), "errno", f->err, "stage",
						   f->stage ? f->stage : "", "message",
						   f->message ? f->message : ""));
	h->result = NULL;
	http_reply(h, HTTP_STATUS_OK, o);
}

void http_exec_event(struct http *h, const struct msg *m)
{
	switch (m->type) {
	case MSG_STARTED:
		json_object_set_new(h->result, "pid", json_integer(m->u.started.pid));
		break;
	case MSG_EXITED:
		h->x = NULL; /* freed by exec.c when we return */
		http_exited(h, &m->u.exited);
		break;
	case MSG_FAILED:
		h->x = NULL;
		http_failed(h, &m->u.failed);
		break;
	default:
		break;
	}
}

/* Headers first, then the body in chunks, each when lws can take it. */
static int http_writable(struct http *h)
{
	unsigned char buf[LWS_PRE + HTTP_CHUNK], *start = buf + LWS_PRE, *p = start,
						    *end = buf + sizeof buf;
	size_t n;

	if (h->reply == NULL)
		return 0;
	if (!h->headers_sent) {
		if (lws_add_http_common_headers(h->wsi, h->status, "application/json", h->rlen, &p,
						end) ||
		    (h->status == HTTP_STATUS_METHOD_NOT_ALLOWED &&
		     lws_add_http_header_by_name(h->wsi, (const unsigned char *)"allow:",
						 (const unsigned char *)"POST", 4, &p, end)) ||
		    (h->status == HTTP_STATUS_UNAUTHORIZED &&
		     lws_add_http_header_by_token(h->wsi, WSI_TOKEN_HTTP_WWW_AUTHENTICATE,
						  (const unsigned char *)"Bearer", 6, &p, end)) ||
		    lws_finalize_write_http_header(h->wsi, start, &p, end))
			return -1;
		h->headers_sent = 1;
		lws_callback_on_writable(h->wsi);
		return 0;
	}
	n = h->rlen - h->roff < HTTP_CHUNK ? h->rlen - h->roff : HTTP_CHUNK;
	memcpy(start, h->reply + h->roff, n);
	h->roff += n;
	if (lws_write(h->wsi, start, n, h->roff == h->rlen ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) <
	    (int)n)
		return -1;
	if (h->roff < h->rlen) {
		lws_callback_on_writable(h->wsi);
		return 0;
	}
	/* Done with this request: lws may reuse or drop this state without
	 * CLOSED_HTTP (a kept-alive connection), so nothing of it is kept. */
	struct lws *wsi = h->wsi;
	if (h->x == NULL)
		http_reset(h);
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

/* The caller hung up: nobody waits for the command any more. */
static void http_closed(struct http *h)
{
	if (h->x) {
		log_debug("http: client left before its command ended; killing it");
		exec_abandon(h->x);
		h->x = NULL;
	}
	http_reset(h);
}

int http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
		  size_t len)
{
	struct http *h = user;

	/* A connection that closes before sending a request has no state
	 * yet (the probe of a second agent checking the socket, say). */
	if (h == NULL)
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	switch (reason) {
	case LWS_CALLBACK_HTTP:
		return http_begin(h, wsi, in ? (const char *)in : "/");
	case LWS_CALLBACK_HTTP_BODY:
		http_body(h, in, len);
		return 0;
	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		if (h->is_exec)
			http_run(h);
		return 0;
	case LWS_CALLBACK_HTTP_WRITEABLE:
		return http_writable(h);
	case LWS_CALLBACK_CLOSED_HTTP:
		http_closed(h);
		return 0;
	default:
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	}
}
