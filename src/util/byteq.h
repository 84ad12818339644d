/*
 * byteq.h: bytes waiting to go somewhere (a child's stdin, output held
 * for credit, stdin held for credit), in order, as copied chunks. Each
 * chunk carries a tag for its owner (which stream, whose bytes).
 */
#ifndef SBX_BYTEQ_H
#define SBX_BYTEQ_H

#include <stddef.h>

struct byteq_chunk;

struct byteq {
	struct byteq_chunk *head, *tail;
	size_t bytes;
};

void byteq_push(struct byteq *q, const void *data, size_t len, int tag);
/* The head chunk's bytes not yet taken, and its tag; NULL when empty. */
const unsigned char *byteq_peek(const struct byteq *q, size_t *len, int *tag);
/* Drops n bytes (at most what byteq_peek gave) from the head chunk. */
void byteq_take(struct byteq *q, size_t n);
void byteq_clear(struct byteq *q);

#endif
