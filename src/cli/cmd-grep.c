/*
 * cmd-grep.c: `sbx grep [OPTIONS] PATTERN [PATH...] TARGET...`: grep -r on
 * every target at once (fleet.c), in /mnt/data unless --root says where;
 * each match printed as SANDBOX:PATH[:LINE]:TEXT as it comes, one
 * target's matches in its own file and line order. The remote grep names
 * files with a NUL after them (-Z), so a path with a colon parses right.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "exec-opts.h"
#include "fdio.h"
#include "fleet.h"
#include "linefmt.h"
#include "lines.h"
#include "merge.h"
#include "target.h"
#include "units.h"
#include "xmalloc.h"

#define GREP_ROOT "/mnt/data"
#define GREP_MAX_INCLUDE 32
#define GREP_MAX_PATTERNS 16
#define GREP_MAX_PATHS 40

enum { OPT_ROOT = 0x400, OPT_MAX_COUNT, OPT_INCLUDE };

static const struct cmd_opt grep_opts[] = {
	{"ignore-case", 'i', NULL, "match without regard to case"},
	{"extended-regexp", 'E', NULL, "PATTERN is an extended regular expression"},
	{"fixed-strings", 'F', NULL, "PATTERN is a plain string"},
	{"word-regexp", 'w', NULL, "match whole words only"},
	{"files-with-matches", 'l', NULL, "print only the names of files that match"},
	{"count", 'c', NULL, "print how many lines match in each file"},
	{"line-number", 'n', NULL, "print each match's line number"},
	{"max-count", OPT_MAX_COUNT, "N", "stop reading a file after N matching lines"},
	{"include", OPT_INCLUDE, "GLOB", "search only files whose name matches GLOB; repeatable"},
	{"regexp", 'e', "PATTERN", "a pattern (one that starts with -, or several: any matches); repeatable"},
	{"root", OPT_ROOT, "DIR", "PATHs are relative to DIR on each target (default " GREP_ROOT ")"},
	EXEC_OPT_ALL,
	EXEC_OPT_COLOR,
	{"json", OPT_JSON, NULL, "one JSON object per match: sandbox, path, line, text"},
	{"token-file", OPT_TOKEN_FILE, "FILE", "bearer token for the agents (else $SBX_TOKEN)"},
	{"ca-file", OPT_CA_FILE, "FILE", "trust this PEM CA for wss:// (else the system's)"},
	{"help", 'h', NULL, "show this help"},
	{0},
};

struct grep {
	struct fleet f;
	struct linefmt fmt;
	struct outbuf out;
	struct lines *ln; /* stdout and stderr of each member */
	int list, count, number, json, color;
	int broken;
	/* One argv for every target. */
	char *argv[16 + 2 * GREP_MAX_INCLUDE + 2 * GREP_MAX_PATTERNS + GREP_MAX_PATHS];
	size_t argc;
	const char *patterns[GREP_MAX_PATTERNS];
	size_t npatterns, nincludes;
};

struct grep_line {
	struct grep *g;
	struct member *m;
};

static void grep_flush(struct grep *g)
{
	if (g->out.len && !g->broken && fd_write_all(1, g->out.p, g->out.len) < 0)
		g->broken = 1;
	g->out.len = 0;
	if (g->broken)
		fleet_stop(&g->f);
}

