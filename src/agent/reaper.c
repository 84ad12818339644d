/*
 * reaper.c: the agent's signals, read from a signalfd in the loop. SIGCHLD
 * reaps every child (execs, and orphans we adopt as subreaper); SIGTERM,
 * SIGINT and SIGHUP stop the agent: TERM to every descendant, KILL to any
 * left after a grace period, and the loop ends once none is left.
 */
#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"
#include "log.h"
#include "watch.h"

#define STOP_TICK_US (50 * 1000)
#define STOP_GRACE_TICKS 20 /* one second of SIGTERM before SIGKILL */

/* Returns 1 while children remain. */
static int reap_all(void)
{
	pid_t pid;
	int st;

	for (;;) {
		pid = waitpid(-1, &st, WNOHANG);
		if (pid > 0) {
			exec_reaped(pid, st);
			continue;
		}
		if (pid < 0 && errno == EINTR)
			continue;
		return pid == 0;
	}
}

static void stop_tick(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	agent.stop_ticks++;
	/* Done when no process is left and clients have their exited
	 * messages, or a client that does not read has had its chance. */
	if (!reap_all() && (!conn_any_pending() || agent.stop_ticks > 2 * STOP_GRACE_TICKS)) {
		agent.done = 1;
		lws_cancel_service(agent.ctx);
		return;
	}
	/* Descendants that left the exec's group (setsid) are found again
	 * each tick, as they are reparented to us when their parents die. */
	proctree_kill(getpid(), agent.stop_ticks >= STOP_GRACE_TICKS ? SIGKILL : SIGTERM);
	lws_sul_schedule(agent.ctx, 0, &agent.stop_sul, stop_tick, STOP_TICK_US);
}

void agent_stop(void)
{
	if (agent.stopping)
		return;
	agent.stopping = 1;
	log_debug("stopping: ending every process started here");
	proctree_kill(getpid(), SIGTERM);
	lws_sul_schedule(agent.ctx, 0, &agent.stop_sul, stop_tick, 1);
}

static void signals_readable(struct watch *w, void *arg)
{
	struct signalfd_siginfo si;

	(void)arg;
	while (read(watch_fd(w), &si, sizeof si) == sizeof si) {
		if (si.ssi_signo == SIGCHLD)
			reap_all();
		else
			agent_stop();
	}
}

static const struct watch_ops signal_ops = {.readable = signals_readable};

int reaper_start(void)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	signal(SIGPIPE, SIG_IGN);
	/* Orphaned grandchildren of execs come to us, not to init, so they
	 * are reaped here and found again at stop. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -1;
	return watch_new(agent.vh, fd, &signal_ops, NULL) ? 0 : -1;
}
