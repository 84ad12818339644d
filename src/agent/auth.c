/*
 * auth.c: the bearer token (loaded by token.c); each WebSocket upgrade's
 * Authorization header is compared in constant time.
 */
#include <string.h>
#include <strings.h>

#include "agent.h"


/* Compares every byte whatever the first difference, so the time taken
 * does not tell an attacker how much of the token was right. */
static int same(const char *a, size_t alen, const char *b, size_t blen)
{
	unsigned char diff = alen != blen;
	size_t n = alen < blen ? alen : blen;

	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

int auth_check(struct lws *wsi, const char *token)
{
	char hdr[4200];
	int len = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_AUTHORIZATION);

	if (len <= 7 || len >= (int)sizeof hdr)
		return -1;
	if (lws_hdr_copy(wsi, hdr, sizeof hdr, WSI_TOKEN_HTTP_AUTHORIZATION) < 0)
		return -1;
	if (strncasecmp(hdr, "Bearer ", 7) != 0)
		return -1;
	return same(hdr + 7, strlen(hdr + 7), token, strlen(token)) ? 0 : -1;
}
