/*
 * cmd-tail.c: `sbx tail TARGET... -- CMD [ARG...]`: CMD on every target at
 * once (fleet.c), its output merged line by line under each sandbox's
 * name (merge.c). A dropped connection is retried and resumed; Ctrl-C
 * stops every command.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attach.h"
#include "config.h"
#include "exec-opts.h"
#include "fleet.h"
#include "merge.h"
#include "target.h"

static const struct cmd_opt tail_opts[] = {
	EXEC_OPT_ALL,
	EXEC_OPT_COLOR,
	{"timestamps", OPT_TIMESTAMPS, NULL, "put the time the agent read each line before it"},
	{"json", OPT_JSON, NULL, "one JSON object per line: sandbox, stream, line, ts"},
	{"reconnect", OPT_RECONNECT, "DURATION", "retry a lost or refused connection this long (default 30s; 0: never)"},
	{"workdir", 'w', "DIR", "run CMD in DIR"},
	{"env", 'e', "K=V", "set K in CMD's environment; K alone passes ours"},
	EXEC_OPT_ENV_FILE,
	{"user", 'u', "NAME|UID[:GID]", "run CMD as this user"},
	{"timeout", OPT_TIMEOUT, "DURATION", "the agents stop CMD at DURATION (TERM, then KILL)"},
	EXEC_OPTS_REACH,
	{"help", 'h', NULL, "show this help"},
	{0},
};

struct tail {
	struct fleet f;
	struct merge g;
};

static void tail_output(struct member *m, enum frame_kind kind, const uint8_t *data, size_t len)
{
	struct tail *t = m->f->arg;

	merge_output(&t->g, m, kind, data, len);
}

static void tail_notice(struct member *m, enum fleet_notice what, const char *text)
{
	struct tail *t = m->f->arg;

	(void)what;
	merge_notice(&t->g, m, text);
}

/* How a member that did not exit 0 ended, as the summary says it: why it
 * failed, or how its command ended. */
static void outcome(const struct member *m, char *buf, size_t len)
{
	if (m->why[0])
		snprintf(buf, len, "%s", m->why);
	else if (m->exited.timed_out)
		snprintf(buf, len, "timed out");
	else if (m->signo)
		snprintf(buf, len, "killed by SIG%s", sigabbrev_np(m->signo));
	else
		snprintf(buf, len, "exited %d", m->status);
}

static void tail_ended(struct member *m)
{
	struct tail *t = m->f->arg;
	char text[400], said[420];

	merge_end(&t->g, m);
	if (m->status == 0 && !m->why[0])
		return;
	outcome(m, text, sizeof text);
	snprintf(said, sizeof said, "%s%s", m->why[0] ? "failed: " : "", text);
	/* Not for the signal we passed on: everyone stopped for it. */
	if (!m->f->signo)
		merge_notice(&t->g, m, said);
}

static const struct fleet_ops tail_ops = {
	.output = tail_output,
	.notice = tail_notice,
	.ended = tail_ended,
};

/* "sbx: tail: 2 of 5 failed: b (exited 3), c (cannot connect...)". */
static int tail_summary(const struct fleet *f)
{
	size_t failed = 0;

	for (size_t i = 0; i < f->n; i++)
		failed += f->m[i].status != 0;
	if (failed == 0)
		return 0;
	fprintf(stderr, "sbx: tail: %zu of %zu failed:", failed, f->n);
	for (size_t i = 0, k = 0; i < f->n; i++) {
		char text[400];

		if (f->m[i].status == 0)
			continue;
		outcome(&f->m[i], text, sizeof text);
		fprintf(stderr, "%s %s (%s)", k++ ? "," : "", f->m[i].name, text);
	}
	fputc('\n', stderr);
	return 1;
}

/* Where CMD begins: after the first --; options may come anywhere
 * before it, after it everything is CMD's. */
static int tail_dashdash(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			return i;
	return -1;
}

