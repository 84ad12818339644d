/*
 * byteq.c: an ordered queue of copied byte chunks; see byteq.h.
 */
#include <stdlib.h>
#include <string.h>

#include "byteq.h"
#include "xmalloc.h"

struct byteq_chunk {
	struct byteq_chunk *next;
	size_t len, off;
	int tag;
	unsigned char data[];
};

void byteq_push(struct byteq *q, const void *data, size_t len, int tag)
{
	struct byteq_chunk *c = xmalloc(sizeof *c + len);

	c->next = NULL;
	c->len = len;
	c->off = 0;
	c->tag = tag;
	memcpy(c->data, data, len);
	if (q->tail)
		q->tail->next = c;
	else
		q->head = c;
	q->tail = c;
	q->bytes += len;
}

const unsigned char *byteq_peek(const struct byteq *q, size_t *len, int *tag)
{
	if (q->head == NULL)
		return NULL;
	*len = q->head->len - q->head->off;
	if (tag)
		*tag = q->head->tag;
	return q->head->data + q->head->off;
}

void byteq_take(struct byteq *q, size_t n)
{
	struct byteq_chunk *c = q->head;

	c->off += n;
	q->bytes -= n;
	if (c->off < c->len)
		return;
	q->head = c->next;
	if (q->head == NULL)
		q->tail = NULL;
	free(c);
}

void byteq_clear(struct byteq *q)
{
	struct byteq_chunk *c, *next;

	for (c = q->head; c; c = next) {
		next = c->next;
		free(c);
	}
	q->head = q->tail = NULL;
	q->bytes = 0;
}
