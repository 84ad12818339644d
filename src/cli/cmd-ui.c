/*
 * cmd-ui.c: `sbx ui [TARGET...]`, `sbx ui --tail TARGET... -- CMD`, `sbx ui
 * --session TARGET:N`, `sbx ui --resume`: which panes, then ui/ui.c runs
 * them. Without TARGETs: the panes of the last detach if there are, else
 * a pane on every local sandbox.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "detachkeys.h"
#include "paths.h"
#include "sandbox.h"
#include "target.h"
#include "ui.h"
#include "xmalloc.h"

#define UI_PREFIX_DEFAULT "ctrl-a"
#define UI_MAX_TARGETS 64

enum { OPT_TAIL = 0x500, OPT_SESSION, OPT_RESUME, OPT_PREFIX, OPT_UI_TOKEN, OPT_UI_CA, OPT_UI_ALL };

static const struct cmd_opt ui_opts[] = {
	{"all", OPT_UI_ALL, NULL, "a pane on every local sandbox (sbx ls), with the TARGETs given"},
	{"tail", OPT_TAIL, NULL, "read-only panes running the CMD after -- on each TARGET"},
	{"session", OPT_SESSION, "TARGET:N", "a pane on session N of TARGET (sbx ps lists them); repeatable"},
	{"resume", OPT_RESUME, NULL, "the panes and layout of the last detach"},
	{"prefix", OPT_PREFIX, "KEY", "the key before the UI's commands (default ctrl-a; config: ui-prefix)"},
	{"token-file", OPT_UI_TOKEN, "FILE", "bearer token for the agents (else $SBX_TOKEN)"},
	{"ca-file", OPT_UI_CA, "FILE", "trust this PEM CA for wss:// (else the system's)"},
	{"help", 'h', NULL, "show this help"},
	{0},
};

struct ui_args {
	const char *token_file, *ca_file, *prefix;
	int tail, resume, all;
	char *sessions[UI_MAX_TARGETS];
	size_t nsessions;
};

static const struct ui_args *resolving; /* for ui_resolve, called by the picker */
static char *ui_keys;                   /* the config's ui-keys */

static int ui_resolve(const char *name, char **url, char **token, char **ca_file)
{
	struct target t;

	if (target_reach(name, resolving->token_file, resolving->ca_file, &t, token) < 0)
		return -1;
	*url = t.url;
	*ca_file = t.ca_file;
	t.url = t.ca_file = NULL;
	target_free(&t);
	return 0;
}

static int target_add(struct ui_opts *o, const char *name, uint32_t session)
{
	struct ui_target *t;

	if (o->n == UI_MAX_TARGETS) {
		fprintf(stderr, "sbx: ui: at most %d panes\n", UI_MAX_TARGETS);
		return -1;
	}
	t = &o->targets[o->n];
	memset(t, 0, sizeof *t);
	if (ui_resolve(name, &t->url, &t->token, &t->ca_file) < 0)
		return -1;
	t->name = xstrdup(name);
	t->session = session;
	o->n++;
	return 0;
}

/* TARGET:N, N a session's number. */
static int session_add(struct ui_opts *o, const char *spec)
{
	const char *colon = strrchr(spec, ':');
	char *end, *name;
	unsigned long n;
	int rc;

	if (colon == NULL || colon == spec || (n = strtoul(colon + 1, &end, 10)) == 0 || *end ||
	    n > UINT32_MAX) {
		fprintf(stderr, "sbx: ui: --session \"%s\": give TARGET:N, N a session's number "
			"(sbx ps TARGET lists them)\n", spec);
		return -1;
	}
	name = strndup(spec, (size_t)(colon - spec));
	rc = name ? target_add(o, name, (uint32_t)n) : -1;
	free(name);
	return rc;
}

/* The panes a detach kept: "pane ID SESSION NAME", "layout TEXT", "focus ID",
 * "zoomed 0|1". */
