/*
 * cmd-attach.c: `sbx attach TARGET [CMD [ARG...]]`, a new session of CMD
 * (default: the user's login shell) in a PTY of our terminal's size, or
 * `--session N` to return to one; attach.c runs the terminal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attach.h"
#include "config.h"
#include "exec-opts.h"
#include "target.h"

static const struct cmd_opt attach_opts[] = {
	{"session", OPT_SESSION, "N", "return to session N (sbx ps lists them) instead of starting one"},
	{"read-only", OPT_READ_ONLY, NULL, "watch only: keys other than the detach keys are not sent"},
	{"detach-keys", OPT_DETACH_KEYS, "KEYS", "keys that detach (default ctrl-]; ctrl-p,ctrl-q; \"\" for none)"},
	{"record", OPT_RECORD, "FILE", "write the session to FILE as asciicast v2 (asciinema play FILE)"},
	{"reconnect", OPT_RECONNECT, "DURATION", "retry a lost connection this long (default 30s; 0: never)"},
	{"workdir", 'w', "DIR", "a new session runs in DIR"},
	{"env", 'e', "K=V", "set K in a new session's environment; K alone passes ours"},
	EXEC_OPT_ENV_FILE,
	{"user", 'u', "NAME|UID[:GID]", "a new session runs as this user (its login shell by default)"},
	{"mount", OPT_MOUNT, "KEY[:SUBDIR][:ro]", "mount the agent's disk KEY at /mnt/archil/KEY in a new session"},
	EXEC_OPTS_REACH,
	{"help", 'h', NULL, "show this help"},
	{0},
};

struct attach_args {
	uint32_t session;
	int read_only;
	const char *record;
};

static int attach_option(const struct cmd_entry *cmd, int c, char **argv, struct exec_opts *o,
			 struct msg_exec *req, struct attach_args *a)
{
	char *end;
	unsigned long long n;

	switch (c) {
	case OPT_SESSION:
		n = strtoull(optarg, &end, 10);
		if (*optarg < '1' || *optarg > '9' || *end || n > UINT32_MAX)
			return cmd_usage_error(cmd, "--session: \"%s\" is not a session number "
					       "(sbx ps TARGET lists them)", optarg);
		a->session = (uint32_t)n;
		return 0;
	case OPT_READ_ONLY:
		a->read_only = 1;
		return 0;
	case OPT_RECORD:
		a->record = optarg;
		return 0;
	default:
		return exec_option(cmd, c, argv, o, req);
	}
}

static int attach_go(const char *name, struct exec_opts *o, struct msg_exec *req,
		     const struct attach_args *a)
{
	struct attach_opts ao = {.target = name, .req = a->session ? NULL : req,
				 .session = a->session, .read_only = a->read_only,
				 .record = a->record, .reconnect_ms = o->reconnect_ms};
	struct config cfg;
	struct target t;
	char err[1024], *token;
	int rc;

	if (config_load(&cfg, NULL, err, sizeof err) < 0) {
		fprintf(stderr, "sbx: %s\n", err);
		return EXIT_SBX;
	}
	ao.keepalive = o->keepalive ? o->keepalive : cfg.keepalive;
	rc = attach_keys(o->detach_keys, &cfg, &ao.keys);
	config_free(&cfg);
	if (rc < 0 || target_reach(name, o->token_file, o->ca_file, &t, &token) < 0)
		return EXIT_SBX;
	ao.url = t.url, ao.token = token, ao.ca_file = t.ca_file;
	rc = attach_run(&ao);
	free(token);
	target_free(&t);
	return rc;
}

static int attach_finish(const struct cmd_entry *cmd, int argc, char **argv, struct exec_opts *o,
			 struct msg_exec *req, const struct attach_args *a)
{
	argv += optind;
	argc -= optind;
	if (argc < 1)
		return cmd_usage_error(cmd, "missing TARGET");
	if (argc > 1 && strcmp(argv[1], "--") == 0) {
		argv[1] = argv[0];
		argv++, argc--;
	}
	if (a->session && (argc > 1 || req->cwd || req->user || o->env.n || req->nmounts))
		return cmd_usage_error(cmd, "--session returns to a running command: no CMD, "
				       "-w, -e, -u or --mount with it");
	if (!isatty(0) && !a->read_only)
		return cmd_usage_error(cmd, "stdin is not a terminal (use sbx exec, or "
				       "--read-only to watch)");
	req->tty = req->session = 1;
	req->stdin_mode = STDIN_PIPE;
	req->login = argc < 2;
	req->cmd = argc < 2 ? NULL : argv[1];
	req->args = argv + 2;
	req->nargs = argc < 2 ? 0 : (size_t)argc - 2;
	req->env = o->env.v;
	req->nenv = o->env.n;
	return attach_go(argv[0], o, req, a);
}

static int attach_cmd(const struct cmd_entry *cmd, int argc, char **argv)
{
	struct exec_opts o = {.reconnect_ms = ATTACH_RECONNECT_MS};
	struct msg_exec req = {0};
	struct attach_args a = {0};
	int c, rc = 0;

	while (rc == 0 && (c = cmd_getopt(cmd, argc, argv)) != -1)
		rc = attach_option(cmd, c, argv, &o, &req, &a);
	if (rc == 0)
		rc = attach_finish(cmd, argc, argv, &o, &req, &a);
	else if (rc == 1)
		rc = 0; /* --help */
	exec_opts_free(&o);
	return rc;
}

static const char attach_details[] =
	"The command runs in a session that outlives this terminal: the detach keys "
	"(default ctrl-], pressed twice to send it), SIGHUP, SIGTERM or a closed "
	"terminal leave it running, and sbx prints how to return. Returning repaints "
	"the screen as it is (colours, full-screen programs, the lines above it). "
	"Several clients may attach at once; the session takes the smallest size "
	"among those that type. A dropped connection is retried for --reconnect and "
	"resumed from the last byte received; if the agent no longer holds those "
	"bytes, sbx says how many were lost. Exit status: the command's, 0 on detach "
	"(128+N when signal N made sbx detach), 125 when sbx could not go on.";

const struct cmd_entry cmd_attach_entry = {
	.name = "attach",
	.usage = "[OPTIONS] TARGET [CMD [ARG...]]",
	.summary = "Attach this terminal to a new or running session on TARGET (a detachable PTY).",
	.details = attach_details,
	.opts = attach_opts,
	.exec = attach_cmd,
};
