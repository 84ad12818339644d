/*
 * cmd-exec.c: `sbx exec` and `sbx shell`. Runs one command on an agent,
 * copies its stdout and stderr byte for byte, optionally feeds it our
 * stdin, forwards Ctrl-C, and exits with the command's status.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "cmd.h"
#include "attach.h"
#include "config.h"
#include "units.h"
#include "events.h"
#include "exec-opts.h"
#include "failure.h"
#include "fanout.h"
#include "fdio.h"
#include "merge.h"
#include "sbx.h"
#include "target.h"
#include "term.h"
#include "watch.h"
#include "xmalloc.h"


static const struct cmd_opt exec_opts[] = {
	{"interactive", 'i', NULL, "send our stdin to the command (EOF closes its stdin)"},
	{"tty", 't', NULL, "run in a PTY (stdout and stderr merged); -t alone never reads stdin"},
	{"rows", OPT_ROWS, "N", "PTY rows (default: our terminal's, else 24)"},
	{"cols", OPT_COLS, "N", "PTY columns (default: our terminal's, else 80)"},
	{"stdin-file", OPT_STDIN_FILE, "FILE", "send FILE as the command's stdin, then EOF"},
	{"stdin-data", OPT_STDIN_DATA, "STRING", "send STRING as the command's stdin, then EOF"},
	{"user", 'u', "NAME|UID[:GID]", "run as this user (the agent must run as root to switch)"},
	{"workdir", 'w', "DIR", "run in DIR (missing or not a directory: exit 125)"},
	{"mount", OPT_MOUNT, "KEY[:SUBDIR][:ro]", "mount the agent's disk KEY at /mnt/archil/KEY for this command only; repeatable"},
	{"env", 'e', "K=V", "set K in the command's environment; K alone passes ours"},
	EXEC_OPT_ENV_FILE,
	{"timeout", OPT_TIMEOUT, "DURATION", "agent sends TERM at DURATION (500ms, 30s, 5m), then KILL; exit 124"},
	{"kill-grace", OPT_KILL_GRACE, "DURATION", "between TERM and KILL on timeout (default 2s)"},
	{"rlimit", OPT_RLIMIT, "NAME=SOFT[:HARD]", "resource limit (nofile=1024, cpu=10:20, core=unlimited)"},
	{"output-limit", OPT_OUTPUT_LIMIT, "SIZE", "send at most SIZE (128K, 1M) of each stream; say how much was dropped"},
	{"json", OPT_JSON, NULL, "print one JSON object per event on stdout (started, stdout, stderr, exited, failed)"},
	{"time", OPT_TIME, NULL, "print total, queue and execute time on stderr after"},
	EXEC_OPTS_REACH,
	{"detach-keys", OPT_DETACH_KEYS, "KEYS", "with -it on a terminal: keys that detach (default ctrl-]; \"\" for none)"},
	{"reconnect", OPT_RECONNECT, "DURATION", "with -it on a terminal, or on many: retry a lost connection this long (default 30s; 0: never)"},
	{"all", OPT_ALL, NULL, "run on every local sandbox (sbx ls): no TARGET is given"},
	{"parallel", OPT_PARALLEL, "N", "on many: run on at most N targets at once (default: all)"},
	{"stream", OPT_STREAM, NULL, "on many: print prefixed lines as they come, not a block per target"},
	EXEC_OPT_COLOR,
	{"help", 'h', NULL, "show this help"},
	{0},
};

struct run {
	int json;
	int show_time;
	const char *timeout_text;
	struct sbx_client *cl;
	struct sbx_conn *conn;
	struct sbx_exec *x; /* NULL once it has ended */
	struct watch *in;
	int status;
	int interrupts;
	int stdout_broken;
	int winch; /* forward our terminal's size changes (-t on a terminal) */
};

static void run_end(struct run *r, int status)
{
	r->status = status;
	r->x = NULL;
	sbx_client_stop(r->cl);
}

/* Our stdin, with -i: one read into the exec; 0 at EOF, -1 if nothing
 * is there now. */
static ssize_t in_read(struct run *r, int fd)
{
	static char buf[PROTO_MAX_DATA];
	ssize_t n = read(fd, buf, sizeof buf);

	if (n < 0)
		return (errno == EAGAIN || errno == EINTR) ? -1 : 0;
	if (n > 0 && r->x)
		sbx_exec_write(r->x, buf, (size_t)n);
	return n;
}

