/*
 * lat.c: latency of starting a command, for bench/run. Runs CMD N times
 * (after a few warm-up runs), each as fork + execvp + waitpid with stdin
 * and stdout on /dev/null, and prints milliseconds:
 *   "n N mean M median D p90 P min L max X"
 * Every run must exit 0, or the result is refused (exit 1): a fast
 * failure is not a latency.
 *
 *   lat N CMD [ARG...]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* One run: its wall time in ms, or -1 when it did not exit 0. */
static double lat_once(char **argv)
{
	double t0 = now_ms();
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);
		dup2(fd, 0);
		dup2(fd, 1);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "lat: %s exited with status %d\n", argv[0],
			WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
		return -1;
	}
	return now_ms() - t0;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[1]) : 0, warm;
	double *t, sum = 0;

	if (n < 1) {
		fprintf(stderr, "usage: lat N CMD [ARG...]\n");
		return 2;
	}
	warm = n / 20 < 3 ? 3 : n / 20;
	for (int i = 0; i < warm; i++)
		if (lat_once(argv + 2) < 0)
			return 1;
	t = calloc((size_t)n, sizeof *t);
	for (int i = 0; i < n; i++) {
		if ((t[i] = lat_once(argv + 2)) < 0)
			return 1;
		sum += t[i];
	}
	qsort(t, (size_t)n, sizeof *t, cmp);
	printf("n %d mean %.3f median %.3f p90 %.3f min %.3f max %.3f\n", n, sum / n,
	       n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2, t[(n * 9) / 10], t[0],
	       t[n - 1]);
	free(t);
	return 0;
}
