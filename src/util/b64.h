/* b64.h: base64 of bytes that are not UTF-8, for JSON (sbx exec --json,
 * the agent's HTTP results). */
#ifndef SBX_B64_H
#define SBX_B64_H

#include <jansson.h>
#include <stddef.h>

/* A malloc'd, NUL-terminated base64 string of data. */
char *b64_encode(const void *data, size_t len);
/* o[key] = data as a JSON string: the text itself when it is valid UTF-8,
 * else its base64, with o[enc_key] = "base64". */
void b64_json_set(json_t *o, const char *key, const char *enc_key, const void *data, size_t len);

#endif
