/*
 * cmd-up.c: `sbx up NAME`, a local sandbox: sbx-agent in bubblewrap, the
 * disk at /mnt/data, extra disks, network and limits (sandbox.h). Returns
 * once the agent answers; the sandbox lives on until `sbx down`.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "paths.h"
#include "sandbox.h"
#include "units.h"
#include "xmalloc.h"

enum { OPT_DISK = 256, OPT_NET, OPT_MEMORY, OPT_PIDS };

static const struct cmd_opt up_opts[] = {
	{"disk", OPT_DISK, "DIR|KEY=DIR[:ro]",
	 "DIR: the disk at /mnt/data; KEY=DIR: an extra disk (repeatable)"},
	{"net", OPT_NET, "none|host", "none (default): only loopback; host: the host's network"},
	{"memory", OPT_MEMORY, "SIZE", "memory limit (512M, 2G), in a cgroup"},
	{"pids", OPT_PIDS, "N", "at most N processes, in a cgroup"},
	{"help", 'h', NULL, "show this help"},
	{0},
};

/* "KEY=DIR[:ro]" when what comes before '=' can be a key; else a DIR. */
static int disk_option(const struct cmd_entry *cmd, struct sandbox *sb, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char key[64];

	if (strchr(arg, '\n'))
		return cmd_usage_error(cmd, "--disk %s: a path with a newline", arg);
	if (eq && eq > arg && eq - arg < (int)sizeof key && *arg != '/' && *arg != '.') {
		snprintf(key, sizeof key, "%.*s", (int)(eq - arg), arg);
		if (!paths_valid_name(key))
			return cmd_usage_error(cmd, "--disk %s: bad KEY \"%s\" (letters, digits, _ . -)", arg, key);
		for (size_t i = 0; i < sb->ndisks; i++)
			if (strcmp(sb->disks[i].key, key) == 0)
				return cmd_usage_error(cmd, "--disk %s: KEY %s given twice", arg, key);
		if (sb->ndisks == SANDBOX_MAX_DISKS)
			return cmd_usage_error(cmd, "at most %d extra disks", SANDBOX_MAX_DISKS);
		struct sandbox_disk *d = &sb->disks[sb->ndisks++];
		size_t len = strlen(eq + 1);
		d->ro = len > 3 && strcmp(eq + 1 + len - 3, ":ro") == 0;
		d->key = xstrdup(key);
		d->path = xasprintf("%.*s", (int)(len - (d->ro ? 3 : 0)), eq + 1);
		return *d->path ? 0 : cmd_usage_error(cmd, "--disk %s: no DIR", arg);
	}
	if (sb->disk)
		return cmd_usage_error(cmd, "--disk DIR given twice (extra disks are KEY=DIR)");
	sb->disk = xstrdup(arg);
	return 0;
}

static int up_option(const struct cmd_entry *cmd, int c, char **argv, struct sandbox *sb)
{
	char *end;

	switch (c) {
	case OPT_DISK:
		return disk_option(cmd, sb, optarg);
	case OPT_NET:
		if (strcmp(optarg, "none") && strcmp(optarg, "host"))
			return cmd_usage_error(cmd, "--net %s: give none or host", optarg);
		sb->net_host = strcmp(optarg, "host") == 0;
		return 0;
	case OPT_MEMORY:
		if (size_parse(optarg, &sb->memory) < 0 || sb->memory == 0)
			return cmd_usage_error(cmd, "--memory %s: give a size such as 512M or 2G", optarg);
		return 0;
	case OPT_PIDS:
		sb->pids = strtoull(optarg, &end, 10);
		if (*optarg < '1' || *optarg > '9' || *end || sb->pids > 4194304)
			return cmd_usage_error(cmd, "--pids %s: give a number of processes, 1 or more", optarg);
		return 0;
	case 'h':
		cmd_help(cmd);
		return -1;
	default:
		return cmd_bad_option(cmd, c, argv);
	}
}

/* Options before and after NAME; sb->name set. 0, -1 after --help, or
 * an exit status. */
