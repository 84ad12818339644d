/*
 * target.c: the token and the connection of a command; see target.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "sbx.h"
#include "target.h"
#include "token.h"
#include "xmalloc.h"

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
		return cmd_usage_error(cmd, "option %s needs an argument", argv[optind - 1]);
	case '?':
		return cmd_usage_error(cmd, "unknown option %s", argv[optind - 1]);
	default:
		return -1;
	}
}

struct sbx *target_connect(const char *target, const struct target_opts *o)
{
	const char *ca_file = o->ca_file;
	char err[300], *token;
	struct sbx *s;

	if (ca_file && access(ca_file, R_OK) < 0) {
		fprintf(stderr, "sbx: cannot read CA file %s: %m\n", ca_file);
		return NULL;
	}
	if (target_token(o->token_file, &token) < 0)
		return NULL;
	s = sbx_connect_ca(target, token, ca_file, err, sizeof err);
	free(token);
	if (s == NULL)
		fprintf(stderr, "sbx: %s\n", err);
	return s;
}
