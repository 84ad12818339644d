/*
 * outq.h: frames waiting for a WebSocket to become writable. Each frame is
 * stored with LWS_PRE bytes of headroom so lws_write needs no copy.
 */
#ifndef SBX_OUTQ_H
#define SBX_OUTQ_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

struct lws;

struct outf {
	struct outf *next;
	int binary;
	uint32_t id;   /* exec the frame belongs to, for accounting; 0 none */
	size_t len;    /* payload length (after the headroom) */
	unsigned char buf[];
};

struct outq {
	struct outf *head, *tail;
	size_t bytes;
	/* The frame written last, freed only at the next write: with
	 * permessage-deflate lws keeps reading it after lws_write returns,
	 * compressing what did not fit its buffer on the next writable
	 * callbacks (lws issue 1362). */
	struct outf *sent;
	int deflate; /* negotiated: one frame per writable callback */
};

void outq_push_text(struct outq *q, uint32_t id, const char *s, size_t len);
/* Copies the data behind a data-frame header. */
void outq_push_data(struct outq *q, enum frame_kind kind, uint32_t id,
		    uint64_t offset, const void *data, size_t len);
/* Writes the head frame; returns its length or -1 if the write failed.
 * *id receives the frame's exec id. */
long outq_write(struct outq *q, struct lws *wsi, uint32_t *id);
void outq_clear(struct outq *q);

#endif
