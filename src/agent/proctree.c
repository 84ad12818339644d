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
	pid_t pid, ppid, sid;
};

static int read_stat(pid_t pid, pid_t *ppid, pid_t *sid)
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
	return sscanf(rp + 1, " %*c %d %*d %d", ppid, sid) == 2 ? 0 : -1;
}

static size_t list_procs(struct proc **out)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	size_t n = 0, cap = 256;
	struct proc *v = xmalloc(cap * sizeof *v);
	pid_t pid, ppid, sid;

	while (d && (de = readdir(d)) != NULL) {
		pid = (pid_t)atoi(de->d_name);
		if (pid <= 0 || read_stat(pid, &ppid, &sid) < 0)
			continue;
		if (n == cap)
			v = xrealloc(v, (cap *= 2) * sizeof *v);
		v[n].pid = pid;
		v[n].sid = sid;
		v[n++].ppid = ppid;
	}
	if (d)
		closedir(d);
	*out = v;
	return n;
}

/* Every descendant of root (not root), breadth-first; *out is
 * 0-terminated and the caller frees it. */
size_t proctree_collect(pid_t root, pid_t **out)
{
	struct proc *v;
	size_t n = list_procs(&v), nfound = 0;
	pid_t *found = xmalloc((n + 2) * sizeof *found);

	found[nfound++] = root;
	for (size_t i = 0; i < nfound; i++)
		for (size_t j = 0; j < n; j++)
			if (v[j].ppid == found[i] && v[j].pid != root && nfound <= n)
				found[nfound++] = v[j].pid;
	memmove(found, found + 1, (nfound - 1) * sizeof *found);
	found[nfound - 1] = 0;
	free(v);
	*out = found;
	return nfound - 1;
}

int proctree_kill(pid_t root, int signo)
{
	pid_t *found;
	size_t n = proctree_collect(root, &found);
	int killed = 0;

	for (size_t i = 0; i < n; i++)
		if (kill(found[i], signo) == 0)
			killed++;
	free(found);
	return killed;
}

/* Every process of the session an exec's setsid made, including the ones
 * its leader left behind (now the agent's children). */
int proctree_kill_session(pid_t sid, int signo)
{
	struct proc *v;
	size_t n = list_procs(&v);
	int killed = 0;

	for (size_t i = 0; i < n; i++)
		if (v[i].sid == sid && kill(v[i].pid, signo) == 0)
			killed++;
	free(v);
	return killed;
}
