/*
 * cgroup.c: a sandbox's --memory and --pids, as cgroup limits; see
 * cgroup.h. Each sandbox gets CGROOT/sbx/NAME: one directory under v2,
 * one per controller hierarchy under v1.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "fdio.h"
#include "sandbox.h"
#include "xmalloc.h"

#define CGROOT "/sys/fs/cgroup"

struct cgroup_limit {
	const char *opt;        /* the option, for warnings */
	const char *controller; /* v2 controller, v1 hierarchy */
	const char *v1_file, *v2_file;
};

static const struct cgroup_limit limits[] = {
	{"--memory", "memory", "memory.limit_in_bytes", "memory.max"},
	{"--pids", "pids", "pids.max", "pids.max"},
};

/* Writes s to path; 0, or -1 with errno. */
static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), rc, e;

	if (fd < 0)
		return -1;
	rc = fd_write_all(fd, s, strlen(s));
	e = errno;
	close(fd);
	errno = e;
	return rc;
}

static int is_v2(void)
{
	return access(CGROOT "/cgroup.controllers", F_OK) == 0;
}

/* 1 if the v2 file path lists controller ctl (a word of it). */
static int lists_controller(const char *path, const char *ctl)
{
	char buf[512], *save, *w;
	FILE *f = fopen(path, "re");
	int found = 0;

	if (f == NULL)
		return 0;
	if (fgets(buf, sizeof buf, f))
		for (w = strtok_r(buf, " \n", &save); w && !found; w = strtok_r(NULL, " \n", &save))
			found = strcmp(w, ctl) == 0;
	fclose(f);
	return found;
}

static int mkdir_ok(const char *path)
{
	return mkdir(path, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

/* The directory for one limit, made; NULL with why. */
static char *limit_dir(const struct sandbox *sb, const struct cgroup_limit *l, char *why, size_t len)
{
	char base[256], ctl[64];

	if (is_v2()) {
		snprintf(ctl, sizeof ctl, "+%s", l->controller);
		if (!lists_controller(CGROOT "/cgroup.controllers", l->controller)) {
			snprintf(why, len, "the %s controller is not enabled in " CGROOT, l->controller);
			return NULL;
		}
		snprintf(base, sizeof base, CGROOT "/sbx");
		if ((!lists_controller(CGROOT "/cgroup.subtree_control", l->controller) &&
		     write_file(CGROOT "/cgroup.subtree_control", ctl) < 0) ||
		    mkdir_ok(base) < 0 ||
		    (!lists_controller(CGROOT "/sbx/cgroup.subtree_control", l->controller) &&
		     write_file(CGROOT "/sbx/cgroup.subtree_control", ctl) < 0)) {
			snprintf(why, len, "cannot enable the %s controller under " CGROOT "/sbx: %s",
				 l->controller, strerror(errno));
			return NULL;
		}
	} else {
		snprintf(base, sizeof base, CGROOT "/%s/cgroup.procs", l->controller);
		if (access(base, F_OK) < 0) {
			snprintf(why, len, "no cgroup v2 at " CGROOT " and no v1 %s hierarchy at " CGROOT "/%s",
				 l->controller, l->controller);
			return NULL;
		}
		snprintf(base, sizeof base, CGROOT "/%s/sbx", l->controller);
		if (mkdir_ok(base) < 0) {
			snprintf(why, len, "cannot create %s: %s", base, strerror(errno));
			return NULL;
		}
	}
	char *dir = xasprintf("%s/%s", base, sb->name);
	if (mkdir_ok(dir) < 0) {
		snprintf(why, len, "cannot create %s: %s", dir, strerror(errno));
		free(dir);
		return NULL;
	}
	return dir;
}

static void add_dir(struct sandbox *sb, char *dir)
{
	for (size_t i = 0; i < sb->ncgroups; i++)
		if (strcmp(sb->cgroups[i], dir) == 0) {
			free(dir);
			return;
		}
	sb->cgroups[sb->ncgroups++] = dir;
}

/* One limit: its directory and value, or a warning. */
static void limit_apply(struct sandbox *sb, const struct cgroup_limit *l, uint64_t value)
{
	char why[700], path[512], num[32];
	char *dir = limit_dir(sb, l, why, sizeof why);

	if (dir) {
		snprintf(path, sizeof path, "%s/%s", dir, is_v2() ? l->v2_file : l->v1_file);
		snprintf(num, sizeof num, "%" PRIu64, value);
		if (write_file(path, num) == 0) {
			add_dir(sb, dir);
			return;
		}
		snprintf(why, sizeof why, "cannot write %s: %s", path, strerror(errno));
		rmdir(dir);
		free(dir);
	}
	fprintf(stderr, "sbx: up: warning: %s not applied to %s: %s\n", l->opt, sb->name, why);
}

void cgroup_make(struct sandbox *sb)
{
	if (sb->memory)
		limit_apply(sb, &limits[0], sb->memory);
	if (sb->pids)
		limit_apply(sb, &limits[1], sb->pids);
}

void cgroup_join(const struct sandbox *sb, pid_t pid)
{
	char path[512], num[32];

	snprintf(num, sizeof num, "%d", (int)pid);
	for (size_t i = 0; i < sb->ncgroups; i++) {
		snprintf(path, sizeof path, "%s/cgroup.procs", sb->cgroups[i]);
		if (write_file(path, num) < 0)
			fprintf(stderr, "sbx: up: warning: limits of %s not applied: cannot write %s: %s\n",
				sb->name, path, strerror(errno));
	}
}

/* rmdir fails with EBUSY for a moment after the last process has gone;
 * give it up to a second. */
void cgroup_remove(const struct sandbox *sb)
{
	for (size_t i = 0; i < sb->ncgroups; i++)
		for (int tries = 0; tries < 100; tries++) {
			if (rmdir(sb->cgroups[i]) == 0 || errno == ENOENT || errno != EBUSY)
				break;
			poll(NULL, 0, 10);
		}
}
