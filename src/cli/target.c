/*
 * target.c: a TARGET's URL, token and connection; see target.h. Called
 * by every command that takes a TARGET (exec, shell, ps, kill).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "paths.h"
#include "sandbox.h"
#include "sbx.h"
#include "target.h"
#include "token.h"
#include "xmalloc.h"

/* How far into a CA file a certificate's first line is looked for. */
#define CA_SCAN_MAX (1024 * 1024)

int target_ca_check(const char *path, char *why, size_t len)
{
	FILE *f = fopen(path, "r");
	char line[256];
	size_t seen = 0;
	int found = 0, err;

	if (f == NULL) {
		snprintf(why, len, "cannot read CA file %s: %s", path, strerror(errno));
		return -1;
	}
	/* Line by line, to the first certificate (a bundle's is at its top). */
	while (!found && seen < CA_SCAN_MAX && fgets(line, sizeof line, f)) {
		seen += strlen(line);
		found = strncmp(line, "-----BEGIN CERTIFICATE-----", 27) == 0 ||
			strncmp(line, "-----BEGIN TRUSTED CERTIFICATE-----", 35) == 0;
	}
	err = ferror(f) ? errno : 0;
	fclose(f);
	if (err)
		snprintf(why, len, "cannot read CA file %s: %s", path, strerror(err));
	else if (!found)
		snprintf(why, len, "CA file %s holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
			 path);
	return err || !found ? -1 : 0;
}

int target_token(const char *file, char **token)
{
	const char *env = getenv("SBX_TOKEN");
	char err[300];

	*token = NULL;
	if (file) {
		if (token_load(file, token, err, sizeof err) == 0)
			return 0;
		fprintf(stderr, "sbx: %s\n", err);
		return -1;
	}
	if (env && strpbrk(env, "\r\n")) {
		fprintf(stderr, "sbx: SBX_TOKEN must be one line\n");
		return -1;
	}
	if (env && *env)
		*token = xstrdup(env);
	return 0;
}

int target_reach(const char *arg, const char *token_file, const char *ca_file,
		 struct target *t, char **token)
{
	char err[1024];

	if (target_resolve(arg, token_file, ca_file, t, err, sizeof err) < 0) {
		fprintf(stderr, "sbx: %s\n", err);
		return -1;
	}
	if (t->ca_file && target_ca_check(t->ca_file, err, sizeof err) < 0) {
		fprintf(stderr, "sbx: %s\n", err);
		target_free(t);
		return -1;
	}
	if (target_token(t->token_file, token) < 0) {
		target_free(t);
		return -1;
	}
	return 0;
}

int target_option(const struct cmd_entry *cmd, int c, char **argv, struct target_opts *o)
{
	switch (c) {
	case TARGET_OPT_TOKEN_FILE:
		o->token_file = optarg;
		return 0;
	case TARGET_OPT_CA_FILE:
		o->ca_file = optarg;
		return 0;
	case 'h':
		cmd_help(cmd);
		return 1;
	case ':':
	case '?':
		return cmd_bad_option(cmd, c, argv);
	default:
		return -1;
	}
}

static int target_is_url(const char *s)
{
	return strncmp(s, "unix:", 5) == 0 || strncmp(s, "ws://", 5) == 0 ||
	       strncmp(s, "wss://", 6) == 0;
}

/* A local sandbox's RUNDIR/NAME.sock: a socket, or sbx up's symlink to
 * one. One whose agent died still counts, so that connecting says why. */
