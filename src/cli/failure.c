/* failure.c: see failure.h. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "failure.h"

int failure_report(const struct msg_failed *f)
{
	switch (f->kind) {
	case FAIL_NOT_FOUND:
		fprintf(stderr, "sbx: %s (command not found)\n", f->message);
		return EXIT_NOT_FOUND;
	case FAIL_PERMISSION:
		fprintf(stderr, "sbx: %s (cannot execute)\n", f->message);
		return EXIT_CANNOT_RUN;
	case FAIL_BAD_CWD:
		fprintf(stderr, "sbx: working directory %s\n", f->message);
		return EXIT_SBX;
	case FAIL_BAD_USER:
		fprintf(stderr, "sbx: user: %s\n", f->message);
		return EXIT_SBX;
	case FAIL_BAD_MOUNT:
		fprintf(stderr, "sbx: --mount: %s\n", f->message);
		return EXIT_SBX;
	default:
		fprintf(stderr, "sbx: could not start the command at stage %s: %s\n", f->stage,
			f->message ? f->message : strerror(f->err));
		return EXIT_CANNOT_RUN;
	}
}

int exited_status(const struct msg_exited *e, const char *timeout_text)
{
	if (e->timed_out) {
		/* As timeout(1): 124 whatever the signal that ended it. */
		fprintf(stderr, "sbx: timed out after %s\n", timeout_text);
		return EXIT_TIMEOUT;
	}
	return e->signo ? 128 + e->signo : e->code;
}