static void match_print(struct grep *g, struct member *m, const char *path, size_t plen,
			const char *rest, size_t rlen)
{
	const char *line = NULL, *text = rest;
	size_t llen = 0, tlen = rlen;
	char esc[16];
	unsigned c = linefmt_color_of(m->name);

	if (g->number && !g->count) {
		const char *colon = memchr(rest, ':', rlen);
		if (colon) {
			line = rest, llen = (size_t)(colon - rest);
			text = colon + 1, tlen = rlen - llen - 1;
		}
	}
	if (g->json) {
		outbuf_append(&g->out, "{", 1);
		linefmt_json_field(&g->out, 1, "sandbox", m->name, strlen(m->name));
		linefmt_json_field(&g->out, 0, "path", path, plen);
		if (g->count) {
			outbuf_append(&g->out, ",\"count\":", 9);
			outbuf_append(&g->out, text, tlen);
		} else if (!g->list) {
			if (line) {
				outbuf_append(&g->out, ",\"line\":", 8);
				outbuf_append(&g->out, line, llen);
			}
			linefmt_json_field(&g->out, 0, "text", text, tlen);
		}
		outbuf_append(&g->out, "}\n", 2);
		return;
	}
	if (g->color) {
		snprintf(esc, sizeof esc, "\033[%um", 31 + c);
		outbuf_append(&g->out, esc, strlen(esc));
	}
	outbuf_append(&g->out, m->name, strlen(m->name));
	outbuf_append(&g->out, g->color ? "\033[0m:\033[35m" : ":", g->color ? 10 : 1);
	outbuf_append(&g->out, path, plen);
	outbuf_append(&g->out, g->color ? "\033[0m" : "", g->color ? 4 : 0);
	if (line) {
		outbuf_append(&g->out, g->color ? ":\033[32m" : ":", g->color ? 6 : 1);
		outbuf_append(&g->out, line, llen);
		outbuf_append(&g->out, g->color ? "\033[0m" : "", g->color ? 4 : 0);
	}
	if (!g->list) {
		outbuf_append(&g->out, ":", 1);
		outbuf_append(&g->out, text, tlen);
	}
	outbuf_append(&g->out, "\n", 1);
}

/* One line of the remote grep's stdout: PATH NUL REST, or with -l a path. */
static void out_line(void *arg, const char *line, size_t len, int flags)
{
	struct grep_line *e = arg;
	const char *nul = memchr(line, '\0', len);
	const char *path = line;
	size_t plen = nul ? (size_t)(nul - line) : len;

	(void)flags;
	if (plen >= 2 && path[0] == '.' && path[1] == '/')
		path += 2, plen -= 2;
	match_print(e->g, e->m, path, plen, nul ? nul + 1 : "", nul ? len - plen - 1 - (size_t)(path - line) : 0);
}

/* Its stderr: "box2: grep: x: No such file or directory". */
static void err_line(void *arg, const char *line, size_t len, int flags)
{
	struct grep_line *e = arg;

	(void)flags;
	fprintf(stderr, "sbx: %s: %.*s\n", e->m->name, (int)len, line);
}

static void grep_output(struct member *m, enum frame_kind kind, const uint8_t *data, size_t len)
{
	struct grep *g = m->f->arg;
	struct grep_line e = {g, m};
	int k = kind == FRAME_STDERR;

	lines_push(&g->ln[2 * m->index + k], data, len, k ? err_line : out_line, &e);
	if (g->out.len >= MERGE_BATCH || isatty(1))
		grep_flush(g);
}

static void grep_ended(struct member *m)
{
	struct grep *g = m->f->arg;
	struct grep_line e = {g, m};

	lines_flush(&g->ln[2 * m->index], out_line, &e);
	lines_flush(&g->ln[2 * m->index + 1], err_line, &e);
	grep_flush(g);
	if (m->why[0])
		fprintf(stderr, "sbx: %s: %s\n", m->name, m->why);
	else if (m->status > 1)
		fprintf(stderr, "sbx: %s: grep exited %d\n", m->name, m->status);
}

static void grep_notice(struct member *m, enum fleet_notice what, const char *text)
{
	(void)what;
	fprintf(stderr, "sbx: %s: %s\n", m->name, text);
}

static const struct fleet_ops grep_ops = {
	.output = grep_output,
	.notice = grep_notice,
	.ended = grep_ended,
};

