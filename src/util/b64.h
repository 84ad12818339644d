/* b64.h: base64 of bytes that are not UTF-8, for JSON (sbx exec --json,
 * the agent's HTTP results). */
#ifndef SBX_B64_H
#define SBX_B64_H

#include <stddef.h>

/* A malloc'd, NUL-terminated base64 string of data. */
char *b64_encode(const void *data, size_t len);

#endif
