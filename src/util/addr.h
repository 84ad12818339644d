/*
 * addr.h: where an agent listens or a client connects. "unix:PATH",
 * "HOST:PORT" and "[V6]:PORT" for listening; "unix:PATH", "ws://HOST:PORT"
 * and "wss://HOST:PORT" for targets.
 */
#ifndef SBX_ADDR_H
#define SBX_ADDR_H

struct addr {
	int is_unix;
	int tls;
	char *path; /* unix socket path */
	char *host; /* without brackets */
	int port;
	char *text; /* as the user wrote it, for messages */
};

/* Both return 0, or -1 with a one-line reason in err. */
int addr_parse_listen(const char *spec, struct addr *a, char *err, size_t errlen);
int addr_parse_target(const char *spec, struct addr *a, char *err, size_t errlen);
int addr_is_loopback(const char *host);
void addr_free(struct addr *a);

#endif
