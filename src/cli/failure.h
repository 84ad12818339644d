/*
 * failure.h: how a command ended, as the exit status sbx gives it, for
 * every command that starts one (exec, shell, attach): one that never ran
 * (`failed`: 127, 126 or 125) and one that timed out (124) told in one
 * line on stderr.
 */
#ifndef SBX_FAILURE_H
#define SBX_FAILURE_H

#include "proto.h"

int failure_report(const struct msg_failed *f);
/* The same, its line (no "sbx: ") into buf instead of stderr. */
int failure_text(const struct msg_failed *f, char *buf, size_t len);
/* An exited command's status, as exited_status says it, silently. */
int exited_code(const struct msg_exited *e);
/* Its code, 128+N for signal N, or 124 as timeout(1) when its timeout
 * (given as timeout_text) ended it. */
int exited_status(const struct msg_exited *e, const char *timeout_text);

#endif