static int is_local(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && (S_ISSOCK(st.st_mode) || S_ISLNK(st.st_mode));
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of local sandboxes (RUNDIR/NAME.sock), sorted; free each. */
static size_t local_names(char ***out)
{
	char dir[4096], path[8192], *name;
	struct dirent *d;
	size_t n = 0, len;
	DIR *dp = opendir(paths_rundir(dir, sizeof dir));

	*out = NULL;
	while (dp && (d = readdir(dp)) != NULL) {
		len = strlen(d->d_name);
		if (len <= 5 || strcmp(d->d_name + len - 5, ".sock") != 0)
			continue;
		name = strndup(d->d_name, len - 5);
		snprintf(path, sizeof path, "%s/%s", dir, d->d_name);
		if (name == NULL || !paths_valid_name(name) || !is_local(path)) {
			free(name);
			continue;
		}
		*out = xrealloc(*out, (n + 1) * sizeof **out);
		(*out)[n++] = name;
	}
	if (dp)
		closedir(dp);
	if (n)
		qsort(*out, n, sizeof **out, name_cmp);
	return n;
}

/* SEP (unless first), PREFIX and S appended to buf at *at, as room allows. */
static void list_add(char *buf, size_t len, size_t *at, const char *sep, const char *prefix,
		     const char *s)
{
	int w;

	if (*at >= len)
		return;
	w = snprintf(buf + *at, len - *at, "%s%s%s", *at ? sep : "", prefix, s);
	*at += w > 0 ? (size_t)w : 0;
}

/* "unknown sandbox NAME; known: a, b (local), c (config)". */
static int unknown_name(const char *name, const struct config *c, char *err, size_t errlen)
{
	char known[900] = "", cfg[4096], **local;
	size_t n = local_names(&local), at = 0;

	for (size_t i = 0; i < n; i++) {
		list_add(known, sizeof known, &at, ", ", "", local[i]);
		free(local[i]);
	}
	free(local);
	if (n)
		list_add(known, sizeof known, &at, " ", "", "(local)");
	for (size_t i = 0; i < c->nsandboxes; i++)
		list_add(known, sizeof known, &at, ", ", "", c->sandboxes[i].name);
	if (c->nsandboxes)
		list_add(known, sizeof known, &at, " ", "", "(config)");
	if (at)
		snprintf(err, errlen, "unknown sandbox \"%s\"; known: %s", name, known);
	else
		snprintf(err, errlen, "unknown sandbox \"%s\": no local sandbox runs ('sbx up "
				      "NAME' starts one) and %s names none", name,
			 paths_config(cfg, sizeof cfg));
	return -1;
}

/* A single-target command was given @name: a group's members, or the
 * groups there are. */
static int group_refused(const char *name, const struct config *c, char *err, size_t errlen)
{
	const struct config_group *g = config_group_find(c, name);
	char list[900] = "", cfg[4096];
	size_t at = 0;

	if (g) {
		for (size_t i = 0; i < g->n; i++)
			list_add(list, sizeof list, &at, " ", "", g->members[i]);
		snprintf(err, errlen, "@%s is a group of %zu sandbox%s; give one of: %s", name,
			 g->n, g->n == 1 ? "" : "es", list);
		return -1;
	}
	for (size_t i = 0; i < c->ngroups; i++)
		list_add(list, sizeof list, &at, ", ", "@", c->groups[i].name);
	if (at)
		snprintf(err, errlen, "unknown group \"@%s\"; known: %s", name, list);
	else
		snprintf(err, errlen, "unknown group \"@%s\": %s names none", name,
			 paths_config(cfg, sizeof cfg));
	return -1;
}

static void target_set(struct target *t, enum target_kind kind, const char *url,
		       const char *token_file, const char *ca_file)
{
	t->kind = kind;
	t->url = xstrdup(url);
	t->token_file = token_file ? xstrdup(token_file) : NULL;
	t->ca_file = ca_file ? xstrdup(ca_file) : NULL;
}

/* A name not running here: the config's, or an error naming what is known. */
static int target_configured(const char *arg, const char *token_file, const char *ca_file,
			     struct target *t, char *err, size_t errlen)
{
	const struct config_sandbox *sb;
	struct config c;
	int rc = -1;

	if (config_load(&c, NULL, err, errlen) < 0)
		return -1;
	if (arg[0] == '@')
		group_refused(arg + 1, &c, err, errlen);
	else if ((sb = config_sandbox_find(&c, arg)) == NULL)
		unknown_name(arg, &c, err, errlen);
	else {
		target_set(t, TARGET_CONFIG, sb->url, token_file ? token_file : sb->token_file,
			   ca_file ? ca_file : sb->ca_file);
		rc = 0;
	}
	config_free(&c);
	return rc;
}

/* A local sandbox whose state says it ran, with its agent gone: better
 * said so than "connection refused". */
static int local_dead(const char *name)
{
	struct sandbox sb;
	char err[200];
	int dead;

	sandbox_init(&sb, name);
	dead = sandbox_load(&sb, name, err, sizeof err) == 1 && !sandbox_alive(&sb);
	sandbox_free(&sb);
	return dead;
}

int target_resolve(const char *arg, const char *token_file, const char *ca_file,
		   struct target *t, char *err, size_t errlen)
{
	char sock[4096], url[4200];

	memset(t, 0, sizeof *t);
	if (target_is_url(arg)) {
		target_set(t, TARGET_URL, arg, token_file, ca_file);
		return 0;
	}
	if (arg[0] != '@' && !paths_valid_name(arg)) {
		snprintf(err, errlen, "cannot read target \"%s\": give a sandbox name, unix:PATH, "
				      "ws://HOST:PORT or wss://HOST:PORT", arg);
		return -1;
	}
	if (arg[0] != '@' && is_local(paths_socket(sock, sizeof sock, arg))) {
		if (local_dead(arg)) {
			snprintf(err, errlen, "sandbox %s is dead: its agent is gone, and every process "
					      "inside with it ('sbx up %s' starts it again)", arg, arg);
			return -1;
		}
		snprintf(url, sizeof url, "unix:%s", sock);
		target_set(t, TARGET_LOCAL, url, token_file, ca_file);
		return 0;
	}
	return target_configured(arg, token_file, ca_file, t, err, errlen);
}

void target_free(struct target *t)
{
	free(t->url);
	free(t->token_file);
	free(t->ca_file);
	memset(t, 0, sizeof *t);
}

struct sbx *target_connect(const char *target, const struct target_opts *o)
{
	char err[1024], *token;
	struct sbx *s;
	struct target t;

	if (target_reach(target, o->token_file, o->ca_file, &t, &token) < 0)
		return NULL;
	s = sbx_connect_ca(t.url, token, t.ca_file, err, sizeof err);
	if (s == NULL)
		fprintf(stderr, "sbx: %s\n", err);
	free(token);
	target_free(&t);
	return s;
}

int target_is_many(const char *arg)
{
	return arg[0] == '@' || strchr(arg, ',') != NULL;
}

static void names_add(char ***v, size_t *n, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i], name) == 0)
			return;
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = xstrdup(name);
}

