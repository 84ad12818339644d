/*
 * ui-term.c: the outer terminal of bench/run's ui section. Runs CMD
 * (`sbx ui ...`, or a tmux client) on the slave side of a PTY pair of
 * its own (setsid, TIOCSCTTY, 0/1/2 on the slave, ROWSxCOLS, TERM
 * xterm-256color) and plays the user at the master side, reading
 * everything CMD draws as it comes, as a terminal would, and doing STEPs
 * in order:
 *
 *   ui-term [-g ROWSxCOLS] [-p PID] STEP... -- CMD [ARG...]
 *
 *   quiet:MS     read until MS ms pass without output (at most 60 s)
 *   sleep:MS     read for MS ms
 *   type:TEXT    type TEXT (escapes: \r \n \e \t \\ \xHH)
 *   probe:C      type C every 250 ms until it is drawn (at most 30 s):
 *                the focused pane takes keys; then ctrl-u (the shell's or
 *                the line discipline's kill) and sleep:300
 *   t0           the start of the next until:
 *   until:TEXT   read until TEXT is drawn (at most 600 s); prints
 *                "secs S out B cpu C peer P": seconds since t0, bytes CMD
 *                wrote meanwhile, CMD's CPU seconds meanwhile (utime +
 *                stime, /proc) and PID's (-p: the server CMD draws for)
 *   keys:N:MS:L  keystroke echo: N keys, MS ms apart, each timed from its
 *                write until it is drawn; a ctrl-u every L keys (untimed,
 *                L below the size of KEYS);
 *                prints microseconds "n N median M p99 P mean A min L max
 *                X out B secs S"
 *   hold         prints "ready PID" (CMD's) and reads until EOF on our
 *                stdin; then prints "idle-out B": bytes drawn meanwhile
 *
 * Then CMD gets SIGTERM (sbx ui detaches; a tmux client detaches) and,
 * after 5 s, SIGKILL; it gets SIGTERM too when we get SIGTERM, SIGINT or
 * SIGHUP. Exit status 0 when every step did what it says.
 *
 * "Drawn" means: in the text of the output, what is left of it once
 * escape sequences (CSI, OSC and other strings, charset designations,
 * two-byte ESC sequences) and control characters are taken out. A full
 * screen UI draws a pane's text as runs of the cells that changed, with
 * cursor moves and attributes between them: bench/run picks texts that
 * such a drawing keeps whole. Its marker is made of characters that
 * neither base64 nor anything else on the screen uses, none twice in a
 * row (so that no cell of it is unchanged, and ncurses cannot send a run
 * of one character as rep), and it is not on the command line that
 * prints it (the shell joins its two quoted halves). The keys are such
 * characters too (KEYS below), typed into a cooked `cat >/dev/null`,
 * whose line discipline echoes them; a ctrl-u every L keys erases the
 * line (ECHOKE), so that the pane never scrolls (a scroll would draw the
 * old keys again) and the next key lands on a cell that showed nothing
 * or another key. ncurses moves the cursor right by printing again what
 * the cells on the way show, when that is shorter than a cursor motion:
 * the keys already on the line may be drawn again. L is below the set's
 * size, so that the keys on a line are all different and what is drawn
 * again is never the key awaited.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/* Characters in neither base64 (A-Z a-z 0-9 + / =) nor a shell prompt,
 * a path, sbx ui's frames and status line or tmux's status line. */
static const char KEYS[] = "!&(),<>{}`'";
#define NKEYS (sizeof KEYS - 1)

static int master = -1;
static pid_t child = -1, peer = -1;
static long clk_tck;

/* What CMD drew: bytes in all, and the text parser's state. */
static unsigned long long out_bytes;
enum vt_state { VT_GROUND, VT_ESC, VT_CSI, VT_STR, VT_STR_ESC, VT_CHARSET };
static enum vt_state vt;
/* The last bytes of text, to match against (a ring of the last 256). */
static unsigned char tail[256];
static size_t ntail;
/* The last raw bytes, shown when a step fails. */
static unsigned char last_raw[400];
static size_t nraw;

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* The last raw output, escaped, on stderr: what CMD drew before a failure. */
static void show_raw(void)
{
	size_t n = nraw < sizeof last_raw ? nraw : sizeof last_raw;
	size_t from = nraw < sizeof last_raw ? 0 : nraw % sizeof last_raw;

	fprintf(stderr, "ui-term: the last %zu bytes drawn: ", n);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = last_raw[(from + i) % sizeof last_raw];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			fputc(c, stderr);
		else
			fprintf(stderr, "\\x%02x", c);
	}
	fputc('\n', stderr);
}

