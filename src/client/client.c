/*
 * client.c: the client's event loop, one lws context with no listener.
 * Connections (conn.c) and the caller's own fds (watch.h) all run in it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "watch.h"
#include "xmalloc.h"

static const struct lws_protocols protos[] = {
	{.name = PROTO_SUBPROTOCOL, .callback = conn_callback, .rx_buffer_size = 65536},
	WATCH_PROTOCOL,
	{0},
};

static const struct lws_extension deflate_ext[] = {
	{"permessage-deflate", lws_extension_callback_pm_deflate,
	 "permessage-deflate; client_no_context_takeover; client_max_window_bits"},
	{NULL, NULL, NULL},
};

/* What the context's default vhost and each CA's vhost (client_vhost_for)
 * share: no listener, our protocols, deflate if offered, their CA file. */
static void vhost_info(struct lws_context_creation_info *info, unsigned flags,
		       const char *ca_file)
{
	info->port = CONTEXT_PORT_NO_LISTEN;
	info->protocols = protos;
	info->options = (flags & SBX_CLIENT_TLS) ? LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT
						  : LWS_SERVER_OPTION_DISABLE_OS_CA_CERTS;
	info->client_ssl_ca_filepath = ca_file;
	if (flags & SBX_CLIENT_DEFLATE)
		info->extensions = deflate_ext;
}

struct sbx_client *sbx_client_new(unsigned flags, const char *ca_file)
{
	struct lws_context_creation_info info = {0};
	struct sbx_client *cl = xcalloc(1, sizeof *cl);
	/* lws talks on stderr unless told otherwise; our errors are ours. */
	lws_set_log_level(getenv("SBX_LWS_DEBUG") ? LLL_ERR | LLL_WARN | LLL_NOTICE : 0, NULL);
	vhost_info(&info, flags, ca_file);
	/* Zeroed at context creation: 256 KiB cost a millisecond of start-up
	 * and no throughput over 64 KiB (which rx_buffer_size needs). */
	info.pt_serv_buf_size = 64 * 1024;
	/* lws sizes its fd tables by RLIMIT_NOFILE (often 20000 or more),
	 * a millisecond of start-up spent on tables a client never fills. */
	info.fd_limit_per_thread = 1024;
	cl->deflate = !!(flags & SBX_CLIENT_DEFLATE);
	cl->ctx = lws_create_context(&info);
	if (cl->ctx == NULL) {
		free(cl);
		return NULL;
	}
	cl->vh = lws_get_vhost_by_name(cl->ctx, "default");
	cl->ca_file = ca_file ? xstrdup(ca_file) : NULL;
	sbx_client_set_keepalive(cl, 20);
	cl->tls = (flags & SBX_CLIENT_TLS) != 0;
	return cl;
}

/* lws keeps one client TLS context per vhost, so a target with a CA of
 * its own gets a vhost of its own (without a listener) in the same loop.
 * Only wss:// targets ask (sbx_conn_open_ca), of a TLS client. */
struct lws_vhost *client_vhost_for(struct sbx_client *cl, const char *ca_file)
{
	struct lws_context_creation_info info = {0};
	struct ca_vhost *v;
	char name[32];
	int n = 0;

	if (ca_file == NULL || (cl->ca_file && strcmp(ca_file, cl->ca_file) == 0))
		return cl->vh;
	for (v = cl->cas; v; v = v->next, n++)
		if (strcmp(v->path, ca_file) == 0)
			return v->vh;
	snprintf(name, sizeof name, "ca-%d", n);
	vhost_info(&info, SBX_CLIENT_TLS | (cl->deflate ? SBX_CLIENT_DEFLATE : 0), ca_file);
	info.vhost_name = name;
	v = xcalloc(1, sizeof *v);
	if ((v->vh = lws_create_vhost(cl->ctx, &info)) == NULL) {
		free(v);
		return NULL;
	}
	v->path = xstrdup(ca_file);
	v->next = cl->cas;
	cl->cas = v;
	return v->vh;
}

void sbx_client_set_keepalive(struct sbx_client *cl, unsigned secs)
{
	if (secs < 1)
		secs = 1;
	if (secs > 3600)
		secs = 3600;
	cl->keepalive.secs_since_valid_ping = (uint16_t)secs;
	cl->keepalive.secs_since_valid_hangup = (uint16_t)(3 * secs);
}

struct lws_vhost *sbx_client_vhost(struct sbx_client *cl)
{
	return cl->vh;
}

struct lws_context *sbx_client_context(struct sbx_client *cl)
{
	return cl->ctx;
}

int sbx_client_run(struct sbx_client *cl)
{
	while (!cl->stop && lws_service(cl->ctx, 0) >= 0)
		;
	return 0;
}

void sbx_client_stop(struct sbx_client *cl)
{
	cl->stop = 1;
	lws_cancel_service(cl->ctx);
}

void sbx_client_free(struct sbx_client *cl)
{
	struct sbx_conn *c, *next;

	/* Connections first marked done, so closing callbacks stay silent. */
	for (c = cl->conns; c; c = c->next)
		c->done = 1;
	lws_context_destroy(cl->ctx);
	for (c = cl->conns; c; c = next) {
		next = c->next;
		exec_abandon_all(c);
		outq_clear(&c->q);
		addr_free(&c->addr);
		free(c->token);
		free(c->rx);
		free(c);
	}
	while (cl->cas) {
		struct ca_vhost *v = cl->cas;
		cl->cas = v->next;
		free(v->path);
		free(v);
	}
	free(cl->ca_file);
	free(cl);
}
