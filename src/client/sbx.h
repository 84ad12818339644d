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
struct lws_context;
struct sbx_client;
struct sbx_conn;
struct sbx_exec;

/* SBX_CLIENT_TLS loads OpenSSL and the CA certificates (the system's, or
 * ca_file when given) that wss:// targets need; it costs milliseconds at
 * start, so plain clients go without. */
#define SBX_CLIENT_TLS 1u
/* SBX_CLIENT_DEFLATE offers permessage-deflate: much text (logs, a tail)
 * then crosses the wire in a fraction of its bytes, for some CPU at both
 * ends; keystrokes and small exchanges are better off without. */
#define SBX_CLIENT_DEFLATE 2u
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
/* For timers of the caller's own (lws_sul_schedule). */
struct lws_context *sbx_client_context(struct sbx_client *cl);

struct sbx_conn_ops {
	/* The agent said hello; execs may already have been queued. */
	void (*ready)(struct sbx_conn *c, void *arg);
	/* Could not connect, was refused, or lost the connection. `code` is
	 * PERR_UNAUTHORIZED for a refused token, PERR_TLS for a wss://
	 * handshake that failed (an untrusted certificate), PERR_VERSION for
	 * a version mismatch, PERR_INTERNAL otherwise. Live execs are
	 * abandoned. The first three will not mend by trying again
	 * (sbx_conn_err_final). */
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
/* As sbx_conn_open, but a wss:// target's certificate must chain to
 * ca_file (PEM) rather than to the client's CA: targets of one client may
 * each have their own. NULL means the client's. */
struct sbx_conn *sbx_conn_open_ca(struct sbx_client *cl, const char *target,
				  const char *token, const char *ca_file,
				  const struct sbx_conn_ops *ops, void *arg, char *err,
				  size_t errlen);
size_t sbx_conn_queued(const struct sbx_conn *c);
/* 1 for a failure that trying again will not mend (a refused token, an
 * untrusted certificate, another protocol version): no point retrying. */
int sbx_conn_err_final(enum proto_err code);
const char *sbx_conn_target(const struct sbx_conn *c);
/* The agent's run, from its hello ("" before, or from an agent that
 * names none): another one on reconnecting means it restarted, and its
 * sessions are gone. */
const char *sbx_conn_instance(const struct sbx_conn *c);
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
	/* Sessions: attached to one (sbx_exec_attach); FRAME_SCREEN output,
	 * screen_bytes of it, repaints the screen before its output goes on. */
	void (*attached)(struct sbx_exec *x, void *arg, const struct msg_attached *a);
	/* Detached as asked (sbx_exec_detach): the last callback. */
	void (*detached)(struct sbx_exec *x, void *arg);
	/* With stamps asked (msg_exec.stamps, msg_attach.stamps): the output
	 * that follows was read by the agent at ts_ms (wall clock). */
	void (*stamp)(struct sbx_exec *x, void *arg, int64_t ts_ms);
};

/* Queues the exec; req is copied into the message at once. */
struct sbx_exec *sbx_exec_start(struct sbx_conn *c, const struct msg_exec *req,
				const struct sbx_exec_ops *ops, void *arg);
/* Attaches to a session (an exec started with session set, numbered
 * a->session); a->resume and a->offset continue a dropped attachment. */
struct sbx_exec *sbx_exec_attach(struct sbx_conn *c, const struct msg_attach *a,
				 const struct sbx_exec_ops *ops, void *arg);
/* Leaves the session running; detached follows. */
void sbx_exec_detach(struct sbx_exec *x);
/* The offset of the next output byte: what to resume from. */
uint64_t sbx_exec_output_offset(const struct sbx_exec *x);
uint32_t sbx_exec_id(const struct sbx_exec *x);
/* The agent-wide number of a started exec (for sbx_conn_signal_exec from
 * any connection, and `sbx kill`); 0 before started. */
uint32_t sbx_exec_number(const struct sbx_exec *x);
/* Stdin is sent as the agent grants credit; the rest waits here. */
void sbx_exec_write(struct sbx_exec *x, const void *buf, size_t len);
size_t sbx_exec_stdin_queued(const struct sbx_exec *x);
void sbx_exec_close_stdin(struct sbx_exec *x);
void sbx_exec_signal(struct sbx_exec *x, int signo);
void sbx_exec_kill(struct sbx_exec *x);
/* A tty exec's new size (the command gets SIGWINCH). */
void sbx_exec_resize(struct sbx_exec *x, uint16_t rows, uint16_t cols);
/* Output is taken as consumed when the output callback returns, and the
 * agent granted more credit. A caller that keeps output to use later
 * holds it instead, and says what it consumed: the agent then stops
 * reading the command's output when SBX_WINDOW bytes are unconsumed. */
