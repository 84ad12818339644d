/*
 * lines.h: a command's output stream, read in pieces of any size, as
 * lines, for `sbx tail`. Each complete line is emitted once, without its
 * '\n' (a '\r' before it is the command's byte and is kept). A line split
 * between reads is joined first; complete lines of a read are emitted
 * straight from the caller's bytes when nothing is held, without a copy.
 *
 * Memory is bounded: at most LINES_MAX bytes are held per stream. A longer
 * line is emitted in pieces of LINES_MAX bytes (fewer by up to 3 when that
 * keeps a UTF-8 character whole), each flagged LINE_CUT, and the piece
 * after carries LINE_CONT. The pieces are the same however the stream
 * was read.
 */
#ifndef SBX_LINES_H
#define SBX_LINES_H

#include <stddef.h>

#define LINES_MAX (1024 * 1024) /* a longer line is cut into pieces this long */

enum {
	LINE_PARTIAL = 1, /* no newline ended it: flushed (idle or end) */
	LINE_CUT = 2,     /* cut at LINES_MAX; the line goes on in the next */
	LINE_CONT = 4,    /* continues a line cut or flushed before */
};

/* line is only valid during the call; it is not NUL-terminated. */
typedef void lines_emit_fn(void *arg, const char *line, size_t len, int flags);

/* Zero-initialised is empty. */
struct lines {
	char *buf;      /* the start of a line whose newline has not come */
	size_t len, cap;
	int cont;       /* LINE_CONT when the held line was cut or flushed */
};

/* Emits every line data completes; holds the rest. data may be NULL when
 * len is 0. */
void lines_push(struct lines *l, const void *data, size_t len, lines_emit_fn *emit, void *arg);
/* Emits the held text, if any, as LINE_PARTIAL: for a prompt when the
 * stream goes idle, or the last line at its end. What comes next on that
 * line carries LINE_CONT. */
void lines_flush(struct lines *l, lines_emit_fn *emit, void *arg);
/* Bytes held, waiting for their newline (at most LINES_MAX). */
size_t lines_held(const struct lines *l);
/* Frees the buffer; l is empty again and can be reused. */
void lines_free(struct lines *l);

#endif
