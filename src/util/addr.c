/* addr.c: listen specs and connect targets; see addr.h. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "addr.h"
#include "xmalloc.h"

static int parse_unix(const char *path, struct addr *a, char *err, size_t errlen)
{
	struct sockaddr_un sun;

	if (*path == '\0') {
		snprintf(err, errlen, "unix: needs a socket path, as in unix:/tmp/sbx.sock");
		return -1;
	}
	if (strlen(path) >= sizeof sun.sun_path) {
		snprintf(err, errlen, "unix socket path is longer than %zu bytes: %s",
			 sizeof sun.sun_path - 1, path);
		return -1;
	}
	a->is_unix = 1;
	a->path = xstrdup(path);
	return 0;
}

/* HOST:PORT or [V6]:PORT; PORT may be empty when defport >= 0. */
static int parse_hostport(const char *s, int defport, struct addr *a, char *err,
			  size_t errlen)
{
	const char *colon, *hend;
	char *end;
	long port;

	if (*s == '[') {
		hend = strchr(s, ']');
		if (hend == NULL)
			goto bad;
		a->host = strndup(s + 1, (size_t)(hend - s - 1));
		colon = hend[1] == ':' ? hend + 1 : NULL;
		if (hend[1] != '\0' && colon == NULL)
			goto bad;
	} else {
		colon = strrchr(s, ':');
		a->host = colon ? strndup(s, (size_t)(colon - s)) : xstrdup(s);
	}
	if (a->host == NULL || *a->host == '\0')
		goto bad;
	if (colon == NULL || colon[1] == '\0') {
		if (defport < 0)
			goto bad;
		a->port = defport;
		return 0;
	}
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || port < 0 || port > 65535)
		goto bad;
	a->port = (int)port;
	return 0;
bad:
	snprintf(err, errlen, "cannot read \"%s\" as HOST:PORT (port 0-65535)", s);
	return -1;
}

int addr_parse_listen(const char *spec, struct addr *a, char *err, size_t errlen)
{
	memset(a, 0, sizeof *a);
	a->text = xstrdup(spec);
	if (strncmp(spec, "unix:", 5) == 0)
		return parse_unix(spec + 5, a, err, errlen);
	if (parse_hostport(spec, -1, a, err, errlen) < 0)
		return -1;
	/* lws binds to an address or an interface name, not a host name. */
	if (strcmp(a->host, "localhost") == 0) {
		free(a->host);
		a->host = xstrdup("127.0.0.1");
	}
	return 0;
}

int addr_parse_target(const char *spec, struct addr *a, char *err, size_t errlen)
{
	char *hp, *slash;
	int rc;

	memset(a, 0, sizeof *a);
	a->text = xstrdup(spec);
	if (strncmp(spec, "unix:", 5) == 0)
		return parse_unix(spec + 5, a, err, errlen);
	if (strncmp(spec, "ws://", 5) == 0)
		spec += 5;
	else if (strncmp(spec, "wss://", 6) == 0) {
		spec += 6;
		a->tls = 1;
	} else {
		snprintf(err, errlen,
			 "cannot read target \"%s\": use ws://HOST:PORT, wss://HOST:PORT or unix:PATH",
			 spec);
		return -1;
	}
	hp = xstrdup(spec);
	slash = strchr(hp, '/');
	if (slash)
		*slash = '\0';
	rc = parse_hostport(hp, a->tls ? 443 : 80, a, err, errlen);
	free(hp);
	return rc;
}

int addr_is_loopback(const char *host)
{
	struct in_addr v4;
	struct in6_addr v6;

	if (strcmp(host, "localhost") == 0)
		return 1;
	if (inet_pton(AF_INET, host, &v4) == 1)
		return (ntohl(v4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &v6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&v6);
	return 0;
}

void addr_free(struct addr *a)
{
	free(a->path);
	free(a->host);
	free(a->text);
	memset(a, 0, sizeof *a);
}
