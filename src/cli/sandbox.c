/*
 * sandbox.c: the local sandbox object, its files in RUNDIR and its state
 * file; see sandbox.h. The state file is KEY=VALUE lines, written to a
 * temporary file and renamed into place.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "paths.h"
#include "sandbox.h"
#include "xmalloc.h"

void sandbox_init(struct sandbox *sb, const char *name)
{
	memset(sb, 0, sizeof *sb);
	snprintf(sb->name, sizeof sb->name, "%s", name);
}

void sandbox_free(struct sandbox *sb)
{
	free(sb->disk);
	for (size_t i = 0; i < sb->ndisks; i++) {
		free(sb->disks[i].key);
		free(sb->disks[i].path);
	}
	for (size_t i = 0; i < sb->ncgroups; i++)
		free(sb->cgroups[i]);
	char name[sizeof sb->name];
	memcpy(name, sb->name, sizeof name);
	sandbox_init(sb, name);
}

char *sandbox_path(char *buf, size_t len, const char *name, const char *ext)
{
	char dir[256];

	snprintf(buf, len, "%s/%s.%s", paths_rundir(dir, sizeof dir), name, ext);
	return buf;
}

char *sandbox_target(char *buf, size_t len, const char *name)
{
	char sock[300];

	snprintf(buf, len, "unix:%s", paths_socket(sock, sizeof sock, name));
	return buf;
}

/* xdisk=KEY:rw:PATH or KEY:ro:PATH */
static int load_xdisk(struct sandbox *sb, const char *v)
{
	const char *c = strchr(v, ':');

	if (c == NULL || sb->ndisks == SANDBOX_MAX_DISKS || (strncmp(c, ":rw:", 4) && strncmp(c, ":ro:", 4)))
		return -1;
	struct sandbox_disk *d = &sb->disks[sb->ndisks++];
	d->key = xasprintf("%.*s", (int)(c - v), v);
	d->ro = c[2] == 'o';
	d->path = xstrdup(c + 4);
	return 0;
}

static int load_line(struct sandbox *sb, const char *k, const char *v)
{
	if (strcmp(k, "pid") == 0)
		sb->pid = (pid_t)strtol(v, NULL, 10);
	else if (strcmp(k, "pid_start") == 0)
		sb->pid_start = strtoull(v, NULL, 10);
	else if (strcmp(k, "bwrap") == 0)
		sb->bwrap = (pid_t)strtol(v, NULL, 10);
	else if (strcmp(k, "bwrap_start") == 0)
		sb->bwrap_start = strtoull(v, NULL, 10);
	else if (strcmp(k, "pidns") == 0)
		sb->pidns = strtoull(v, NULL, 10);
	else if (strcmp(k, "started") == 0)
		sb->started = strtoll(v, NULL, 10);
	else if (strcmp(k, "disk") == 0 && !sb->disk)
		sb->disk = xstrdup(v);
	else if (strcmp(k, "xdisk") == 0)
		return load_xdisk(sb, v);
	else if (strcmp(k, "net") == 0)
		sb->net_host = strcmp(v, "host") == 0;
	else if (strcmp(k, "memory") == 0)
		sb->memory = strtoull(v, NULL, 10);
	else if (strcmp(k, "pids") == 0)
		sb->pids = strtoull(v, NULL, 10);
	else if (strcmp(k, "cgroup") == 0 && sb->ncgroups < SANDBOX_MAX_CGROUPS)
		sb->cgroups[sb->ncgroups++] = xstrdup(v);
	return 0; /* unknown keys: a newer sbx's; ignored */
}

int sandbox_load(struct sandbox *sb, const char *name, char *err, size_t errlen)
{
	char path[300], line[4200], *eq;
	FILE *f;
	int n = 0;

	sandbox_init(sb, name);
	sandbox_path(path, sizeof path, name, "state");
	if ((f = fopen(path, "re")) == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, f)) {
		n++;
		line[strcspn(line, "\n")] = '\0';
		if ((eq = strchr(line, '=')) == NULL || (*eq = '\0', load_line(sb, line, eq + 1) < 0)) {
			snprintf(err, errlen, "%s:%d: not a line sbx wrote (remove the file)", path, n);
			fclose(f);
			sandbox_free(sb);
			return -1;
		}
	}
	fclose(f);
	return 1;
}

