/*
 * user.h: who an exec runs as. Resolved in the agent before spawning
 * (name lookups allocate, which the vfork child must not do); the child
 * only calls setgroups, setgid and setuid.
 */
#ifndef SBX_USER_H
#define SBX_USER_H

#include <stddef.h>
#include <sys/types.h>

struct user_ids {
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	int ngroups;
	int change; /* 0 when the agent already is that user (and not root) */
	char *env[4]; /* HOME=, USER=, LOGNAME= when known; NULL-terminated */
};

/* spec: NAME, UID, NAME:GROUP or UID:GID. 0, or -1 with *err_no (ENOENT:
 * unknown, EPERM: the agent cannot switch) and a reason in err. */
int user_resolve(const char *spec, struct user_ids *u, int *err_no, char *err, size_t errlen);
void user_free(struct user_ids *u);

#endif
