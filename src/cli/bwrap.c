/*
 * bwrap.c: the bubblewrap command line of a local sandbox, and which
 * sbx-agent it runs; see sandbox.h. What the sandbox sees is all here.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paths.h"
#include "sandbox.h"
#include "xmalloc.h"

/* The environment of the agent, and so of every command: nothing of ours
 * but these (locale, terminal type, time zone, sanitizer options). */
static const char *const pass_env[] = {
	"LANG", "LC_ALL", "LC_CTYPE", "TERM", "TZ",
	"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS",
};

struct argv {
	char **v;
	size_t n, cap;
};

static void add(struct argv *a, const char *s)
{
	if (a->n + 2 > a->cap)
		a->v = xrealloc(a->v, (a->cap = a->cap ? 2 * a->cap : 64) * sizeof *a->v);
	a->v[a->n++] = xstrdup(s);
	a->v[a->n] = NULL;
}

static void add3(struct argv *a, const char *x, const char *y, const char *z)
{
	add(a, x);
	add(a, y);
	if (z)
		add(a, z);
}

/* Directories of ours that the read-only root would show inside: the
 * sockets and state of every sandbox, every default disk. Paths under
 * the sandbox's own /tmp, /run or /mnt are hidden already. */
static void hide(struct argv *a, const char *dir)
{
	static const char *const hidden[] = {"/tmp/", "/run/", "/mnt/", "/dev/", "/proc/"};
	char with_slash[PATH_MAX + 2];

	snprintf(with_slash, sizeof with_slash, "%s/", dir);
	for (size_t i = 0; i < sizeof hidden / sizeof hidden[0]; i++)
		if (strncmp(with_slash, hidden[i], strlen(hidden[i])) == 0)
			return;
	if (access(dir, F_OK) == 0)
		add3(a, "--tmpfs", dir, NULL);
}

static void add_namespaces(struct argv *a, const struct sandbox *sb)
{
	add3(a, "--unshare-pid", "--unshare-ipc", "--unshare-uts");
	add(a, "--unshare-cgroup-try");
	if (!sb->net_host)
		add(a, "--unshare-net"); /* bwrap brings up lo, nothing else */
	add3(a, "--hostname", sb->name, NULL);
	add(a, "--as-pid-1"); /* the agent is init: when it dies, all die */
}

static void add_filesystem(struct argv *a, const struct sandbox *sb, const char *agent)
{
	char dir[PATH_MAX], path[PATH_MAX + 64];

	add3(a, "--ro-bind", "/", "/");
	/* fresh /dev and /proc, read-only but for /dev/shm */
	add3(a, "--dev", "/dev", NULL);
	add3(a, "--tmpfs", "/dev/shm", NULL);
	add3(a, "--remount-ro", "/dev", NULL);
	add3(a, "--proc", "/proc", NULL);
	add3(a, "--tmpfs", "/tmp", NULL);
	/* /run: only the agent, and its own directory for its socket */
	add3(a, "--tmpfs", "/run", NULL);
	add3(a, "--bind", sandbox_path(path, sizeof path, sb->name, "d"), SANDBOX_RUN);
	add3(a, "--ro-bind", agent, SANDBOX_AGENT);
	add3(a, "--remount-ro", "/run", NULL);
	hide(a, paths_rundir(dir, sizeof dir));
	hide(a, paths_datadir(dir, sizeof dir));
	/* /mnt: the disks */
	add3(a, "--tmpfs", "/mnt", NULL);
	add3(a, "--bind", sb->disk, SANDBOX_DATA);
	for (size_t i = 0; i < sb->ndisks; i++) {
		snprintf(path, sizeof path, SANDBOX_DISKS "/%s", sb->disks[i].key);
		add3(a, sb->disks[i].ro ? "--ro-bind" : "--bind", sb->disks[i].path, path);
		/* where the agent mounts it per exec (sbx exec --mount KEY) */
		snprintf(path, sizeof path, SANDBOX_ARCHIL "/%s", sb->disks[i].key);
		add3(a, "--dir", path, NULL);
	}
	add3(a, "--remount-ro", "/mnt", NULL);
	add3(a, "--chdir", SANDBOX_DATA, NULL);
}

