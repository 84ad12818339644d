/*
 * paths.h: where local sandboxes live. Their agents' sockets and state
 * in the runtime directory ($XDG_RUNTIME_DIR/sbx, else /run/sbx for root,
 * else /tmp/sbx-UID), their default disks in the data directory
 * ($XDG_DATA_HOME/sbx, else ~/.local/share/sbx), the config file in
 * $XDG_CONFIG_HOME/sbx/config, else ~/.config/sbx/config.
 */
#ifndef SBX_PATHS_H
#define SBX_PATHS_H

#include <stddef.h>

/* Each writes a path into buf and returns buf (never fails: a name that
 * does not fit is cut, which a caller's later open or bind reports). */
char *paths_rundir(char *buf, size_t len);
/* RUNDIR/NAME.sock: what a client connects to (unix:...). */
char *paths_socket(char *buf, size_t len, const char *name);
char *paths_datadir(char *buf, size_t len);
char *paths_config(char *buf, size_t len);
/* 1 if s can name a sandbox: 1-63 of [A-Za-z0-9_.-], not starting with
 * '.' or '-' (it becomes a file name and a hostname). */
int paths_valid_name(const char *s);

#endif
