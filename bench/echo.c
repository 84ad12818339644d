/*
 * echo.c: a terminal for bench/run's attach section. Runs CMD on the
 * slave side of a PTY pair of its own (the child: setsid, TIOCSCTTY,
 * 0/1/2 on the slave, 24x80) and plays the user at the master side.
 *
 *   echo [-n N] [-l K] [-g MS] [-r] [-w] CMD [ARG...]
 *	keystroke echo: N keys (default 1000), one at a time; prints
 *	microseconds "n N median M p99 P mean A min L max X"
 *   echo -c FILE CMD [ARG...]
 *	throughput: reads the master until EOF (CMD, `cat FILE` somewhere,
 *	has exited); checks that what came is FILE exactly, less the CRs
 *	that ONLCR added, and then what the command wrote as it left (sbx
 *	attach: CR LF on leaving raw mode); prints "bytes B file F lines L
 *	secs S mbps R trailing T [HEX]" (R: F / S / 1e6, the file's size
 *	over the time from fork to EOF; T bytes after the file, the first
 *	32 in hex)
 *
 * What a keystroke measures: the time from writing one printable byte to
 * the master until that byte comes back out of it. Only one thing may
 * echo it, so that a key is one round trip:
 *   - sbx attach / ssh -tt (-w): the slave starts as a user's terminal
 *     (cooked, ECHO; ssh copies these modes to the remote PTY), and the
 *     command puts it in raw mode itself; -w waits for that (ICANON and
 *     ECHO off, read through the master) before the first byte, so that
 *     our own line discipline never echoes. The key then goes slave ->
 *     command -> agent or sshd -> the remote PTY, whose line discipline
 *     (cooked, ECHO) echoes it -> back the same way. The remote `cat`
 *     sees nothing until a line ends: the echo is the remote kernel's,
 *     as a shell's own echo would be readline's.
 *   - the floor, `cat` on this PTY (-r): the child sets the slave raw
 *     (cfmakeraw: no ECHO, no ICANON, no OPOST) before exec, and cat
 *     reads each byte and writes it back: one PTY and one process each
 *     way, what the relays above add themselves to.
 *   - without -r or -w the slave stays cooked: our own line discipline
 *     echoes the key, no process involved (the kernel's part alone).
 * With a cooked line discipline at the end (-l K) the line grows by a
 * byte a key; every K keys a CR ends it, and we read until its echo and
 * cat's copy of the line (two newlines) are back, before the next key,
 * untimed, so the line stays under the 4095-byte canonical limit.
 * Keys are a..z in turn, MS (default 2) ms apart; another letter than
 * the one awaited is an echo out of order, which fails the run.
 *
 * Before the first key: a probe byte ('P') every 250 ms until one
 * echoes (the command is connected and its session running), then what
 * else comes is read until 200 ms pass quietly; with -l, a CR ends the
 * probes' line. Afterwards the child gets SIGTERM (sbx attach detaches;
 * bench/run kills the session's cat) and, after 5 s, SIGKILL.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static int master = -1;
static pid_t child = -1;

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void die(const char *what)
{
	fprintf(stderr, "echo: %s\n", what);
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	exit(1);
}

static void sleep_us(long us)
{
	struct timespec ts = {.tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* The PTY pair, and CMD on its slave. raw: the slave raw before exec. */
static void spawn(char **argv, int raw)
{
	char *name;
	int slave;

	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0 ||
	    (name = ptsname(master)) == NULL)
		die("cannot open a PTY pair");
	child = fork();
	if (child < 0)
		die("fork failed");
	if (child == 0) {
		struct winsize ws = {.ws_row = 24, .ws_col = 80};

		if (setsid() < 0 || (slave = open(name, O_RDWR)) < 0 ||
		    ioctl(slave, TIOCSCTTY, 0) < 0)
			_exit(126);
		ioctl(slave, TIOCSWINSZ, &ws);
		if (raw) {
			struct termios t;

			tcgetattr(slave, &t);
			cfmakeraw(&t);
			tcsetattr(slave, TCSANOW, &t);
		}
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		if (slave > 2)
			close(slave);
		execvp(argv[0], argv);
		_exit(127);
	}
}

/* Waits up to ms for output; reads it into buf. Bytes read, 0 on
 * timeout, -1 at EOF (EIO: every slave descriptor is closed). */