static void in_readable(struct watch *w, void *arg)
{
	struct run *r = arg;

	if (in_read(r, watch_fd(w)) == 0 || r->x == NULL) {
		if (r->x)
			sbx_exec_close_stdin(r->x);
		watch_close(w);
		r->in = NULL;
		return;
	}
	/* Do not read faster than the agent takes it: what goes out is
	 * bounded by its credit, what waits for credit by this. */
	if (sbx_exec_stdin_queued(r->x) > SBX_QUEUE_HIGH)
		watch_pause(w, 1);
}

/* lws closes a pipe whose writer is gone (POLLHUP), even while paused,
 * with bytes still in it; the fd is open here, so take them now. */
static void in_hangup(struct watch *w, void *arg)
{
	struct run *r = arg;

	while (in_read(r, watch_fd(w)) > 0)
		;
	r->in = NULL;
	if (r->x)
		sbx_exec_close_stdin(r->x);
}

static const struct watch_ops in_ops = {.readable = in_readable, .closed = in_hangup};

/* The agent's credit caught up with our stdin: read more. */
static void on_stdin_drained(struct sbx_exec *x, void *arg)
{
	struct run *r = arg;

	(void)x;
	if (r->in)
		watch_pause(r->in, 0);
}

static void on_conn_failed(struct sbx_conn *c, void *arg, enum proto_err code,
			   const char *why)
{
	struct run *r = arg;

	/* The session is over: our messages go to a cooked terminal, on a
	 * line of their own after whatever the remote program left. */
	if (term_restore())
		fputc('\n', stderr);

	(void)c, (void)code;
	fprintf(stderr, "sbx: %s\n", why);
	run_end(r, EXIT_SBX);
}

static void on_output(struct sbx_exec *x, void *arg, enum frame_kind kind,
		      const uint8_t *data, size_t len)
{
	struct run *r = arg;

	if (kind == FRAME_STDERR && !r->json) {
		fd_write_all(2, data, len);
		return;
	}
	if (r->stdout_broken)
		return;
	if ((r->json ? events_output(kind, data, len) : fd_write_all(1, data, len)) < 0 &&
	    errno == EPIPE) {
		/* Like a local pipeline: the writer learns its reader is gone. */
		r->stdout_broken = 1;
		sbx_exec_signal(x, SIGPIPE);
	}
}

static void on_exited(struct sbx_exec *x, void *arg, const struct msg_exited *e)
{
	struct run *r = arg;

	/* The session is over: our messages go to a cooked terminal. */
	term_restore();

	(void)x;
	if (r->json)
		events_exited(e);
	if (r->show_time)
		fprintf(stderr, "sbx: time: total %.3f ms (queue %.3f ms, execute %.3f ms)\n",
			e->total_ms, e->queue_ms, e->execute_ms);
	/* The trailer: the output itself stays what the command wrote. */
	if (e->stdout_dropped)
		fprintf(stderr, "sbx: stdout: %llu bytes dropped past --output-limit\n",
			(unsigned long long)e->stdout_dropped);
	if (e->stderr_dropped)
		fprintf(stderr, "sbx: stderr: %llu bytes dropped past --output-limit\n",
			(unsigned long long)e->stderr_dropped);
	run_end(r, exited_status(e, r->timeout_text));
}

static void on_started(struct sbx_exec *x, void *arg, int64_t pid)
{
	struct run *r = arg;
	if (r->json)
		events_started(pid, sbx_exec_number(x));
}

static void on_failed(struct sbx_exec *x, void *arg, const struct msg_failed *f)
{
	struct run *r = arg;

	/* The session is over: our messages go to a cooked terminal. */
	term_restore();

	(void)x;
	if (r->json)
		events_failed(f);
	run_end(arg, failure_report(f));
}

/* The remote command closed its stdin: stop reading ours and let go of
 * it, so a local writer gets SIGPIPE as it would in a local pipeline. */
static void stdin_release(struct run *r)
{
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (r->in) {
		watch_close(r->in);
		r->in = NULL;
	}
	if (null >= 0) {
		dup2(null, 0);
		close(null);
	}
}

