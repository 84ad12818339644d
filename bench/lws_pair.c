/*
 * lws_pair.c: the bare libwebsockets ceiling for bench/run. A server and a
 * client on a unix socket, nothing else: the server sends BYTES of zeros
 * in 64 KiB binary frames, written only in SERVER_WRITEABLE (several per
 * callback while lws_send_pipe_choked says the socket takes more), then a
 * text frame "end"; the client counts what arrives and prints the count.
 * Buffers as sbx sets them: protocol rx_buffer_size 65536, context
 * pt_serv_buf_size 256 KiB.
 *
 *   lws_pair run SOCK BYTES      fork a server, run the client, print
 *                                "bytes N seconds S MB/s R"; exit 1 when
 *                                the count is not BYTES
 *   lws_pair server SOCK BYTES   serve one connection, then exit
 *   lws_pair client SOCK         connect, count, print as above
 */
#include <libwebsockets.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FRAME (64 * 1024)
#define PROTO "bench.v1"

static int done;
static uint64_t to_send, received;
static int sent_end;
static double t_first, t_last;
static unsigned char frame[LWS_PRE + FRAME];

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int server_writable(struct lws *wsi)
{
	static unsigned char end[LWS_PRE + 3];

	while (to_send > 0 && !lws_send_pipe_choked(wsi)) {
		size_t n = to_send < FRAME ? (size_t)to_send : FRAME;
		if (lws_write(wsi, frame + LWS_PRE, n, LWS_WRITE_BINARY) < (int)n)
			return -1;
		to_send -= n;
	}
	if (to_send > 0 || sent_end) {
		if (to_send > 0)
			lws_callback_on_writable(wsi);
		return 0;
	}
	if (lws_send_pipe_choked(wsi)) {
		lws_callback_on_writable(wsi);
		return 0;
	}
	memcpy(end + LWS_PRE, "end", 3);
	sent_end = 1;
	return lws_write(wsi, end + LWS_PRE, 3, LWS_WRITE_TEXT) < 3 ? -1 : 0;
}

static int server_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user,
		     void *in, size_t len)
{
	(void)user, (void)in, (void)len;
	switch (reason) {
	case LWS_CALLBACK_ESTABLISHED:
		lws_callback_on_writable(wsi);
		return 0;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		return server_writable(wsi);
	case LWS_CALLBACK_CLOSED:
		done = 1;
		lws_cancel_service(lws_get_context(wsi));
		return 0;
	default:
		return 0;
	}
}

static int client_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user,
		     void *in, size_t len)
{
	(void)user;
	switch (reason) {
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		t_first = now_s();
		return 0;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		if (!lws_frame_is_binary(wsi)) {
			t_last = now_s();
			done = 1;
			lws_cancel_service(lws_get_context(wsi));
			return -1;
		}
		received += len;
		return 0;
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		fprintf(stderr, "lws_pair: connect failed: %s\n", in ? (char *)in : "?");
		done = 2;
		return 0;
	case LWS_CALLBACK_CLIENT_CLOSED:
		if (!done)
			done = 2;
		return 0;
	default:
		return 0;
	}
}

static const struct lws_protocols server_protos[] = {
	{.name = "http", .callback = lws_callback_http_dummy},
	{.name = PROTO, .callback = server_cb, .rx_buffer_size = 65536},
	{0},
};

static const struct lws_protocols client_protos[] = {
	{.name = PROTO, .callback = client_cb, .rx_buffer_size = 65536},
	{0},
};

/* Serves one connection; writes a byte to ready_fd once listening. */
static int server(const char *sock, uint64_t bytes, int ready_fd)
{
	struct lws_context_creation_info info;
	struct lws_context *ctx;

	to_send = bytes;
	memset(&info, 0, sizeof info);
	info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
	info.pt_serv_buf_size = 256 * 1024;
	if ((ctx = lws_create_context(&info)) == NULL)
		return 1;
	memset(&info, 0, sizeof info);
	info.vhost_name = "pair";
	info.protocols = server_protos;
	info.options = LWS_SERVER_OPTION_UNIX_SOCK;
	info.iface = sock;
	if (lws_create_vhost(ctx, &info) == NULL) {
		fprintf(stderr, "lws_pair: cannot listen on %s\n", sock);
		lws_context_destroy(ctx);
		return 1;
	}
	if (ready_fd >= 0 && write(ready_fd, "r", 1) != 1)
		return 1;
	while (!done && lws_service(ctx, 0) >= 0)
		;
	lws_context_destroy(ctx);
	unlink(sock);
	return 0;
}

static int client(const char *sock, uint64_t expect)
{
	struct lws_context_creation_info info;
	struct lws_client_connect_info ci;
	struct lws_context *ctx;
	char address[256];
	double secs;

	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = client_protos;
	info.pt_serv_buf_size = 256 * 1024;
	if ((ctx = lws_create_context(&info)) == NULL)
		return 1;
	snprintf(address, sizeof address, "+%s", sock);
	memset(&ci, 0, sizeof ci);
	ci.context = ctx;
	ci.address = address;
	ci.port = 0;
	ci.path = "/";
	ci.host = "localhost";
	ci.origin = "localhost";
	ci.protocol = PROTO;
	if (lws_client_connect_via_info(&ci) == NULL) {
		fprintf(stderr, "lws_pair: cannot connect to %s\n", sock);
		return 1;
	}
	while (!done && lws_service(ctx, 0) >= 0)
		;
	lws_context_destroy(ctx);
	secs = t_last - t_first;
	printf("bytes %llu seconds %.3f MB/s %.1f\n", (unsigned long long)received, secs,
	       secs > 0 ? (double)received / secs / 1e6 : 0.0);
	if (done != 1 || (expect && received != expect)) {
		fprintf(stderr, "lws_pair: received %llu bytes, expected %llu\n",
			(unsigned long long)received, (unsigned long long)expect);
		return 1;
	}
	return 0;
}

static int run(const char *sock, uint64_t bytes)
{
	int p[2], st, rc;
	char c;
	pid_t pid;

	if (pipe(p) < 0)
		return 1;
	if ((pid = fork()) < 0)
		return 1;
	if (pid == 0) {
		close(p[0]);
		_exit(server(sock, bytes, p[1]));
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1) {
		fprintf(stderr, "lws_pair: the server did not start\n");
		waitpid(pid, NULL, 0);
		return 1;
	}
	close(p[0]);
	rc = client(sock, bytes);
	if (rc != 0)
		kill(pid, SIGTERM);
	waitpid(pid, &st, 0);
	return rc;
}

int main(int argc, char **argv)
{
	lws_set_log_level(getenv("BENCH_LWS_DEBUG") ? LLL_ERR | LLL_WARN | LLL_NOTICE : 0, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (argc == 4 && strcmp(argv[1], "run") == 0)
		return run(argv[2], strtoull(argv[3], NULL, 10));
	if (argc == 4 && strcmp(argv[1], "server") == 0)
		return server(argv[2], strtoull(argv[3], NULL, 10), -1);
	if (argc >= 3 && strcmp(argv[1], "client") == 0)
		return client(argv[2], argc > 3 ? strtoull(argv[3], NULL, 10) : 0);
	fprintf(stderr, "usage: lws_pair run SOCK BYTES | server SOCK BYTES | client SOCK [BYTES]\n");
	return 2;
}
