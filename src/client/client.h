/* client.h: libsbx internals shared by client.c, conn.c and exec.c. */
#ifndef SBX_CLIENT_H
#define SBX_CLIENT_H

#include <libwebsockets.h>

#include "addr.h"
#include "outq.h"
#include "sbx.h"

/* A vhost that trusts one CA file, for connections that name it. */
struct ca_vhost {
	struct ca_vhost *next;
	char *path;
	struct lws_vhost *vh;
};

struct sbx_client {
	struct lws_context *ctx;
	struct lws_vhost *vh;
	char *ca_file;		/* the default vhost's, or NULL */
	struct ca_vhost *cas;	/* the others, made as connections ask */
	struct sbx_conn *conns;
	int stop;
	int tls;
	int deflate; /* connections offer permessage-deflate */
	lws_retry_bo_t keepalive; /* for connections opened from now on */
};

struct sbx_conn {
	struct sbx_conn *next;
	struct sbx_client *cl;
	struct lws *wsi;
	struct addr addr;
	char *token;
	const struct sbx_conn_ops *ops;
	void *arg;
	struct outq q;
	int above_high;
	int established;
	int ready, done; /* done: failed or closed; no more callbacks */
	struct sbx_exec *execs;
	struct sbx_request *reqs; /* list, signal_exec: waiting for answers */
	uint32_t next_id;
	lws_usec_t last_rx;   /* when the agent was last heard from */
	uint16_t hangup_secs; /* keepalive's limit for this connection */
	unsigned char *rx;
	size_t rxlen, rxcap;
	char instance[40]; /* the agent's, from its hello; "" if it gave none */
	lws_sorted_usec_list_t fail_sul; /* reports a failure from outside lws */
	enum proto_err fail_code;
	char fail_why[300];
};

/* client.c: the vhost whose TLS trusts ca_file (NULL: the client's);
 * NULL if it cannot be made. */
struct lws_vhost *client_vhost_for(struct sbx_client *cl, const char *ca_file);

/* conn.c */
void conn_push(struct sbx_conn *c, const struct msg *m);
/* An id no live exec or request of c has. */
uint32_t conn_new_id(struct sbx_conn *c);
void conn_kick(struct sbx_conn *c);
int conn_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
		  void *in, size_t len);

/* exec.c */
void exec_on_message(struct sbx_conn *c, const struct msg *m);
void exec_on_frame(struct sbx_conn *c, const struct frame *f);
void exec_abandon_all(struct sbx_conn *c);
int exec_id_in_use(const struct sbx_conn *c, uint32_t id);

/* request.c */
int request_on_message(struct sbx_conn *c, const struct msg *m);
int request_id_in_use(const struct sbx_conn *c, uint32_t id);
void request_abandon_all(struct sbx_conn *c);

#endif
