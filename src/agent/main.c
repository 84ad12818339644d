/*
 * main.c: sbx-agent's edge. Reads the command line, opens one listener per
 * --listen on one lws context, and runs the loop until a stop signal.
 * The protocol handlers here only route lws callbacks to conn.c.
 */
#include <getopt.h>
#include <netdb.h>
#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/un.h>
#include <unistd.h>

#include "addr.h"
#include "agent.h"
#include "disk.h"
#include "log.h"
#include "session.h"
#include "token.h"
#include "units.h"
#include "watch.h"
#include "xmalloc.h"

#define MAX_LISTEN 16

struct agent agent;

static const char usage[] =
	"Usage: sbx-agent --listen ADDR [--listen ADDR...] [OPTIONS]\n"
	"\n"
	"Serve the sbx exec protocol (WebSocket subprotocol " PROTO_SUBPROTOCOL "),\n"
	"and POST /v1/exec (one command, one JSON result) on the same listeners.\n"
	"\n"
	"Options:\n"
	"  -l, --listen ADDR      unix:PATH (created mode 0600), HOST:PORT or [V6]:PORT;\n"
	"                         port 0 picks a free port; repeatable\n"
	"  -t, --token-file FILE  require \"Authorization: Bearer TOKEN\" with the token\n"
	"                         in FILE; needed to listen on a non-loopback address\n"
	"      --tls-cert FILE    serve TCP listeners as wss:// with this PEM certificate\n"
	"      --tls-key FILE     and this PEM private key (both or neither)\n"
	"      --keepalive SECS   ping a client silent for SECS (default 20); drop it,\n"
	"                         killing its execs, when silent for 3 x SECS\n"
	"  -w, --workdir DIR      the working directory of an exec that names none\n"
	"      --disk KEY=PATH[:ro]  a disk that execs may mount at /mnt/archil/KEY\n"
	"                         (\"mounts\"; needs root); repeatable\n"
	"      --drop-caps        run every command with no capabilities, even as root\n"
	"      --seal DIR         once listening, remount DIR (the socket's, a mount\n"
	"                         point) read-only, so commands cannot replace the socket\n"
	"  -v, --verbose          log each connection and exec on stderr\n"
	"  -h, --help             show this help\n"
	"  -V, --version          show the version\n"
	"\n"
	"SIGTERM, SIGINT or SIGHUP stop the agent and every process it started.\n"
	"See sbx-agent(8).\n";

/* protocols[0]: plain HTTP and the upgrade check, where a refused token
 * can get a real 401 rather than a hang-up the client cannot explain. */
static int refuse_401(struct lws *wsi)
{
	unsigned char buf[LWS_PRE + 512], *start = buf + LWS_PRE, *p = start,
					   *end = buf + sizeof buf - 1;

	if (lws_add_http_header_status(wsi, HTTP_STATUS_UNAUTHORIZED, &p, end) ||
	    lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_WWW_AUTHENTICATE,
					 (unsigned char *)"Bearer", 6, &p, end) ||
	    lws_add_http_header_content_length(wsi, 0, &p, end) ||
	    lws_finalize_http_header(wsi, &p, end))
		return 1;
	lws_write(wsi, start, (size_t)(p - start), LWS_WRITE_HTTP_HEADERS);
	return 1;
}

/* A client offering no subprotocol, or another version of ours, would be
 * accepted by lws and then never answered: tell it why instead. */
static int offers_ours(struct lws *wsi)
{
	char protos[256];

	if (lws_hdr_copy(wsi, protos, sizeof protos, WSI_TOKEN_PROTOCOL) <= 0)
		return 0;
	for (char *t = strtok(protos, ", "); t; t = strtok(NULL, ", "))
		if (strcmp(t, PROTO_SUBPROTOCOL) == 0)
			return 1;
	return 0;
}

/* protocols[0] sees every HTTP request: WebSocket upgrades are checked
 * here, plain requests (POST /v1/exec) go to http.c. */
static int front_callback(struct lws *wsi, enum lws_callback_reasons reason,
			  void *user, void *in, size_t len)
{
	if (reason != LWS_CALLBACK_HTTP_CONFIRM_UPGRADE)
		return http_callback(wsi, reason, user, in, len);
	if (agent.token && auth_check(wsi, agent.token) < 0) {
		log_debug("refused a connection: missing or wrong token");
		return refuse_401(wsi);
	}
	if (!offers_ours(wsi)) {
		log_debug("refused a connection: no " PROTO_SUBPROTOCOL " subprotocol");
		lws_return_http_status(wsi, HTTP_STATUS_BAD_REQUEST,
				       "sbx-agent speaks WebSocket subprotocol " PROTO_SUBPROTOCOL
				       " only (version mismatch?)");
		return 1;
	}
	return 0;
}

