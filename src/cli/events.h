/*
 * events.h: `sbx exec --json`, one JSON object per exec event on stdout,
 * for scripts (jq): started, stdout, stderr, exited, failed.
 */
#ifndef SBX_EVENTS_H
#define SBX_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

/* Each returns 0, or -1 when stdout is gone (errno EPIPE). */
int events_started(int64_t pid, uint32_t exec);
/* Prints o as one line and frees it. */
int events_emit(void *o);
int events_output(enum frame_kind kind, const uint8_t *data, size_t len);
int events_exited(const struct msg_exited *e);
int events_failed(const struct msg_failed *f);

#endif