static ssize_t get(unsigned char *buf, size_t len, int ms)
{
	struct pollfd p = {.fd = master, .events = POLLIN};
	ssize_t n;

	for (;;) {
		int r = poll(&p, 1, ms);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("poll failed");
		if (r == 0)
			return 0;
		n = read(master, buf, len);
		if (n > 0)
			return n;
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		return -1;
	}
}

static void put(unsigned char c)
{
	while (write(master, &c, 1) != 1)
		if (errno != EINTR && errno != EAGAIN)
			die("write to the PTY failed");
}

/* Reads and drops output until ms pass without any. */
static void quiet(int ms)
{
	unsigned char buf[4096];
	ssize_t n;

	while ((n = get(buf, sizeof buf, ms)) > 0)
		;
	if (n < 0)
		die("the command exited (EOF on the PTY)");
}

/* The child's exit, if it has; 0 while it runs. */
static int exited(int *status)
{
	return waitpid(child, status, WNOHANG) == child;
}

/* Until the command has put its terminal in raw mode (no ICANON, no ECHO
 * on the slave: TCGETS on a master reads the slave's termios). */
static void wait_raw(void)
{
	struct termios t;
	int st;

	for (int i = 0; i < 2000; i++) {
		if (tcgetattr(master, &t) == 0 && !(t.c_lflag & (ICANON | ECHO)))
			return;
		if (exited(&st)) {
			child = -1;
			die("the command exited before it put its terminal in raw mode");
		}
		quiet(5);
	}
	die("the command did not put its terminal in raw mode within 10 s");
}

/* Until a probe has echoed (40 tries, 250 ms apart), then quiet. */
static void wait_ready(int line)
{
	unsigned char buf[4096];

	for (int i = 0; i < 40; i++) {
		double end;
		ssize_t n;

		put('P');
		end = now_us() + 250e3;
		while (now_us() < end) {
			n = get(buf, sizeof buf, 1 + (int)((end - now_us()) / 1e3));
			if (n < 0)
				die("the command exited before it echoed (EOF on the PTY)");
			if (n > 0 && memchr(buf, 'P', (size_t)n)) {
				quiet(200);
				if (line) {
					put('\r');
					quiet(200);
				}
				return;
			}
		}
	}
	die("no echo of a probe byte within 10 s");
}

/* Ends the cooked line: CR, then until two newlines are back (its echo,
 * and cat's copy of the line). */
static void end_line(void)
{
	unsigned char buf[4096];
	int nl = 0;

	put('\r');
	while (nl < 2) {
		ssize_t n = get(buf, sizeof buf, 5000);

		if (n <= 0)
			die(n ? "EOF while ending a line" : "a line's end did not come back within 5 s");
		for (ssize_t i = 0; i < n; i++)
			nl += buf[i] == '\n';
	}
}

/* One key: microseconds until it is back. */
static double key(unsigned char c)
{
	unsigned char buf[4096];
	double t0 = now_us();

	put(c);
	for (;;) {
		ssize_t n = get(buf, sizeof buf, 5000);

		if (n <= 0)
			die(n ? "EOF while waiting for an echo" : "a key did not echo within 5 s");
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == c) {
				double t = now_us() - t0;

				if (i + 1 < n)
					die("bytes after an echo (a key echoed twice?)");
				return t;
			}
			if (buf[i] >= 'a' && buf[i] <= 'z')
				die("a key echoed out of order (lost or doubled echo)");
		}
	}
}

