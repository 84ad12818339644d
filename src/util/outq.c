/* outq.c: the write queue of one WebSocket; see outq.h. */
#include <libwebsockets.h>
#include <string.h>

#include "outq.h"
#include "xmalloc.h"

static struct outf *outf_new(struct outq *q, int binary, uint32_t id, size_t len)
{
	struct outf *f = xmalloc(sizeof *f + LWS_PRE + len);

	f->next = NULL;
	f->binary = binary;
	f->id = id;
	f->len = len;
	if (q->tail)
		q->tail->next = f;
	else
		q->head = f;
	q->tail = f;
	q->bytes += len;
	return f;
}

void outq_push_text(struct outq *q, uint32_t id, const char *s, size_t len)
{
	struct outf *f = outf_new(q, 0, id, len);

	memcpy(f->buf + LWS_PRE, s, len);
}

void outq_push_data(struct outq *q, enum frame_kind kind, uint32_t id,
		    uint64_t offset, const void *data, size_t len)
{
	struct outf *f = outf_new(q, 1, id, PROTO_FRAME_HDR + len);

	frame_encode_header(f->buf + LWS_PRE, kind, id, offset);
	memcpy(f->buf + LWS_PRE + PROTO_FRAME_HDR, data, len);
}

long outq_write(struct outq *q, struct lws *wsi, uint32_t *id)
{
	struct outf *f = q->head;
	int n;

	if (f == NULL)
		return 0;
	free(q->sent);
	q->sent = NULL;
	n = lws_write(wsi, f->buf + LWS_PRE, f->len,
		      f->binary ? LWS_WRITE_BINARY : LWS_WRITE_TEXT);
	q->head = f->next;
	if (q->head == NULL)
		q->tail = NULL;
	q->bytes -= f->len;
	*id = f->id;
	n = n < (int)f->len ? -1 : (int)f->len;
	q->sent = f;
	return n;
}

void outq_clear(struct outq *q)
{
	struct outf *f, *next;

	for (f = q->head; f; f = next) {
		next = f->next;
		free(f);
	}
	q->head = q->tail = NULL;
	q->bytes = 0;
	free(q->sent);
	q->sent = NULL;
}
