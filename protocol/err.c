/*
 * err.c: protocol error codes, their wire names, and the error value the
 * codec returns instead of printing.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "proto.h"

static const char *const err_names[PERR__COUNT] = {
	[PERR_OK] = "ok",
	[PERR_BAD_JSON] = "bad_json",
	[PERR_BAD_UTF8] = "bad_utf8",
	[PERR_BAD_MESSAGE] = "bad_message",
	[PERR_UNKNOWN_TYPE] = "unknown_type",
	[PERR_FRAME_TOO_LARGE] = "frame_too_large",
	[PERR_BAD_FRAME] = "bad_frame",
	[PERR_VERSION] = "version_mismatch",
	[PERR_HELLO_REQUIRED] = "hello_required",
	[PERR_UNKNOWN_EXEC] = "unknown_exec",
	[PERR_DUPLICATE_ID] = "duplicate_id",
	[PERR_TOO_MANY_EXECS] = "too_many_execs",
	[PERR_STDIN_CLOSED] = "stdin_closed",
	[PERR_UNAUTHORIZED] = "unauthorized",
	[PERR_TLS] = "tls",
	[PERR_INTERNAL] = "internal",
};

const char *proto_err_name(enum proto_err code)
{
	if ((unsigned)code >= PERR__COUNT)
		return "internal";
	return err_names[code];
}

int proto_err_from_name(const char *name)
{
	for (int i = 0; i < PERR__COUNT; i++)
		if (strcmp(err_names[i], name) == 0)
			return i;
	return -1;
}

void proto_error_set(struct proto_error *e, enum proto_err code, const char *fmt, ...)
{
	va_list ap;

	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof e->message, fmt, ap);
	va_end(ap);
}
