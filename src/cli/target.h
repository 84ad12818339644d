/*
 * target.h: reaching a TARGET from a command. TARGET is a URL (unix:PATH,
 * ws://, wss://), a local sandbox's name (its socket, paths_socket) or a
 * name from the config file (config.h); target_resolve turns it into a
 * URL and the files to read. Then the token (--token-file, the config's
 * token-file, SBX_TOKEN) and, for the commands that use the blocking API
 * (ps, kill), the connection, with any failure printed as one line.
 */
#ifndef SBX_TARGET_H
#define SBX_TARGET_H

#include <stddef.h>

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

enum target_kind {
	TARGET_URL,    /* given as unix:PATH, ws://... or wss://... */
	TARGET_LOCAL,  /* a local sandbox: RUNDIR/NAME.sock exists */
	TARGET_CONFIG, /* a [NAME] of the config file */
};
struct target {
	enum target_kind kind;
	char *url;        /* what to connect to */
	char *token_file; /* the command's, else the config's; NULL: use SBX_TOKEN */
	char *ca_file;    /* the command's, else the config's; NULL: the system's */
};
/*
 * arg as the user wrote it; token_file and ca_file the command's options
 * (NULL when not given). A URL is taken as it is, without reading the
 * config; a name is a local sandbox if its socket exists, else looked up
 * in the config file. 0 with *t filled (target_free it), or -1 with one
 * line in err (no "sbx: " in front; 1024 bytes hold it): an unknown name
 * (listing the known ones), a @group, a malformed or unreadable config.
 */
int target_resolve(const char *arg, const char *token_file, const char *ca_file,
		   struct target *t, char *err, size_t errlen);
void target_free(struct target *t);

/*
 * The TARGET operands of a fan-out command (tail, grep, exec on many):
 * each a comma-separated list of names, URLs and @GROUPs of the config,
 * and with all every local sandbox. Each once, in the order given. 0 with
 * *names set (target_names_free), or -1 after printing why (an unknown
 * group, an empty name, nothing to run on).
 */
int target_expand(char *const *args, size_t nargs, int all, char ***names, size_t *n);
void target_names_free(char **names, size_t n);
/* Every sandbox a name reaches: the local ones, then the config's.
 * Returns 1 when one of the config's is a wss:// URL, else 0. */
int target_known(char ***names, size_t *n);
/* 1 if arg names more than one target (a list, a @group): a fan-out. */
int target_is_many(const char *arg);

/* For the commands that run their own loop (exec, attach): TARGET
 * resolved, its CA file checked and its token read; -1 after printing
 * why not. target_free *t and free *token after. */
int target_reach(const char *arg, const char *token_file, const char *ca_file,
		 struct target *t, char **token);
/* *token is NULL or malloc'd; -1 after printing why it cannot be read. */
int target_token(const char *file, char **token);
/* 0 if path is a readable file with a PEM certificate in it, as a CA
 * file must be; else -1 with why (TLS would only fail later, saying the
 * agent's certificate is not trusted). */
int target_ca_check(const char *path, char *why, size_t len);
/* TARGET resolved and connected, or NULL after printing why (the caller
 * exits EXIT_SBX). */
struct sbx *target_connect(const char *target, const struct target_opts *o);

#endif
