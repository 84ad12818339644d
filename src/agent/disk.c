/*
 * disk.c: an agent's disks and each exec's mounts of them; see disk.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "disk.h"
#include "xmalloc.h"

struct disk {
	char *key;
	char *path; /* its real path, as the agent sees it */
	int ro;
};

static struct disk disks[DISK_MAX];
static int ndisks;
static char *hidden[DISK_MAX + 1];

static struct disk *disk_find(const char *key)
{
	for (int i = 0; i < ndisks; i++)
		if (strcmp(disks[i].key, key) == 0)
			return &disks[i];
	return NULL;
}

int disk_add(const char *spec, char *why, size_t len)
{
	const char *eq = strchr(spec, '=');
	char *path, real[PATH_MAX];
	size_t plen;
	int ro = 0;

	if (eq == NULL || eq == spec || memchr(spec, '/', (size_t)(eq - spec))) {
		snprintf(why, len, "--disk %s: give KEY=PATH[:ro], KEY without '/'", spec);
		return -1;
	}
	path = xstrdup(eq + 1);
	plen = strlen(path);
	if (plen > 3 && strcmp(path + plen - 3, ":ro") == 0)
		path[plen - 3] = '\0', ro = 1;
	if (ndisks == DISK_MAX || realpath(path, real) == NULL) {
		snprintf(why, len, "--disk %s: %s", spec,
			 ndisks == DISK_MAX ? "too many disks (16 at most)" : strerror(errno));
		free(path);
		return -1;
	}
	free(path);
	char *key = strndup(spec, (size_t)(eq - spec));
	if (disk_find(key)) {
		snprintf(why, len, "--disk %s: disk %s given twice", spec, key);
		free(key);
		return -1;
	}
	disks[ndisks] = (struct disk){key, xstrdup(real), ro};
	hidden[ndisks] = disks[ndisks].path;
	ndisks++;
	return 0;
}

int disk_prepare(char *why, size_t len)
{
	char dir[PATH_MAX];

	if (ndisks && mkdir(DISK_MOUNT_ROOT, 0755) < 0 && errno != EEXIST) {
		snprintf(why, len, "cannot make %s for the disks: %s", DISK_MOUNT_ROOT, strerror(errno));
		return -1;
	}
	for (int i = 0; i < ndisks; i++) {
		snprintf(dir, sizeof dir, "%s/%s", DISK_MOUNT_ROOT, disks[i].key);
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			snprintf(why, len, "cannot make %s for disk %s: %s", dir, disks[i].key,
				 strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* The disks are mounted where the agent sees them; an exec that is to
 * see only its own mounts loses those. Only a mount point can be
 * detached: a disk that is a plain directory stays (outside a sandbox). */
char *const *disk_hidden(void)
{
	return ndisks ? hidden : NULL;
}

/* SUBDIR: relative, without . or .. components. */
static int subdir_ok(const char *s)
{
	const char *p = s;

	if (*s == '/' || *s == '\0')
		return 0;
	while (*p) {
		size_t n = strcspn(p, "/");
		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		p += n;
		p += *p == '/';
	}
	return 1;
}

static void disk_names(char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; i < ndisks && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? ", " : "", disks[i].key);
	if (ndisks == 0)
		snprintf(buf, len, "none (sbx-agent --disk KEY=PATH, sbx up --disk KEY=DIR)");
}

/* One mount: its source, checked to be a directory inside the disk
 * (a symlink in it may not lead out). */
static char *mount_source(const struct msg_mount *m, const struct disk *d, char *why, size_t len)
{
	char want[PATH_MAX], real[PATH_MAX];
	size_t dl = strlen(d->path);

	if (m->subdir && !subdir_ok(m->subdir)) {
		snprintf(why, len, "mount %s:%s: the subdirectory must be relative, without . or ..",
			 m->key, m->subdir);
		return NULL;
	}
	snprintf(want, sizeof want, "%s%s%s", d->path, m->subdir ? "/" : "", m->subdir ? m->subdir : "");
	const char *sub = m->subdir ? m->subdir : ".";
	if (realpath(want, real) == NULL) {
		snprintf(why, len, "mount %s:%s: %s", m->key, sub, strerror(errno));
		return NULL;
	}
	struct stat st;
	if (stat(real, &st) < 0 || !S_ISDIR(st.st_mode)) {
		snprintf(why, len, "mount %s:%s: not a directory", m->key, sub);
		return NULL;
	}
	if (strncmp(real, d->path, dl) != 0 || (real[dl] != '/' && real[dl] != '\0')) {
		snprintf(why, len, "mount %s:%s: leads out of the disk", m->key, sub);
		return NULL;
	}
	return xstrdup(real);
}

int disk_mounts(const struct msg_exec *req, struct spawn_mount *out, char **paths,
		char *why, size_t len)
{
	char names[300];
	size_t i;

	for (i = 0; i < req->nmounts; i++) {
		const struct msg_mount *m = &req->mounts[i];
		const struct disk *d = disk_find(m->key);
		char dst[PATH_MAX];

		for (size_t j = 0; j < i && d; j++)
			if (strcmp(req->mounts[j].key, m->key) == 0) {
				snprintf(why, len, "mount %s: the disk is mounted twice", m->key);
				goto fail;
			}
		if (d == NULL) {
			disk_names(names, sizeof names);
			snprintf(why, len, "no disk \"%s\" on this agent; its disks: %s", m->key, names);
			goto fail;
		}
		if (d->ro && !m->ro) {
			snprintf(why, len, "disk %s is read-only: mount it with :ro", m->key);
			goto fail;
		}
		if ((paths[2 * i] = mount_source(m, d, why, len)) == NULL)
			goto fail;
		snprintf(dst, sizeof dst, "%s/%s", DISK_MOUNT_ROOT, d->key);
		paths[2 * i + 1] = xstrdup(dst);
		out[i] = (struct spawn_mount){paths[2 * i], paths[2 * i + 1], m->ro || d->ro};
	}
	return 0;
fail:
	disk_mounts_free(paths, i);
	return -1;
}

void disk_mounts_free(char **paths, size_t n)
{
	for (size_t i = 0; i < 2 * n; i++) {
		free(paths[i]);
		paths[i] = NULL;
	}
}

void disk_free_all(void)
{
	for (int i = 0; i < ndisks; i++) {
		free(disks[i].key);
		free(disks[i].path);
		hidden[i] = NULL;
	}
	ndisks = 0;
}