void sbx_exec_hold_output(struct sbx_exec *x, int hold);
void sbx_exec_consumed(struct sbx_exec *x, size_t n);

/* Questions about the agent's execs, whoever started them. Exactly one
 * callback answers each, unless the connection fails first. */
struct sbx_request_ops {
	void (*execs)(struct sbx_conn *c, void *arg, const struct msg_execs *l);
	void (*signaled)(struct sbx_conn *c, void *arg, uint32_t exec, int64_t pid);
	void (*error)(struct sbx_conn *c, void *arg, enum proto_err code, const char *message);
};
void sbx_conn_list(struct sbx_conn *c, const struct sbx_request_ops *ops, void *arg);
/* signo to the process group of the exec numbered exec (PERR_UNKNOWN_EXEC
 * when none runs). */
void sbx_conn_signal_exec(struct sbx_conn *c, uint32_t exec, int signo,
			  const struct sbx_request_ops *ops, void *arg);

#endif

/* ======================================================================
 * The blocking API (sync.c, stream.c) and driving the loop from another
 * event loop (poller.c). Added as its own section; everything above is
 * the callback API these are built on.
 *
 * A struct sbx is one connection with its own sbx_client. Its functions
 * block until what they wait for happens; they must not be called from
 * inside a libsbx callback. No threads: the waiting is the client's lws
 * loop, run until the answer is in.
 * ====================================================================== */
#ifndef SBX_BLOCKING_API
#define SBX_BLOCKING_API

struct sbx;
struct sbx_stream;
struct sbx_poller;

/* Connects and waits for the agent's hello. NULL with a one-line reason
 * in err when that fails. A wss:// target gets a TLS client trusting the
 * system's CA store, or ca_file when given. token may be NULL. */
struct sbx *sbx_connect(const char *target, const char *token, char *err, size_t errlen);
struct sbx *sbx_connect_ca(const char *target, const char *token, const char *ca_file,
			   char *err, size_t errlen);
/* The same, giving up after timeout_ms (-1: never), which then also
 * bounds sbx_list and sbx_signal_exec: for callers that must not hang on
 * a stopped agent (sbx ls). */
struct sbx *sbx_connect_within(const char *target, const char *token, const char *ca_file,
			       int timeout_ms, char *err, size_t errlen);
/* Frees every stream of s not freed yet (their handles are invalid after)
 * and closes the connection. */
void sbx_close(struct sbx *s);
/* Why the last call that returned -1 or NULL failed. */
const char *sbx_error(const struct sbx *s);
/* The loop under s, for sbx_poller_new or watches of the caller's own. */
struct sbx_client *sbx_get_client(struct sbx *s);

enum sbx_outcome {
	SBX_EXITED,  /* it ran: result.exited says how it ended */
	SBX_FAILED,  /* it never ran: result.failed says why (not_found...) */
	SBX_REFUSED, /* the agent refused the request: result.error */
};

struct sbx_result {
	enum sbx_outcome outcome;
	/* What the sbx CLI would exit with: the code; 128+N for signal N;
	 * 124 timed out; 127 not found; 126 cannot execute; 125 otherwise. */
	int status;
	int64_t pid;              /* 0 if it never started */
	struct msg_exited exited; /* code, signo, timed_out, total_ms, queue_ms,
				   * execute_ms, bytes sent and dropped */
	struct msg_failed failed; /* SBX_FAILED: kind, err, stage, message */
	/* SBX_REFUSED: why. Otherwise the last error the agent (or the output
	 * offset check) reported about this exec, PERR_OK if none. */
	enum proto_err error;
	char *error_message;
	/* All the output (sbx_stream_wait: none), NUL-terminated, never NULL
	 * after a 0 return. Bounded only by the request's output_limit. */
	char *out, *err;
	size_t out_len, err_len;
};

/* Frees the strings and buffers of r (not r itself); r is zeroed. */
void sbx_result_free(struct sbx_result *r);

/* microsandbox exec: runs cmd with args (NULL-terminated, cmd not
 * repeated; args may be NULL), stdin /dev/null, and collects everything.
 * 0 when the agent answered (ran, failed to start, or refused: see
 * r->outcome); -1 when the connection failed (sbx_error). r must be freed
 * with sbx_result_free after 0. */
int sbx_run(struct sbx *s, const char *cmd, char *const args[], struct sbx_result *r);
/* execWith: every option of struct msg_exec (cwd, env, user, tty, rows,
 * cols, rlimits, output_limit, timeout_ms, kill_grace_ms). With stdin_data
 * the command reads those bytes, then EOF; without it, req->stdin_mode
 * holds (a pipe gets EOF at once). */
