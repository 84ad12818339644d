/*
 * term.c: raw mode and its undoing; see term.h. The saved termios lives in
 * a static, so a fatal signal's handler can put it back before the
 * default action runs (tcsetattr and close are async-signal-safe).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "term.h"

static struct termios saved;
static int saved_fd = -1;

int term_restore(void)
{
	int rc;

	if (saved_fd < 0)
		return 0;
	/* TCSAFLUSH waits for output to drain, and may be interrupted; the
	 * settings must come back whatever happens. */
	do
		rc = tcsetattr(saved_fd, TCSAFLUSH, &saved);
	while (rc < 0 && errno == EINTR);
	if (rc < 0)
		tcsetattr(saved_fd, TCSANOW, &saved);
	close(saved_fd);
	saved_fd = -1;
	return 1;
}

static void term_restore_at_exit(void)
{
	term_restore();
}

/* A crash leaves the terminal as the user had it, then crashes as it
 * would have (SA_RESETHAND: the re-raised signal takes its default). */
static void term_on_fatal(int sig)
{
	term_restore();
	raise(sig);
}

static void term_catch_fatal(void)
{
	static const int fatal[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGQUIT};
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = term_on_fatal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
		sigaction(fatal[i], &sa, NULL);
}

int term_raw(int fd)
{
	struct termios t;

	if (tcgetattr(fd, &saved) < 0)
		return -1;
	t = saved;
	cfmakeraw(&t);
	if (tcsetattr(fd, TCSAFLUSH, &t) < 0)
		return -1;
	static int installed;

	if (!installed) {
		installed = 1;
		term_catch_fatal();
		atexit(term_restore_at_exit);
	}
	/* A descriptor of our own on the terminal: fd itself may be put on
	 * /dev/null meanwhile (the remote command closing its stdin). */
	if ((saved_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3)) < 0) {
		tcsetattr(fd, TCSAFLUSH, &saved);
		return -1;
	}
	return 0;
}

int term_size(uint16_t *rows, uint16_t *cols)
{
	struct winsize ws;

	if (ioctl(1, TIOCGWINSZ, &ws) < 0 && ioctl(0, TIOCGWINSZ, &ws) < 0)
		return -1;
	*rows = ws.ws_row, *cols = ws.ws_col;
	return 0;
}
