/*
 * linefmt.h: one line of `sbx tail`'s merged output of many sandboxes,
 * appended to a buffer that the caller writes out in big writes.
 *
 * Text:  [TIME ]NAME<pad> | line      a line of stdout
 *        [TIME ]NAME<pad> ! line      a line of stderr
 *        [TIME ]NAME<pad> | text      a notice about the sandbox itself
 * where TIME is 2025-12-02T02:40:01.123Z (UTC) and NAME is padded with
 * spaces to the width of the name column. A piece of a line cut at
 * LINES_MAX ends with " [continued]"; the piece after starts with
 * "[continued] ". With colour, the name and separator are in the name's
 * colour, stderr's '!' in bold red, the markers dim and a notice's text
 * dim italic. The line's own bytes are never changed, escapes included.
 *
 * JSON, one object a line, always valid JSON:
 *   {"sandbox":"box1","stream":"stdout","line":"...","ts":"2025-...Z"}
 * with "encoding":"base64" after "line" when the line is not UTF-8 (its
 * bytes are then in base64), and "cut":true, "continued":true,
 * "partial":true after "ts" as the LINE_* flags say; and
 *   {"sandbox":"box1","event":"notice","message":"...","ts":"2025-...Z"}
 *
 * Nothing is formatted with printf: a flood of short lines costs a few
 * memcpy each, so there is no prefix to cache.
 */
#ifndef SBX_LINEFMT_H
#define SBX_LINEFMT_H

#include <stddef.h>
#include <stdint.h>

/* A growable buffer of bytes to write. (byteq would copy each line into
 * a chunk of its own, a malloc a line.) Write out p[0..len) and set len
 * to 0 to reuse it; outbuf_free releases it. Zero-initialised is empty. */
struct outbuf {
	char *p;
	size_t len, cap;
};

void outbuf_append(struct outbuf *b, const void *data, size_t len);
void outbuf_free(struct outbuf *b);

struct linefmt {
	int color;       /* ANSI colours */
	int timestamps;  /* prefix the time (text form; JSON always has "ts") */
	int json;        /* one JSON object per line instead */
	size_t width;    /* the name column: shorter names are padded to it */
};

/* The palette linefmt_color_of indexes: foreground SGR 31 + index (red,
 * green, yellow, blue, magenta, cyan). */
#define LINEFMT_COLORS 6
/* A name's colour: FNV-1a of its bytes, modulo LINEFMT_COLORS, so a name
 * has the same colour in every run, whatever the other names. */
unsigned linefmt_color_of(const char *name);

/* ts_ms (wall-clock ms since the epoch) as 2025-12-02T02:40:01.123Z, in
 * out[0..LINEFMT_TIME_LEN), not NUL-terminated; clamped to years 0-9999. */
#define LINEFMT_TIME_LEN 24
void linefmt_time(char *out, int64_t ts_ms);

/* Appends one line of output, with its final '\n'. stream: 2 stderr,
 * anything else stdout. ts_ms: used with timestamps or json. flags: the
 * LINE_* flags of lines.h. line may be NULL when len is 0. A name (or a
 * notice's text) that is not UTF-8 has its bytes past ASCII written as
 * '?' in JSON; sandbox names are ASCII anyway. */
void linefmt_line(const struct linefmt *f, struct outbuf *out, const char *name, int stream,
		  int64_t ts_ms, const char *line, size_t len, int flags);
/* Appends a notice about a sandbox, not output of its command
 * ("disconnected: connection refused; retrying in 2s"). */
void linefmt_notice(const struct linefmt *f, struct outbuf *out, const char *name, int64_t ts_ms,
		    const char *text);

/* ,"KEY":"S" into a JSON object being written (no comma when first); S
 * that is not UTF-8 as base64, with "KEY_encoding":"base64" after. */
void linefmt_json_field(struct outbuf *out, int first, const char *key, const char *s, size_t n);

#endif
