/*
 * agent.h: sbx-agent's objects. An agent holds WebSocket connections
 * (conn.c); each connection multiplexes execs (exec.c) by client-chosen id.
 * Execs outlive their connection only until their process is reaped.
 */
#ifndef SBX_AGENT_H
#define SBX_AGENT_H

#include <libwebsockets.h>
#include <stdint.h>
#include <sys/types.h>

#include "outq.h"
#include "proto.h"

struct watch;
struct exec;
struct http;

struct agent {
	struct lws_context *ctx;
	struct lws_vhost *vh; /* where fds are adopted */
	char *token;          /* NULL: no token required */
	const char *tls_cert, *tls_key; /* TCP listeners speak wss when set */
	const char *workdir;  /* cwd of an exec that names none; NULL: ours */
	int drop_caps;        /* commands run with no capabilities */
	struct exec *execs;   /* every exec not yet freed */
	uint32_t serial;      /* the last exec's number */
	struct conn *conns;
	int stopping;
	int done;
	lws_sorted_usec_list_t stop_sul;
	int stop_ticks;
	char instance[17]; /* this run's random name: clients tell a restart by it */
};

extern struct agent agent;

struct conn {
	struct conn *next;
	struct lws *wsi;
	struct outq q;
	int nexecs;
	int hello_ok;
	uint32_t window;  /* output credit per exec from its hello; 0: none kept */
	int closing;      /* flush the queue, then close */
	int stdin_stalls; /* execs whose stdin backlog paused our reads */
	int queue_full;   /* replies pile up unread: reads paused */
	int rx_on;
	/* Reassembly of a message split over several receive callbacks. */
	unsigned char *rx;
	size_t rxlen, rxcap;
	int rx_discard;
};

/* conn.c */
void conn_open(struct conn *c, struct lws *wsi);
void conn_receive(struct conn *c, const void *in, size_t len);
int conn_writable(struct conn *c);
void conn_closed(struct conn *c);
void conn_send(struct conn *c, const struct msg *m);
void conn_send_error(struct conn *c, uint32_t id, enum proto_err code,
		     const char *message);
void conn_stall(struct conn *c, int stall);
/* 1 if stdin frame f starts at expected; else 0, and an error to c. */
int conn_stdin_in_order(struct conn *c, const struct frame *f, uint64_t expected);
int conn_any_pending(void);

/* exec.c */
struct exec *exec_find(struct conn *c, uint32_t id);
/* For a connection (c) or an HTTP request (h): reports started or
 * failed to its owner, and returns the exec, or NULL if it never ran. */
struct exec *exec_start(struct conn *c, struct http *h, const struct msg *m, double t_recv);
void exec_abandon(struct exec *x);
/* Every exec that runs for someone (a connection or a request), for list;
 * free with msg_free. */
void exec_list(struct msg *m);
/* The live exec numbered n, whoever started it; NULL if none. */
struct exec *exec_by_serial(uint32_t n);
pid_t exec_pid(const struct exec *x);
void exec_stdin(struct exec *x, const struct frame *f);
void exec_stdin_close(struct exec *x);
void exec_signal(struct exec *x, int signo);
/* TERM to the exec's processes now, KILL after its grace, as at a timeout. */
void exec_terminate(struct exec *x);
/* -1 when the exec has no tty. */
int exec_resize(struct exec *x, uint16_t rows, uint16_t cols);
void exec_sent(struct exec *x, size_t len);
void exec_window(struct exec *x, uint32_t bytes);
void exec_conn_gone(struct conn *c);
void exec_reaped(pid_t pid, int status);
int exec_stdin_open(const struct exec *x);
int exec_stdin_broken(const struct exec *x);
uint64_t exec_stdin_offset(const struct exec *x);

/* http.c: POST /v1/exec, one command per request, one JSON result. */
int http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
		  void *in, size_t len);
size_t http_session_size(void);
void http_exec_output(struct http *h, int k, const void *data, size_t len);
void http_exec_event(struct http *h, const struct msg *m);

/* reaper.c */
int reaper_start(void);
void agent_stop(void);

/* proctree.c */
int proctree_kill(pid_t root, int signo);
size_t proctree_collect(pid_t root, pid_t **out);
int proctree_kill_session(pid_t sid, int signo);

/* auth.c */
int auth_check(struct lws *wsi, const char *token);

#endif
