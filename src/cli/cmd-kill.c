/*
 * cmd-kill.c: `sbx kill TARGET EXEC...`, a signal (KILL unless told, as
 * docker kill) to the process group of running execs by the numbers
 * `sbx ps` shows, from any connection.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "sbx.h"
#include "target.h"

static const struct cmd_opt kill_opts[] = {
	{"signal", 's', "SIGNAL", "the signal: a name (TERM, SIGINT, hup) or a number (default KILL)"},
	{"token-file", TARGET_OPT_TOKEN_FILE, "FILE", "bearer token (else the config's, else $SBX_TOKEN)"},
	{"ca-file", TARGET_OPT_CA_FILE, "FILE", "trust this PEM CA for wss:// (else the config's or system's)"},
	{"help", 'h', NULL, "show this help"},
	{0},
};

static int exec_number(const char *s, uint32_t *n)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	if (*s < '1' || *s > '9' || *end != '\0' || v > UINT32_MAX)
		return -1;
	*n = (uint32_t)v;
	return 0;
}

/* Each EXEC in turn; 1 if any of them was not running. */
static int kill_all(struct sbx *s, const char *target, char **ids, int n, int signo)
{
	uint32_t num = 0;
	int rc = 0, r;

	for (int i = 0; i < n; i++) {
		exec_number(ids[i], &num);
		r = sbx_signal_exec(s, num, signo, NULL);
		if (r < 0) {
			fprintf(stderr, "sbx: %s\n", sbx_error(s));
			return EXIT_SBX;
		}
		if (r > 0) {
			fprintf(stderr, "sbx: kill: %s: %s (see 'sbx ps %s')\n", ids[i], sbx_error(s),
				target);
			rc = 1;
		}
	}
	return rc;
}

static int kill_cmd(const struct cmd_entry *cmd, int argc, char **argv)
{
	struct target_opts o = {0};
	int c, signo = SIGKILL, rc;
	uint32_t num;
	struct sbx *s;

	while ((c = cmd_getopt(cmd, argc, argv)) != -1) {
		if (c == 's' && (signo = sig_from_name(optarg)) < 0)
			return cmd_usage_error(cmd, "unknown signal \"%s\" (a name such as TERM, INT, "
						    "HUP, KILL, USR1, or a number 1-64)", optarg);
		if (c != 's' && (rc = target_option(cmd, c, argv, &o)) != 0)
			return rc == 1 ? 0 : rc < 0 ? EXIT_SBX : rc;
	}
	if (optind >= argc)
		return cmd_usage_error(cmd, "missing TARGET");
	if (optind + 1 >= argc)
		return cmd_usage_error(cmd, "missing EXEC (the numbers 'sbx ps %s' shows)", argv[optind]);
	for (int i = optind + 1; i < argc; i++)
		if (exec_number(argv[i], &num) < 0)
			return cmd_usage_error(cmd, "\"%s\" is not an exec number (see 'sbx ps %s')",
					       argv[i], argv[optind]);
	if ((s = target_connect(argv[optind], &o)) == NULL)
		return EXIT_SBX;
	rc = kill_all(s, argv[optind], argv + optind + 1, argc - optind - 1, signo);
	sbx_close(s);
	return rc;
}

const struct cmd_entry cmd_kill_entry = {
	.options_anywhere = 1,
	.name = "kill",
	.usage = "[OPTIONS] TARGET EXEC [EXEC...]",
	.summary = "Send a signal (default KILL) to running commands on TARGET.",
	.details = "EXEC is the number 'sbx ps TARGET' lists (and 'sbx exec --json' gives in\n"
		   "its started event). The signal goes to the command's process group.\n"
		   "TARGET is a sandbox's name or a URL, as for 'sbx ps'.\n"
		   "Exit status: 0; 1 when some EXEC was not running; 125 for sbx's own\n"
		   "errors (cannot connect, bad option).\n",
	.opts = kill_opts,
	.exec = kill_cmd,
};