/* @name's members into v; -1 after printing why not. */
static int group_add(const char *name, struct config *c, char ***v, size_t *n)
{
	const struct config_group *g = config_group_find(c, name);
	char err[1024];

	if (g == NULL) {
		group_refused(name, c, err, sizeof err);
		fprintf(stderr, "sbx: %s\n", err);
		return -1;
	}
	for (size_t i = 0; i < g->n; i++)
		names_add(v, n, g->members[i]);
	return 0;
}

/* One operand: NAMEs, URLs and @GROUPs with commas between (a URL has
 * no place for one: ws://a:1,ws://b:2 is two). */
static int operand_add(const char *arg, struct config *c, char ***v, size_t *n)
{
	char *copy = xstrdup(arg), *save = NULL, *tok;
	int rc = 0;

	if (*arg == '\0' || arg[strlen(arg) - 1] == ',' || *arg == ',' || strstr(arg, ",,")) {
		fprintf(stderr, "sbx: empty sandbox name in \"%s\"\n", arg);
		rc = -1;
	}
	for (tok = strtok_r(copy, ",", &save); rc == 0 && tok; tok = strtok_r(NULL, ",", &save))
		if (tok[0] == '@')
			rc = group_add(tok + 1, c, v, n);
		else
			names_add(v, n, tok);
	free(copy);
	return rc;
}

int target_expand(char *const *args, size_t nargs, int all, char ***names, size_t *n)
{
	struct config c;
	char err[1024], **local;
	size_t nlocal;
	int rc = 0;

	*names = NULL;
	*n = 0;
	if (config_load(&c, NULL, err, sizeof err) < 0) {
		fprintf(stderr, "sbx: %s\n", err);
		return -1;
	}
	for (size_t i = 0; rc == 0 && i < nargs; i++)
		rc = operand_add(args[i], &c, names, n);
	config_free(&c);
	if (rc == 0 && all) {
		nlocal = local_names(&local);
		for (size_t i = 0; i < nlocal; i++) {
			names_add(names, n, local[i]);
			free(local[i]);
		}
		free(local);
		if (nlocal == 0 && *n == 0) {
			fprintf(stderr, "sbx: --all: no local sandbox runs ('sbx up NAME' starts one)\n");
			rc = -1;
		}
	}
	if (rc == 0 && *n == 0) {
		fprintf(stderr, "sbx: no TARGET given (names, @group or --all)\n");
		rc = -1;
	}
	if (rc < 0) {
		target_names_free(*names, *n);
		*names = NULL;
		*n = 0;
	}
	return rc;
}

void target_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int target_known(char ***names, size_t *n)
{
	struct config c;
	char err[1024], **local;
	size_t nlocal = local_names(&local);
	int tls = 0;

	*names = NULL;
	*n = 0;
	for (size_t i = 0; i < nlocal; i++) {
		names_add(names, n, local[i]);
		free(local[i]);
	}
	free(local);
	if (config_load(&c, NULL, err, sizeof err) < 0)
		return 0;
	for (size_t i = 0; i < c.nsandboxes; i++) {
		names_add(names, n, c.sandboxes[i].name);
		tls |= strncmp(c.sandboxes[i].url, "wss://", 6) == 0;
	}
	config_free(&c);
	return tls;
}
