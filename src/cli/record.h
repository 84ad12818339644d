/*
 * record.h: `sbx attach --record FILE`, the session written as an
 * asciicast v2 file (https://docs.asciinema.org/manual/asciicast/v2/) that
 * `asciinema play` replays. Output is fed in pieces of any size, as it is
 * read; a UTF-8 character cut between two pieces is held until it is
 * whole, and bytes that are not UTF-8 become U+FFFD, so every event is
 * valid JSON. Input is not recorded: it would keep typed passwords.
 */
#ifndef SBX_RECORD_H
#define SBX_RECORD_H

#include <stddef.h>

struct record;

/* Create or truncate path (mode 0644) and write the header. NULL with err
 * naming path and the reason on failure. */
struct record *record_open(const char *path, unsigned rows, unsigned cols, char *err,
			   size_t errlen);
/* An "o" event of the terminal output bytes. Writes are buffered and
 * flushed when 100 ms passed since the last flush. */
void record_output(struct record *r, const void *data, size_t len);
/* An "r" event "COLSxROWS". */
void record_resize(struct record *r, unsigned rows, unsigned cols);
/* Optional, from a timer of the event loop: push buffered events to the
 * file, so a session killed while quiet loses nothing it showed. */
void record_flush(struct record *r);
/* Flush, close and free; -1 if any write failed, with errno of the first. */
int record_close(struct record *r);

#endif
