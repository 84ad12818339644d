/*
 * exec-opts.h: the options of exec and shell, shared with attach, which
 * starts commands with the same ones (cmd-exec.c parses them all).
 */
#ifndef SBX_EXEC_OPTS_H
#define SBX_EXEC_OPTS_H

#include "cmd.h"
#include "detachkeys.h"
#include "envlist.h"
#include "proto.h"

enum {
	OPT_TOKEN_FILE = 256, OPT_CA_FILE, OPT_ENV_FILE, OPT_TIMEOUT, OPT_KILL_GRACE, OPT_TIME,
	OPT_STDIN_FILE, OPT_STDIN_DATA, OPT_RLIMIT, OPT_ROWS, OPT_COLS, OPT_JSON,
	OPT_OUTPUT_LIMIT, OPT_KEEPALIVE, OPT_MOUNT, OPT_DETACH_KEYS, OPT_RECONNECT,
	OPT_SESSION, OPT_READ_ONLY, OPT_RECORD, OPT_ALL, OPT_PARALLEL, OPT_STREAM, OPT_COLOR,
	OPT_TIMESTAMPS,
};

struct exec_opts {
	const char *token_file;
	const char *ca_file;
	const char *timeout_text;
	int interactive;
	const char *stdin_file;
	const char *stdin_data;
	int in_fd; /* what feeds the command's stdin: -1 for none */
	int show_time;
	int json;
	unsigned keepalive; /* 0: libsbx's default */
	int winch;          /* -t with our size: follow its changes */
	int raw;            /* -t -i on a terminal: it goes raw */
	const char *detach_keys; /* --detach-keys, as given */
	struct detachkeys keys;
	unsigned reconnect_ms;
	int reconnect_given;
	/* Many targets (exec, tail, grep). */
	int all;            /* --all: every local sandbox */
	unsigned parallel;  /* 0: all at once */
	int stream;         /* exec: prefixed lines as they come */
	int color;          /* -1 auto, 0 never, 1 always */
	int timestamps;
	struct envlist env;
	struct msg_mount mounts[PROTO_MAX_MOUNTS];
	char *mount_text[PROTO_MAX_MOUNTS]; /* what the fields point into */
};

/* Rows of the option tables that exec, shell and attach share word for
 * word: how to reach the agent, and an environment file. */
#define EXEC_OPTS_REACH \
	{"token-file", OPT_TOKEN_FILE, "FILE", "bearer token for the agent (else $SBX_TOKEN)"}, \
	{"ca-file", OPT_CA_FILE, "FILE", "trust this PEM CA for wss:// (else the system's)"}, \
	{"keepalive", OPT_KEEPALIVE, "SECS", \
	 "ping a silent agent after SECS, give up after 3 x SECS (default 20)"}
#define EXEC_OPT_ENV_FILE {"env-file", OPT_ENV_FILE, "FILE", "read K=V lines from FILE (# comments)"}
/* And those of the commands that run on many. */
#define EXEC_OPT_ALL {"all", OPT_ALL, NULL, "every local sandbox (sbx ls), with the TARGETs given"}
#define EXEC_OPT_COLOR {"color", OPT_COLOR, "WHEN", \
	"colour the names: auto (a terminal, NO_COLOR unset), always, never"}

/* Option c: 0 when taken, 1 after --help, else an exit status (printed). */
int exec_option(const struct cmd_entry *cmd, int c, char **argv, struct exec_opts *o,
		struct msg_exec *req);
void exec_opts_free(struct exec_opts *o);

#endif
