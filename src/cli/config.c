/*
 * config.c: the config file, line by line; see config.h and sbx.conf(5).
 * A line is blank, a comment, [NAME], @GROUP = NAMES or KEY = VALUE; a
 * '#' at the start or after a blank starts a comment. Called by target.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "config.h"
#include "keys.h"
#include "paths.h"
#include "units.h"
#include "xmalloc.h"

#define CONFIG_MAX_SIZE (1 << 20)
#define SECTION_KEYS "url, token-file, ca-file"
#define DEFAULT_KEYS "keepalive, detach-keys, ui-prefix, ui-keys"

struct parser {
	struct config *c;
	const char *home;
	struct config_error *e;
	int line;
	struct config_sandbox *cur; /* the open [section], or NULL */
};

__attribute__((format(printf, 3, 4))) static int fail(struct parser *p, int line,
						      const char *fmt, ...)
{
	va_list ap;

	p->e->line = line;
	va_start(ap, fmt);
	vsnprintf(p->e->message, sizeof p->e->message, fmt, ap);
	va_end(ap);
	return -1;
}

/* Leading and trailing blanks off, in place. */
static char *trim(char *s)
{
	size_t n;

	s += strspn(s, " \t");
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/* The line without its comment and blanks at either end. */
static char *strip_comment(char *s)
{
	s = trim(s);
	for (char *h = s; (h = strchr(h, '#')) != NULL; h++)
		if (h == s || h[-1] == ' ' || h[-1] == '\t') {
			*h = '\0';
			break;
		}
	return trim(s);
}

/* A leading ~ (or ~/) is $HOME; anything else must be absolute. */
static int expand_path(struct parser *p, const char *key, const char *v, char **out)
{
	const char *where = p->cur->name;

	if (v[0] == '~' && v[1] != '\0' && v[1] != '/')
		return fail(p, p->line, "%s \"%s\" in [%s]: ~USER is not supported; write ~/ or "
					"an absolute path", key, v, where);
	if (v[0] == '~' && (p->home == NULL || *p->home != '/'))
		return fail(p, p->line, "%s \"%s\" in [%s]: $HOME is not set, so ~ cannot be "
					"expanded", key, v, where);
	if (v[0] == '~') {
		*out = xasprintf("%s%s", p->home, v + 1);
		return 0;
	}
	if (v[0] != '/')
		return fail(p, p->line, "%s \"%s\" in [%s]: give an absolute path or one "
					"starting with ~/", key, v, where);
	*out = xstrdup(v);
	return 0;
}

static int set_url(struct parser *p, const char *v, char **out)
{
	char err[300];
	struct addr a;
	int rc = addr_parse_target(v, &a, err, sizeof err);

	addr_free(&a);
	if (rc < 0)
		return fail(p, p->line, "bad url in [%s]: %s", p->cur->name, err);
	*out = xstrdup(v);
	return 0;
}

static const struct section_key {
	const char *name;
	size_t off; /* of its char * in struct config_sandbox */
	int is_path;
} section_keys[] = {
	{"url", offsetof(struct config_sandbox, url), 0},
	{"token-file", offsetof(struct config_sandbox, token_file), 1},
	{"ca-file", offsetof(struct config_sandbox, ca_file), 1},
};

static int set_keepalive(struct parser *p, const char *v)
{
	long n;

	if (p->c->keepalive)
		return fail(p, p->line, "keepalive given twice");
	if (number_parse(v, 1, 3600, &n) < 0)
		return fail(p, p->line, "keepalive \"%s\": give whole seconds, 1 to 3600", v);
	p->c->keepalive = (unsigned)n;
	return 0;
}

static int set_detach_keys(struct parser *p, const char *v)
{
	char err[300];

	if (p->c->detach_keys)
		return fail(p, p->line, "detach-keys given twice");
	if (detachkeys_parse(v, &p->c->detach, err, sizeof err) < 0)
		return fail(p, p->line, "%s", err);
	p->c->detach_keys = xstrdup(v);
	return 0;
}

/* One key, in detach-keys' syntax: what sbx ui's commands follow. */
static int set_ui_prefix(struct parser *p, const char *v)
{
	struct detachkeys k;
	char err[300];

	if (p->c->ui_prefix)
		return fail(p, p->line, "ui-prefix given twice");
	if (detachkeys_parse(v, &k, err, sizeof err) < 0)
		return fail(p, p->line, "ui-prefix: %s", err);
	if (k.n != 1)
		return fail(p, p->line, "ui-prefix \"%s\": give one key, such as ctrl-a", v);
	p->c->ui_prefix = xstrdup(v);
	return 0;
}

/* sbx ui's bindings: ACTION=KEY pairs (keys.h). */
static int set_ui_keys(struct parser *p, const char *v)
{
	struct keymap km;
	char err[600];

	if (p->c->ui_keys)
		return fail(p, p->line, "ui-keys given twice");
	if (keymap_parse(&km, v, err, sizeof err) < 0)
		return fail(p, p->line, "ui-keys: %s", err);
	p->c->ui_keys = xstrdup(v);
	return 0;
}

static const struct default_key {
	const char *name;
	int (*set)(struct parser *p, const char *v); /* each refuses a second one */
} default_keys[] = {
	{"keepalive", set_keepalive},
	{"detach-keys", set_detach_keys},
	{"ui-prefix", set_ui_prefix},
	{"ui-keys", set_ui_keys},
};

static const struct section_key *section_key_find(const char *k)
{
	for (size_t i = 0; i < sizeof section_keys / sizeof section_keys[0]; i++)
		if (strcmp(k, section_keys[i].name) == 0)
			return &section_keys[i];
	return NULL;
}

static const struct default_key *default_key_find(const char *k)
{
	for (size_t i = 0; i < sizeof default_keys / sizeof default_keys[0]; i++)
		if (strcmp(k, default_keys[i].name) == 0)
			return &default_keys[i];
	return NULL;
}

static int section_key(struct parser *p, const char *k, const char *v)
{
	const struct section_key *sk = section_key_find(k);
	char **field;

	if (sk == NULL && default_key_find(k))
		return fail(p, p->line, "%s is a client default, not a key of [%s]: put it "
					"before the first [section]", k, p->cur->name);
	if (sk == NULL)
		return fail(p, p->line, "unknown key \"%s\" in [%s] (keys: " SECTION_KEYS ")", k,
			    p->cur->name);
	field = (char **)((char *)p->cur + sk->off);
	if (*field)
		return fail(p, p->line, "%s given twice in [%s]", k, p->cur->name);
	return sk->is_path ? expand_path(p, k, v, field) : set_url(p, v, field);
}

static int default_key(struct parser *p, const char *k, const char *v)
{
	const struct default_key *dk = default_key_find(k);

	if (dk == NULL && section_key_find(k))
		return fail(p, p->line, "%s outside a [section]: give the sandbox's name "
					"first, as in [box1]", k);
	if (dk == NULL)
		return fail(p, p->line, "unknown key \"%s\" before any [section] (client "
					"defaults: " DEFAULT_KEYS ")", k);
	return dk->set(p, v);
}

/* The open section is complete: it must have said where it is. */
static int section_end(struct parser *p)
{
	if (p->cur && p->cur->url == NULL)
		return fail(p, p->cur->line, "[%s] has no url (as in url = ws://HOST:PORT or "
					     "url = unix:PATH)", p->cur->name);
	p->cur = NULL;
	return 0;
}

static int section_start(struct parser *p, char *s)
{
	struct config *c = p->c;
	const struct config_sandbox *old;
	char *close = strchr(s, ']'), *name = s + 1;

	if (close == NULL)
		return fail(p, p->line, "unterminated [section: expected [NAME]");
	if (close[1] != '\0')
		return fail(p, p->line, "unexpected \"%s\" after [%.*s]", close + 1,
			    (int)(close - name), name);
	*close = '\0';
	if (section_end(p) < 0)
		return -1;
	if (!paths_valid_name(name))
		return fail(p, p->line, "bad sandbox name [%s]: 1-63 of A-Z a-z 0-9 _ . -, not "
					"starting with . or -", name);
	if ((old = config_sandbox_find(c, name)) != NULL)
		return fail(p, p->line, "duplicate sandbox [%s] (first on line %d)", name,
			    old->line);
	c->sandboxes = xrealloc(c->sandboxes, (c->nsandboxes + 1) * sizeof *c->sandboxes);
	p->cur = &c->sandboxes[c->nsandboxes++];
	*p->cur = (struct config_sandbox){.name = xstrdup(name), .line = p->line};
	return 0;
}

static void group_add_member(struct config_group *g, const char *name)
{
	g->members = xrealloc(g->members, (g->n + 1) * sizeof *g->members);
	g->members[g->n++] = xstrdup(name);
}

/* @NAME = MEMBERS, anywhere: members are checked once the file is read. */
static int group_line(struct parser *p, char *name, char *v)
{
	struct config *c = p->c;
	const struct config_group *old;
	struct config_group *g;

	if (!paths_valid_name(name))
		return fail(p, p->line, "bad group name @%s: 1-63 of A-Z a-z 0-9 _ . -, not "
					"starting with . or -", name);
	if ((old = config_group_find(c, name)) != NULL)
		return fail(p, p->line, "duplicate group @%s (first on line %d)", name, old->line);
	c->groups = xrealloc(c->groups, (c->ngroups + 1) * sizeof *c->groups);
	g = &c->groups[c->ngroups++];
	*g = (struct config_group){.name = xstrdup(name), .line = p->line};
	for (char *save, *m = strtok_r(v, " \t,", &save); m; m = strtok_r(NULL, " \t,", &save))
		group_add_member(g, m);
	if (g->n == 0)
		return fail(p, p->line, "@%s names no sandbox (as in @%s = box1 box2)", name, name);
	return 0;
}

static int group_check(struct parser *p, const struct config_group *g)
{
	for (size_t i = 0; i < g->n; i++) {
		if (config_sandbox_find(p->c, g->members[i]) == NULL)
			return fail(p, g->line, "@%s names unknown sandbox \"%s\" (a group holds "
						"[sections] of this file)", g->name, g->members[i]);
		for (size_t k = 0; k < i; k++)
			if (strcmp(g->members[k], g->members[i]) == 0)
				return fail(p, g->line, "@%s names %s twice", g->name,
					    g->members[i]);
	}
	return 0;
}

static int parse_line(struct parser *p, char *s)
{
	char *eq, *k, *v;

	s = strip_comment(s);
	if (*s == '\0')
		return 0;
	if (*s == '[')
		return section_start(p, s);
	if ((eq = strchr(s, '=')) == NULL)
		return fail(p, p->line, "expected KEY = VALUE, [NAME] or @GROUP = NAMES, not "
					"\"%s\"", s);
	*eq = '\0';
	k = trim(s);
	v = trim(eq + 1);
	if (*k == '@')
		return group_line(p, trim(k + 1), v);
	if (*k == '\0')
		return fail(p, p->line, "a value without a key: \"=%s\"", v);
	if (*v == '\0')
		return fail(p, p->line, "%s has no value", k);
	return p->cur ? section_key(p, k, v) : default_key(p, k, v);
}

static int parse_lines(struct parser *p, const char *text, size_t len)
{
	const char *end = text + len, *nl;
	char *line;
	int rc;

	for (const char *s = text; s < end; s = nl + 1) {
		p->line++;
		nl = memchr(s, '\n', (size_t)(end - s));
		if (nl == NULL)
			nl = end;
		if (memchr(s, '\0', (size_t)(nl - s)))
			return fail(p, p->line, "a NUL byte: this is not a text file");
		line = strndup(s, (size_t)(nl - s));
		if (line == NULL)
			abort();
		rc = parse_line(p, line);
		free(line);
		if (rc < 0)
			return -1;
	}
	if (section_end(p) < 0)
		return -1;
	for (size_t i = 0; i < p->c->ngroups; i++)
		if (group_check(p, &p->c->groups[i]) < 0)
			return -1;
	return 0;
}

int config_parse(struct config *c, const char *text, size_t len, const char *home,
		 struct config_error *e)
{
	struct parser p = {.c = c, .home = home, .e = e};
	char err[300];

	memset(c, 0, sizeof *c);
	*e = (struct config_error){0};
	/* The default never fails to parse. */
	detachkeys_parse(DETACHKEYS_DEFAULT, &c->detach, err, sizeof err);
	if (parse_lines(&p, text, len) == 0)
		return 0;
	config_free(c);
	return -1;
}

/* The whole file, or NULL with errno (EFBIG when too large to be one). */
static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf;
	size_t n;

	if (f == NULL)
		return NULL;
	buf = xmalloc(CONFIG_MAX_SIZE + 1);
	errno = 0;
	n = fread(buf, 1, CONFIG_MAX_SIZE + 1, f);
	if (ferror(f) || n > CONFIG_MAX_SIZE) {
		int saved = n > CONFIG_MAX_SIZE ? EFBIG : errno ? errno : EIO;
		free(buf);
		fclose(f);
		errno = saved;
		return NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

int config_load(struct config *c, const char *path, char *err, size_t errlen)
{
	char def[4096], *text;
	struct config_error e;
	size_t len;
	int rc;

	memset(c, 0, sizeof *c);
	if (path == NULL)
		path = paths_config(def, sizeof def);
	if ((text = read_all(path, &len)) == NULL) {
		if (errno == ENOENT)
			return config_parse(c, "", 0, NULL, &e);
		snprintf(err, errlen, "cannot read config file %s: %s", path,
			 errno == EFBIG ? "larger than 1 MiB" : strerror(errno));
		return -1;
	}
	rc = config_parse(c, text, len, getenv("HOME"), &e);
	free(text);
	if (rc < 0)
		snprintf(err, errlen, "%s:%d: %s", path, e.line, e.message);
	return rc;
}

void config_free(struct config *c)
{
	for (size_t i = 0; i < c->nsandboxes; i++) {
		free(c->sandboxes[i].name);
		free(c->sandboxes[i].url);
		free(c->sandboxes[i].token_file);
		free(c->sandboxes[i].ca_file);
	}
	for (size_t i = 0; i < c->ngroups; i++) {
		for (size_t k = 0; k < c->groups[i].n; k++)
			free(c->groups[i].members[k]);
		free(c->groups[i].members);
		free(c->groups[i].name);
	}
	free(c->sandboxes);
	free(c->groups);
	free(c->detach_keys);
	free(c->ui_prefix);
	free(c->ui_keys);
	memset(c, 0, sizeof *c);
}

const struct config_sandbox *config_sandbox_find(const struct config *c, const char *name)
{
	for (size_t i = 0; i < c->nsandboxes; i++)
		if (strcmp(c->sandboxes[i].name, name) == 0)
			return &c->sandboxes[i];
	return NULL;
}

const struct config_group *config_group_find(const struct config *c, const char *name)
{
	for (size_t i = 0; i < c->ngroups; i++)
		if (strcmp(c->groups[i].name, name) == 0)
			return &c->groups[i];
	return NULL;
}