static void kill_child(void)
{
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		child = -1;
	}
}

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "ui-term: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	if (out_bytes)
		show_raw();
	kill_child();
	exit(1);
}

/* pid's CPU seconds so far (utime + stime), from /proc; 0 without it. */
static double cpu_of(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut = 0, st = 0;
	FILE *f;

	if (pid <= 0)
		return 0;
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(buf, sizeof buf, f) && (p = strrchr(buf, ')')) != NULL)
		sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st);
	fclose(f);
	return (double)(ut + st) / (double)clk_tck;
}

static void spawn(char **argv, int rows, int cols)
{
	char *name;
	int slave;

	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0 ||
	    (name = ptsname(master)) == NULL)
		die("cannot open a PTY pair%s", "");
	child = fork();
	if (child < 0)
		die("fork failed%s", "");
	if (child == 0) {
		struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};

		if (setsid() < 0 || (slave = open(name, O_RDWR)) < 0 ||
		    ioctl(slave, TIOCSCTTY, 0) < 0)
			_exit(126);
		ioctl(slave, TIOCSWINSZ, &ws);
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		if (slave > 2)
			close(slave);
		setenv("TERM", "xterm-256color", 1);
		execvp(argv[0], argv);
		_exit(127);
	}
}

/* The text parser: one byte of output; 1 when it is text (then in tail). */
static int vt_byte(unsigned char c)
{
	switch (vt) {
	case VT_GROUND:
		if (c == 0x1b) {
			vt = VT_ESC;
			return 0;
		}
		if (c < 0x20 || c == 0x7f)
			return 0;
		tail[ntail++ % sizeof tail] = c;
		return 1;
	case VT_ESC:
		if (c == '[')
			vt = VT_CSI;
		else if (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_')
			vt = VT_STR;
		else if (c >= 0x20 && c <= 0x2f) /* ( ) * + - . / # % space: one more */
			vt = VT_CHARSET;
		else
			vt = VT_GROUND;
		return 0;
	case VT_CSI:
		if (c >= 0x40 && c <= 0x7e)
			vt = VT_GROUND;
		else if (c == 0x1b)
			vt = VT_ESC;
		return 0;
	case VT_STR:
		if (c == 0x07)
			vt = VT_GROUND;
		else if (c == 0x1b)
			vt = VT_STR_ESC;
		return 0;
	case VT_STR_ESC:
		vt = c == '\\' ? VT_GROUND : VT_STR;
		return 0;
	case VT_CHARSET:
		vt = VT_GROUND;
		return 0;
	}
	return 0;
}

/* Whether the text drawn ends with s. */
static int tail_ends_with(const char *s)
{
	size_t n = strlen(s);

	if (n > ntail || n > sizeof tail)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (tail[(ntail - n + i) % sizeof tail] != (unsigned char)s[i])
			return 0;
	return 1;
}

/*
 * One read of what CMD draws, waiting up to ms for it: each byte goes to
 * the parser and, until it returns nonzero (then kept in *hit), to want.
 * Returns the bytes read, 0 when nothing came; dies at EOF.
 */
typedef int (*want_fn)(unsigned char c, int text, void *arg);

static ssize_t drain(int ms, want_fn want, void *arg, int *hit)
{
	static unsigned char buf[1 << 16];
	struct pollfd p = {.fd = master, .events = POLLIN};
	ssize_t n;

	for (;;) {
		int r = poll(&p, 1, ms);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("poll failed%s", "");
		if (r == 0)
			return 0;
		n = read(master, buf, sizeof buf);
		if (n > 0)
			break;
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		die("%s exited (EOF on its terminal)", "the command");
	}
	out_bytes += (unsigned long long)n;
	for (ssize_t i = 0; i < n; i++) {
		int text = vt_byte(buf[i]);

		last_raw[nraw++ % sizeof last_raw] = buf[i];
		if (want && !*hit && (*hit = want(buf[i], text, arg)) != 0) {
			/* The rest still goes through the parser. */
			for (i++; i < n; i++) {
				vt_byte(buf[i]);
				last_raw[nraw++ % sizeof last_raw] = buf[i];
			}
			break;
		}
	}
	return n;
}

/* Reads for ms, whatever comes. */
static void read_for(double ms)
{
	double end = now_us() + ms * 1e3;
	int hit = 0;

	while (now_us() < end)
		drain(1 + (int)((end - now_us()) / 1e3), NULL, NULL, &hit);
}

static void quiet(int ms)
{
	double end = now_us() + 60e6;
	int hit = 0;

	while (drain(ms, NULL, NULL, &hit) > 0)
		if (now_us() > end)
			die("output did not stop for %s ms within 60 s", "the asked");
}

static void put(const void *s, size_t len)
{
	const char *p = s;

	while (len > 0) {
		ssize_t n = write(master, p, len);

		if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
			read_for(1); /* a full input queue: let CMD read */
			continue;
		}
		if (n < 0)
			die("write to the terminal failed%s", "");
		p += n;
		len -= (size_t)n;
	}
}