static int state_load(struct ui_opts *o, const char *path, char **layout)
{
	char line[4400], name[4096];
	int at, ro;
	int ids[UI_MAX_TARGETS], id, focus = 0, zoomed = 0;
	unsigned session;
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "pane %d %u %d %4095s %n", &id, &session, &ro, name, &at) == 4 &&
		    n < UI_MAX_TARGETS) {
			if (target_add(o, name, session) == 0) {
				ids[n++] = id;
				o->targets[o->n - 1].read_only = ro;
				if (line[at])
					o->targets[o->n - 1].command = xstrdup(line + at);
			}
		} else if (strncmp(line, "layout ", 7) == 0) {
			free(*layout);
			*layout = xstrdup(line + 7);
		} else if (sscanf(line, "focus %d", &focus) != 1) {
			sscanf(line, "zoomed %d", &zoomed);
		}
	}
	fclose(f);
	/* The saved layout names the panes by their ids: they keep them. */
	for (size_t i = 0; i < n; i++) {
		o->targets[o->n - n + i].id = ids[i];
		if (ids[i] == focus) {
			o->focus = focus;
			o->zoomed = zoomed == 1;
		}
	}
	return 0;
}

/* As target_expand, but a sandbox named twice gets two panes. */
static int ui_targets(char **args, size_t nargs, int all, char ***names, size_t *n)
{
	char **one;
	size_t k;

	if (nargs == 0)
		return target_expand(args, 0, all, names, n);
	*names = NULL;
	*n = 0;
	for (size_t i = 0; i < nargs; i++) {
		if (target_expand(args + i, 1, all && i == 0, &one, &k) < 0) {
			target_names_free(*names, *n);
			*names = NULL, *n = 0;
			return -1;
		}
		*names = xrealloc(*names, (*n + k) * sizeof **names);
		memcpy(*names + *n, one, k * sizeof *one);
		*n += k;
		free(one);
	}
	return 0;
}

static int ui_option(const struct cmd_entry *cmd, int c, char **argv, struct ui_args *a)
{
	switch (c) {
	case OPT_TAIL:
		a->tail = 1;
		return 0;
	case OPT_RESUME:
		a->resume = 1;
		return 0;
	case OPT_UI_ALL:
		a->all = 1;
		return 0;
	case OPT_PREFIX:
		a->prefix = optarg;
		return 0;
	case OPT_UI_TOKEN:
		a->token_file = optarg;
		return 0;
	case OPT_UI_CA:
		a->ca_file = optarg;
		return 0;
	case OPT_SESSION:
		if (a->nsessions == UI_MAX_TARGETS)
			return cmd_usage_error(cmd, "at most %d --session", UI_MAX_TARGETS);
		a->sessions[a->nsessions++] = optarg;
		return 0;
	case 'h':
		cmd_help(cmd);
		return 1;
	default:
		return cmd_bad_option(cmd, c, argv);
	}
}

/* The prefix: --prefix, else the config's ui-prefix, else ctrl-a. */
static int prefix_choose(const struct cmd_entry *cmd, const char *flag, struct ui_opts *o,
			 char **name)
{
	struct config cfg;
	struct detachkeys k;
	char err[1024];

	if (config_load(&cfg, NULL, err, sizeof err) < 0) {
		fprintf(stderr, "sbx: %s\n", err);
		return -1;
	}
	*name = xstrdup(flag ? flag : cfg.ui_prefix ? cfg.ui_prefix : UI_PREFIX_DEFAULT);
	ui_keys = cfg.ui_keys ? xstrdup(cfg.ui_keys) : NULL;
	config_free(&cfg);
	if (detachkeys_parse(*name, &k, err, sizeof err) < 0) {
		cmd_usage_error(cmd, "--prefix: %s", err);
		return -1;
	}
	if (k.n != 1) {
		cmd_usage_error(cmd, "--prefix \"%s\": give one key, such as ctrl-a", *name);
		return -1;
	}
	o->prefix = k.v[0];
	o->prefix_name = *name;
	return 0;
}

