/*
 * cmd-down.c: `sbx down NAME...` and `sbx down --all`: stop local
 * sandboxes (sandbox_stop: every process gone, files and cgroups
 * removed) and keep their disks.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "paths.h"
#include "sandbox.h"

enum { OPT_ALL = 256 };

#define DOWN_GRACE_MS 3000

static const struct cmd_opt down_opts[] = {
	{"all", OPT_ALL, NULL, "stop every local sandbox"},
	{"help", 'h', NULL, "show this help"},
	{0},
};

/* "a, b, c", or "none" */
static void known_names(char *buf, size_t len)
{
	size_t n, used = 0;
	char **names = sandbox_names(&n);

	snprintf(buf, len, "%s", n ? "" : "there are none");
	for (size_t i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "known: ", names[i]);
	sandbox_names_free(names, n);
}

static int down_one(const char *name)
{
	struct sandbox sb;
	char err[400], known[400];
	int rc = sandbox_load(&sb, name, err, sizeof err), was_alive;

	if (rc == 0) {
		/* files without state: an `sbx up` that died; clean them */
		if (access(sandbox_path(known, sizeof known, name, "d"), F_OK) == 0) {
			sandbox_remove(&sb);
			printf("%s: was never up, cleaned up\n", name);
			return 0;
		}
		known_names(known, sizeof known);
		fprintf(stderr, "sbx: down: no local sandbox \"%s\" (%s; see 'sbx ls')\n", name, known);
		return -1;
	}
	if (rc < 0) {
		fprintf(stderr, "sbx: down: %s\n", err);
		return -1;
	}
	was_alive = sandbox_alive(&sb);
	if ((rc = sandbox_stop(&sb, DOWN_GRACE_MS, err, sizeof err)) < 0)
		fprintf(stderr, "sbx: down: %s; try again, or kill them\n", err);
	else
		printf("%s: %s (disk kept: %s)\n", name, was_alive ? "stopped" : "was dead, cleaned up",
		       sb.disk ? sb.disk : "?");
	sandbox_free(&sb);
	return rc;
}

static int down_cmd(const struct cmd_entry *cmd, int argc, char **argv)
{
	char err[400], **names;
	int c, all = 0, lock, rc = 0;
	size_t n;

	while ((c = cmd_getopt(cmd, argc, argv)) != -1) {
		if (c == OPT_ALL)
			all = 1;
		else if (c == 'h')
			return cmd_help(cmd), 0;
		else
			return cmd_bad_option(cmd, c, argv);
	}
	if (all == (optind < argc))
		return cmd_usage_error(cmd, all ? "--all takes no NAME" : "missing NAME (or --all)");
	for (int i = optind; i < argc; i++)
		if (!paths_valid_name(argv[i]))
			return cmd_usage_error(cmd, "\"%s\" cannot name a sandbox", argv[i]);
	if ((lock = sandbox_lock(err, sizeof err)) < 0) {
		fprintf(stderr, "sbx: down: %s\n", err);
		return EXIT_SBX;
	}
	if (all) {
		names = sandbox_names(&n);
		for (size_t i = 0; i < n; i++)
			rc |= down_one(names[i]);
		sandbox_names_free(names, n);
	}
	for (int i = optind; i < argc; i++)
		rc |= down_one(argv[i]);
	close(lock);
	return rc ? EXIT_SBX : 0;
}

const struct cmd_entry cmd_down_entry = {
	.name = "down",
	.usage = "NAME... | --all",
	.summary = "Stop local sandboxes: every process inside ends; their disks are kept.",
	.details = "SIGTERM to the sandbox's agent, which stops its commands; SIGKILL after\n"
		   "3 s. Returns once no process of the sandbox is left.\n",
	.opts = down_opts,
	.exec = down_cmd,
};