static int up_parse(const struct cmd_entry *cmd, int argc, char **argv, struct sandbox *sb)
{
	const char *name = NULL;
	int c, rc;

	for (;;) {
		if ((c = cmd_getopt(cmd, argc, argv)) != -1) {
			if ((rc = up_option(cmd, c, argv, sb)) != 0)
				return rc;
		} else if (optind < argc && !name) {
			name = argv[optind++];
		} else if (optind < argc) {
			return cmd_usage_error(cmd, "unexpected argument \"%s\"", argv[optind]);
		} else {
			break;
		}
	}
	if (!name)
		return cmd_usage_error(cmd, "missing NAME");
	if (!paths_valid_name(name))
		return cmd_usage_error(cmd, "\"%s\" cannot name a sandbox: 1 to 63 letters, digits, "
					    "_ . -, not starting with . or -", name);
	snprintf(sb->name, sizeof sb->name, "%s", name);
	return 0;
}

/* Creates a missing disk and makes its path absolute. */
static int disk_ready(char **path)
{
	char err[400], *real;

	if (sandbox_mkdir(*path, err, sizeof err) < 0) {
		fprintf(stderr, "sbx: up: disk: %s\n", err);
		return -1;
	}
	if ((real = realpath(*path, NULL)) == NULL) {
		fprintf(stderr, "sbx: up: disk %s: %m\n", *path);
		return -1;
	}
	free(*path);
	*path = real;
	return 0;
}

static int disks_ready(struct sandbox *sb)
{
	char dir[256];

	if (!sb->disk)
		sb->disk = xasprintf("%s/disks/%s", paths_datadir(dir, sizeof dir), sb->name);
	if (disk_ready(&sb->disk) < 0)
		return -1;
	for (size_t i = 0; i < sb->ndisks; i++)
		if (disk_ready(&sb->disks[i].path) < 0)
			return -1;
	return 0;
}

static void say_running(const struct sandbox *sb, const char *how)
{
	char target[320];

	printf("%s: %s (%s, disk %s", sb->name, how, sandbox_target(target, sizeof target, sb->name),
	       sb->disk);
	for (size_t i = 0; i < sb->ndisks; i++)
		printf(", %s=%s%s", sb->disks[i].key, sb->disks[i].path, sb->disks[i].ro ? ":ro" : "");
	printf(")\n");
}

/* 1 when NAME runs already (said so), 0 when it may start (anything
 * left of a dead one removed), -1 on error. */
static int up_existing(const char *name)
{
	struct sandbox old;
	char err[400];
	int rc = sandbox_load(&old, name, err, sizeof err);

	if (rc < 0) {
		fprintf(stderr, "sbx: up: %s\n", err);
		return -1;
	}
	if (rc == 1 && sandbox_alive(&old)) {
		say_running(&old, "already running");
		sandbox_free(&old);
		return 1;
	}
	/* dead (its agent gone), or files of an `sbx up` that died: clean */
	if (sandbox_stop(&old, 0, err, sizeof err) < 0) {
		fprintf(stderr, "sbx: up: %s (see 'sbx down %s')\n", err, name);
		sandbox_free(&old);
		return -1;
	}
	sandbox_free(&old);
	return 0;
}

static int up_cmd(const struct cmd_entry *cmd, int argc, char **argv)
{
	struct sandbox sb;
	char err[800];
	int rc, lock;

	sandbox_init(&sb, "");
	if ((rc = up_parse(cmd, argc, argv, &sb)) != 0) {
		sandbox_free(&sb);
		return rc < 0 ? 0 : rc;
	}
	if ((lock = sandbox_lock(err, sizeof err)) < 0) {
		fprintf(stderr, "sbx: up: %s\n", err);
		sandbox_free(&sb);
		return EXIT_SBX;
	}
	if ((rc = up_existing(sb.name)) == 0 && (rc = disks_ready(&sb)) == 0) {
		if ((rc = sandbox_start(&sb, err, sizeof err)) == 0)
			say_running(&sb, "running");
		else
			fprintf(stderr, "sbx: up: %s\n", err);
	}
	close(lock);
	sandbox_free(&sb);
	return rc < 0 ? EXIT_SBX : 0;
}

const struct cmd_entry cmd_up_entry = {
	.name = "up",
	.usage = "NAME [OPTIONS]",
	.summary = "Start a local sandbox NAME: sbx-agent in bubblewrap, its disk at /mnt/data.",
	.details = "The sandbox has its own mount, PID, IPC, UTS and (unless --net host)\n"
		   "network namespaces; the host's root read-only; private /tmp; commands\n"
		   "start in /mnt/data with no capabilities. The disk defaults to\n"
		   "DATADIR/disks/NAME and is kept by 'sbx down'. Running already: says so,\n"
		   "exit 0. Other commands reach it as unix:RUNDIR/NAME.sock, or by NAME.\n",
	.opts = up_opts,
	.exec = up_cmd,
};