static int ws_callback(struct lws *wsi, enum lws_callback_reasons reason,
		       void *user, void *in, size_t len)
{
	struct conn *c = user;

	switch (reason) {
	case LWS_CALLBACK_ESTABLISHED:
		if (agent.stopping)
			return -1;
		log_debug("client connected");
		conn_open(c, wsi);
		return 0;
	case LWS_CALLBACK_RECEIVE:
		conn_receive(c, in, len);
		return 0;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		return conn_writable(c);
	case LWS_CALLBACK_CLOSED:
		log_debug("client disconnected");
		conn_closed(c);
		return 0;
	default:
		return 0;
	}
}

/* Not const: the size of http.c's per-request state is its own. */
static struct lws_protocols protocols[] = {
	{.name = "http", .callback = front_callback},
	{.name = PROTO_SUBPROTOCOL,
	 .callback = ws_callback,
	 .per_session_data_size = sizeof(struct conn),
	 .rx_buffer_size = 65536},
	WATCH_PROTOCOL,
	{0},
};

/* A peer silent for ping seconds is pinged; silent for three times as
 * long, it is dropped (and its execs killed): --keepalive sets ping. */
static lws_retry_bo_t keepalive = {
	.secs_since_valid_ping = 20,
	.secs_since_valid_hangup = 60,
};

/* Offered by clients that move much text (sbx tail): the wire carries a
 * fraction of it, and lws's client parses the wire a byte at a time. */
static const struct lws_extension ws_extensions[] = {
	{"permessage-deflate", lws_extension_callback_pm_deflate,
	 "permessage-deflate; client_no_context_takeover; client_max_window_bits"},
	{NULL, NULL, NULL},
};

static struct lws_vhost *listen_on(const struct addr *a, int n)
{
	struct lws_context_creation_info info;
	static char names[MAX_LISTEN][24]; /* lws keeps the pointer */
	struct lws_vhost *vh;
	mode_t old;

	memset(&info, 0, sizeof info);
	snprintf(names[n], sizeof names[n], "listen%d", n);
	info.vhost_name = names[n];
	info.protocols = protocols;
	info.extensions = ws_extensions;
	info.retry_and_idle_policy = &keepalive;
	if (a->is_unix) {
		info.options = LWS_SERVER_OPTION_UNIX_SOCK;
		info.iface = a->path;
	} else {
		info.ssl_cert_filepath = agent.tls_cert;
		info.ssl_private_key_filepath = agent.tls_key;
		/* lws turns TLS on per vhost only with this option set there too */
		if (agent.tls_cert)
			info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
		info.iface = a->host;
		if (!strchr(a->host, ':'))
			info.options |= LWS_SERVER_OPTION_DISABLE_IPV6;
		info.port = a->port; /* 0: the kernel picks a free port */
	}
	/* Only the owner may connect to a unix socket: set before bind so
	 * there is no moment when it is open to others. */
	old = umask(0077);
	vh = lws_create_vhost(agent.ctx, &info);
	umask(old);
	if (vh && a->is_unix && chmod(a->path, 0600) < 0)
		return NULL; /* lws does not fail the vhost when bind fails */
	return vh;
}

static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max > 65536 ? 65536 : rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int keepalive_parse(const char *s)
{
	long n;

	if (number_parse(s, 1, 3600, &n) < 0)
		return -1;
	keepalive.secs_since_valid_ping = (uint16_t)n;
	keepalive.secs_since_valid_hangup = (uint16_t)(3 * n);
	return 0;
}

static const char *seal_dir;

/* The socket's directory, read-only from now on (keeping its other mount
 * flags): a command, root without capabilities, could otherwise replace
 * the socket with a link to another agent's. connect(2) needs no write
 * access to the file system, so clients are not affected. */
static int seal(const char *dir)
{
	static const struct {
		unsigned long st, ms;
	} keep[] = {{ST_NOSUID, MS_NOSUID}, {ST_NODEV, MS_NODEV}, {ST_NOEXEC, MS_NOEXEC},
		    {ST_NOATIME, MS_NOATIME}, {ST_NODIRATIME, MS_NODIRATIME},
		    {ST_RELATIME, MS_RELATIME}};
	unsigned long flags = MS_REMOUNT | MS_BIND | MS_RDONLY;
	struct statvfs sv;

	if (statvfs(dir, &sv) < 0)
		return -1;
	for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++)
		if (sv.f_flag & keep[i].st)
			flags |= keep[i].ms;
	return mount(NULL, dir, NULL, flags, NULL);
}

