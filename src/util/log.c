/*
 * log.c: the edge where errors become text. Everything inside returns
 * values; the program's main or its event handlers call these.
 */
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

static const char *log_prog = "sbx";
static int log_level;

void log_init(const char *prog, int verbose)
{
	log_prog = prog;
	log_level = verbose;
}

int log_verbose(void)
{
	return log_level;
}

static void emit(const char *fmt, va_list ap)
{
	char line[2048];

	vsnprintf(line, sizeof line, fmt, ap);
	/* One write, so lines from several processes do not interleave. */
	fprintf(stderr, "%s: %s\n", log_prog, line);
}

void log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(fmt, ap);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(fmt, ap);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;

	if (log_level < 1)
		return;
	va_start(ap, fmt);
	emit(fmt, ap);
	va_end(ap);
}
