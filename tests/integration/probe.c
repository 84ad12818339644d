/*
 * probe.c: a raw protocol client for tests. Sends the frames it is given,
 * exactly as given (malformed ones included), and prints every message the
 * agent sends, one per line, so shell tests can assert on the replies.
 *
 *   probe TARGET [--token T] [--no-hello] [--text JSON] [--hex HEX]
 *         [--big N] [--expect N] [--timeout SEC] [--protocol NAME]
 *         [--flood N]   (N bad frames, replies never read)
 *
 * Text replies print as they came; binary ones as "data KIND ID OFFSET LEN".
 * "closed" is printed when the agent closes. Exits 0 once --expect replies
 * (after the agent's hello) have arrived, 1 on timeout or failure.
 */
#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "outq.h"
#include "proto.h"

static struct outq q;
static int expect = 1, got = 0, done, rc = 1, hello_seen, flood, sent;
static const char *token;
static unsigned char *rx;
static size_t rxlen;

static void push_hex(const char *hex)
{
	size_t n = strlen(hex) / 2;
	unsigned char *b = malloc(n + 1);

	for (size_t i = 0; i < n; i++)
		sscanf(hex + 2 * i, "%2hhx", &b[i]);
	/* outq_push_data writes a header; raw bytes go in as a "text"
	 * frame flagged binary instead. */
	outq_push_text(&q, 0, (const char *)b, n);
	q.tail->binary = 1;
	free(b);
}

static void print_reply(struct lws *wsi, const unsigned char *buf, size_t len)
{
	struct frame f;
	struct proto_error e;

	if (lws_frame_is_binary(wsi)) {
		if (frame_decode(buf, len, &f, &e) == 0)
			printf("data %s %u %llu %zu\n", frame_kind_name(f.kind), f.id,
			       (unsigned long long)f.offset, f.len);
		else
			printf("baddata\n");
	} else {
		printf("%.*s\n", (int)len, buf);
		fflush(stdout);
		/* The agent's hello is not one of the replies counted. */
		if (!hello_seen && len > 14 && memcmp(buf, "{\"type\":\"hello\"", 15) == 0) {
			hello_seen = 1;
			return;
		}
	}
	fflush(stdout);
	if (++got >= expect) {
		rc = 0;
		done = 1;
	}
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
		    void *in, size_t len)
{
	uint32_t id;

	(void)user;
	switch (reason) {
	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
		if (token) {
			unsigned char **p = in, *end = *p + len;
			char v[512];
			snprintf(v, sizeof v, "Bearer %s", token);
			if (lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_AUTHORIZATION,
							 (unsigned char *)v, (int)strlen(v), p, end))
				return -1;
		}
		return 0;
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		printf("connect-error %s\n", in ? (char *)in : "");
		done = 1;
		return 0;
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		/* --flood: a client that sends and never reads its replies */
		if (flood)
			lws_rx_flow_control(wsi, 0);
		lws_callback_on_writable(wsi);
		return 0;
	case LWS_CALLBACK_CLIENT_WRITEABLE:
		if (q.head && outq_write(&q, wsi, &id) < 0)
			return -1;
		sent++;
		if (q.head)
			lws_callback_on_writable(wsi);
		return 0;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		rx = realloc(rx, rxlen + len);
		memcpy(rx + rxlen, in, len);
		rxlen += len;
		if (lws_is_final_fragment(wsi) && lws_remaining_packet_payload(wsi) == 0) {
			print_reply(wsi, rx, rxlen);
			rxlen = 0;
		}
		return 0;
	case LWS_CALLBACK_CLIENT_CLOSED:
		printf("closed\n");
		done = 1;
		return 0;
	default:
		return 0;
	}
}

static const struct lws_protocols protocols[] = {
	{.name = PROTO_SUBPROTOCOL, .callback = callback, .rx_buffer_size = 65536},
	{0},
};

int main(int argc, char **argv)
{
	struct lws_context_creation_info info = {0};
	struct lws_client_connect_info ci = {0};
	struct lws_context *ctx;
	struct addr a;
	char err[200], address[200];
	const char *proto = PROTO_SUBPROTOCOL;
	int hello = 1, timeout = 5;
	time_t start;

	if (argc < 2 || addr_parse_target(argv[1], &a, err, sizeof err) < 0) {
		fprintf(stderr, "probe: bad target\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--no-hello") == 0)
			hello = 0;
		else if (strcmp(argv[i], "--token") == 0 && i + 1 < argc)
			token = argv[++i];
		else if (strcmp(argv[i], "--expect") == 0 && i + 1 < argc)
			expect = atoi(argv[++i]);
		else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
			timeout = atoi(argv[++i]);
		else if (strcmp(argv[i], "--protocol") == 0 && i + 1 < argc)
			proto = argv[++i];
		else if (strcmp(argv[i], "--flood") == 0 && i + 1 < argc)
			flood = atoi(argv[++i]);
	}
	if (hello)
		outq_push_text(&q, 0, "{\"type\":\"hello\",\"version\":1}", 28);
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--text") == 0 && i + 1 < argc) {
			i++;
			outq_push_text(&q, 0, argv[i], strlen(argv[i]));
		} else if (strcmp(argv[i], "--hex") == 0 && i + 1 < argc) {
			push_hex(argv[++i]);
		} else if (strcmp(argv[i], "--big") == 0 && i + 1 < argc) {
			size_t n = (size_t)atol(argv[++i]);
			char *b = malloc(n);
			memset(b, ' ', n);
			b[0] = '{';
			b[n - 1] = '}';
			outq_push_text(&q, 0, b, n);
			free(b);
		}
	}
	for (int i = 0; i < flood; i++)
		outq_push_text(&q, 0, "{", 1);
	lws_set_log_level(0, NULL);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	ctx = lws_create_context(&info);
	snprintf(address, sizeof address, a.is_unix ? "+%s" : "%s", a.is_unix ? a.path : a.host);
	ci.context = ctx;
	ci.address = address;
	ci.port = a.is_unix ? 0 : a.port;
	ci.path = "/";
	ci.host = "localhost";
	ci.origin = "localhost";
	ci.protocol = proto;
	ci.local_protocol_name = PROTO_SUBPROTOCOL;
	if (lws_client_connect_via_info(&ci) == NULL) {
		printf("connect-error\n");
		return 1;
	}
	start = time(NULL);
	while (!done && time(NULL) - start < timeout)
		lws_service(ctx, 100);
	if (flood) {
		printf("flood: sent %d of %d frames\n", sent, flood);
		rc = 0;
	}
	lws_context_destroy(ctx);
	outq_clear(&q);
	addr_free(&a);
	free(rx);
	return rc;
}
