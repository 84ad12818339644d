/*
 * fanout.h: exec and shell on many targets (fanout.c). args are the TARGET
 * operands (lists and @GROUPs; none with --all); the exit status counts
 * the targets that failed, at most 123.
 */
#ifndef SBX_FANOUT_H
#define SBX_FANOUT_H

#include <stddef.h>

#include "exec-opts.h"

int fanout_run(char **args, size_t nargs, struct exec_opts *o, const struct msg_exec *req);

#endif
