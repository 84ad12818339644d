/*
 * sandbox-stop.c: sandbox_stop, for `sbx down`, and what it needs to know
 * about processes: whether the agent still runs (pid and start time) and
 * whether anything is left in the sandbox's PID namespace (/proc scan).
 */
#include <ctype.h>
#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sandbox.h"

unsigned long long proc_starttime(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long start = 0;
	FILE *f;
	int field;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "re")) == NULL)
		return 0;
	if (fgets(buf, sizeof buf, f) && (p = strrchr(buf, ')')) != NULL && p[1] == ' ' &&
	    p[2] != 'Z' && p[2] != 'X') {
		/* after ") ": field 3 (state) onwards; starttime is field 22 */
		for (field = 3, p += 2; *p && field < 22; p++)
			if (*p == ' ')
				field++;
		start = strtoull(p, NULL, 10);
	}
	fclose(f);
	return start;
}

/* The inode of pid's PID namespace, 0 if gone (zombies have none). */
static unsigned long long proc_pidns(const char *pid)
{
	char path[300], link[64];
	ssize_t n;

	snprintf(path, sizeof path, "/proc/%s/ns/pid", pid);
	if ((n = readlink(path, link, sizeof link - 1)) <= 0)
		return 0;
	link[n] = '\0';
	return strncmp(link, "pid:[", 5) == 0 ? strtoull(link + 5, NULL, 10) : 0;
}

/* Calls fn on every process in sb's PID namespace; returns how many. */
static int each_in_pidns(const struct sandbox *sb, void (*fn)(pid_t pid))
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	while (d && sb->pidns && (e = readdir(d)))
		if (isdigit((unsigned char)e->d_name[0]) && proc_pidns(e->d_name) == sb->pidns) {
			n++;
			if (fn)
				fn((pid_t)atoi(e->d_name));
		}
	if (d)
		closedir(d);
	return n;
}

static int bwrap_alive(const struct sandbox *sb)
{
	return sb->bwrap > 0 && sb->bwrap_start && proc_starttime(sb->bwrap) == sb->bwrap_start;
}

int sandbox_has_processes(const struct sandbox *sb)
{
	return sandbox_alive(sb) || bwrap_alive(sb) || each_in_pidns(sb, NULL) > 0;
}

/* Waits up to ms for the sandbox to be empty; 1 when it is. */
static int wait_empty(const struct sandbox *sb, int ms)
{
	for (int waited = 0; sandbox_has_processes(sb); waited += 20) {
		if (waited >= ms)
			return 0;
		poll(NULL, 0, 20);
	}
	return 1;
}

static void kill_hard(pid_t pid)
{
	kill(pid, SIGKILL);
}

int sandbox_stop(struct sandbox *sb, int grace_ms, char *err, size_t errlen)
{
	if (sandbox_alive(sb))
		kill(sb->pid, SIGTERM); /* the agent stops its commands, then exits */
	if (!wait_empty(sb, grace_ms)) {
		if (sandbox_alive(sb))
			kill(sb->pid, SIGKILL); /* pid 1: the kernel kills the rest */
		each_in_pidns(sb, kill_hard);
		if (bwrap_alive(sb))
			kill(sb->bwrap, SIGKILL);
	}
	if (!wait_empty(sb, 5000)) {
		snprintf(err, errlen, "%s: %d process(es) of the sandbox would not die", sb->name,
			 each_in_pidns(sb, NULL) + sandbox_alive(sb));
		return -1;
	}
	sandbox_remove(sb);
	return 0;
}
