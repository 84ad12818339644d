/*
 * sandbox.h: a local sandbox, sbx-agent run inside bubblewrap by `sbx up`
 * and stopped by `sbx down`. sandbox.c holds the object and its state
 * file (RUNDIR/NAME.state), sandbox-start.c starts it, sandbox-stop.c
 * stops it, bwrap.c builds bwrap's command line and cgroup.c the limits.
 *
 * Files of sandbox NAME in RUNDIR (paths_rundir): NAME.d/ (mode 0700,
 * the only part of RUNDIR the sandbox sees, at /run/sbx, holding the
 * agent's socket agent.sock), NAME.sock (a symlink to NAME.d/agent.sock,
 * what clients connect to), NAME.state and NAME.log (the agent's and
 * bwrap's stderr).
 */
#ifndef SBX_SANDBOX_H
#define SBX_SANDBOX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SANDBOX_MAX_DISKS 16
#define SANDBOX_MAX_CGROUPS 2

/* Where things are inside the sandbox. */
#define SANDBOX_DATA "/mnt/data"
#define SANDBOX_DISKS "/mnt/.disks"  /* extra disks, KEY under it */
#define SANDBOX_ARCHIL "/mnt/archil" /* where execs mount them */
#define SANDBOX_RUN "/run/sbx"
#define SANDBOX_SOCK SANDBOX_RUN "/agent.sock"
#define SANDBOX_AGENT "/run/sbx-agent"

struct sandbox_disk {
	char *key;  /* [A-Za-z0-9_.-], as for names */
	char *path; /* absolute, on the host */
	int ro;
};

struct sandbox {
	char name[64];
	char *disk; /* absolute host path of /mnt/data */
	struct sandbox_disk disks[SANDBOX_MAX_DISKS];
	size_t ndisks;
	int net_host;     /* 0: a network namespace with only lo */
	uint64_t memory;  /* bytes; 0 for no limit */
	uint64_t pids;    /* 0 for no limit */
	char *cgroups[SANDBOX_MAX_CGROUPS]; /* directories made for the limits */
	size_t ncgroups;

	/* Filled in by sandbox_start; saved in the state file. */
	pid_t pid;                 /* the agent, pid 1 of the sandbox */
	unsigned long long pid_start; /* its start time (/proc/PID/stat) */
	pid_t bwrap;               /* bwrap's own process, outside */
	unsigned long long bwrap_start;
	unsigned long long pidns;  /* inode of its PID namespace */
	int64_t started;           /* seconds since the epoch */
};

void sandbox_init(struct sandbox *sb, const char *name);
void sandbox_free(struct sandbox *sb);
/* NAME's state file into sb: 1 loaded, 0 none, -1 unreadable (err). */
int sandbox_load(struct sandbox *sb, const char *name, char *err, size_t errlen);
int sandbox_save(const struct sandbox *sb, char *err, size_t errlen);
/* 1 while the agent runs (same pid and start time, not a zombie). */
int sandbox_alive(const struct sandbox *sb);
/* RUNDIR/NAME.EXT into buf ("sock", "state", "log", "d"). */
char *sandbox_path(char *buf, size_t len, const char *name, const char *ext);
/* "unix:RUNDIR/NAME.sock" */
char *sandbox_target(char *buf, size_t len, const char *name);
/* Names with a state file or a directory in RUNDIR, sorted; *n of them.
 * Free with sandbox_names_free. */
char **sandbox_names(size_t *n);
void sandbox_names_free(char **names, size_t n);
/* Creates RUNDIR and takes its lock (flock), which up and down hold;
 * the fd, to close, or -1 with err. */
int sandbox_lock(char *err, size_t errlen);
/* mkdir -p of a disk; 0, or -1 with err (also when not a directory). */
int sandbox_mkdir(const char *path, char *err, size_t errlen);
/* Every file of NAME in RUNDIR and its cgroups; never the disks. */
void sandbox_remove(const struct sandbox *sb);

/* Starts sb (its name, disks, net and limits set; disks exist). Returns
 * 0 once the agent answers hello, with sb's pids filled and its state
 * saved; -1 with the reason in err and nothing left behind. Warnings
 * (limits that cannot be applied) are printed on stderr. */
int sandbox_start(struct sandbox *sb, char *err, size_t errlen);
/* SIGTERM to the agent, SIGKILL after grace_ms; waits until no process
 * of the sandbox is left, then removes its files and cgroups. 0, or -1
 * with err when something would not die. */
int sandbox_stop(struct sandbox *sb, int grace_ms, char *err, size_t errlen);
/* 1 when some process still runs in the sandbox's PID namespace. */
int sandbox_has_processes(const struct sandbox *sb);

/* Process helpers (sandbox-stop.c). */
/* Field 22 of /proc/PID/stat; 0 when pid is gone or a zombie. */
unsigned long long proc_starttime(pid_t pid);

/* bwrap.c: the argv (NULL-terminated, free with bwrap_argv_free) that runs
 * agent inside sb; info_fd gets bwrap's --info-fd. */
char **bwrap_argv(const struct sandbox *sb, const char *bwrap, const char *agent, int info_fd);
void bwrap_argv_free(char **argv);
/* The sbx-agent to run: $SBX_AGENT, else beside this sbx, else in the
 * build tree's layout, else on PATH. NULL with err when none. */
char *bwrap_find_agent(char *err, size_t errlen);
/* bwrap on PATH, resolved; NULL with err. */
char *bwrap_find(char *err, size_t errlen);

#endif
