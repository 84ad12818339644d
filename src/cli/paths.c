/*
 * paths.c: the directories of local sandboxes and the config; see paths.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paths.h"

char *paths_rundir(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	if (xdg && *xdg == '/')
		snprintf(buf, len, "%s/sbx", xdg);
	else if (geteuid() == 0)
		snprintf(buf, len, "/run/sbx");
	else
		snprintf(buf, len, "/tmp/sbx-%u", (unsigned)geteuid());
	return buf;
}

char *paths_socket(char *buf, size_t len, const char *name)
{
	char dir[200];

	snprintf(buf, len, "%s/%s.sock", paths_rundir(dir, sizeof dir), name);
	return buf;
}

/* $XDG_name_HOME, else $HOME/fallback, else /tmp (no home at all). */
static char *xdg_dir(char *buf, size_t len, const char *var, const char *fallback)
{
	const char *xdg = getenv(var), *home = getenv("HOME");

	if (xdg && *xdg == '/')
		snprintf(buf, len, "%s/sbx", xdg);
	else if (home && *home == '/')
		snprintf(buf, len, "%s/%s/sbx", home, fallback);
	else
		snprintf(buf, len, "/tmp/sbx-%u/%s", (unsigned)geteuid(), var);
	return buf;
}

char *paths_datadir(char *buf, size_t len)
{
	return xdg_dir(buf, len, "XDG_DATA_HOME", ".local/share");
}

char *paths_config(char *buf, size_t len)
{
	char dir[200];

	snprintf(buf, len, "%s/config", xdg_dir(dir, sizeof dir, "XDG_CONFIG_HOME", ".config"));
	return buf;
}

int paths_valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 63 || *s == '.' || *s == '-')
		return 0;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") == n;
}