/* The remote grep's argv, from our options; pattern and paths last. */
static int grep_option(const struct cmd_entry *cmd, int c, struct grep *g, struct exec_opts *o,
		       const char **root, int *all)
{
	static char *const flag[128] = {['i'] = "-i", ['E'] = "-E", ['F'] = "-F", ['w'] = "-w",
					['l'] = "-l", ['c'] = "-c", ['n'] = "-n"};
	long n;

	if (c > 0 && c < 128 && flag[c]) {
		g->list |= c == 'l';
		g->count |= c == 'c';
		g->number |= c == 'n';
		g->argv[g->argc++] = flag[c];
		return 0;
	}
	switch (c) {
	case OPT_MAX_COUNT:
		if (number_parse(optarg, 0, 1000000000, &n) < 0)
			return cmd_usage_error(cmd, "--max-count \"%s\": give a number", optarg);
		g->argv[g->argc++] = "-m";
		g->argv[g->argc++] = optarg;
		return 0;
	case OPT_INCLUDE:
		if (g->nincludes++ == GREP_MAX_INCLUDE)
			return cmd_usage_error(cmd, "at most %d --include", GREP_MAX_INCLUDE);
		g->argv[g->argc++] = "--include";
		g->argv[g->argc++] = optarg;
		return 0;
	case 'e':
		if (g->npatterns == GREP_MAX_PATTERNS)
			return cmd_usage_error(cmd, "at most %d -e", GREP_MAX_PATTERNS);
		g->patterns[g->npatterns++] = optarg;
		return 0;
	case OPT_ROOT:
		*root = optarg;
		return 0;
	case OPT_ALL:
		*all = 1;
		return 0;
	case OPT_JSON:
		g->json = 1;
		return 0;
	case OPT_COLOR:
		if ((g->color = merge_color_arg(optarg)) == -2)
			return cmd_usage_error(cmd, "--color \"%s\": give auto, always or never", optarg);
		return 0;
	case OPT_TOKEN_FILE:
		o->token_file = optarg;
		return 0;
	case OPT_CA_FILE:
		o->ca_file = optarg;
		return 0;
	case 'h':
		cmd_help(cmd);
		return 1;
	default:
		return cmd_usage_error(cmd, "unknown option");
	}
}

/* An operand that names sandboxes (a URL, a list, a @GROUP, a running or
 * configured name), not a path. */
static int names_target(const char *arg)
{
	char *copy = xstrdup(arg), *save = NULL, *tok, err[1024];
	struct target t;
	int all = *arg != '\0';

	/* a,b names sandboxes when each of a and b does. */
	for (tok = strtok_r(copy, ",", &save); all && tok; tok = strtok_r(NULL, ",", &save)) {
		if (tok[0] == '@')
			continue; /* an unknown group is said so later */
		if (target_resolve(tok, NULL, NULL, &t, err, sizeof err) < 0)
			all = 0;
		else
			target_free(&t);
	}
	free(copy);
	return all;
}

static int grep_status(const struct fleet *f)
{
	int matched = 0, failed = 0;

	for (size_t i = 0; i < f->n; i++) {
		failed |= f->m[i].status > 1 || f->m[i].why[0];
		matched |= f->m[i].status == 0 && !f->m[i].why[0];
	}
	return f->signo ? 128 + f->signo : failed ? 2 : matched ? 0 : 1;
}

static int grep_run(struct grep *g, struct exec_opts *o, const char *root, char **names,
		    size_t n)
{
	struct msg_exec req = {.cmd = "grep", .cwd = (char *)root};
	char *env[] = {"GREP_COLORS=ms=01;31:mc=01;31:sl=:cx=:fn=:ln=:bn=:se=", NULL};
	int rc;

	if (fleet_init(&g->f, names, n, o->token_file, o->ca_file) < 0)
		return 2;
	g->argv[g->argc] = NULL;
	req.args = g->argv + 1;
	req.nargs = g->argc - 1;
	req.env = env;
	req.nenv = 1;
	g->ln = xcalloc(2 * n, sizeof *g->ln);
	g->f.req = &req;
	g->f.deflate = 1;
	g->f.ops = &grep_ops;
	g->f.arg = g;
	rc = fleet_run(&g->f) < 0 ? 2 : g->broken ? 128 + SIGPIPE : grep_status(&g->f);
	for (size_t i = 0; i < 2 * n; i++)
		lines_free(&g->ln[i]);
	free(g->ln);
	outbuf_free(&g->out);
	return rc;
}

