/*
 * attach.h: the local terminal attached to a session, for `sbx attach`
 * and `sbx exec -it`: raw mode, the detach keys, size changes, recording,
 * and a dropped connection resumed from the last byte we have.
 */
#ifndef SBX_ATTACH_H
#define SBX_ATTACH_H

#include "detachkeys.h"
#include "proto.h"

struct attach_opts {
	const char *url, *token, *ca_file;
	const char *target;        /* as the user named it, for the hint */
	unsigned keepalive;        /* 0: libsbx's default */
	struct msg_exec *req;      /* a new session of this; NULL: attach to session */
	uint32_t session;
	int read_only;
	struct detachkeys keys;
	const char *record;        /* asciicast file, or NULL */
	unsigned reconnect_ms;     /* retry a dropped connection this long; 0: never */
	const char *timeout_text;  /* req's --timeout as given, for its message */
};

struct config;
/* The detach keys: flag (--detach-keys, NULL when not given), else
 * $SBX_DETACH_KEYS, else the config's, else DETACHKEYS_DEFAULT. -1 after
 * printing what is wrong with the one chosen. */
int attach_keys(const char *flag, const struct config *cfg, struct detachkeys *k);

/* The default of --reconnect. */
#define ATTACH_RECONNECT_MS (30 * 1000)

/* Runs until the session ends (its status), we detach (0, or 128+N when
 * signal N made us), or it cannot go on (125). */
int attach_run(const struct attach_opts *o);

#endif