/* SIGTERM, then SIGKILL after 5 s, reading the PTY meanwhile. */
static void stop(void)
{
	int st;

	kill(child, SIGTERM);
	for (int i = 0; i < 500; i++) {
		if (exited(&st))
			goto done;
		unsigned char buf[4096];
		if (get(buf, sizeof buf, 10) < 0)
			sleep_us(10000);
	}
	fprintf(stderr, "echo: %s did not exit within 5 s of SIGTERM: killed\n", "the command");
	kill(child, SIGKILL);
	waitpid(child, &st, 0);
done:
	child = -1;
	close(master);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int keys(char **argv, int n, int line, int gap_ms, int raw, int wait)
{
	double *t = calloc((size_t)n, sizeof *t), sum = 0;

	if (t == NULL)
		die("out of memory");
	spawn(argv, raw);
	if (wait)
		wait_raw();
	wait_ready(line);
	for (int i = 0; i < n; i++) {
		if (line && i && i % line == 0)
			end_line();
		sleep_us(gap_ms * 1000L);
		t[i] = key((unsigned char)('a' + i % 26));
		sum += t[i];
	}
	stop();
	qsort(t, (size_t)n, sizeof *t, cmp);
	printf("n %d median %.1f p99 %.1f mean %.1f min %.1f max %.1f\n", n,
	       n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2, t[(n * 99) / 100], sum / n, t[0],
	       t[n - 1]);
	free(t);
	return 0;
}

static int copy(char **argv, const char *file)
{
	static unsigned char buf[1 << 16];
	unsigned long long got = 0, lines = 0;
	unsigned char trail[32];
	size_t ntrail = 0;
	const unsigned char *f;
	size_t pos = 0, size;
	struct stat sb;
	double t0, t1;
	int fd = open(file, O_RDONLY), st;

	if (fd < 0 || fstat(fd, &sb) < 0 || sb.st_size == 0)
		die("cannot read the file");
	size = (size_t)sb.st_size;
	f = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	if (f == MAP_FAILED)
		die("cannot map the file");
	close(fd);
	t0 = now_us();
	spawn(argv, 0);
	for (;;) {
		ssize_t n = get(buf, sizeof buf, 60000);

		if (n < 0)
			break;
		if (n == 0)
			die("no output for 60 s");
		got += (unsigned long long)n;
		/* What came, less CRs, must be the file's next bytes; after the
		 * whole file, what the command wrote as it left (kept apart). */
		for (const unsigned char *p = buf, *e = buf + n; p < e;) {
			const unsigned char *cr = memchr(p, '\r', (size_t)(e - p));
			size_t len = (size_t)((cr ? cr : e) - p);

			if (pos == size) {
				for (; p < e; p++, ntrail++)
					if (ntrail < sizeof trail)
						trail[ntrail] = *p;
				break;
			}
			if (len > size - pos)
				len = size - pos, cr = NULL;
			if (memcmp(p, f + pos, len) != 0) {
				fprintf(stderr, "echo: output differs from the file at byte %zu "
						"(of %zu; %llu bytes read)\n", pos, size, got);
				die("output is not the file");
			}
			pos += len;
			p += len + (cr != NULL && pos < size); /* a CR after the file is trailing */
		}
	}
	t1 = now_us();
	if (waitpid(child, &st, 0) != child || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "echo: %s exited with status %d\n", argv[0],
			WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
		child = -1;
		return 1;
	}
	child = -1;
	close(master);
	for (size_t i = 0; i < size; i++)
		lines += f[i] == '\n';
	if (pos != size) {
		fprintf(stderr, "echo: got %zu of the file's %zu bytes (%llu read)\n", pos, size, got);
		return 1;
	}
	printf("bytes %llu file %zu lines %llu secs %.3f mbps %.1f trailing %zu", got, size, lines,
	       (t1 - t0) / 1e6, (double)size / (t1 - t0), ntrail);
	for (size_t i = 0; i < ntrail && i < sizeof trail; i++)
		printf("%s%02x", i ? "" : " ", trail[i]);
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	int c, n = 1000, line = 0, gap = 2, raw = 0, wait = 0;
	const char *file = NULL;

	while ((c = getopt(argc, argv, "+n:l:g:rwc:")) != -1) {
		switch (c) {
		case 'n': n = atoi(optarg); break;
		case 'l': line = atoi(optarg); break;
		case 'g': gap = atoi(optarg); break;
		case 'r': raw = 1; break;
		case 'w': wait = 1; break;
		case 'c': file = optarg; break;
		default: goto usage;
		}
	}
	if (optind >= argc || n < 1 || line < 0 || gap < 0)
		goto usage;
	signal(SIGPIPE, SIG_IGN);
	return file ? copy(argv + optind, file) : keys(argv + optind, n, line, gap, raw, wait);
usage:
	fprintf(stderr, "usage: echo [-n N] [-l K] [-g MS] [-r] [-w] CMD [ARG...]\n"
			"       echo -c FILE CMD [ARG...]\n");
	return 2;
}