static int ui_main(const struct cmd_entry *cmd, int argc, char **argv)
{
	struct ui_args a = {0};
	struct ui_opts o = {0};
	char state[4200], rundir[4096], err[300], *layout = NULL, *prefix = NULL, **names = NULL;
	size_t nnames = 0, ntargets;
	int c, rc = 0, dd = -1;

	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			dd = i;
			break;
		}
	while (rc == 0 && (c = cmd_getopt(cmd, dd < 0 ? argc : dd, argv)) != -1)
		rc = ui_option(cmd, c, argv, &a);
	if (rc)
		return rc == 1 ? 0 : rc;
	ntargets = (size_t)((dd < 0 ? argc : dd) - optind);
	if (a.tail && (dd < 0 || dd + 1 == argc))
		return cmd_usage_error(cmd, "--tail needs the command after --: sbx ui --tail "
				       "TARGET... -- CMD");
	if (!a.tail && dd >= 0)
		return cmd_usage_error(cmd, "a command after -- is for --tail");
	resolving = &a;
	o.targets = xcalloc(UI_MAX_TARGETS, sizeof *o.targets);
	o.resolve = ui_resolve;
	/* Not NAME.state: that would be a sandbox's (sbx ls, sbx down). */
	snprintf(state, sizeof state, "%s/ui-panes", paths_rundir(rundir, sizeof rundir));
	/* Where detach keeps the panes; without it, detach still works. */
	o.state_file = sandbox_mkdir(rundir, err, sizeof err) == 0 ? state : NULL;
	if (prefix_choose(cmd, a.prefix, &o, &prefix) < 0) {
		rc = EXIT_SBX;
		goto out;
	}
	if (a.resume || (ntargets == 0 && a.nsessions == 0 && !a.all && !a.tail &&
			 access(state, R_OK) == 0)) {
		if (state_load(&o, state, &layout) < 0) {
			fprintf(stderr, "sbx: ui --resume: no detached UI to return to (%s: %s)\n", state,
				strerror(errno));
			rc = EXIT_SBX;
			goto out;
		}
		o.layout = layout;
	} else {
		if ((ntargets || a.all || a.nsessions == 0) &&
		    ui_targets(argv + optind, ntargets, a.all || (ntargets == 0 && a.nsessions == 0),
			       &names, &nnames) < 0) {
			rc = EXIT_SBX;
			goto out;
		}
		for (size_t i = 0; i < nnames; i++)
			if (target_add(&o, names[i], 0) < 0) {
				rc = EXIT_SBX;
				goto out;
			}
		for (size_t i = 0; i < a.nsessions; i++)
			if (session_add(&o, a.sessions[i]) < 0) {
				rc = EXIT_SBX;
				goto out;
			}
	}
	if (o.n == 0) {
		fprintf(stderr, "sbx: ui: no pane to show: its sessions are gone\n");
		rc = EXIT_SBX;
		goto out;
	}
	if (a.tail)
		o.tail_argv = argv + dd + 1;
	o.tls = target_known(&o.known, &o.nknown) || a.ca_file;
	o.keys = ui_keys;
	o.resumed = o.layout != NULL || a.resume;
	rc = ui_run(&o);
out:
	for (size_t i = 0; i < o.n; i++) {
		free(o.targets[i].name);
		free(o.targets[i].url);
		free(o.targets[i].token);
		free(o.targets[i].ca_file);
		free(o.targets[i].command);
	}
	free(o.targets);
	free(layout);
	free(prefix);
	target_names_free(names, nnames);
	target_names_free(o.known, o.nknown);
	free(ui_keys);
	ui_keys = NULL;
	return rc;
}

const struct cmd_entry cmd_ui_entry = {
	.name = "ui",
	.usage = "[OPTIONS] [TARGET...] | --tail TARGET... -- CMD [ARG...] | --resume",
	.summary = "Panes of live terminals on many sandboxes in one terminal.",
	.details =
		"Each pane is a new session running the sandbox's login shell (--session:\n"
		"one that runs already; --tail: CMD, read-only). Without TARGETs: the panes\n"
		"of the last detach, else every local sandbox. Keys go to the focused pane;\n"
		"after the prefix (ctrl-a) they are commands: arrows move the focus, \" and\n"
		"% split, z zooms, b broadcasts to every pane, c opens a pane on a sandbox\n"
		"you pick, x closes, X kills, [ scrolls, searches and copies, d detaches,\n"
		"? lists them all. Detaching leaves every session running; sbx ui\n"
		"--resume brings the panes back.\n",
	.opts = ui_opts,
	.options_anywhere = 1,
	.exec = ui_main,
};
