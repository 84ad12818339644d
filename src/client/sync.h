/* sync.h: libsbx internals shared by sync.c (struct sbx, one blocking
 * connection) and stream.c (struct sbx_stream, one exec on it). */
#ifndef SBX_SYNC_H
#define SBX_SYNC_H

#include "client.h"

struct sbx {
	struct sbx_client *cl;
	struct sbx_conn *conn;
	int ready;  /* the agent said hello */
	int broken; /* the connection failed or was lost; why says why */
	char why[300];
	struct sbx_stream *streams; /* every handle not freed, and orphans */
	lws_sorted_usec_list_t wake; /* ends a bounded wait */
	int timeout_ms; /* for connect, list and signal_exec; -1: none */
};

/* sync.c: runs the loop until ready(arg) is true, the connection breaks
 * or timeout_ms passes (0: look once without blocking; -1: no limit).
 * 1 ready, 0 timed out, -1 broken (and not ready). */
int sbx_wait(struct sbx *s, int (*ready)(void *arg), void *arg, int timeout_ms);
void sbx_fail(struct sbx *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* stream.c */
void stream_lost_all(struct sbx *s);
void stream_free_all(struct sbx *s);

#endif
