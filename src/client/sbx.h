/*
 * sbx.h: libsbx, the client side of the sbx exec protocol, as the CLI and
 * any C program use it. One sbx_client is one event loop (libwebsockets');
 * it holds connections to agents, and each connection multiplexes execs.
 * Everything is reported through callbacks from inside sbx_client_run.
 */
#ifndef SBX_H
#define SBX_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

struct lws_vhost;
struct sbx_client;
struct sbx_conn;
struct sbx_exec;

/* SBX_CLIENT_TLS loads OpenSSL and the CA certificates (the system's, or
 * ca_file when given) that wss:// targets need; it costs milliseconds at
 * start, so plain clients go without. */
#define SBX_CLIENT_TLS 1u
struct sbx_client *sbx_client_new(unsigned flags, const char *ca_file);
/* Runs the loop until sbx_client_stop; returns 0. */
int sbx_client_run(struct sbx_client *cl);
void sbx_client_stop(struct sbx_client *cl);
void sbx_client_free(struct sbx_client *cl);
/* Connections opened after this ping an agent silent for secs seconds
 * and give up on one silent for 3 x secs (default 20; 1..3600). */
void sbx_client_set_keepalive(struct sbx_client *cl, unsigned secs);
/* Where callers adopt their own fds (see watch.h). */
struct lws_vhost *sbx_client_vhost(struct sbx_client *cl);

struct sbx_conn_ops {
	/* The agent said hello; execs may already have been queued. */
	void (*ready)(struct sbx_conn *c, void *arg);
	/* Could not connect, was refused, or lost the connection. `code` is
	 * PERR_UNAUTHORIZED for a refused token, PERR_VERSION for a version
	 * mismatch, PERR_INTERNAL otherwise. Live execs are abandoned. */
	void (*failed)(struct sbx_conn *c, void *arg, enum proto_err code,
		       const char *why);
	/* The write queue fell back under SBX_QUEUE_LOW. */
	void (*drained)(struct sbx_conn *c, void *arg);
};

#define SBX_QUEUE_HIGH (1024 * 1024)
#define SBX_QUEUE_LOW (256 * 1024)
/* Output credit per exec (PROTOCOL.md, flow control): the agent sends at
 * most this much of an exec's output beyond what has been consumed. */
#define SBX_WINDOW (1024 * 1024)

/* Starts connecting to target ("unix:PATH", "ws://HOST:PORT",
 * "wss://HOST:PORT"); token may be NULL. Returns NULL with a reason in
 * err when the target cannot even be tried. */
struct sbx_conn *sbx_conn_open(struct sbx_client *cl, const char *target,
			       const char *token, const struct sbx_conn_ops *ops,
			       void *arg, char *err, size_t errlen);
size_t sbx_conn_queued(const struct sbx_conn *c);
const char *sbx_conn_target(const struct sbx_conn *c);
void sbx_conn_close(struct sbx_conn *c);

struct sbx_exec_ops {
	void (*started)(struct sbx_exec *x, void *arg, int64_t pid);
	void (*output)(struct sbx_exec *x, void *arg, enum frame_kind kind,
		       const uint8_t *data, size_t len);
	/* The last callback for an exec is exactly one of exited and failed;
	 * the handle is freed when it returns. */
	void (*exited)(struct sbx_exec *x, void *arg, const struct msg_exited *e);
	void (*failed)(struct sbx_exec *x, void *arg, const struct msg_failed *f);
	/* The agent rejected something about this exec. Final (the handle is
	 * freed when it returns) for PERR_BAD_MESSAGE and PERR_TOO_MANY_EXECS
	 * before started: the exec was refused and never ran. */
	void (*error)(struct sbx_exec *x, void *arg, enum proto_err code,
		      const char *message);
	/* Stdin waiting for the agent's credit fell back under SBX_QUEUE_LOW
	 * after passing SBX_QUEUE_HIGH: a good time to read more input. */
	void (*stdin_drained)(struct sbx_exec *x, void *arg);
};

/* Queues the exec; req is copied into the message at once. */
struct sbx_exec *sbx_exec_start(struct sbx_conn *c, const struct msg_exec *req,
				const struct sbx_exec_ops *ops, void *arg);
uint32_t sbx_exec_id(const struct sbx_exec *x);
/* Stdin is sent as the agent grants credit; the rest waits here. */
void sbx_exec_write(struct sbx_exec *x, const void *buf, size_t len);
size_t sbx_exec_stdin_queued(const struct sbx_exec *x);
void sbx_exec_close_stdin(struct sbx_exec *x);
void sbx_exec_signal(struct sbx_exec *x, int signo);
void sbx_exec_kill(struct sbx_exec *x);
/* Output is taken as consumed when the output callback returns, and the
 * agent granted more credit. A caller that keeps output to use later
 * holds it instead, and says what it consumed: the agent then stops
 * reading the command's output when SBX_WINDOW bytes are unconsumed. */
void sbx_exec_hold_output(struct sbx_exec *x, int hold);
void sbx_exec_consumed(struct sbx_exec *x, size_t n);

#endif
