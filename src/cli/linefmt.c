/*
 * linefmt.c: the lines of `sbx tail`, as text or JSON; see linefmt.h.
 * Called once per line of every sandbox, so both forms are put together
 * with memcpy: the text form reserves its whole size once, the JSON form
 * escapes in runs. Hand-made JSON rather than jansson's: an object built
 * and dumped per line ran at 0.3M short lines/s, this at 4M (text: 33M).
 * The strings are escaped as RFC 8259 says; tests parse them back.
 */
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "lines.h"
#include "linefmt.h"
#include "proto.h"
#include "xmalloc.h"

#define SGR_RESET "\033[0m"
#define SGR_MARK "\033[2m"     /* dim: the [continued] markers */
#define SGR_NOTICE "\033[2;3m" /* dim italic: not the command's words */
#define SGR_STDERR "\033[1;31m"
#define MARK "[continued]"

/* Room for everything of a text line but the name, padding and line. */
#define TEXT_FIXED 128

#define PUT(p, lit) put(p, lit, sizeof lit - 1)

static char *put(char *p, const void *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

/* At least n free bytes at the end of b. */
static char *outbuf_room(struct outbuf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 4096;

	if (b->cap - b->len < n) {
		while (cap - b->len < n)
			cap *= 2;
		b->p = xrealloc(b->p, cap);
		b->cap = cap;
	}
	return b->p + b->len;
}

void outbuf_append(struct outbuf *b, const void *data, size_t len)
{
	if (len == 0)
		return;
	memcpy(outbuf_room(b, len), data, len);
	b->len += len;
}

void outbuf_free(struct outbuf *b)
{
	free(b->p);
	*b = (struct outbuf){0};
}

unsigned linefmt_color_of(const char *name)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *s = (const unsigned char *)name; *s; s++)
		h = (h ^ *s) * 16777619u;
	return h % LINEFMT_COLORS;
}

static char *put_digits(char *p, int64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--, v /= 10)
		p[i] = (char)('0' + v % 10);
	return p + n;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

/* The date from days since 1970-01-01 is Howard Hinnant's
 * civil_from_days (proleptic Gregorian), which needs no gmtime_r and
 * no lock of the time zone. */
void linefmt_time(char *out, int64_t ts_ms)
{
	int64_t ms, s, days, sod, z, era, doe, yoe, doy, mp, y, m, d;

	if (ts_ms < -62167219200000) /* 0000-01-01T00:00:00.000Z */
		ts_ms = -62167219200000;
	if (ts_ms > 253402300799999) /* 9999-12-31T23:59:59.999Z */
		ts_ms = 253402300799999;
	s = floor_div(ts_ms, 1000);
	ms = ts_ms - s * 1000;
	days = floor_div(s, 86400);
	sod = s - days * 86400;
	z = days + 719468;
	era = floor_div(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y = yoe + era * 400 + (m <= 2);
	out = put_digits(out, y, 4);
	*out++ = '-';
	out = put_digits(out, m, 2);
	*out++ = '-';
	out = put_digits(out, d, 2);
	*out++ = 'T';
	out = put_digits(out, sod / 3600, 2);
	*out++ = ':';
	out = put_digits(out, sod / 60 % 60, 2);
	*out++ = ':';
	out = put_digits(out, sod % 60, 2);
	*out++ = '.';
	out = put_digits(out, ms, 3);
	*out = 'Z';
}

/* Text form. */

static const char palette[LINEFMT_COLORS][6] = {
	"\033[31m", "\033[32m", "\033[33m", "\033[34m", "\033[35m", "\033[36m",
};

/* [TIME ]NAME<pad> and the separator sep ('|' or '!'), then a blank. */
static char *put_prefix(char *p, const struct linefmt *f, const char *name, size_t nlen, char sep,
			int64_t ts_ms)
{
	if (f->timestamps) {
		linefmt_time(p, ts_ms);
		p += LINEFMT_TIME_LEN;
		*p++ = ' ';
	}
	if (f->color)
		p = put(p, palette[linefmt_color_of(name)], sizeof palette[0] - 1);
	p = put(p, name, nlen);
	if (nlen < f->width) {
		memset(p, ' ', f->width - nlen);
		p += f->width - nlen;
	}
	*p++ = ' ';
	if (f->color && sep == '!')
		p = PUT(p, SGR_RESET SGR_STDERR "!" SGR_RESET);
	else if (f->color)
		p = PUT(p, "|" SGR_RESET);
	else
		*p++ = sep;
	*p++ = ' ';
	return p;
}

static char *put_mark(char *p, const struct linefmt *f)
{
	return f->color ? PUT(p, SGR_MARK MARK SGR_RESET) : PUT(p, MARK);
}

static void text_line(const struct linefmt *f, struct outbuf *out, const char *name, int stream,
		      int64_t ts_ms, const char *line, size_t len, int flags)
{
	size_t nlen = strlen(name);
	char *start = outbuf_room(out, TEXT_FIXED + nlen + f->width + len), *p;

	p = put_prefix(start, f, name, nlen, stream == 2 ? '!' : '|', ts_ms);
	if (flags & LINE_CONT) {
		p = put_mark(p, f);
		*p++ = ' ';
	}
	p = put(p, line, len);
	if (flags & LINE_CUT) {
		*p++ = ' ';
		p = put_mark(p, f);
	}
	*p++ = '\n';
	out->len += (size_t)(p - start);
}

static void text_notice(const struct linefmt *f, struct outbuf *out, const char *name,
			int64_t ts_ms, const char *text)
{
	size_t nlen = strlen(name), tlen = strlen(text);
	char *start = outbuf_room(out, TEXT_FIXED + nlen + f->width + tlen), *p;

	p = put_prefix(start, f, name, nlen, '|', ts_ms);
	if (f->color)
		p = PUT(p, SGR_NOTICE);
	p = put(p, text, tlen);
	if (f->color)
		p = PUT(p, SGR_RESET);
	*p++ = '\n';
	out->len += (size_t)(p - start);
}

/* JSON form. */

#define PUTS(out, lit) outbuf_append(out, lit, sizeof lit - 1)

static void json_escape(struct outbuf *out, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
	const char *two = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n"
			: c == '\r' ? "\\r" : c == '\t' ? "\\t" : NULL;

	outbuf_append(out, two ? two : e, two ? 2 : 6);
}

/* s[0..n) inside a JSON string: runs that need no escape are copied as
 * they are. With ascii, bytes past 0x7f become '?' (s is not UTF-8). */
static void json_chars(struct outbuf *out, const char *s, size_t n, int ascii)
{
	size_t run = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c != '"' && c != '\\' && (c < 0x80 || !ascii))
			continue;
		outbuf_append(out, s + run, i - run);
		if (c >= 0x80)
			PUTS(out, "?");
		else
			json_escape(out, c);
		run = i + 1;
	}
	outbuf_append(out, s + run, n - run);
}

