/*
 * fleet.h: one command on many targets at once, in one loop (tail, grep,
 * exec on many). Each member connects, starts the command and reports
 * its output and its end through the ops. With a reconnect window, the
 * command runs as a session (PROTOCOL.md §5, Sessions): a dropped
 * connection is retried with backoff and the output resumed from the
 * byte the member lacks, so nothing is lost or repeated while the agent
 * still holds it; an agent that restarted lost the command, which is run
 * again when the fleet says so (rerun). The session lingers only as long
 * as the window, so a client that dies leaves nothing running.
 */
#ifndef SBX_FLEET_H
#define SBX_FLEET_H

#include <stddef.h>
#include <stdint.h>

#include <libwebsockets.h>

#include "linefmt.h"
#include "proto.h"

struct fleet;
struct sbx_conn;
struct sbx_exec;
struct watch;

enum member_state { MEMBER_WAITING, MEMBER_CONNECTING, MEMBER_RUNNING, MEMBER_RETRYING,
		    MEMBER_DONE };

struct member {
	struct fleet *f;
	size_t index;
	char *name;       /* the target as given */
	char *url, *token, *ca_file;
	enum member_state state;
	struct sbx_conn *conn;
	struct sbx_exec *x;
	/* What a reconnect needs: the agent's run, the session, the offset. */
	char instance[40];
	uint32_t session;
	uint64_t offset;
	unsigned attempt;
	double down_since; /* ms, monotonic: when the connection was lost */
	char down_why[300];
	int64_t ts_ms;     /* the agent's time for the output that comes next */
	lws_sorted_usec_list_t retry_sul, close_sul;
	/* The result. */
	int ran;           /* started on its agent */
	int status;        /* as sbx exec exits: code, 128+N, 124, 125, 126, 127 */
	int signo;         /* killed by this signal, else 0 */
	struct msg_exited exited;
	char why[300];     /* why it failed, when it did not run to its end */
	double t0, t1;     /* ms, monotonic: start and end */
	uint64_t bytes[2]; /* stdout and stderr received */
	void *user;        /* the command's own */
};

/* What a notice is about (the text says it to a person). */
enum fleet_notice { NOTICE_DOWN, NOTICE_BACK, NOTICE_RERUN, NOTICE_LOST };

struct fleet_ops {
	void (*output)(struct member *m, enum frame_kind kind, const uint8_t *data, size_t len);
	void (*notice)(struct member *m, enum fleet_notice what, const char *text);
	/* m->state is MEMBER_DONE; called once for each member. */
	void (*ended)(struct member *m);
};

struct fleet {
	struct member *m;
	size_t n;
	const struct msg_exec *req;
	const void *stdin_data; /* sent to each, then EOF; NULL: none */
	size_t stdin_len;
	int stdin_stream;       /* else stdin_fd, read as it comes, to each (feed.c) */
	int stdin_fd;           /* -1 once the loop owns it */
	unsigned parallel;      /* at most this many at once; 0: all */
	unsigned reconnect_ms;  /* retry a lost connection this long; 0: never */
	int retry_first;        /* also retry a first connection that fails */
	int rerun;              /* run the command again on a restarted agent */
	int stamps;             /* the agent's time of each output (m->ts_ms) */
	int deflate;            /* offer permessage-deflate (much text to come) */
	unsigned keepalive;
	const struct fleet_ops *ops;
	void *arg;
	/* Filled in by fleet_run. */
	struct sbx_client *cl;
	size_t started, done;
	int interrupts;
	int stopping;
	int signo;              /* a signal that stopped us, else 0 */
	struct watch *in;       /* stdin_fd's, while it is read */
	int in_hup;             /* its writer went: held is the rest */
	struct outbuf held;
	unsigned char *kept;    /* the stream's last bytes, for feed_resume */
	uint64_t in_total;      /* stream bytes sent so far */
	int in_eof;             /* stdin_fd ended: each member's stdin is closed */
};

/* Members for names (resolved as TARGETs with the token and CA options);
 * -1 after printing why one cannot be. */
int fleet_init(struct fleet *f, char **names, size_t n, const char *token_file,
	       const char *ca_file);
/* Runs until every member is done; 0, or -1 when the loop could not start
 * (printed). SIGINT, SIGTERM and SIGHUP go to every command (a second
 * one kills them); f->signo says which came. */
int fleet_run(struct fleet *f);
/* Stops everything: the commands are killed, the members not started
 * are not (for a reader that went away). */
void fleet_stop(struct fleet *f);
void fleet_free(struct fleet *f);
/* The name column's width: the longest name. */
size_t fleet_width(const struct fleet *f);

/* feed.c: stdin_fd to every member. A paused watch, then read whenever
 * every member that has not ended runs and takes more (feed_update, when
 * any of that changes); feed_begin when a member's exec starts or
 * reattaches. */
int feed_start(struct fleet *f);
void feed_update(struct fleet *f);
void feed_begin(struct member *m);
/* Reattached: what followed stream byte `from` (what its agent got) sent
 * again, then feed_begin. *lost: bytes no longer kept; -1 if `from` is
 * past what was sent. */
int feed_resume(struct member *m, uint64_t from, uint64_t *lost);
void feed_stop(struct fleet *f);

#endif
