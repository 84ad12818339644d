/* failure.c: see failure.h. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "failure.h"

int failure_text(const struct msg_failed *f, char *buf, size_t len)
{
	switch (f->kind) {
	case FAIL_NOT_FOUND:
		snprintf(buf, len, "%s (command not found)", f->message);
		return EXIT_NOT_FOUND;
	case FAIL_PERMISSION:
		snprintf(buf, len, "%s (cannot execute)", f->message);
		return EXIT_CANNOT_RUN;
	case FAIL_BAD_CWD:
		snprintf(buf, len, "working directory %s", f->message);
		return EXIT_SBX;
	case FAIL_BAD_USER:
		snprintf(buf, len, "user: %s", f->message);
		return EXIT_SBX;
	case FAIL_BAD_MOUNT:
		snprintf(buf, len, "--mount: %s", f->message);
		return EXIT_SBX;
	default:
		snprintf(buf, len, "could not start the command at stage %s: %s", f->stage,
			 f->message ? f->message : strerror(f->err));
		return EXIT_CANNOT_RUN;
	}
}

int failure_report(const struct msg_failed *f)
{
	char text[600];
	int status = failure_text(f, text, sizeof text);

	fprintf(stderr, "sbx: %s\n", text);
	return status;
}

int exited_code(const struct msg_exited *e)
{
	/* As timeout(1): 124 whatever the signal that ended it. */
	return e->timed_out ? EXIT_TIMEOUT : e->signo ? 128 + e->signo : e->code;
}

int exited_status(const struct msg_exited *e, const char *timeout_text)
{
	if (e->timed_out)
		fprintf(stderr, "sbx: timed out after %s\n", timeout_text);
	return exited_code(e);
}
