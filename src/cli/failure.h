/*
 * failure.h: a command that never ran (`failed`), told in one line on
 * stderr, with the exit status sbx gives it (127, 126 or 125), for every
 * command that starts one: exec, shell, attach.
 */
#ifndef SBX_FAILURE_H
#define SBX_FAILURE_H

#include "proto.h"

int failure_report(const struct msg_failed *f);

#endif