static int parse_args(int argc, char **argv, struct addr *ls, int *nls)
{
	static const struct option opts[] = {
		{"listen", required_argument, NULL, 'l'},
		{"token-file", required_argument, NULL, 't'},
		{"tls-cert", required_argument, NULL, 'C'},
		{"tls-key", required_argument, NULL, 'K'},
		{"keepalive", required_argument, NULL, 'k'},
		{"workdir", required_argument, NULL, 'w'},
		{"disk", required_argument, NULL, 'D'},
		{"drop-caps", no_argument, NULL, 'P'},
		{"seal", required_argument, NULL, 'S'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{0},
	};
	char err[300];
	int c, verbose = 0;

	while ((c = getopt_long(argc, argv, "l:t:w:vhV", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (*nls == MAX_LISTEN) {
				log_error("at most %d --listen addresses", MAX_LISTEN);
				return 2;
			}
			if (addr_parse_listen(optarg, &ls[*nls], err, sizeof err) < 0) {
				log_error("--listen %s: %s", optarg, err);
				addr_free(&ls[*nls]);
				return 2;
			}
			(*nls)++;
			break;
		case 't':
			if (token_load(optarg, &agent.token, err, sizeof err) < 0) {
				log_error("%s", err);
				return 2;
			}
			break;
		case 'C':
			agent.tls_cert = optarg;
			break;
		case 'K':
			agent.tls_key = optarg;
			break;
		case 'w':
			agent.workdir = optarg;
			break;
		case 'D':
			if (disk_add(optarg, err, sizeof err) < 0) {
				log_error("%s", err);
				return 2;
			}
			break;
		case 'P':
			agent.drop_caps = 1;
			break;
		case 'S':
			seal_dir = optarg;
			break;
		case 'k':
			if (keepalive_parse(optarg) < 0) {
				log_error("--keepalive %s: give whole seconds, 1 to 3600", optarg);
				return 2;
			}
			break;
		case 'v':
			log_init("sbx-agent", ++verbose);
			break;
		case 'h':
			fputs(usage, stdout);
			exit(0);
		case 'V':
			puts("sbx-agent " SBX_VERSION);
			exit(0);
		default:
			fputs("Try 'sbx-agent --help'.\n", stderr);
			return 2;
		}
	}
	if (optind < argc) {
		log_error("unexpected argument \"%s\"; try 'sbx-agent --help'", argv[optind]);
		return 2;
	}
	if (!agent.tls_cert != !agent.tls_key) {
		log_error("--tls-cert and --tls-key go together");
		return 2;
	}
	for (const char *f = agent.tls_cert; f; f = f == agent.tls_cert ? agent.tls_key : NULL)
		if (access(f, R_OK) < 0) {
			log_error("cannot read %s: %m", f);
			return 2;
		}
	if (*nls == 0) {
		log_error("nothing to listen on: give --listen unix:PATH or --listen HOST:PORT");
		return 2;
	}
	struct stat st;
	if (agent.workdir && stat(agent.workdir, &st) < 0) {
		log_error("--workdir %s: %m", agent.workdir);
		return 2;
	}
	if (agent.workdir && !S_ISDIR(st.st_mode)) {
		log_error("--workdir %s: not a directory", agent.workdir);
		return 2;
	}
	if (disk_prepare(err, sizeof err) < 0) {
		log_error("%s", err);
		return 2;
	}
	return 0;
}

static int check_exposure(const struct addr *ls, int nls)
{
	for (int i = 0; i < nls; i++)
		if (!ls[i].is_unix && !agent.token && !addr_is_loopback(ls[i].host)) {
			log_error("refusing to listen on %s without a token: anyone who can reach "
				  "it could run commands here; give --token-file FILE, or listen "
				  "on 127.0.0.1 or a unix socket",
				  ls[i].text);
			return -1;
		}
	return 0;
}

/* lws unlinks whatever is at a unix socket path before binding: refuse
 * when that is a live agent's socket or not a socket at all. */
static int unix_path_free(const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct stat st;
	int fd, rc;

	if (lstat(path, &st) < 0)
		return 1;
	if (!S_ISSOCK(st.st_mode)) {
		log_error("cannot listen on unix:%s: it exists and is not a socket", path);
		return 0;
	}
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	rc = connect(fd, (struct sockaddr *)&sun, sizeof sun);
	close(fd);
	if (rc == 0) {
		log_error("cannot listen on unix:%s: another agent is listening there", path);
		return 0;
	}
	return 1;
}

/* lws logs a failed TCP bind and goes on as if listening: bind once
 * ourselves first to learn the errno a user can act on. */
static int tcp_addr_free(const struct addr *a)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST};
	struct addrinfo *res;
	char port[16];
	int fd, rc, one = 1;

	snprintf(port, sizeof port, "%d", a->port);
	if (getaddrinfo(a->host, port, &hints, &res) != 0) {
		log_error("cannot listen on %s: %s is not an IP address", a->text, a->host);
		return 0;
	}
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	rc = bind(fd, res->ai_addr, res->ai_addrlen);
	if (rc < 0)
		log_error("cannot listen on %s: %m", a->text);
	close(fd);
	freeaddrinfo(res);
	return rc == 0;
}

