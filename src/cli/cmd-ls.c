/*
 * cmd-ls.c: `sbx ls`, the local sandboxes (from RUNDIR: state, disk,
 * uptime, running execs) and the remote ones of the config file (URL,
 * whether they answer), as a table or, with --json, one object a line.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "config.h"
#include "events.h"
#include "reach.h"
#include "sandbox.h"
#include "sbx.h"
#include "units.h"
#include "token.h"
#include "xmalloc.h"

enum { OPT_JSON = 256 };

#define REACH_TIMEOUT_MS 3000

static const struct cmd_opt ls_opts[] = {
	{"json", OPT_JSON, NULL, "one JSON object per sandbox on stdout"},
	{"help", 'h', NULL, "show this help"},
	{0},
};

struct ls_row {
	const char *name, *kind, *state, *where;
	long long uptime; /* seconds; -1 when not known */
	long long execs;  /* -1 when not known */
	const struct sandbox *sb;
	const struct reach *r;
};

#define LOCAL_TIMEOUT_MS 2000

/* How many execs the agent runs; -1 when it does not answer. */
static long long local_execs(const char *name)
{
	char target[320], err[300];
	struct msg_execs l;
	/* A stopped agent must not hang the listing. */
	struct sbx *s = sbx_connect_within(sandbox_target(target, sizeof target, name), NULL, NULL,
					   LOCAL_TIMEOUT_MS, err, sizeof err);
	long long n = -1;

	if (s && sbx_list(s, &l) == 0) {
		n = (long long)l.n;
		sbx_execs_free(&l);
	}
	sbx_close(s);
	return n;
}

static void print_row(const struct ls_row *r)
{
	char up[32], execs[32];

	age_format(up, sizeof up, r->uptime);
	snprintf(execs, sizeof execs, r->execs < 0 ? "-" : "%lld", r->execs);
	printf("%-16s %-7s %-11s %-7s %-6s %s\n", r->name, r->kind, r->state, up, execs, r->where);
}

static json_t *disks_json(const struct sandbox *sb)
{
	json_t *a = json_array();

	for (size_t i = 0; i < sb->ndisks; i++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "key", sb->disks[i].key, "path",
						   sb->disks[i].path, "ro", sb->disks[i].ro));
	return a;
}

static int emit_row(const struct ls_row *r)
{
	json_t *o = json_pack("{s:s,s:s,s:s}", "name", r->name, "kind", r->kind, "state", r->state);
	char target[320];

	if (r->sb) {
		json_object_set_new(o, "target", json_string(sandbox_target(target, sizeof target, r->name)));
		json_object_set_new(o, "disk", json_string(r->where));
		json_object_set_new(o, "disks", disks_json(r->sb));
		json_object_set_new(o, "net", json_string(r->sb->net_host ? "host" : "none"));
		json_object_set_new(o, "memory", r->sb->memory ? json_integer((json_int_t)r->sb->memory) : json_null());
		json_object_set_new(o, "pids", r->sb->pids ? json_integer((json_int_t)r->sb->pids) : json_null());
		json_object_set_new(o, "pid", json_integer(r->sb->pid));
		json_object_set_new(o, "started_at", json_integer(r->sb->started));
		json_object_set_new(o, "uptime_s", r->uptime < 0 ? json_null() : json_integer(r->uptime));
		json_object_set_new(o, "execs", r->execs < 0 ? json_null() : json_integer(r->execs));
	} else {
		json_object_set_new(o, "url", json_string(r->where));
		json_object_set_new(o, "reachable", json_boolean(r->r->ok));
		if (!r->r->ok)
			json_object_set_new(o, "error", json_string(r->r->why));
	}
	return events_emit(o);
}

static int show(const struct ls_row *r, int json)
{
	if (json)
		return emit_row(r);
	print_row(r);
	return 0;
}

static int ls_local(int json)
{
	size_t n;
	char **names = sandbox_names(&n), err[400];
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		struct sandbox sb;
		if (sandbox_load(&sb, names[i], err, sizeof err) < 0) {
			fprintf(stderr, "sbx: ls: %s\n", err);
			continue;
		}
		int alive = sandbox_alive(&sb);
		struct ls_row r = {.name = names[i], .kind = "local", .state = alive ? "running" : "dead",
				   .where = sb.disk ? sb.disk : "?", .uptime = -1, .execs = -1, .sb = &sb};
		if (alive) {
			r.uptime = (long long)(time(NULL) - sb.started);
			r.execs = local_execs(names[i]);
		}
		rc = show(&r, json);
		sandbox_free(&sb);
	}
	sandbox_names_free(names, n);
	return rc;
}

/* The configured (remote) sandboxes, asked all at once. */
static int ls_remote(int json)
{
	struct config c;
	char err[600];
	int rc = 0;

	if (config_load(&c, NULL, err, sizeof err) < 0) {
		fprintf(stderr, "sbx: ls: %s\n", err);
		return -1;
	}
	struct reach *r = xcalloc(c.nsandboxes + 1, sizeof *r);
	char **tokens = xcalloc(c.nsandboxes + 1, sizeof *tokens);
	for (size_t i = 0; i < c.nsandboxes; i++) {
		r[i].target = c.sandboxes[i].url;
		r[i].ca_file = c.sandboxes[i].ca_file;
		if (c.sandboxes[i].token_file)
			token_load(c.sandboxes[i].token_file, &tokens[i], err, sizeof err);
		r[i].token = tokens[i];
	}
	reach_all(r, c.nsandboxes, REACH_TIMEOUT_MS);
	for (size_t i = 0; i < c.nsandboxes && rc == 0; i++) {
		struct ls_row row = {.name = c.sandboxes[i].name, .kind = "remote",
				     .state = r[i].ok ? "reachable" : "unreachable",
				     .where = c.sandboxes[i].url, .uptime = -1, .execs = -1, .r = &r[i]};
		rc = show(&row, json);
	}
	for (size_t i = 0; i < c.nsandboxes; i++)
		free(tokens[i]);
	free(tokens);
	free(r);
	config_free(&c);
	return rc;
}

static int ls_cmd(const struct cmd_entry *cmd, int argc, char **argv)
{
	int c, json = 0, rc;

	while ((c = cmd_getopt(cmd, argc, argv)) != -1) {
		if (c == OPT_JSON)
			json = 1;
		else if (c == 'h')
			return cmd_help(cmd), 0;
		else
			return cmd_bad_option(cmd, c, argv);
	}
	if (optind < argc)
		return cmd_usage_error(cmd, "unexpected argument \"%s\"", argv[optind]);
	if (!json)
		printf("%-16s %-7s %-11s %-7s %-6s %s\n", "NAME", "KIND", "STATE", "UPTIME", "EXECS",
		       "DISK/URL");
	rc = ls_local(json);
	if (rc == 0)
		rc = ls_remote(json);
	return rc < 0 ? EXIT_SBX : 0;
}

const struct cmd_entry cmd_ls_entry = {
	.name = "ls",
	.usage = "[--json]",
	.summary = "List local sandboxes (sbx up) and the configured remote ones.",
	.details = "Columns: NAME; KIND, local or remote; STATE, running or dead (its agent\n"
		   "gone) for local ones, reachable or unreachable for remote ones (asked\n"
		   "for at most 3 s); UPTIME; EXECS, the commands running; DISK/URL.\n",
	.opts = ls_opts,
	.exec = ls_cmd,
};