static int grep_main(const struct cmd_entry *cmd, int argc, char **argv)
{
	struct grep g = {.color = -1};
	struct exec_opts o = {0};
	const char *root = GREP_ROOT;
	char **names = NULL, *dot = ".";
	size_t nnames = 0, first, ntargets;
	int c, rc = 0, all = 0;

	g.argv[g.argc++] = "grep";
	g.argv[g.argc++] = "-r";
	g.argv[g.argc++] = "-H";
	while (rc == 0 && (c = cmd_getopt(cmd, argc, argv)) != -1)
		rc = c == ':' || c == '?' ? cmd_bad_option(cmd, c, argv)
					  : grep_option(cmd, c, &g, &o, &root, &all);
	if (rc)
		return rc == 1 ? 0 : 2;
	argv += optind, argc -= optind;
	if (g.npatterns == 0) {
		if (argc == 0) {
			cmd_usage_error(cmd, "missing PATTERN");
			return 2;
		}
		g.patterns[g.npatterns++] = *argv++, argc--;
	}
	/* PATH... TARGET...: the TARGETs are the operands at the end that
	 * name sandboxes (with --all there may be none). */
	for (first = (size_t)argc; first > 0 && names_target(argv[first - 1]); first--)
		;
	ntargets = (size_t)argc - first;
	if (ntargets == 0 && !all) {
		cmd_usage_error(cmd, argc ? "\"%s\" names no sandbox: give TARGETs last (names, "
				"@group or --all)" : "missing TARGET", argc ? argv[argc - 1] : "");
		return 2;
	}
	if (!g.list)
		g.argv[g.argc++] = "-Z";
	g.color = merge_color_use(g.color, g.json);
	g.argv[g.argc++] = g.color ? "--color=always" : "--color=never";
	for (size_t i = 0; i < g.npatterns; i++) {
		g.argv[g.argc++] = "-e";
		g.argv[g.argc++] = (char *)g.patterns[i];
	}
	g.argv[g.argc++] = "--";
	if (first > GREP_MAX_PATHS)
		return cmd_usage_error(cmd, "at most %d PATHs", GREP_MAX_PATHS), 2;
	for (size_t i = 0; i < first; i++)
		g.argv[g.argc++] = argv[i];
	if (first == 0)
		g.argv[g.argc++] = dot;
	if (target_expand(argv + first, ntargets, all, &names, &nnames) < 0)
		return 2;
	rc = grep_run(&g, &o, root, names, nnames);
	fleet_free(&g.f);
	target_names_free(names, nnames);
	return rc;
}

const struct cmd_entry cmd_grep_entry = {
	.name = "grep",
	.usage = "[OPTIONS] PATTERN [PATH...] TARGET...",
	.summary = "Search files on every TARGET at once: SANDBOX:PATH[:LINE]:TEXT.",
	.details =
		"PATHs (default: all of it) are relative to /mnt/data on each target (--root\n"
		"DIR for another), searched with grep -r there; give them before the\n"
		"TARGETs, which are the operands at the end that name sandboxes (names,\n"
		"unix:PATH, URLs, @GROUP, lists with commas; write ./NAME for a path that\n"
		"is also a sandbox's name). Each target's matches come in its own file\n"
		"and line order. Exit status as grep's: 0 if anything matched, 1 if\n"
		"nothing did, 2 if a target failed (unreachable, or its grep failed),\n"
		"each named on stderr.\n",
	.opts = grep_opts,
	.options_anywhere = 1,
	.exec = grep_main,
};