/* The fleet runs CMD; what it printed and how each ended make the status. */
static int tail_run(struct tail *t, struct exec_opts *o, struct msg_exec *req, char **names,
		    size_t n)
{
	int rc;

	if (fleet_init(&t->f, names, n, o->token_file, o->ca_file) < 0)
		return EXIT_SBX;
	t->f.req = req;
	t->f.reconnect_ms = o->reconnect_ms;
	t->f.retry_first = 1;
	t->f.rerun = 1;
	t->f.stamps = o->timestamps || o->json;
	t->f.deflate = 1;
	t->f.keepalive = o->keepalive;
	t->f.ops = &tail_ops;
	t->f.arg = t;
	merge_init(&t->g, &t->f, o->color, o->timestamps, o->json);
	if (fleet_run(&t->f) < 0)
		rc = EXIT_SBX;
	else if (merge_flush(&t->g) < 0)
		rc = 128 + SIGPIPE;
	else if (t->f.signo)
		rc = 128 + t->f.signo;
	else
		rc = tail_summary(&t->f);
	merge_free(&t->g);
	return rc;
}

static int tail_main(const struct cmd_entry *cmd, int argc, char **argv)
{
	struct exec_opts o = {.reconnect_ms = ATTACH_RECONNECT_MS, .color = -1};
	struct msg_exec req = {0};
	struct config cfg;
	struct tail t = {0};
	char **names = NULL, **cmdv = NULL, err[1024];
	size_t ntargets = 0, nnames = 0;
	int c, rc = 0, dd = tail_dashdash(argc, argv);

	while (rc == 0 && (c = cmd_getopt(cmd, dd < 0 ? argc : dd, argv)) != -1)
		rc = exec_option(cmd, c, argv, &o, &req);
	if (rc == 0 && dd < 0)
		rc = cmd_usage_error(cmd, "give the command after --: sbx tail TARGET... -- CMD");
	else if (rc == 0 && dd + 1 == argc)
		rc = cmd_usage_error(cmd, "missing CMD after --");
	if (rc == 1)
		rc = 0; /* --help */
	else if (rc == 0) {
		ntargets = (size_t)(dd - optind);
		cmdv = argv + dd + 1;
		if (ntargets == 0 && !o.all)
			rc = cmd_usage_error(cmd, "missing TARGET (names, @group or --all)");
		else if (config_load(&cfg, NULL, err, sizeof err) < 0) {
			fprintf(stderr, "sbx: %s\n", err);
			rc = EXIT_SBX;
		} else {
			if (!o.keepalive)
				o.keepalive = cfg.keepalive;
			config_free(&cfg);
			req.cmd = cmdv[0];
			req.args = cmdv + 1;
			for (req.nargs = 0; req.args[req.nargs]; req.nargs++)
				;
			req.env = o.env.v;
			req.nenv = o.env.n;
			rc = target_expand(argv + optind, ntargets, o.all, &names, &nnames) < 0
				     ? EXIT_SBX
				     : tail_run(&t, &o, &req, names, nnames);
		}
	}
	fleet_free(&t.f);
	target_names_free(names, nnames);
	exec_opts_free(&o);
	return rc;
}

const struct cmd_entry cmd_tail_entry = {
	.name = "tail",
	.usage = "[OPTIONS] TARGET... -- CMD [ARG...]",
	.summary = "Run CMD on every TARGET at once and merge its output, line by line.",
	.details =
		"TARGET is a sandbox's name, unix:PATH, ws:// or wss:// URL, or @GROUP from\n"
		"sbx.conf(5); several may be given, or joined with commas. Each line is\n"
		"printed once, whole, after its sandbox's name: NAME | for stdout, NAME !\n"
		"for stderr. A sandbox that cannot be reached or drops is said so in\n"
		"place, retried, and its output resumed where it stopped (the agent keeps\n"
		"4 MiB of it); one whose agent restarted runs CMD again. Ctrl-C stops CMD\n"
		"everywhere and exits 130. Exit status when every CMD ended: 0 if all\n"
		"exited 0, else 1, with the ones that did not named on stderr.\n",
	.opts = tail_opts,
	.options_anywhere = 1,
	.exec = tail_main,
};
