/*
 * target.h: reaching a TARGET from a command: the token (--token-file or
 * SBX_TOKEN) and, for the commands that use the blocking API (ps, kill),
 * the connection, with any failure printed as one line.
 */
#ifndef SBX_TARGET_H
#define SBX_TARGET_H

struct sbx;
struct cmd_entry;

/* The options of ps and kill that say how to reach TARGET. */
enum { TARGET_OPT_TOKEN_FILE = 0x300, TARGET_OPT_CA_FILE };
struct target_opts {
	const char *token_file, *ca_file;
};
/* Option c of cmd: 0 when taken, 1 when --help was shown, -1 when it is
 * not one of these; an exit status (message printed) when it is wrong. */
int target_option(const struct cmd_entry *cmd, int c, char **argv, struct target_opts *o);

/* *token is NULL or malloc'd; -1 after printing why it cannot be read. */
int target_token(const char *file, char **token);
/* Connected, or NULL after printing why (the caller exits EXIT_SBX). */
struct sbx *target_connect(const char *target, const struct target_opts *o);

#endif
