/*
 * b64.c: base64 through lws. lws_b64_encode_string wants room beyond the
 * encoded length (it gives up and leaves the buffer unterminated when it
 * has exactly enough), so the buffer has slack.
 */
#include <libwebsockets.h>

#include "b64.h"
#include "xmalloc.h"

char *b64_encode(const void *data, size_t len)
{
	size_t cap = (len + 2) / 3 * 4 + 8;
	char *s = xmalloc(cap);
	int n = lws_b64_encode_string(data, (int)len, s, (int)cap);

	s[n < 0 ? 0 : n] = '\0';
	return s;
}
