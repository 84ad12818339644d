/*
 * utf8.c: strict UTF-8 validation for text frames, so a bad byte is
 * reported as bad_utf8 rather than as a JSON parse error.
 */
#include "proto.h"

/* Length of the sequence led by b, or 0 if b cannot lead one. */
static int lead_len(uint8_t b)
{
	if (b < 0x80)
		return 1;
	if (b >= 0xc2 && b <= 0xdf)
		return 2;
	if (b >= 0xe0 && b <= 0xef)
		return 3;
	if (b >= 0xf0 && b <= 0xf4)
		return 4;
	return 0;
}

int utf8_valid(const uint8_t *buf, size_t len)
{
	size_t i = 0;

	while (i < len) {
		int n = lead_len(buf[i]);
		if (n == 0 || i + (size_t)n > len)
			return 0;
		for (int k = 1; k < n; k++)
			if ((buf[i + k] & 0xc0) != 0x80)
				return 0;
		/* Overlong 3/4-byte forms, surrogates, and past U+10FFFF. */
		if (n == 3 && buf[i] == 0xe0 && buf[i + 1] < 0xa0)
			return 0;
		if (n == 3 && buf[i] == 0xed && buf[i + 1] >= 0xa0)
			return 0;
		if (n == 4 && buf[i] == 0xf0 && buf[i + 1] < 0x90)
			return 0;
		if (n == 4 && buf[i] == 0xf4 && buf[i + 1] >= 0x90)
			return 0;
		i += (size_t)n;
	}
	return 1;
}