static void save_lines(FILE *f, const struct sandbox *sb)
{
	fprintf(f, "pid=%d\npid_start=%llu\nbwrap=%d\nbwrap_start=%llu\npidns=%llu\n", (int)sb->pid,
		sb->pid_start, (int)sb->bwrap, sb->bwrap_start, sb->pidns);
	fprintf(f, "started=%" PRId64 "\ndisk=%s\nnet=%s\n", sb->started, sb->disk,
		sb->net_host ? "host" : "none");
	for (size_t i = 0; i < sb->ndisks; i++)
		fprintf(f, "xdisk=%s:%s:%s\n", sb->disks[i].key, sb->disks[i].ro ? "ro" : "rw",
			sb->disks[i].path);
	if (sb->memory)
		fprintf(f, "memory=%" PRIu64 "\n", sb->memory);
	if (sb->pids)
		fprintf(f, "pids=%" PRIu64 "\n", sb->pids);
	for (size_t i = 0; i < sb->ncgroups; i++)
		fprintf(f, "cgroup=%s\n", sb->cgroups[i]);
}

int sandbox_save(const struct sandbox *sb, char *err, size_t errlen)
{
	char path[300], tmp[310];
	FILE *f;

	sandbox_path(path, sizeof path, sb->name, "state");
	snprintf(tmp, sizeof tmp, "%s.new", path);
	if ((f = fopen(tmp, "we")) == NULL) {
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
		return -1;
	}
	save_lines(f, sb);
	if (fclose(f) != 0 || rename(tmp, path) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int sandbox_alive(const struct sandbox *sb)
{
	return sb->pid > 0 && sb->pid_start && proc_starttime(sb->pid) == sb->pid_start;
}

/* NAME.state or NAME.d in RUNDIR gives NAME. */
static char *entry_name(const char *f)
{
	const char *dot = strrchr(f, '.');

	if (dot == NULL || (strcmp(dot, ".state") && strcmp(dot, ".d")))
		return NULL;
	char *name = xasprintf("%.*s", (int)(dot - f), f);
	if (!paths_valid_name(name)) {
		free(name);
		return NULL;
	}
	return name;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **sandbox_names(size_t *n)
{
	char dir[256], **v = NULL, *name;
	DIR *d = opendir(paths_rundir(dir, sizeof dir));
	struct dirent *e;
	size_t cap = 0;

	*n = 0;
	while (d && (e = readdir(d))) {
		if ((name = entry_name(e->d_name)) == NULL)
			continue;
		if (*n == cap)
			v = xrealloc(v, (cap = cap ? 2 * cap : 8) * sizeof *v);
		v[(*n)++] = name;
	}
	if (d)
		closedir(d);
	if (*n)
		qsort(v, *n, sizeof *v, cmp_str);
	/* NAME.state and NAME.d give NAME twice */
	size_t k = 0;
	for (size_t i = 0; i < *n; i++) {
		if (k && strcmp(v[k - 1], v[i]) == 0)
			free(v[i]);
		else
			v[k++] = v[i];
	}
	*n = k;
	return v;
}

void sandbox_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st, (void)ftw;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void sandbox_remove(const struct sandbox *sb)
{
	static const char *const files[] = {"sock", "state", "state.new", "log"};
	char path[300];

	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		unlink(sandbox_path(path, sizeof path, sb->name, files[i]));
	/* NAME.d holds the socket, and whatever the sandbox put there */
	nftw(sandbox_path(path, sizeof path, sb->name, "d"), remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	cgroup_remove(sb);
}

static int mkdir_p(const char *path, mode_t mode)
{
	char buf[512];

	snprintf(buf, sizeof buf, "%s", path);
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(buf, 0755) < 0 && errno != EEXIST)
				return -1;
			*p = '/';
		}
	return mkdir(buf, mode) < 0 && errno != EEXIST ? -1 : 0;
}

int sandbox_lock(char *err, size_t errlen)
{
	char dir[256];
	int fd;

	if (mkdir_p(paths_rundir(dir, sizeof dir), 0700) < 0 ||
	    (fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX) < 0) {
		snprintf(err, errlen, "cannot lock %s: %s", dir, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int sandbox_mkdir(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (mkdir_p(path, 0755) < 0 || stat(path, &st) < 0) {
		snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s is not a directory", path);
		return -1;
	}
	return 0;
}
