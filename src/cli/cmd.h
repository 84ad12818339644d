/*
 * cmd.h: sbx subcommands as data. Each cmd-NAME.c exports one cmd_entry:
 * name, usage, options; help text, option parsing and the consistency
 * test of man page and completions all read these tables.
 */
#ifndef SBX_CMD_H
#define SBX_CMD_H

#include <getopt.h>

/* Exit codes of sbx's own failures, as docker and timeout(1) use them. */
#define EXIT_TIMEOUT 124
#define EXIT_SBX 125
#define EXIT_CANNOT_RUN 126
#define EXIT_NOT_FOUND 127

struct cmd_opt {
	const char *name; /* long name, without "--" */
	int key;          /* short letter, or a value >= 256 for long only */
	const char *arg;  /* argument name, NULL for a flag */
	const char *help;
};

struct cmd_entry {
	const char *name;
	const char *usage;   /* after "sbx NAME " */
	const char *summary; /* one line */
	const char *details; /* paragraphs after the options, or NULL */
	const struct cmd_opt *opts; /* ends with {0} */
	int options_anywhere; /* options may follow operands (no CMD to pass them to) */
	int (*exec)(const struct cmd_entry *cmd, int argc, char **argv);
};

extern const struct cmd_entry cmd_exec_entry;
extern const struct cmd_entry cmd_attach_entry;
extern const struct cmd_entry cmd_shell_entry;
extern const struct cmd_entry cmd_ps_entry;
extern const struct cmd_entry cmd_kill_entry;
extern const struct cmd_entry cmd_up_entry;
extern const struct cmd_entry cmd_ls_entry;
extern const struct cmd_entry cmd_down_entry;
extern const struct cmd_entry cmd_tail_entry;
extern const struct cmd_entry cmd_grep_entry;
extern const struct cmd_entry cmd_ui_entry;

/* getopt_long over the entry's options; stops at the first operand. */
int cmd_getopt(const struct cmd_entry *cmd, int argc, char **argv);
void cmd_help(const struct cmd_entry *cmd);
/* What getopt could not take (c is ':' or '?'), named as typed, even
 * inside a cluster of short options; returns EXIT_SBX. */
int cmd_bad_option(const struct cmd_entry *cmd, int c, char **argv);
/* Prints "sbx: NAME: message" and a hint; returns EXIT_SBX. */
int cmd_usage_error(const struct cmd_entry *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
