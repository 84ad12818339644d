/*
 * spawn.h: the one way sbx-agent starts a process. fork, setsid, pipes,
 * cwd, env, exec; a failure before exec comes back as kind, errno and
 * stage through a CLOEXEC pipe, never as a silent exit. Per-exec mounts
 * and dropping capabilities happen in the child, before exec.
 */
#ifndef SBX_SPAWN_H
#define SBX_SPAWN_H

#include <sys/types.h>

#include "proto.h"
#include "user.h"

/* A directory bound into the command's own mount namespace. */
struct spawn_mount {
	const char *src, *dst;
	int ro;
};

struct spawn_req {
	const char *cmd;
	char *const *args; /* NULL-terminated, without cmd */
	const char *cwd;   /* NULL: keep the agent's */
	char *const *env;  /* NULL-terminated "K=V" added to the agent's */
	int stdin_pipe;    /* 0: /dev/null */
	const struct msg_rlimit *rlimits;
	size_t nrlimits;
	const struct user_ids *user; /* NULL: the agent's own */
	int tty;                     /* one PTY of rows x cols for all three */
	unsigned short rows, cols;
	/* With either, the command gets a mount namespace of its own. */
	const struct spawn_mount *mounts;
	size_t nmounts;
	char *const *hide; /* NULL-terminated mount points detached there */
	int drop_caps;     /* no capabilities at all, even as root */
};

struct spawn_res {
	pid_t pid;
	int in_fd; /* -1 without a stdin pipe */
	int out_fd, err_fd; /* with a PTY: out_fd is its master, err_fd -1 */
	/* On failure: */
	enum fail_kind kind;
	int err;
	const char *stage;
};

/* 0 with res->pid and the parent's pipe ends (non-blocking, CLOEXEC), or
 * -1 with res->kind, res->err and res->stage; the child is reaped. */
int spawn_start(const struct spawn_req *req, struct spawn_res *res);

#endif
