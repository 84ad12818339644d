/*
 * reach.h: whether remote agents answer, all asked at once within one
 * time limit (for `sbx ls`): one libsbx client per target, each driven
 * through its poller from one poll(2).
 */
#ifndef SBX_REACH_H
#define SBX_REACH_H

#include <stddef.h>

struct reach {
	const char *target, *token, *ca_file; /* token, ca_file may be NULL */
	int ok;          /* set by reach_all: 1 answered hello, 0 not */
	char why[300];   /* when not: the reason */
};

void reach_all(struct reach *r, size_t n, int timeout_ms);

#endif
