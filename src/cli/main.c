/*
 * main.c: sbx's edge. Finds the subcommand in the table and runs it; its
 * return value is the exit status.
 */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "config.h"
#include "paths.h"
#include "log.h"
#include "proto.h"

static const struct cmd_entry *const cmds[] = {
	&cmd_exec_entry,
	&cmd_attach_entry,
	&cmd_shell_entry,
	&cmd_ps_entry,
	&cmd_kill_entry,
	&cmd_up_entry,
	&cmd_ls_entry,
	&cmd_down_entry,
	&cmd_tail_entry,
	&cmd_grep_entry,
	&cmd_ui_entry,
};
#define NCMDS (sizeof cmds / sizeof cmds[0])

static void main_help(FILE *f)
{
	fprintf(f, "Usage: sbx COMMAND [OPTIONS] TARGET ...\n\n"
		   "Run commands in sandboxes that run sbx-agent.\n\nCommands:\n");
	for (size_t i = 0; i < NCMDS; i++)
		fprintf(f, "  %-10s %s\n", cmds[i]->name, cmds[i]->summary);
	fprintf(f, "\nTARGET is a sandbox's name (from sbx up, or sbx.conf(5)), unix:PATH,\n"
		   "ws://HOST:PORT or wss://HOST:PORT.\n"
		   "'sbx COMMAND --help' shows a command's options; see sbx(1).\n");
}

/* For tests and completion scripts: the table, one line per option. */
static void list_table(void)
{
	for (size_t i = 0; i < NCMDS; i++) {
		printf("%s\n", cmds[i]->name);
		for (const struct cmd_opt *o = cmds[i]->opts; o->name; o++)
			printf("%s --%s\n", cmds[i]->name, o->name);
	}
}

/* For completion scripts: every name a TARGET may be, one per line:
 * local sandboxes, then the config's sandboxes and @groups. */
static int list_targets(void)
{
	char dir[256], err[1024];
	struct config c;
	struct dirent *e;
	DIR *d = opendir(paths_rundir(dir, sizeof dir));
	size_t n;

	for (; d && (e = readdir(d));)
		if ((n = strlen(e->d_name)) > 5 && strcmp(e->d_name + n - 5, ".sock") == 0)
			printf("%.*s\n", (int)(n - 5), e->d_name);
	if (d)
		closedir(d);
	if (config_load(&c, NULL, err, sizeof err) < 0) {
		fprintf(stderr, "sbx: %s\n", err);
		return EXIT_SBX;
	}
	for (size_t i = 0; i < c.nsandboxes; i++)
		printf("%s\n", c.sandboxes[i].name);
	for (size_t i = 0; i < c.ngroups; i++)
		printf("@%s\n", c.groups[i].name);
	config_free(&c);
	return 0;
}

int main(int argc, char **argv)
{
	log_init("sbx", 0);
	if (argc < 2) {
		main_help(stderr);
		return EXIT_SBX;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		for (size_t i = 0; argc > 2 && i < NCMDS; i++)
			if (strcmp(argv[2], cmds[i]->name) == 0) {
				cmd_help(cmds[i]);
				return 0;
			}
		main_help(stdout);
		return 0;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		puts("sbx " SBX_VERSION " (protocol " PROTO_SUBPROTOCOL ")");
		return 0;
	}
	if (strcmp(argv[1], "--list-targets") == 0)
		return list_targets();
	if (strcmp(argv[1], "--list-commands") == 0) {
		list_table();
		return 0;
	}
	for (size_t i = 0; i < NCMDS; i++)
		if (strcmp(argv[1], cmds[i]->name) == 0)
			return cmds[i]->exec(cmds[i], argc - 1, argv + 1);
	fprintf(stderr, "sbx: unknown command \"%s\" (try 'sbx --help')\n", argv[1]);
	return EXIT_SBX;
}