static void add_environment(struct argv *a, const struct sandbox *sb)
{
	const char *v;

	add(a, "--clearenv");
	add3(a, "--setenv", "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	add3(a, "--setenv", "HOME", SANDBOX_DATA);
	add3(a, "--setenv", "HOSTNAME", sb->name);
	for (size_t i = 0; i < sizeof pass_env / sizeof pass_env[0]; i++)
		if ((v = getenv(pass_env[i])) != NULL)
			add3(a, "--setenv", pass_env[i], v);
}

/* The agent's own options: commands start in /mnt/data with no
 * capabilities, and may mount the extra disks per exec. */
static void add_agent(struct argv *a, const struct sandbox *sb)
{
	char disk[PATH_MAX];

	add3(a, SANDBOX_AGENT, "--listen", "unix:" SANDBOX_SOCK);
	add3(a, "--workdir", SANDBOX_DATA, NULL);
	add(a, "--drop-caps");
	add3(a, "--seal", SANDBOX_RUN, NULL); /* no command may replace the socket */
	for (size_t i = 0; i < sb->ndisks; i++) {
		snprintf(disk, sizeof disk, "%s=" SANDBOX_DISKS "/%s%s", sb->disks[i].key,
			 sb->disks[i].key, sb->disks[i].ro ? ":ro" : "");
		add3(a, "--disk", disk, NULL);
	}
}

char **bwrap_argv(const struct sandbox *sb, const char *bwrap, const char *agent, int info_fd)
{
	struct argv a = {0};
	char fd[16];

	add(&a, bwrap);
	add_namespaces(&a, sb);
	add_filesystem(&a, sb, agent);
	add_environment(&a, sb);
	snprintf(fd, sizeof fd, "%d", info_fd);
	add3(&a, "--info-fd", fd, NULL);
	add(&a, "--");
	add_agent(&a, sb);
	return a.v;
}

void bwrap_argv_free(char **argv)
{
	for (char **p = argv; p && *p; p++)
		free(*p);
	free(argv);
}

/* path if it is an executable file, resolved; else NULL. */
static char *executable(const char *path)
{
	char *real;

	if (access(path, X_OK) < 0 || (real = realpath(path, NULL)) == NULL)
		return NULL;
	return real;
}

static char *on_path(const char *prog)
{
	const char *p = getenv("PATH");
	char *copy, *dir, *save, *found = NULL, cand[PATH_MAX];

	copy = xstrdup(p && *p ? p : "/usr/local/bin:/usr/bin:/bin");
	for (dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		snprintf(cand, sizeof cand, "%s/%s", dir, prog);
		found = executable(cand);
	}
	free(copy);
	return found;
}

char *bwrap_find(char *err, size_t errlen)
{
	char *found = on_path("bwrap");

	if (found == NULL)
		snprintf(err, errlen, "bwrap not found on PATH: install bubblewrap (apt-get install bubblewrap)");
	return found;
}

char *bwrap_find_agent(char *err, size_t errlen)
{
	const char *env = getenv("SBX_AGENT");
	char self[PATH_MAX], cand[PATH_MAX + 32], *slash, *found;
	ssize_t n;

	if (env && *env) {
		if ((found = executable(env)) == NULL)
			snprintf(err, errlen, "SBX_AGENT=%s is not an executable file", env);
		return found;
	}
	if ((n = readlink("/proc/self/exe", self, sizeof self - 1)) > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL)
			*slash = '\0';
		snprintf(cand, sizeof cand, "%s/sbx-agent", self); /* installed */
		if ((found = executable(cand)) != NULL)
			return found;
		snprintf(cand, sizeof cand, "%s/../sbx-agent", self); /* build tree */
		if ((found = executable(cand)) != NULL)
			return found;
	}
	if ((found = on_path("sbx-agent")) == NULL)
		snprintf(err, errlen, "cannot find sbx-agent beside sbx or on PATH (set SBX_AGENT=PATH)");
	return found;
}
