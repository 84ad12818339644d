/*
 * cmd.c: option parsing and help for the command table; see cmd.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

#define MAX_OPTS 40

int cmd_getopt(const struct cmd_entry *cmd, int argc, char **argv)
{
	static const struct cmd_entry *built;
	static struct option lopts[MAX_OPTS + 1];
	static char sopts[3 * MAX_OPTS + 2];
	int n = 0;
	char *s = sopts;

	if (built != cmd) {
		built = cmd;
		if (!cmd->options_anywhere)
			*s++ = '+'; /* operands end option parsing: CMD's flags are CMD's */
		*s++ = ':';
		for (const struct cmd_opt *o = cmd->opts; o->name && n < MAX_OPTS; o++, n++) {
			lopts[n] = (struct option){o->name, o->arg ? required_argument : no_argument,
						   NULL, o->key};
			if (o->key < 256) {
				*s++ = (char)o->key;
				if (o->arg)
					*s++ = ':';
			}
		}
		lopts[n] = (struct option){0};
		*s = '\0';
	}
	return getopt_long(argc, argv, sopts, lopts, NULL);
}

void cmd_help(const struct cmd_entry *cmd)
{
	char left[64];

	printf("Usage: sbx %s %s\n\n%s\n", cmd->name, cmd->usage, cmd->summary);
	if (cmd->opts[0].name)
		printf("\nOptions:\n");
	for (const struct cmd_opt *o = cmd->opts; o->name; o++) {
		if (o->key < 256)
			snprintf(left, sizeof left, "-%c, --%s%s%s", o->key, o->name,
				 o->arg ? " " : "", o->arg ? o->arg : "");
		else
			snprintf(left, sizeof left, "    --%s%s%s", o->name, o->arg ? " " : "",
				 o->arg ? o->arg : "");
		/* A long option name gets its help on a line of its own. */
		if (strlen(left) > 24)
			printf("  %s\n  %-24s %s\n", left, "", o->help);
		else
			printf("  %-24s %s\n", left, o->help);
	}
	if (cmd->details)
		printf("\n%s", cmd->details);
	printf("\nSee sbx(1).\n");
}

int cmd_usage_error(const struct cmd_entry *cmd, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "sbx: %s: %s (try 'sbx %s --help')\n", cmd->name, msg, cmd->name);
	return EXIT_SBX;
}

int cmd_bad_option(const struct cmd_entry *cmd, int c, char **argv)
{
	/* A long option is the word itself; a short one may sit inside a
	 * cluster (-iz), where only optopt tells which. */
	const char *word = optind > 0 ? argv[optind - 1] : "";
	int is_long = strncmp(word, "--", 2) == 0;

	const char *eq = is_long ? strchr(word, '=') : NULL;

	if (c == ':')
		return is_long ? cmd_usage_error(cmd, "option %s needs an argument", word)
			       : cmd_usage_error(cmd, "option -%c needs an argument", optopt);
	for (const struct cmd_opt *o = cmd->opts; eq && o->name; o++)
		if (strlen(o->name) == (size_t)(eq - word - 2) && strncmp(o->name, word + 2, (size_t)(eq - word - 2)) == 0)
			return cmd_usage_error(cmd, "option --%s takes no argument", o->name);
	return is_long || optopt <= 0 || optopt > 255
		       ? cmd_usage_error(cmd, "unknown option %s", word)
		       : cmd_usage_error(cmd, "unknown option -%c", optopt);
}
