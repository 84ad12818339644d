/*
 * cmd-ps.c: `sbx ps TARGET`, the commands running on an agent, whoever
 * started them: their numbers (for `sbx kill`), pids, age and command
 * lines, as a table or, with --json, one JSON object per exec.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "events.h"
#include "sbx.h"
#include "target.h"
#include "units.h"

enum { OPT_JSON = 256 };

static const struct cmd_opt ps_opts[] = {
	{"json", OPT_JSON, NULL, "one JSON object per exec on stdout"},
	{"token-file", TARGET_OPT_TOKEN_FILE, "FILE", "bearer token (else the config's, else $SBX_TOKEN)"},
	{"ca-file", TARGET_OPT_CA_FILE, "FILE", "trust this PEM CA for wss:// (else the config's or system's)"},
	{"help", 'h', NULL, "show this help"},
	{0},
};

/* How long ago it started; a clock set back counts as now. */
static void age(char *buf, size_t len, int64_t started_ms)
{
	struct timespec ts;
	int64_t s;

	clock_gettime(CLOCK_REALTIME, &ts);
	s = ts.tv_sec - started_ms / 1000;
	age_format(buf, len, s < 0 ? 0 : (long long)s);
}

/* running, or how a session's process ended: "exited 3", "killed TERM". */
static void state(char *buf, size_t len, const struct msg_exec_info *x)
{
	const char *name = x->signo ? sig_name(x->signo) : NULL;

	if (!x->exited)
		snprintf(buf, len, "running");
	else if (x->signo && name)
		snprintf(buf, len, "killed %s", name);
	else if (x->signo)
		snprintf(buf, len, "killed %d", x->signo);
	else
		snprintf(buf, len, "exited %d", x->code);
}

/* Sessions add their size, attached clients and state. */
static void print_table(const struct msg_execs *l)
{
	char when[32], size[16], att[12], st[32];

	printf("%-6s %-8s %-5s %-4s %-6s %-9s %-4s %-10s %s\n", "EXEC", "PID", "VIA", "TTY", "AGE",
	       "SIZE", "ATT", "STATE", "COMMAND");
	for (size_t i = 0; i < l->n; i++) {
		const struct msg_exec_info *x = &l->v[i];
		age(when, sizeof when, x->started_at_ms);
		snprintf(size, sizeof size, x->session ? "%ux%u" : "-", x->cols, x->rows);
		snprintf(att, sizeof att, x->session ? "%u" : "-", x->attached);
		state(st, sizeof st, x);
		printf("%-6u %-8lld %-5s %-4s %-6s %-9s %-4s %-10s %s", x->exec, (long long)x->pid,
		       x->via ? x->via : "?", x->tty ? "yes" : "-", when, size, att, st, x->cmd);
		for (size_t k = 0; k < x->nargs; k++)
			printf(" %s", x->args[k]);
		putchar('\n');
	}
}

static int print_json(const struct msg_execs *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct msg_exec_info *x = &l->v[i];
		json_t *args = json_array();
		for (size_t k = 0; k < x->nargs; k++)
			json_array_append_new(args, json_string(x->args[k]));
		json_t *o = json_pack("{s:I,s:I,s:s,s:o,s:I,s:b,s:s,s:b}", "exec", (json_int_t)x->exec,
				      "pid", (json_int_t)x->pid, "cmd", x->cmd, "args", args,
				      "started_at_ms", (json_int_t)x->started_at_ms, "tty", x->tty,
				      "via", x->via ? x->via : "", "session", x->session);
		if (x->session) {
			json_object_set_new(o, "attached", json_integer(x->attached));
			json_object_set_new(o, "rows", json_integer(x->rows));
			json_object_set_new(o, "cols", json_integer(x->cols));
			json_object_set_new(o, "state", json_string(x->exited ? "exited" : "running"));
		}
		if (x->exited) {
			json_object_set_new(o, x->signo ? "signal" : "code",
					    json_integer(x->signo ? x->signo : x->code));
			json_object_set_new(o, "ended_at_ms", json_integer(x->ended_at_ms));
		}
		if (events_emit(o) < 0)
			return -1;
	}
	return 0;
}

static int ps_cmd(const struct cmd_entry *cmd, int argc, char **argv)
{
	struct target_opts o = {0};
	struct msg_execs l;
	struct sbx *s;
	int c, json = 0, rc;

	while ((c = cmd_getopt(cmd, argc, argv)) != -1) {
		if (c == OPT_JSON)
			json = 1;
		else if ((rc = target_option(cmd, c, argv, &o)) != 0)
			return rc == 1 ? 0 : rc < 0 ? EXIT_SBX : rc;
	}
	if (optind >= argc)
		return cmd_usage_error(cmd, "missing TARGET");
	if (optind + 1 < argc)
		return cmd_usage_error(cmd, "unexpected argument \"%s\"", argv[optind + 1]);
	if ((s = target_connect(argv[optind], &o)) == NULL)
		return EXIT_SBX;
	if (sbx_list(s, &l) < 0) {
		fprintf(stderr, "sbx: %s\n", sbx_error(s));
		sbx_close(s);
		return EXIT_SBX;
	}
	if (json)
		rc = print_json(&l) < 0 ? EXIT_SBX : 0;
	else
		print_table(&l), rc = 0;
	sbx_execs_free(&l);
	sbx_close(s);
	return rc;
}

const struct cmd_entry cmd_ps_entry = {
	.options_anywhere = 1,
	.name = "ps",
	.usage = "[OPTIONS] TARGET",
	.summary = "List the commands running on TARGET, whoever started them.",
	.details = "Columns: EXEC, the number 'sbx kill' takes; PID; VIA, ws (sbx exec,\n"
		   "libsbx) or http (POST /v1/exec); TTY; AGE; COMMAND.\n"
		   "TARGET is a sandbox's name (local, or from the config file, see\n"
		   "sbx.conf(5)), unix:PATH, ws://HOST:PORT or wss://HOST:PORT.\n",
	.opts = ps_opts,
	.exec = ps_cmd,
};
