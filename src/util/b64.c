/*
 * b64.c: base64 through lws. lws_b64_encode_string wants room beyond the
 * encoded length (it gives up and leaves the buffer unterminated when it
 * has exactly enough), so the buffer has slack.
 */
#include <libwebsockets.h>
#include <stdlib.h>

#include "b64.h"
#include "proto.h"
#include "xmalloc.h"

char *b64_encode(const void *data, size_t len)
{
	size_t cap = (len + 2) / 3 * 4 + 8;
	char *s = xmalloc(cap);
	int n = lws_b64_encode_string(data, (int)len, s, (int)cap);

	s[n < 0 ? 0 : n] = '\0';
	return s;
}

void b64_json_set(json_t *o, const char *key, const char *enc_key, const void *data, size_t len)
{
	char *b64;

	if (utf8_valid(data, len)) {
		json_object_set_new(o, key, json_stringn(len ? data : "", len));
		return;
	}
	b64 = b64_encode(data, len);
	json_object_set_new(o, key, json_string(b64));
	json_object_set_new(o, enc_key, json_string("base64"));
	free(b64);
}
