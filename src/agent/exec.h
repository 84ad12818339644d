/*
 * exec.h: one running command, shared by the three files that own its
 * parts: exec.c (start, signals, timeout, exit), exec-out.c (stdout and
 * stderr: pipes, credit, frames) and exec-in.c (stdin backlog, credit
 * grants). conn.c and reaper.c use the functions in agent.h only.
 */
#ifndef SBX_EXEC_H
#define SBX_EXEC_H

#include <libwebsockets.h>
#include <stdint.h>
#include <sys/types.h>

#include "agent.h"
#include "byteq.h"

struct exec {
	struct exec *next;
	struct conn *conn; /* NULL once the connection is gone */
	struct http *http; /* or the HTTP request it answers (http.c) */
	uint32_t id;
	uint32_t serial; /* agent-wide number, for list and signal_exec */
	pid_t pid;
	int tty; /* stdin and stdout are one PTY */
	struct session *sess; /* a session's process: output goes there */
	int pty_keep; /* a PTY's master, held until the process is reaped */
	char **argv;     /* cmd and args, for list */
	int64_t started_at_ms;

	/* stdin (exec-in.c) */
	struct watch *in;
	struct byteq in_q; /* tag 1: bytes of the agent's own (a tty's EOF) */
	uint64_t in_off;
	size_t in_grant; /* written to the command, not yet granted back */
	int in_close_pending;
	int in_broken; /* the command closed its end */
	int stalling;  /* this exec's stdin backlog paused the connection */

	/* stdout, stderr (exec-out.c) */
	struct watch *out[2];
	uint64_t off[2];      /* sent */
	uint64_t accepted[2]; /* sent or held */
	uint64_t limit, dropped[2]; /* output_limit per stream; bytes past it */
	size_t queued;              /* our frames in the connection's queue */
	int64_t credit;             /* bytes the client will take; with conn->window */
	struct byteq held;          /* read, waiting for credit; tag: stream */
	int out_activity;
	int flushing;               /* out_flush_session is at work */
	lws_sorted_usec_list_t drain_sul;

	/* exit, timeout (exec.c) */
	int reaped, status;
	double t_recv, t_start, t_exit;
	lws_sorted_usec_list_t timeout_sul;
	uint32_t kill_grace_ms;
	int timed_out;
	pid_t *doomed; /* its descendants when it timed out, 0-terminated */
};

/* exec.c */
void exec_try_finish(struct exec *x);
/* argv (cmd and args, NULL-terminated) copied into a list entry. */
void exec_info_command(struct msg_exec_info *e, char *const *argv);

/* exec-out.c */
void exec_out_open(struct exec *x, int out_fd, int err_fd);
void exec_out_close(struct exec *x);
void exec_out_drain_later(struct exec *x);
/* Read the pipes, or stop, as the output's readers now allow. */
void exec_out_update(struct exec *x);
int exec_out_done(const struct exec *x);

/* exec-in.c */
void exec_in_open(struct exec *x, int fd);
void exec_in_close(struct exec *x);
/* Input of a session's viewer, written in the order it came; the bytes
 * taken (0 once its stdin is closed). */
size_t exec_in_push(struct exec *x, const void *data, size_t len);

#endif
