/*
 * poll.c: libsbx's callback API driven from the caller's own poll()
 * loop, beside fds of its own. A timerfd of ours ticks every 50 ms and
 * each tick is written to a remote `cat`, whose output comes back through
 * callbacks; ten more execs run meanwhile, and a connection to an agent
 * that is not there fails. Nothing blocks but the one poll().
 *
 *   ./poll unix:/tmp/box.sock
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <sbx.h>

#define TICKS 5
#define EXECS 10

static struct sbx_exec *cat;
static char echoed[256];
static size_t echoed_len;
static int ticks, live = 2 + EXECS, codes_right, conn_failed;
static double t0, failed_after;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void on_cat_output(struct sbx_exec *x, void *arg, enum frame_kind kind,
			  const uint8_t *data, size_t len)
{
	(void)x, (void)arg, (void)kind;
	if (echoed_len + len < sizeof echoed) {
		memcpy(echoed + echoed_len, data, len);
		echoed_len += len;
	}
}

static void on_exited(struct sbx_exec *x, void *arg, const struct msg_exited *e)
{
	(void)x;
	if (x == cat)
		cat = NULL;
	else if (e->code == (int)(intptr_t)arg)
		codes_right++;
	live--;
}

static void on_exec_failed(struct sbx_exec *x, void *arg, const struct msg_failed *f)
{
	(void)x, (void)arg;
	fprintf(stderr, "poll: %s\n", f->message);
	live--;
}

static void on_conn_failed(struct sbx_conn *c, void *arg, enum proto_err code, const char *why)
{
	(void)c, (void)code;
	if (arg) { /* the agent that is not there */
		failed_after = now_ms() - t0;
		conn_failed = 1;
		live--;
		return;
	}
	fprintf(stderr, "poll: %s\n", why);
	exit(1);
}

static const struct sbx_exec_ops cat_ops = {.output = on_cat_output, .exited = on_exited,
					    .failed = on_exec_failed};
static const struct sbx_exec_ops exec_ops = {.exited = on_exited, .failed = on_exec_failed};
static const struct sbx_conn_ops conn_ops = {.failed = on_conn_failed};

/* Our own fd: a tick goes to the remote cat's stdin. */
static void on_tick(int tfd)
{
	uint64_t n;
	char line[32];

	if (read(tfd, &n, sizeof n) != sizeof n || cat == NULL)
		return;
	snprintf(line, sizeof line, "tick %d\n", ++ticks);
	sbx_exec_write(cat, line, strlen(line));
	if (ticks == TICKS)
		sbx_exec_close_stdin(cat);
}

static void start_execs(struct sbx_conn *c)
{
	char *cat_args[] = {NULL};
	char *args[] = {"-c", "exit $1", "sh", NULL, NULL};
	char num[8];

	cat = sbx_exec_start(c, &(struct msg_exec){.cmd = "cat", .args = cat_args,
						   .stdin_mode = STDIN_PIPE},
			     &cat_ops, NULL);
	for (int i = 0; i < EXECS; i++) {
		snprintf(num, sizeof num, "%d", i);
		args[3] = num;
		sbx_exec_start(c, &(struct msg_exec){.cmd = "/bin/sh", .args = args, .nargs = 4},
			       &exec_ops, (void *)(intptr_t)i);
	}
}

int main(int argc, char **argv)
{
	struct itimerspec every = {.it_interval = {0, 50000000}, .it_value = {0, 50000000}};
	struct sbx_client *cl = sbx_client_new(0, NULL);
	struct sbx_poller *p = sbx_poller_new(cl);
	int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	struct pollfd fds[2] = {{.fd = sbx_poller_fd(p), .events = POLLIN},
				{.fd = tfd, .events = POLLIN}};
	struct sbx_conn *c;
	char err[300];
	int loops = 0;

	if (argc != 2 || p == NULL || tfd < 0)
		return 2;
	t0 = now_ms();
	c = sbx_conn_open(cl, argv[1], NULL, &conn_ops, NULL, err, sizeof err);
	if (c == NULL || !sbx_conn_open(cl, "unix:/nonexistent/agent.sock", NULL, &conn_ops,
					&conn_failed, err, sizeof err)) {
		fprintf(stderr, "poll: %s\n", err);
		return 1;
	}
	start_execs(c);
	timerfd_settime(tfd, 0, &every, NULL);
	while (live > 0 && now_ms() - t0 < 10000) {
		loops++;
		if (poll(fds, 2, sbx_poller_timeout_ms(p)) < 0)
			break;
		if (fds[1].revents & POLLIN)
			on_tick(tfd);
		sbx_poller_step(p);
	}
	printf("poll: echoed [%.*s]\n", (int)echoed_len, echoed);
	printf("poll: %d of %d exit codes right\n", codes_right, EXECS);
	printf("poll: missing agent reported %s\n",
	       conn_failed && failed_after < 500 ? "at once" : "late or never");
	/* About 20 wakeups: 5 ticks, the replies, the connection set-up. A
	 * busy loop would spin thousands of times in these ~300 ms. */
	printf("poll: loop %s (%d wakeups)\n", loops < 200 ? "slept in poll" : "spun", loops);
	sbx_poller_free(p);
	sbx_client_free(cl);
	close(tfd);
	return live == 0 ? 0 : 1;
}
