/*
 * cgroup.h: memory and pids limits of a local sandbox, in a cgroup of its
 * own: cgroup v2 when /sys/fs/cgroup is the unified hierarchy with those
 * controllers, else the v1 memory and pids hierarchies. Used by
 * sandbox-start.c (make, join) and sandbox.c (remove).
 */
#ifndef SBX_CGROUP_H
#define SBX_CGROUP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct sandbox;

/* Makes the cgroups sb's limits need and writes the limits, adding each
 * directory made to sb->cgroups. A limit that cannot be applied is not an
 * error: a warning naming the limit and why is printed on stderr. */
void cgroup_make(struct sandbox *sb);
/* Moves pid into every cgroup of sb; a failure is a warning again. */
void cgroup_join(const struct sandbox *sb, pid_t pid);
/* Removes sb's cgroup directories (they must be empty of processes). */
void cgroup_remove(const struct sandbox *sb);

#endif