/* A string of ours (a name, a notice): as it is when UTF-8, else ASCII. */
static void json_text(struct outbuf *out, const char *s)
{
	size_t n = strlen(s);

	json_chars(out, s, n, !utf8_valid((const uint8_t *)s, n));
}

static void json_ts(struct outbuf *out, int64_t ts_ms)
{
	PUTS(out, ",\"ts\":\"");
	linefmt_time(outbuf_room(out, LINEFMT_TIME_LEN), ts_ms);
	out->len += LINEFMT_TIME_LEN;
	PUTS(out, "\"");
}

static void json_line(struct outbuf *out, const char *name, int stream, int64_t ts_ms,
		      const char *line, size_t len, int flags)
{
	char *b64;

	PUTS(out, "{\"sandbox\":\"");
	json_text(out, name);
	if (stream == 2)
		PUTS(out, "\",\"stream\":\"stderr\",\"line\":\"");
	else
		PUTS(out, "\",\"stream\":\"stdout\",\"line\":\"");
	if (utf8_valid((const uint8_t *)line, len)) {
		json_chars(out, line, len, 0);
		PUTS(out, "\"");
	} else {
		b64 = b64_encode(line, len);
		outbuf_append(out, b64, strlen(b64));
		PUTS(out, "\",\"encoding\":\"base64\"");
		free(b64);
	}
	json_ts(out, ts_ms);
	if (flags & LINE_CUT)
		PUTS(out, ",\"cut\":true");
	if (flags & LINE_CONT)
		PUTS(out, ",\"continued\":true");
	if (flags & LINE_PARTIAL)
		PUTS(out, ",\"partial\":true");
	PUTS(out, "}\n");
}

static void json_notice(struct outbuf *out, const char *name, int64_t ts_ms, const char *text)
{
	PUTS(out, "{\"sandbox\":\"");
	json_text(out, name);
	PUTS(out, "\",\"event\":\"notice\",\"message\":\"");
	json_text(out, text);
	PUTS(out, "\"");
	json_ts(out, ts_ms);
	PUTS(out, "}\n");
}

void linefmt_line(const struct linefmt *f, struct outbuf *out, const char *name, int stream,
		  int64_t ts_ms, const char *line, size_t len, int flags)
{
	if (len == 0)
		line = ""; /* memcpy and friends want a pointer even for 0 bytes */
	if (f->json)
		json_line(out, name, stream, ts_ms, line, len, flags);
	else
		text_line(f, out, name, stream, ts_ms, line, len, flags);
}

void linefmt_notice(const struct linefmt *f, struct outbuf *out, const char *name, int64_t ts_ms,
		    const char *text)
{
	if (f->json)
		json_notice(out, name, ts_ms, text);
	else
		text_notice(f, out, name, ts_ms, text);
}

void linefmt_json_field(struct outbuf *out, int first, const char *key, const char *s, size_t n)
{
	char *b64;

	if (!first)
		PUTS(out, ",");
	PUTS(out, "\"");
	outbuf_append(out, key, strlen(key));
	PUTS(out, "\":\"");
	if (utf8_valid((const uint8_t *)(n ? s : ""), n)) {
		json_chars(out, n ? s : "", n, 0);
		PUTS(out, "\"");
		return;
	}
	b64 = b64_encode(s, n);
	outbuf_append(out, b64, strlen(b64));
	PUTS(out, "\",\"");
	outbuf_append(out, key, strlen(key));
	PUTS(out, "_encoding\":\"base64\"");
	free(b64);
}
