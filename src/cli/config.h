/*
 * config.h: the client's config file (sbx.conf(5)), $XDG_CONFIG_HOME/sbx/
 * config, else ~/.config/sbx/config: client defaults, remote sandboxes by
 * name ([NAME] with url, token-file, ca-file) and groups (@NAME = ...).
 * config_parse is pure (text in, struct or error with line out);
 * config_load reads the file. Used by target.c (names), ls and exec.
 */
#ifndef SBX_CONFIG_H
#define SBX_CONFIG_H

#include <stddef.h>

#include "detachkeys.h"

struct config_sandbox {
	char *name;
	char *url;        /* unix:PATH, ws://... or wss://..., checked by addr.c */
	char *token_file; /* absolute (~ expanded), or NULL when not given */
	char *ca_file;    /* likewise */
	int line;         /* of its [NAME] */
};

struct config_group {
	char *name;     /* without the '@' */
	char **members; /* names of configured sandboxes, in the file's order */
	size_t n;       /* >= 1 */
	int line;
};

struct config {
	/* Client defaults, before any [section]. */
	unsigned keepalive;       /* seconds, 1..3600; 0 when not set */
	char *detach_keys;        /* as written, checked; NULL when not set */
	struct detachkeys detach; /* detach_keys (else DETACHKEYS_DEFAULT) as bytes */
	char *ui_prefix;          /* sbx ui's prefix key, as written, checked; NULL: not set */
	char *ui_keys;            /* sbx ui's bindings (ui/keys.h), checked; NULL: the defaults */
	/* In the file's order; names are unique in each. */
	struct config_sandbox *sandboxes;
	size_t nsandboxes;
	struct config_group *groups;
	size_t ngroups;
};

struct config_error {
	int line; /* 1-based; 0 for the file as a whole */
	char message[400];
};

/* Parse len bytes of text; home expands a leading ~ in paths (NULL: a ~ is
 * an error). 0 with *c filled (config_free it), or -1 with *e set and *c
 * empty. */
int config_parse(struct config *c, const char *text, size_t len, const char *home,
		 struct config_error *e);
/* Read path (NULL: paths_config()) with $HOME for ~. A missing file is an
 * empty config. 0, or -1 with one line in err: "PATH:LINE: problem" or
 * "cannot read PATH: reason". */
int config_load(struct config *c, const char *path, char *err, size_t errlen);
void config_free(struct config *c);

/* By name (a group's without '@'); NULL when there is none. */
const struct config_sandbox *config_sandbox_find(const struct config *c, const char *name);
const struct config_group *config_group_find(const struct config *c, const char *name);

#endif