int sbx_run_with(struct sbx *s, const struct msg_exec *req, const void *stdin_data,
		 size_t stdin_len, struct sbx_result *r);
/* shell: /bin/sh -c script. */
int sbx_shell(struct sbx *s, const char *script, struct sbx_result *r);
/* The agent's running execs, whoever started them, into l (free with
 * sbx_execs_free). 0, or -1 when the connection failed (sbx_error). */
int sbx_list(struct sbx *s, struct msg_execs *l);
void sbx_execs_free(struct msg_execs *l);
/* signo to the process group of the exec numbered exec; *pid gets its
 * pid. 0 done, 1 no such exec (sbx_error says so), -1 connection failed. */
int sbx_signal_exec(struct sbx *s, uint32_t exec, int signo, int64_t *pid);

/* execStream: a handle on one running exec. Several may run at once on
 * one struct sbx; events of each are buffered in its handle until taken. */
enum sbx_event_type {
	SBX_EVENT_STARTED, /* pid */
	SBX_EVENT_STDOUT,  /* data, len */
	SBX_EVENT_STDERR,  /* data, len */
	SBX_EVENT_EXITED,  /* exited; the last event */
	SBX_EVENT_FAILED,  /* failed; the last event */
	SBX_EVENT_ERROR,   /* code, message; the last event if the exec was
			    * refused (before STARTED), else a warning */
};

struct sbx_event {
	enum sbx_event_type type;
	int64_t pid;
	uint32_t exec; /* started: the agent-wide number (sbx_signal_exec) */
	const uint8_t *data;
	size_t len;
	struct msg_exited exited;
	struct msg_failed failed;
	enum proto_err code;
	const char *message;
};

/* Queues the exec (req is copied at once); NULL if the connection is
 * already lost (sbx_error). */
struct sbx_stream *sbx_stream_start(struct sbx *s, const struct msg_exec *req);
/* The next event, waiting at most timeout_ms (0: do not block; -1: no
 * limit). 1: *ev holds it; 0: none in time; -1: no more events (the last
 * was given) or the connection was lost (sbx_error says which). Lifetime:
 * ev's pointers (data, message, failed.stage, failed.message) belong to
 * the handle and stay valid until the next sbx_stream_recv, wait, collect
 * or free on it; copy what you keep. */
int sbx_stream_recv(struct sbx_stream *h, struct sbx_event *ev, int timeout_ms);
/* Stdin (start the exec with stdin_mode STDIN_PIPE). 0 when queued, -1
 * when the exec has ended or its stdin is closed. */
int sbx_stream_write(struct sbx_stream *h, const void *buf, size_t len);
int sbx_stream_close_stdin(struct sbx_stream *h);
/* To the exec's process group; 0 when sent, -1 when it has ended. */
int sbx_stream_signal(struct sbx_stream *h, int signo);
int sbx_stream_kill(struct sbx_stream *h);
/* Block until the exec ends and fill r as sbx_run does: wait throws the
 * output away, collect keeps what recv has not taken. 0, or -1 when the
 * connection was lost. */
int sbx_stream_wait(struct sbx_stream *h, struct sbx_result *r);
int sbx_stream_collect(struct sbx_stream *h, struct sbx_result *r);
/* Frees the handle; an exec still running is killed. */
void sbx_stream_free(struct sbx_stream *h);

/* Driving a client from someone else's loop (poll, epoll, libuv...):
 *
 *	p = sbx_poller_new(cl);
 *	for (;;) {
 *		pfd = {sbx_poller_fd(p), POLLIN} plus your own fds;
 *		poll(fds, n, sbx_poller_timeout_ms(p));  // or the smaller of yours
 *		sbx_poller_step(p);                      // never blocks
 *	}
 *
 * Callbacks run inside sbx_poller_step. The fd is an epoll fd, readable
 * when a connection of the client has something for lws to do; the
 * timeout covers lws's timers. Call sbx_poller_timeout_ms right before
 * each wait: it also updates what the fd waits for. fds adopted into the
 * client with watches are not covered: poll those yourself. */
struct sbx_poller *sbx_poller_new(struct sbx_client *cl);
int sbx_poller_fd(const struct sbx_poller *p);
int sbx_poller_timeout_ms(struct sbx_poller *p);
void sbx_poller_step(struct sbx_poller *p);
void sbx_poller_free(struct sbx_poller *p);

#endif /* SBX_BLOCKING_API */
