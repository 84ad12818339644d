/* user.c: see user.h. Called by exec.c before spawn_start. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "user.h"
#include "xmalloc.h"

static int all_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

static int group_resolve(const char *g, gid_t *gid, char *err, size_t errlen)
{
	struct group *gr;

	if (all_digits(g)) {
		*gid = (gid_t)strtoul(g, NULL, 10);
		return 0;
	}
	if ((gr = getgrnam(g)) == NULL) {
		snprintf(err, errlen, "unknown group \"%s\"", g);
		return -1;
	}
	*gid = gr->gr_gid;
	return 0;
}

/* The passwd entry sets the default group, supplementary groups and
 * HOME; a bare UID without one runs with gid 0 and no more, as docker. */
static void from_passwd(const struct passwd *pw, struct user_ids *u)
{
	int n = 64;

	u->gid = pw->pw_gid;
	u->groups = xmalloc((size_t)n * sizeof *u->groups);
	if (getgrouplist(pw->pw_name, pw->pw_gid, u->groups, &n) < 0) {
		u->groups = xrealloc(u->groups, (size_t)n * sizeof *u->groups);
		getgrouplist(pw->pw_name, pw->pw_gid, u->groups, &n);
	}
	u->ngroups = n;
	u->env[0] = xasprintf("HOME=%s", pw->pw_dir);
	u->env[1] = xasprintf("USER=%s", pw->pw_name);
	u->env[2] = xasprintf("LOGNAME=%s", pw->pw_name);
}

int user_resolve(const char *spec, struct user_ids *u, int *err_no, char *err, size_t errlen)
{
	char *name = xstrdup(spec), *group = strchr(name, ':');
	struct passwd *pw;
	int rc = -1;

	memset(u, 0, sizeof *u);
	*err_no = ENOENT;
	if (group)
		*group++ = '\0';
	pw = all_digits(name) ? getpwuid((uid_t)strtoul(name, NULL, 10)) : getpwnam(name);
	if (pw == NULL && !all_digits(name)) {
		snprintf(err, errlen, "unknown user \"%s\"", name);
		goto out;
	}
	u->uid = pw ? pw->pw_uid : (uid_t)strtoul(name, NULL, 10);
	if (pw)
		from_passwd(pw, u);
	if (group && group_resolve(group, &u->gid, err, errlen) < 0)
		goto out;
	if (u->groups == NULL || group) {
		free(u->groups);
		u->groups = xmalloc(sizeof *u->groups);
		u->groups[0] = u->gid;
		u->ngroups = 1;
	}
	if (geteuid() != 0 && (u->uid != geteuid() || u->gid != getegid())) {
		*err_no = EPERM;
		snprintf(err, errlen, "sbx-agent runs as uid %d and cannot switch to user \"%s\" "
			 "(run it as root)", (int)geteuid(), spec);
		goto out;
	}
	u->change = geteuid() == 0;
	rc = 0;
out:
	free(name);
	if (rc < 0)
		user_free(u);
	return rc;
}

void user_free(struct user_ids *u)
{
	free(u->groups);
	for (int i = 0; i < 3; i++)
		free(u->env[i]);
	memset(u, 0, sizeof *u);
}
