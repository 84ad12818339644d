/*
 * proctree.c: every descendant of a process, read from /proc, so that
 * stopping the agent reaches processes that left their exec's group.
 */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "xmalloc.h"

struct proc {
	pid_t pid, ppid;
};

static int read_ppid(pid_t pid, pid_t *ppid)
{
	char path[64], buf[512], *rp;
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name may hold spaces and parentheses: skip past the
	 * last ')'. */
	if ((rp = strrchr(buf, ')')) == NULL)
		return -1;
	return sscanf(rp + 1, " %*c %d", ppid) == 1 ? 0 : -1;
}

static size_t list_procs(struct proc **out)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	size_t n = 0, cap = 256;
	struct proc *v = xmalloc(cap * sizeof *v);
	pid_t pid, ppid;

	while (d && (de = readdir(d)) != NULL) {
		pid = (pid_t)atoi(de->d_name);
		if (pid <= 0 || read_ppid(pid, &ppid) < 0)
			continue;
		if (n == cap)
			v = xrealloc(v, (cap *= 2) * sizeof *v);
		v[n].pid = pid;
		v[n++].ppid = ppid;
	}
	if (d)
		closedir(d);
	*out = v;
	return n;
}

int proctree_kill(pid_t root, int signo)
{
	struct proc *v;
	size_t n = list_procs(&v), nfound = 0;
	pid_t *found = xmalloc((n + 1) * sizeof *found);
	int killed = 0;

	found[nfound++] = root;
	/* Breadth-first: each pass adds the children of what was found. */
	for (size_t i = 0; i < nfound; i++)
		for (size_t j = 0; j < n; j++)
			if (v[j].ppid == found[i] && v[j].pid != root && nfound <= n)
				found[nfound++] = v[j].pid;
	for (size_t i = 1; i < nfound; i++)
		if (kill(found[i], signo) == 0)
			killed++;
	free(found);
	free(v);
	return killed;
}