static void on_error(struct sbx_exec *x, void *arg, enum proto_err code, const char *msg)
{
	struct run *r = arg;

	(void)x;
	if (code == PERR_STDIN_CLOSED) {
		stdin_release(r);
		return;
	}
	term_restore();
	fprintf(stderr, "sbx: agent error (%s): %s\n", proto_err_name(code), msg);
	/* An error about the exec request itself means it will never run. */
	if (code == PERR_BAD_MESSAGE || code == PERR_TOO_MANY_EXECS || code == PERR_DUPLICATE_ID)
		run_end(r, EXIT_SBX);
}

static const struct sbx_conn_ops conn_ops = {
	.failed = on_conn_failed,
};

static const struct sbx_exec_ops exec_ops = {
	.started = on_started,
	.output = on_output,
	.exited = on_exited,
	.failed = on_failed,
	.error = on_error,
	.stdin_drained = on_stdin_drained,
};

/* Our terminal's new size, for the remote PTY. */
static void winch_forward(struct run *r)
{
	uint16_t rows, cols;

	if (r->x && r->winch && term_size(&rows, &cols) == 0 && rows && cols)
		sbx_exec_resize(r->x, rows, cols);
}

/* Ctrl-C interrupts the remote group; a second one kills it. TERM and
 * HUP are passed on once; a second ends sbx, which kills it too. */
static void signals_readable(struct watch *w, void *arg)
{
	struct run *r = arg;
	struct signalfd_siginfo si;

	while (read(watch_fd(w), &si, sizeof si) == sizeof si) {
		int sig = (int)si.ssi_signo;
		if (sig == SIGWINCH) {
			winch_forward(r);
			continue;
		}
		if (r->x == NULL) {
			run_end(r, 128 + sig);
			continue;
		}
		if (++r->interrupts == 1)
			sbx_exec_signal(r->x, sig);
		else if (sig == SIGINT)
			sbx_exec_kill(r->x);
		else
			run_end(r, 128 + sig);
	}
}

static const struct watch_ops signal_ops = {.readable = signals_readable};

static int signals_start(struct run *r)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (r->winch)
		sigaddset(&set, SIGWINCH);
	return watch_signals(sbx_client_vhost(r->cl), &set, &signal_ops, r) ? 0 : -1;
}


static int run_exec(const char *target, const char *token, struct msg_exec *req,
		    const struct exec_opts *o)
{
	struct run r = {.status = EXIT_SBX, .show_time = o->show_time, .json = o->json,
			.timeout_text = o->timeout_text, .winch = o->winch};
	char err[300];
	int raw;

	r.cl = sbx_client_new(strncmp(target, "wss://", 6) == 0 ? SBX_CLIENT_TLS : 0, o->ca_file);
	if (r.cl == NULL) {
		fprintf(stderr, "sbx: cannot start the event loop\n");
		return EXIT_SBX;
	}
	if (o->keepalive)
		sbx_client_set_keepalive(r.cl, o->keepalive);
	if (signals_start(&r) < 0) {
		fprintf(stderr, "sbx: cannot watch signals: %s\n", strerror(errno));
		goto out;
	}
	r.conn = sbx_conn_open(r.cl, target, token, &conn_ops, &r, err, sizeof err);
	if (r.conn == NULL) {
		fprintf(stderr, "sbx: %s\n", err);
		goto out;
	}
	req->stdin_mode = o->in_fd >= 0 || o->stdin_data ? STDIN_PIPE : STDIN_NULL;
	r.x = sbx_exec_start(r.conn, req, &exec_ops, &r);
	if (o->stdin_data) {
		sbx_exec_write(r.x, o->stdin_data, strlen(o->stdin_data));
		sbx_exec_close_stdin(r.x);
	}
	if (o->in_fd >= 0 && (r.in = watch_new(sbx_client_vhost(r.cl), o->in_fd, &in_ops, &r)) == NULL) {
		fprintf(stderr, "sbx: cannot read stdin\n");
		goto out;
	}
	/* Raw only now, so that every error above prints to a sane terminal;
	 * keys, ^C included, are bytes for the remote PTY from here on. */
	raw = o->raw && term_raw(0) == 0;
	sbx_client_run(r.cl);
	/* Still raw: ended by a signal, mid-line of the remote program's. */
	if (raw && term_restore())
		fputc('\n', stderr);
out:
	sbx_client_free(r.cl);
	return r.status;
}

