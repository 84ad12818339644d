/*
 * session.h: an exec that outlives its connection. The agent keeps the
 * last SESSION_RING bytes of its output (and of a PTY's, its screen:
 * screen.c), so that clients attach, detach and resume at will; several
 * may watch at once. Without a PTY, stdout and stderr share the ring.
 * Each attached client is a viewer: a (connection, id) pair with its own
 * place in the output, credit and terminal size.
 */
#ifndef SBX_SESSION_H
#define SBX_SESSION_H

#include <stdint.h>

#include "agent.h"

#define SESSION_RING (4 * 1024 * 1024)   /* output kept for resuming, per session */
#define SESSION_SCROLLBACK 2000      /* lines kept above the screen, as tmux */
#define SESSION_KEEP_MS (5 * 60 * 1000) /* an exited session stays listed */

struct session;
struct viewer;

/* Makes x a session, with its starter (c, id) as the first viewer. */
void session_start(struct exec *x, struct conn *c, uint32_t id, const struct msg_exec *req);
/* Output as read: the PTY's (stdout), or a pipe's (stdout or stderr). */
void session_output(struct session *s, enum frame_kind kind, const void *data, size_t len);
/* 0 while a viewer would fall out of the ring: stop reading the PTY. */
int session_may_read(const struct session *s);
/* The process is gone and its output read: viewers get `exited` once they
 * have the last byte; the session stays listed SESSION_KEEP_MS. */
void session_exited(struct session *s, const struct msg *exited);
/* The stdin backlog of its process crossed a bound: pause (1) or resume
 * (0) reading the connections of the viewers that type. */
void session_stall(struct session *s, int stall);

/* Messages of the viewer (c, id), from conn.c; NULL if there is none. */
struct viewer *viewer_find(struct conn *c, uint32_t id);
void session_attach(struct conn *c, const struct msg *m);
void viewer_detach(struct viewer *v);
void viewer_stdin(struct viewer *v, const struct frame *f);
/* A terminal is everyone's: its session keeps it open; a pipe is closed. */
void viewer_stdin_close(struct viewer *v);
void viewer_resize(struct viewer *v, uint16_t rows, uint16_t cols);
void viewer_signal(struct viewer *v, int signo);
void viewer_window(struct viewer *v, uint32_t bytes);
void viewer_sent(struct viewer *v, size_t len);
void session_conn_gone(struct conn *c);

/* Entries for list: l->v needs room for session_count() more. */
void session_list(struct msg_execs *l);
size_t session_count(void);
struct session *session_by_serial(uint32_t n);
void session_free_all(void);

#endif
