/* token.h: the bearer token file, read the same way by sbx and sbx-agent. */
#ifndef SBX_TOKEN_H
#define SBX_TOKEN_H

#include <stddef.h>

/* One non-empty line (trailing blanks dropped): it goes into an HTTP
 * header. 0 with *token malloc'd, or -1 with a reason in err. */
int token_load(const char *path, char **token, char *err, size_t errlen);

#endif