/* Opens listeners in order; returns how many opened, which is nls on
 * success. */
static int open_listeners(struct addr *ls, int nls)
{
	for (int i = 0; i < nls; i++) {
		if (ls[i].is_unix ? !unix_path_free(ls[i].path) : !tcp_addr_free(&ls[i]))
			return i;
		struct lws_vhost *vh = listen_on(&ls[i], i);
		if (vh == NULL || (!ls[i].is_unix && lws_get_vhost_listen_port(vh) <= 0)) {
			/* The address was free a moment ago (tcp_addr_free), so
			 * a TCP failure here is lws refusing the certificate. */
			log_error("cannot listen on %s: %s", ls[i].text,
				  ls[i].is_unix ? "cannot bind the socket (does its directory exist, and may we write there?)"
				  : agent.tls_cert ? "cannot load --tls-cert/--tls-key (not PEM, or not a pair?)"
						   : "address in use or not available here");
			return i;
		}
		if (agent.vh == NULL)
			agent.vh = vh;
		if (ls[i].is_unix)
			log_info("listening on unix:%s", ls[i].path);
		else
			log_info("listening on %s://%s%s%s:%d", agent.tls_cert ? "wss" : "ws", strchr(ls[i].host, ':') ? "[" : "",
				 ls[i].host, strchr(ls[i].host, ':') ? "]" : "",
				 lws_get_vhost_listen_port(vh));
	}
	return nls;
}

/* A name for this run of the agent: a client that comes back to one with
 * another name knows its sessions are gone (the numbers start again). */
static void instance_name(void)
{
	unsigned char r[8];
	struct timespec ts;

	if (getrandom(r, sizeof r, GRND_NONBLOCK) != sizeof r) {
		clock_gettime(CLOCK_REALTIME, &ts);
		memcpy(r, &ts.tv_nsec, 4);
		memcpy(r + 4, &(uint32_t){(uint32_t)getpid()}, 4);
	}
	for (int i = 0; i < 8; i++)
		snprintf(agent.instance + 2 * i, 3, "%02x", r[i]);
}

int main(int argc, char **argv)
{
	struct lws_context_creation_info info;
	struct addr ls[MAX_LISTEN];
	int nls = 0, nopen = 0, rc;

	log_init("sbx-agent", 0);
	instance_name();
	if ((rc = parse_args(argc, argv, ls, &nls)) != 0 ||
	    (rc = check_exposure(ls, nls) < 0 ? 2 : 0) != 0)
		goto out;
	lws_set_log_level(log_verbose() > 1 ? LLL_ERR | LLL_WARN | LLL_NOTICE : 0, NULL);
	protocols[0].per_session_data_size = http_session_size();
	raise_nofile();
	memset(&info, 0, sizeof info);
	info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS |
		       (agent.tls_cert ? LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT : 0);
	info.pt_serv_buf_size = 256 * 1024;
	agent.ctx = lws_create_context(&info);
	rc = 1;
	if (agent.ctx == NULL) {
		log_error("cannot start the event loop (libwebsockets context)");
		goto out;
	}
	if ((nopen = open_listeners(ls, nls)) < nls)
		goto out;
	if (seal_dir && seal(seal_dir) < 0) {
		log_error("--seal %s: cannot make it read-only: %m (a mount point, and root?)", seal_dir);
		goto out;
	}
	if (reaper_start() < 0) {
		log_error("cannot watch signals: %m");
		goto out;
	}
	while (!agent.done && lws_service(agent.ctx, 0) >= 0)
		;
	rc = 0;
out:
	session_free_all();
	if (agent.ctx)
		lws_context_destroy(agent.ctx);
	/* Only sockets we made: not another agent's, not what we refused. */
	for (int i = 0; i < nls; i++) {
		if (ls[i].is_unix && i < nopen)
			unlink(ls[i].path);
		addr_free(&ls[i]);
	}
	free(agent.token);
	disk_free_all();
	return rc;
}