/* Rows and columns not given: our terminal's (followed as it changes),
 * else 24x80. */
static void tty_default_size(struct msg_exec *req, struct exec_opts *o)
{
	uint16_t rows = 24, cols = 80;

	if (term_size(&rows, &cols) == 0 && !req->rows && !req->cols)
		o->winch = 1;
	if (req->rows == 0)
		req->rows = rows ? rows : 24;
	if (req->cols == 0)
		req->cols = cols ? cols : 80;
}

/* An interactive terminal: the command runs as a session, detachable. */
static int exec_attached(const char *name, const struct target *t, const char *token,
			 struct msg_exec *req, struct exec_opts *o)
{
	struct attach_opts a = {.url = t->url, .token = token, .ca_file = t->ca_file,
				.target = name, .keepalive = o->keepalive, .req = req,
				.keys = o->keys, .reconnect_ms = o->reconnect_ms,
				.timeout_text = o->timeout_text};

	req->session = 1;
	req->stdin_mode = STDIN_PIPE;
	return attach_run(&a);
}

/* TARGET (a URL, a local sandbox or a configured one) with its token and
 * CA file, the config's defaults, then the run. */
static int exec_reach(const char *name, struct msg_exec *req, struct exec_opts *o)
{
	struct config cfg;
	struct target t;
	char err[1024], *token;
	int rc;

	if (config_load(&cfg, NULL, err, sizeof err) < 0) {
		fprintf(stderr, "sbx: %s\n", err);
		return EXIT_SBX;
	}
	if (!o->keepalive)
		o->keepalive = cfg.keepalive;
	rc = attach_keys(o->detach_keys, &cfg, &o->keys);
	config_free(&cfg);
	if (rc < 0)
		return EXIT_SBX;
	if (target_reach(name, o->token_file, o->ca_file, &t, &token) < 0)
		return EXIT_SBX;
	o->ca_file = t.ca_file;
	rc = o->raw ? exec_attached(name, &t, token, req, o) : run_exec(t.url, token, req, o);
	free(token);
	target_free(&t);
	return rc;
}

/* On many targets: the same command everywhere, no terminal of ours. */
static int exec_many(const struct cmd_entry *cmd, char *targets, struct exec_opts *o,
		     struct msg_exec *req)
{
	struct config cfg;
	char err[1024];
	int rc;

	if (req->tty && o->interactive)
		return cmd_usage_error(cmd, "-it is for one target: on many, give -t or -i alone");
	if (o->interactive + !!o->stdin_file + !!o->stdin_data > 1)
		return cmd_usage_error(cmd, "give one of -i, --stdin-file and --stdin-data");
	if (o->stream && o->json)
		return cmd_usage_error(cmd, "give --stream or --json, not both");
	if (o->show_time)
		return cmd_usage_error(cmd, "--time is for one target: on many, the table on stderr "
				       "gives each one's time");
	/* Each its own terminal, of the size given, else 24x80. */
	if (req->tty && !req->rows)
		req->rows = 24;
	if (req->tty && !req->cols)
		req->cols = 80;
	if (config_load(&cfg, NULL, err, sizeof err) < 0) {
		fprintf(stderr, "sbx: %s\n", err);
		return EXIT_SBX;
	}
	if (!o->keepalive)
		o->keepalive = cfg.keepalive;
	config_free(&cfg);
	o->in_fd = -1;
	if (o->interactive)
		o->in_fd = 0;
	if (o->stdin_file && (o->in_fd = open(o->stdin_file, O_RDONLY | O_CLOEXEC)) < 0) {
		fprintf(stderr, "sbx: cannot read --stdin-file %s: %s\n", o->stdin_file,
			strerror(errno));
		return EXIT_SBX;
	}
	req->env = o->env.v;
	req->nenv = o->env.n;
	rc = fanout_run(&targets, *targets ? 1 : 0, o, req);
	if (o->in_fd > 0)
		close(o->in_fd);
	return rc;
}

