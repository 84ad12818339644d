/*
 * disk.h: the disks an agent was given (--disk KEY=PATH[:ro]) and the
 * per-exec mounts of them (an exec's "mounts": KEY[/SUBDIR] bound at
 * /mnt/archil/KEY in the exec's own mount namespace), as Archil mounts
 * disks into a command's view. Checked here, before any fork; mounted by
 * spawn.c in the child.
 */
#ifndef SBX_DISK_H
#define SBX_DISK_H

#include <stddef.h>

#include "proto.h"
#include "spawn.h"

#define DISK_MOUNT_ROOT "/mnt/archil"
#define DISK_MAX 16

/* Adds "KEY=PATH[:ro]"; -1 with why. */
int disk_add(const char *spec, char *why, size_t len);
/* Makes DISK_MOUNT_ROOT/KEY for every disk; -1 with why. */
int disk_prepare(char *why, size_t len);
/* The disks' own mount points, NULL-terminated, to detach in every exec
 * (none when no disk was given: NULL). */
char *const *disk_hidden(void);
/* The spawn mounts for req's mounts into out (DISK_MAX of them), with
 * their paths in paths (free with disk_mounts_free); -1 with why when a
 * key is unknown, a subdir is absolute, has . or .., or is missing. */
int disk_mounts(const struct msg_exec *req, struct spawn_mount *out, char **paths,
		char *why, size_t len);
void disk_mounts_free(char **paths, size_t n);
void disk_free_all(void);

#endif
