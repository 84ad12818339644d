/*
 * spew.c: the writer in every sandbox of bench/run's tail section.
 * Writes N lines to stdout as fast as it can, each "SEQ " (1 to N) and
 * filler up to WIDTH bytes, newline included (default 80), through a
 * 1 MiB buffer and write(2). The filler is lowercase letters, a..z in
 * turn, starting at letter SEQ % 26, so that a line can be checked on
 * its own: bench/run counts any line that is not exactly this (a torn or
 * merged line) as malformed.
 *
 *   spew N [WIDTH]
 *
 * Exit status 0 when every line was written, 1 on a write error, 2 on
 * bad arguments (WIDTH must leave room for N's digits, a space, one
 * letter of filler and the newline).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BUF_SIZE (1 << 20)
#define ALPHA 26

/* Writes all of buf[0..len), through EINTR and partial writes. */
static int write_all(const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(1, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perror("spew: write");
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* SEQ in decimal at p, then a space; returns the length */
static int put_seq(char *p, unsigned long long seq)
{
	char tmp[24];
	int n = 0, len;

	do {
		tmp[n++] = (char)('0' + seq % 10);
		seq /= 10;
	} while (seq);
	for (len = 0; n > 0; len++)
		p[len] = tmp[--n];
	p[len++] = ' ';
	return len;
}

static int parse(const char *s, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || end == s || *end || *s == '-' ? -1 : 0;
}

int main(int argc, char **argv)
{
	static char buf[BUF_SIZE];
	unsigned long long n, width = 80, seq;
	char *letters;
	size_t used = 0;
	int digits;

	if (argc < 2 || argc > 3 || parse(argv[1], &n) || (argc == 3 && parse(argv[2], &width))) {
		fprintf(stderr, "usage: spew N [WIDTH]\n");
		return 2;
	}
	digits = snprintf(NULL, 0, "%llu", n);
	if (width < (unsigned long long)digits + 3 || width > BUF_SIZE / 2) {
		fprintf(stderr, "spew: WIDTH must be from %d to %d for N = %llu\n", digits + 3, BUF_SIZE / 2, n);
		return 2;
	}
	/* a..z repeated: the filler of any line is a slice of it */
	letters = malloc(width + ALPHA);
	if (!letters) {
		perror("spew: malloc");
		return 1;
	}
	for (size_t i = 0; i < width + ALPHA; i++)
		letters[i] = (char)('a' + i % ALPHA);

	for (seq = 1; seq <= n; seq++) {
		int len;
		size_t fill;

		if (used + width > BUF_SIZE) {
			if (write_all(buf, used))
				return 1;
			used = 0;
		}
		len = put_seq(buf + used, seq);
		fill = width - (size_t)len - 1;
		memcpy(buf + used + len, letters + seq % ALPHA, fill);
		buf[used + width - 1] = '\n';
		used += width;
	}
	if (used && write_all(buf, used))
		return 1;
	free(letters);
	return 0;
}