/* After the options: TARGET and the command, then run it. */
static int exec_finish(const struct cmd_entry *cmd, int argc, char **argv, int shell,
		       struct exec_opts *o, struct msg_exec *req, char **shell_args)
{
	argv += optind;
	argc -= optind;
	/* --all names the targets itself: what follows is the command. */
	if (o->all) {
		argv--, argc++;
		argv[0] = "";
	}
	if (argc < 1)
		return cmd_usage_error(cmd, "missing TARGET");
	if (argc > 1 && strcmp(argv[1], "--") == 0) {
		argv[1] = argv[0];
		argv++, argc--;
	}
	if (argc < 2)
		return cmd_usage_error(cmd, shell ? "missing SCRIPT" : "missing CMD");
	if (shell) {
		if (argc > 2)
			return cmd_usage_error(cmd, "give the script as one argument, quoted");
		shell_args[1] = argv[1];
		req->cmd = "/bin/sh";
		req->args = shell_args;
		req->nargs = 2;
	} else {
		req->cmd = argv[1];
		req->args = argv + 2;
		req->nargs = (size_t)argc - 2;
	}
	if ((req->rows || req->cols) && !req->tty)
		return cmd_usage_error(cmd, "--rows and --cols need -t");
	if (o->all || target_is_many(argv[0]))
		return exec_many(cmd, argv[0], o, req);
	if (o->parallel || o->stream || o->color != -1)
		return cmd_usage_error(cmd, "--parallel, --stream and --color are for many targets "
				       "(a,b, @GROUP or --all)");
	if (req->tty)
		tty_default_size(req, o);
	o->raw = req->tty && o->interactive && isatty(0);
	if (o->interactive + !!o->stdin_file + !!o->stdin_data > 1)
		return cmd_usage_error(cmd, "give one of -i, --stdin-file and --stdin-data");
	/* -i reads a dup, because lws closes what it adopts; it stays
	 * blocking, as stdin may share its file description with stdout. */
	o->in_fd = o->interactive ? dup(0) : -1;
	if (o->stdin_file && (o->in_fd = open(o->stdin_file, O_RDONLY | O_CLOEXEC)) < 0) {
		fprintf(stderr, "sbx: cannot read --stdin-file %s: %s\n", o->stdin_file,
			strerror(errno));
		return EXIT_SBX;
	}
	req->env = o->env.v;
	req->nenv = o->env.n;
	return exec_reach(argv[0], req, o);
}

/* Shared by exec and shell: options, then TARGET, then the command. */
static int rlimit_value(const char *s, int64_t *v)
{
	char *end;

	if (strcmp(s, "unlimited") == 0) {
		*v = -1;
		return 0;
	}
	if (*s < '0' || *s > '9')
		return -1;
	*v = strtoll(s, &end, 10);
	return *end == '\0' ? 0 : -1;
}

/* NAME=SOFT[:HARD] into req; a later one for the same NAME wins. */
static int rlimit_add(struct msg_exec *req, const char *spec, char *err, size_t errlen)
{
	char name[32], soft[32], hard[32];
	struct msg_rlimit l;
	size_t i;
	int n = sscanf(spec, "%31[^=]=%31[^:]:%31s", name, soft, hard);

	if (n < 2) {
		snprintf(err, errlen, "--rlimit \"%s\" is not NAME=SOFT[:HARD]", spec);
		return -1;
	}
	if ((l.resource = rlimit_from_name(name)) < 0) {
		snprintf(err, errlen, "unknown limit \"%s\"; the names are: %s", name, rlimit_names);
		return -1;
	}
	if (rlimit_value(soft, &l.soft) < 0 || rlimit_value(n == 3 ? hard : soft, &l.hard) < 0 ||
	    (l.hard != -1 && (l.soft == -1 || l.soft > l.hard))) {
		snprintf(err, errlen, "--rlimit %s: limits are numbers or \"unlimited\", soft <= hard",
			 spec);
		return -1;
	}
	for (i = 0; i < req->nrlimits && req->rlimits[i].resource != l.resource; i++)
		;
	req->rlimits[i] = l;
	if (i == req->nrlimits)
		req->nrlimits++;
	return 0;
}

static int size_option(const struct cmd_entry *cmd, uint16_t *v, const char *text)
{
	long n;

	if (number_parse(text, 1, 65535, &n) < 0)
		return cmd_usage_error(cmd, "\"%s\" is not a terminal size (1-65535)", text);
	*v = (uint16_t)n;
	return 0;
}


static int keepalive_option(const struct cmd_entry *cmd, struct exec_opts *o, const char *text)
{
	long n;

	if (number_parse(text, 1, 3600, &n) < 0)
		return cmd_usage_error(cmd, "--keepalive \"%s\": give whole seconds, 1 to 3600", text);
	o->keepalive = (unsigned)n;
	return 0;
}