/* TEXT with its escapes decoded into out; its length. */
static size_t unescape(const char *s, char *out)
{
	size_t n = 0;

	for (; *s; s++) {
		if (*s != '\\' || s[1] == '\0') {
			out[n++] = *s;
			continue;
		}
		switch (*++s) {
		case 'r': out[n++] = '\r'; break;
		case 'n': out[n++] = '\n'; break;
		case 'e': out[n++] = 0x1b; break;
		case 't': out[n++] = '\t'; break;
		case 'x': {
			char hex[3] = {s[1], s[1] ? s[2] : 0, 0};

			out[n++] = (char)strtol(hex, NULL, 16);
			s += s[1] ? (s[2] ? 2 : 1) : 0;
			break;
		}
		default: out[n++] = *s; break;
		}
	}
	out[n] = '\0';
	return n;
}

static int want_char(unsigned char c, int text, void *arg)
{
	return text && c == *(unsigned char *)arg;
}

static void probe(unsigned char c)
{
	for (int i = 0; i < 120; i++) {
		double end = now_us() + 250e3;
		int hit = 0;

		put(&c, 1);
		while (!hit && now_us() < end)
			drain(1 + (int)((end - now_us()) / 1e3), want_char, &c, &hit);
		if (hit) {
			put("\025", 1);
			read_for(300);
			return;
		}
	}
	die("no pane drew the probe key within %s s", "30");
}

static int want_text(unsigned char c, int text, void *arg)
{
	(void)c;
	return text && tail_ends_with(arg);
}

static void until(const char *s, double t0, double cpu0, double peer0)
{
	double end = t0 + 600e6, t1;
	unsigned long long out0 = out_bytes;
	int hit = 0;

	while (!hit) {
		if (now_us() > end)
			die("\"%s\" was not drawn within 600 s", s);
		drain(1000, want_text, (void *)s, &hit);
	}
	t1 = now_us();
	printf("secs %.3f out %llu cpu %.2f peer %.2f\n", (t1 - t0) / 1e6, out_bytes - out0,
	       cpu_of(child) - cpu0, cpu_of(peer) - peer0);
	fflush(stdout);
}

static int want_key(unsigned char c, int text, void *arg)
{
	return text && c == *(unsigned char *)arg;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void keys(int n, int gap_ms, int line)
{
	double *t = calloc((size_t)n, sizeof *t), sum = 0, start = now_us();
	unsigned long long out0 = out_bytes;
	char what[160];

	if (t == NULL || n < 1 || line < 1 || line >= (int)NKEYS)
		die("keys: bad arguments%s", "");
	for (int i = 0; i < n; i++) {
		unsigned char key = (unsigned char)KEYS[i % NKEYS];
		double t0, end;
		int hit = 0;

		if (i && i % line == 0)
			put("\025", 1);
		read_for(gap_ms);
		t0 = now_us();
		end = t0 + 5e6;
		put(&key, 1);
		while (!hit) {
			if (now_us() > end) {
				snprintf(what, sizeof what, "key %d of %d ('%c') was not drawn within 5 s",
					 i + 1, n, key);
				die("%s", what);
			}
			drain(1 + (int)((end - now_us()) / 1e3), want_key, &key, &hit);
		}
		t[i] = now_us() - t0;
		sum += t[i];
	}
	qsort(t, (size_t)n, sizeof *t, cmp);
	printf("n %d median %.1f p99 %.1f mean %.1f min %.1f max %.1f out %llu secs %.3f\n", n,
	       n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2, t[(n * 99) / 100], sum / n, t[0],
	       t[n - 1], out_bytes - out0, (now_us() - start) / 1e6);
	fflush(stdout);
	free(t);
}

/* Reads CMD's output and our stdin until EOF on stdin. */
static void hold(void)
{
	struct pollfd p[2] = {{.fd = master, .events = POLLIN}, {.fd = 0, .events = POLLIN}};
	unsigned long long out0 = out_bytes;
	char buf[256];
	int hit = 0;

	printf("ready %d\n", (int)child);
	fflush(stdout);
	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll failed%s", "");
		}
		if (p[0].revents)
			drain(0, NULL, NULL, &hit);
		if (p[1].revents && read(0, buf, sizeof buf) <= 0)
			break;
	}
	printf("idle-out %llu\n", out_bytes - out0);
	fflush(stdout);
}

