/*
 * record.c: the asciicast v2 writer of `sbx attach --record`; see record.h.
 * Called from the attach event loop, so it only ever writes, buffered, to
 * the file it opened. Times are printed from integer microseconds rather
 * than with %f, which would print a comma under some LC_NUMERIC.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "record.h"
#include "xmalloc.h"

/* Often enough that a killed session leaves nearly all it showed, rarely
 * enough that a flood of output is not a flood of write(2) calls. */
#define RECORD_FLUSH_US 100000

struct record {
	FILE *f;
	struct timespec t0;  /* CLOCK_MONOTONIC at record_open */
	int64_t flushed_us;  /* since t0, at the last flush */
	unsigned char pend[3]; /* a character cut off by the end of a piece */
	size_t npend;
	int err;             /* errno of the first failed write; 0: none */
};

static int64_t record_now_us(const struct record *r)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)(ts.tv_sec - r->t0.tv_sec) * 1000000 + (ts.tv_nsec - r->t0.tv_nsec) / 1000;
}

/* The length of the UTF-8 character at p; 0 when the avail bytes are the
 * start of one, cut off; -1 when p[0] is not part of one. As in
 * protocol/utf8.c, the second byte's range is narrower after the leads
 * that would begin overlongs, surrogates or code points past U+10FFFF. */
static int seq_len(const unsigned char *p, size_t avail)
{
	unsigned char b = p[0];
	int n = b < 0x80 ? 1 : b < 0xc2 ? 0 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : b < 0xf5 ? 4 : 0;
	unsigned char lo = b == 0xe0 ? 0xa0 : b == 0xf0 ? 0x90 : 0x80;
	unsigned char hi = b == 0xed ? 0x9f : b == 0xf4 ? 0x8f : 0xbf;

	if (n == 0)
		return -1;
	for (int k = 1; k < n; k++, lo = 0x80, hi = 0xbf) {
		if ((size_t)k == avail)
			return 0;
		if (p[k] < lo || p[k] > hi)
			return -1;
	}
	return n;
}

/* Valid UTF-8 of in to out (room for 3 * len), each bad byte one U+FFFD.
 * A cut-off character at the end is left unused unless at_end; *used
 * says how many bytes were taken. Returns the bytes written to out. */
static size_t utf8_clean(const unsigned char *in, size_t len, int at_end, unsigned char *out,
			 size_t *used)
{
	size_t i = 0, o = 0;

	while (i < len) {
		int n = seq_len(in + i, len - i);
		if (n == 0 && !at_end)
			break;
		if (n <= 0) {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(out + o, in + i, (size_t)n);
		o += (size_t)n;
		i += (size_t)n;
	}
	*used = i;
	return o;
}

static void record_fail(struct record *r)
{
	if (r->err == 0)
		r->err = errno ? errno : EIO;
}

void record_flush(struct record *r)
{
	r->flushed_us = record_now_us(r);
	if (r->err == 0 && fflush(r->f) == EOF)
		record_fail(r);
}

/* One event line; s is valid UTF-8 (json_stringn checks it again). */
static void record_event(struct record *r, const char *code, const char *s, size_t len)
{
	int64_t us = record_now_us(r);
	json_t *str;

	if (r->err)
		return;
	str = json_stringn(s, len); /* NULL (not UTF-8): json_dumpf fails */
	errno = 0;
	if (fprintf(r->f, "[%" PRId64 ".%06" PRId64 ", \"%s\", ", us / 1000000, us % 1000000,
		    code) < 0 ||
	    json_dumpf(str, r->f, JSON_ENCODE_ANY) < 0 || fputs("]\n", r->f) == EOF)
		record_fail(r);
	json_decref(str);
	if (us - r->flushed_us >= RECORD_FLUSH_US)
		record_flush(r);
}

/* The pending cut-off character, then data, as one event. */
static void record_text(struct record *r, const void *data, size_t len, int at_end)
{
	size_t n = r->npend + len, used, outn;
	unsigned char *in = xmalloc(n), *out = xmalloc(3 * n);

	memcpy(in, r->pend, r->npend);
	if (len)
		memcpy(in + r->npend, data, len);
	outn = utf8_clean(in, n, at_end, out, &used);
	r->npend = n - used; /* at most 3: a longer start is a whole character */
	memcpy(r->pend, in + used, r->npend);
	if (outn)
		record_event(r, "o", (const char *)out, outn);
	free(in);
	free(out);
}

void record_output(struct record *r, const void *data, size_t len)
{
	if (len)
		record_text(r, data, len, 0);
}

void record_resize(struct record *r, unsigned rows, unsigned cols)
{
	char size[32];

	snprintf(size, sizeof size, "%ux%u", cols, rows);
	record_event(r, "r", size, strlen(size));
}

/* The header line, flushed at once: a file that cannot be written fails
 * record_open, not the end of the session. Only env values that are set
 * (and are UTF-8: json_string refuses others) are named. */
static int header_write(FILE *f, unsigned rows, unsigned cols)
{
	static const char *const names[] = {"SHELL", "TERM"};
	json_t *env = json_object(), *h;
	int rc;

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const char *v = getenv(names[i]);
		if (v)
			json_object_set_new(env, names[i], json_string(v));
	}
	h = json_pack("{s:i, s:i, s:i, s:I, s:o}", "version", 2, "width", (int)cols, "height",
		      (int)rows, "timestamp", (json_int_t)time(NULL), "env", env);
	errno = 0;
	rc = h == NULL || json_dumpf(h, f, JSON_COMPACT) < 0 || fputc('\n', f) == EOF ||
		     fflush(f) == EOF ? -1 : 0;
	json_decref(h);
	return rc;
}

struct record *record_open(const char *path, unsigned rows, unsigned cols, char *err,
			   size_t errlen)
{
	/* O_NONBLOCK only for open: a FIFO with no reader fails, not hangs. */
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0644);
	struct record *r;
	FILE *f = NULL;

	if (fd < 0 || fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0 ||
	    (f = fdopen(fd, "w")) == NULL || header_write(f, rows, cols) < 0) {
		snprintf(err, errlen, "cannot record to %s: %s", path, strerror(errno ? errno : EIO));
		if (f)
			fclose(f);
		else if (fd >= 0)
			close(fd);
		return NULL;
	}
	r = xcalloc(1, sizeof *r);
	r->f = f;
	clock_gettime(CLOCK_MONOTONIC, &r->t0);
	return r;
}

int record_close(struct record *r)
{
	int err;

	if (r->npend)
		record_text(r, NULL, 0, 1); /* a character never finished: U+FFFD */
	record_flush(r);
	if (fclose(r->f) == EOF)
		record_fail(r);
	err = r->err;
	free(r);
	if (err)
		errno = err;
	return err ? -1 : 0;
}