/* KEY[:SUBDIR][:ro]; SUBDIR relative, without . or .. (the agent checks
 * again, and that it exists). */
static int mount_option(const struct cmd_entry *cmd, struct exec_opts *o, struct msg_exec *req,
			const char *text)
{
	struct msg_mount *m = &o->mounts[req->nmounts];
	char *s, *colon, *p;
	size_t n;

	if (req->nmounts == PROTO_MAX_MOUNTS)
		return cmd_usage_error(cmd, "at most %d --mount", PROTO_MAX_MOUNTS);
	s = o->mount_text[req->nmounts] = xstrdup(text);
	n = strlen(s);
	memset(m, 0, sizeof *m);
	if (n > 3 && strcmp(s + n - 3, ":ro") == 0)
		s[n - 3] = '\0', m->ro = 1;
	if ((colon = strchr(s, ':')))
		*colon = '\0', m->subdir = colon + 1;
	m->key = s;
	if (*s == '\0' || strchr(s, '/'))
		return cmd_usage_error(cmd, "--mount %s: give KEY[:SUBDIR][:ro], KEY a disk's name", text);
	for (p = m->subdir; p && *p; p += n + (p[n] == '/')) {
		n = strcspn(p, "/");
		if (*m->subdir == '/' || (n == 1 && *p == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return cmd_usage_error(cmd, "--mount %s: SUBDIR must be relative, without . or ..",
					       text);
	}
	if (m->subdir && *m->subdir == '\0')
		return cmd_usage_error(cmd, "--mount %s: empty SUBDIR", text);
	req->mounts = o->mounts;
	req->nmounts++;
	return 0;
}

static int bad_duration(const struct cmd_entry *cmd, const char *text)
{
	return cmd_usage_error(cmd, "\"%s\" is not a duration (500ms, 30s, 5m, 1h)", text);
}

/* One option into o and req: 0, 1 when --help was shown, or an exit
 * status for a bad one (its message printed). */
void exec_opts_free(struct exec_opts *o)
{
	envlist_free(&o->env);
	for (size_t i = 0; i < PROTO_MAX_MOUNTS; i++)
		free(o->mount_text[i]);
}

int exec_option(const struct cmd_entry *cmd, int c, char **argv, struct exec_opts *o,
		struct msg_exec *req)
{
	char err[300];

	switch (c) {
	case 'i':
		o->interactive = 1;
		return 0;
	case OPT_TOKEN_FILE:
		o->token_file = optarg;
		return 0;
	case OPT_CA_FILE:
		o->ca_file = optarg;
		return 0;
	case OPT_STDIN_FILE:
		o->stdin_file = optarg;
		return 0;
	case OPT_STDIN_DATA:
		o->stdin_data = optarg;
		return 0;
	case 'w':
		req->cwd = optarg;
		return 0;
	case 'u':
		req->user = optarg;
		return 0;
	case 't':
		req->tty = 1;
		return 0;
	case OPT_ROWS:
	case OPT_COLS:
		return size_option(cmd, c == OPT_ROWS ? &req->rows : &req->cols, optarg);
	case 'e':
	case OPT_ENV_FILE:
		if ((c == 'e' ? envlist_add(&o->env, optarg, err, sizeof err)
			      : envlist_load(&o->env, optarg, err, sizeof err)) < 0)
			return cmd_usage_error(cmd, "%s", err);
		return 0;
	case OPT_TIMEOUT:
		o->timeout_text = optarg;
		return duration_parse(optarg, &req->timeout_ms) < 0 ? bad_duration(cmd, optarg) : 0;
	case OPT_KILL_GRACE:
		if (duration_parse(optarg, &req->kill_grace_ms) < 0)
			return bad_duration(cmd, optarg);
		/* 0 on the wire means the default grace: ask for 1 ms, which
		 * is what "--kill-grace 0" means to a user. */
		if (req->kill_grace_ms == 0)
			req->kill_grace_ms = 1;
		return 0;
	case OPT_TIME:
		o->show_time = 1;
		return 0;
	case OPT_KEEPALIVE:
		return keepalive_option(cmd, o, optarg);
	case OPT_MOUNT:
		return mount_option(cmd, o, req, optarg);
	case OPT_JSON:
		o->json = 1;
		return 0;
	case OPT_OUTPUT_LIMIT:
		if (size_parse(optarg, &req->output_limit) < 0 || req->output_limit == 0)
			return cmd_usage_error(cmd, "\"%s\" is not a size (4096, 128K, 1M)", optarg);
		return 0;
	case OPT_RLIMIT:
		return rlimit_add(req, optarg, err, sizeof err) < 0 ? cmd_usage_error(cmd, "%s", err) : 0;
	case OPT_DETACH_KEYS:
		o->detach_keys = optarg;
		return 0;
	case OPT_RECONNECT:
		o->reconnect_given = 1;
		return duration_parse(optarg, &o->reconnect_ms) < 0 ? bad_duration(cmd, optarg) : 0;
	case OPT_ALL:
		o->all = 1;
		return 0;
	case OPT_STREAM:
		o->stream = 1;
		return 0;
	case OPT_TIMESTAMPS:
		o->timestamps = 1;
		return 0;
	case OPT_PARALLEL: {
		long n;
		if (number_parse(optarg, 1, 100000, &n) < 0)
			return cmd_usage_error(cmd, "--parallel \"%s\": give a number of targets, 1 or more",
					       optarg);
		o->parallel = (unsigned)n;
		return 0;
	}
	case OPT_COLOR:
		if ((o->color = merge_color_arg(optarg)) == -2)
			return cmd_usage_error(cmd, "--color \"%s\": give auto, always or never", optarg);
		return 0;
	case 'h':
		cmd_help(cmd);
		return 1;
	default:
		return cmd_bad_option(cmd, c, argv);
	}
}

static int exec_main(const struct cmd_entry *cmd, int argc, char **argv, int shell)
{
	struct exec_opts o = {.reconnect_ms = ATTACH_RECONNECT_MS, .color = -1};
	struct msg_exec req = {0};
	char *shell_args[] = {"-c", NULL, NULL};
	int c, rc = 0;

	while (rc == 0 && (c = cmd_getopt(cmd, argc, argv)) != -1)
		rc = exec_option(cmd, c, argv, &o, &req);
	if (rc == 0)
		rc = exec_finish(cmd, argc, argv, shell, &o, &req, shell_args);
	else if (rc == 1)
		rc = 0; /* --help */
	exec_opts_free(&o);
	return rc;
}

static int exec_cmd(const struct cmd_entry *cmd, int argc, char **argv)
{
	return exec_main(cmd, argc, argv, 0);
}

static int shell_cmd(const struct cmd_entry *cmd, int argc, char **argv)
{
	return exec_main(cmd, argc, argv, 1);
}

static const char exit_details[] =
	"Exit status: the command's own; 128+N when it died of signal N; 124 when\n"
	"it timed out; 127 when it was not found; 126 when it could not be\n"
	"executed; 125 for sbx's own errors (cannot connect, token refused, bad\n"
	"option). Ctrl-C sends SIGINT to the remote process group, a second\n"
	"Ctrl-C sends SIGKILL. TARGET is a sandbox's name (local, or from\n"
	"sbx.conf(5)), unix:PATH, ws://HOST:PORT or wss://HOST:PORT.\n"
	"\n"
	"On many targets (TARGET,TARGET..., @GROUP, --all) the command runs on each\n"
	"at once; each one's output is printed under ==> NAME <== when it ends\n"
	"(--stream: NAME | line as it comes; --json: one object per target), then\n"
	"a table of how each ended on stderr. Exit status: the number of targets\n"
	"that failed (did not exit 0, or could not be reached), at most 123.\n";

const struct cmd_entry cmd_exec_entry = {
	.name = "exec",
	.usage = "[OPTIONS] TARGET [--] CMD [ARG...]",
	.summary = "Run CMD on TARGET; its stdout, stderr and exit status are ours.",
	.details = exit_details,
	.opts = exec_opts,
	.exec = exec_cmd,
};

const struct cmd_entry cmd_shell_entry = {
	.name = "shell",
	.usage = "[OPTIONS] TARGET [--] SCRIPT",
	.summary = "Run SCRIPT with /bin/sh -c on TARGET, as exec does.",
	.details = exit_details,
	.opts = exec_opts,
	.exec = shell_cmd,
};