/* SIGTERM, then SIGKILL after 5 s, reading the terminal meanwhile. */
static void stop(void)
{
	int st;

	kill(child, SIGTERM);
	for (int i = 0; i < 500; i++) {
		static unsigned char buf[1 << 16];
		struct pollfd p = {.fd = master, .events = POLLIN};

		if (waitpid(child, &st, WNOHANG) == child)
			goto done;
		if (poll(&p, 1, 10) > 0 && read(master, buf, sizeof buf) <= 0)
			usleep(10000);
	}
	fprintf(stderr, "ui-term: the command did not exit within 5 s of SIGTERM: killed\n");
	kill(child, SIGKILL);
	waitpid(child, &st, 0);
done:
	child = -1;
	close(master);
}

static void on_signal(int signo)
{
	(void)signo;
	if (child > 0)
		kill(child, SIGTERM);
	_exit(1);
}

int main(int argc, char **argv)
{
	int rows = 40, cols = 120, first = 1, dd = -1;
	double t0 = 0, cpu0 = 0, peer0 = 0;

	clk_tck = sysconf(_SC_CLK_TCK);
	for (; first + 1 < argc && argv[first][0] == '-' && argv[first][1] && !argv[first][2];
	     first += 2) {
		if (argv[first][1] == 'g' &&
		    sscanf(argv[first + 1], "%dx%d", &rows, &cols) == 2 && rows >= 2 && cols >= 2)
			continue;
		if (argv[first][1] == 'p' && (peer = atoi(argv[first + 1])) > 0)
			continue;
		if (strcmp(argv[first], "--") == 0)
			break;
		goto usage;
	}
	for (int i = first; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			dd = i;
			break;
		}
	if (dd < 0 || dd + 1 >= argc)
		goto usage;
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGHUP, on_signal);
	spawn(argv + dd + 1, rows, cols);
	for (int i = first; i < dd; i++) {
		char *s = argv[i], text[4096];
		int a, b, c;

		if (strlen(s) >= sizeof text)
			die("step too long: %s", s);
		if (sscanf(s, "quiet:%d", &a) == 1) {
			quiet(a);
		} else if (sscanf(s, "sleep:%d", &a) == 1) {
			read_for(a);
		} else if (strncmp(s, "type:", 5) == 0) {
			put(text, unescape(s + 5, text));
		} else if (strncmp(s, "probe:", 6) == 0 && unescape(s + 6, text) == 1) {
			probe((unsigned char)text[0]);
		} else if (strcmp(s, "t0") == 0) {
			t0 = now_us();
			cpu0 = cpu_of(child);
			peer0 = cpu_of(peer);
		} else if (strncmp(s, "until:", 6) == 0 && unescape(s + 6, text) > 0) {
			until(text, t0 ? t0 : now_us(), cpu0, peer0);
		} else if (sscanf(s, "keys:%d:%d:%d", &a, &b, &c) == 3) {
			keys(a, b, c);
		} else if (strcmp(s, "hold") == 0) {
			hold();
		} else {
			die("unknown step: %s", s);
		}
	}
	stop();
	return 0;
usage:
	fprintf(stderr, "usage: ui-term [-g ROWSxCOLS] [-p PID] STEP... -- CMD [ARG...]\n"
			"  steps: quiet:MS sleep:MS type:TEXT probe:C t0 until:TEXT keys:N:MS:L hold\n");
	return 2;
}
