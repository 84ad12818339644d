/*
 * sink.c: the reader at the end of every throughput pipe in bench/run.
 * Reads stdin to EOF in 1 MiB reads, prints the byte count. Cheaper than
 * `wc -c`, and the same reader for every contestant.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	static char buf[1 << 20];
	unsigned long long total = 0;
	ssize_t n;

	for (;;) {
		n = read(0, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perror("sink: read");
			return 1;
		}
		if (n == 0)
			break;
		total += (unsigned long long)n;
	}
	printf("%llu\n", total);
	return 0;
}
