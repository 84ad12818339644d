/* token.c: see token.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "token.h"
#include "xmalloc.h"

int token_load(const char *path, char **token, char *err, size_t errlen)
{
	char buf[4096];
	FILE *f = fopen(path, "re");
	size_t n;

	if (f == NULL) {
		snprintf(err, errlen, "cannot read token file %s: %s", path, strerror(errno));
		return -1;
	}
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' ||
			 buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		buf[--n] = '\0';
	if (n == 0 || strpbrk(buf, "\r\n")) {
		snprintf(err, errlen, "token file %s must hold one non-empty line", path);
		return -1;
	}
	*token = xstrdup(buf);
	return 0;
}
