/*
 * fanout.c: `sbx exec` and `sbx shell` on many targets (a list, @GROUP,
 * --all). Each target's output is kept and printed as a block under its
 * name once it ends (stdout to ours, stderr to ours), or with --stream as
 * prefixed lines as they come (merge.c), or with --json as one object per
 * target; then a summary table on stderr. The exit status counts the
 * targets that failed, at most 123, as parallel(1) does.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "b64.h"
#include "fanout.h"
#include "fdio.h"
#include "fleet.h"
#include "merge.h"
#include "target.h"
#include "units.h"
#include "xmalloc.h"

/* Input read once for every target. */
#define FANOUT_STDIN_MAX (64 * 1024 * 1024)

struct fanout {
	struct fleet f;
	struct merge g;   /* --stream */
	int stream, json;
	struct outbuf *kept; /* stdout and stderr of each, 2 per member */
	size_t printed;      /* blocks so far */
	int broken;
};

static void fanout_output(struct member *m, enum frame_kind kind, const uint8_t *data, size_t len)
{
	struct fanout *u = m->f->arg;

	if (u->stream)
		merge_output(&u->g, m, kind, data, len);
	else
		outbuf_append(&u->kept[2 * m->index + (kind == FRAME_STDERR)], data, len);
}

static void fanout_notice(struct member *m, enum fleet_notice what, const char *text)
{
	struct fanout *u = m->f->arg;

	(void)what;
	if (u->stream)
		merge_notice(&u->g, m, text);
	else if (!u->json)
		fprintf(stderr, "sbx: %s: %s\n", m->name, text);
}

/* "exit 0", "signal KILL", "timed out", "failed". */
static void status_text(const struct member *m, char *buf, size_t len)
{
	if (m->why[0] && !m->ran)
		snprintf(buf, len, "failed");
	else if (m->exited.timed_out)
		snprintf(buf, len, "timed out");
	else if (m->signo)
		snprintf(buf, len, "signal %s", sigabbrev_np(m->signo));
	else if (m->why[0])
		snprintf(buf, len, "lost");
	else
		snprintf(buf, len, "exit %d", m->status);
}

static double member_secs(const struct member *m)
{
	return m->t1 > m->t0 ? (m->t1 - m->t0) / 1000 : 0;
}

static void write_out(struct fanout *u, int fd, const void *p, size_t n)
{
	if (n && !u->broken && fd_write_all(fd, p, n) < 0 && errno == EPIPE && fd == 1)
		u->broken = 1;
}

static void block_print(struct fanout *u, struct member *m)
{
	struct outbuf *out = &u->kept[2 * m->index], *err = out + 1;
	char head[600], st[64];
	int n;

	status_text(m, st, sizeof st);
	n = snprintf(head, sizeof head, "%s==> %s <== %s, %.2fs%s%s\n", u->printed++ ? "\n" : "",
		     m->name, st, member_secs(m), m->why[0] ? ": " : "", m->why);
	write_out(u, 1, head, (size_t)n);
	write_out(u, 1, out->p, out->len);
	if (out->len && out->p[out->len - 1] != '\n')
		write_out(u, 1, "\n", 1);
	write_out(u, 2, err->p, err->len);
	if (err->len && err->p[err->len - 1] != '\n')
		write_out(u, 2, "\n", 1);
	if (m->exited.stdout_dropped)
		fprintf(stderr, "sbx: %s: stdout: %llu bytes dropped past --output-limit\n", m->name,
			(unsigned long long)m->exited.stdout_dropped);
	if (m->exited.stderr_dropped)
		fprintf(stderr, "sbx: %s: stderr: %llu bytes dropped past --output-limit\n", m->name,
			(unsigned long long)m->exited.stderr_dropped);
	outbuf_free(out);
	outbuf_free(err);
}

static void json_print(struct fanout *u, struct member *m)
{
	struct outbuf *out = &u->kept[2 * m->index], *err = out + 1;
	json_t *o = json_pack("{s:s,s:i,s:b,s:f}", "sandbox", m->name, "status", m->status,
			      "ran", m->ran, "duration_ms", member_secs(m) * 1000);
	char *s;

	json_object_set_new(o, "code", m->ran && !m->signo && !m->why[0]
				       ? json_integer(m->exited.code) : json_null());
	json_object_set_new(o, "signal", m->signo ? json_string(sigabbrev_np(m->signo)) : json_null());
	json_object_set_new(o, "timed_out", json_boolean(m->exited.timed_out));
	b64_json_set(o, "stdout", "stdout_encoding", (const uint8_t *)out->p, out->len);
	b64_json_set(o, "stderr", "stderr_encoding", (const uint8_t *)err->p, err->len);
	json_object_set_new(o, "stdout_bytes", json_integer((json_int_t)m->bytes[0]));
	json_object_set_new(o, "stderr_bytes", json_integer((json_int_t)m->bytes[1]));
	json_object_set_new(o, "stdout_dropped", json_integer((json_int_t)m->exited.stdout_dropped));
	json_object_set_new(o, "stderr_dropped", json_integer((json_int_t)m->exited.stderr_dropped));
	json_object_set_new(o, "error", m->why[0] ? json_string(m->why) : json_null());
	s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(9));
	write_out(u, 1, s, strlen(s));
	write_out(u, 1, "\n", 1);
	free(s);
	json_decref(o);
	outbuf_free(out);
	outbuf_free(err);
}

static void fanout_ended(struct member *m)
{
	struct fanout *u = m->f->arg;

	if (u->stream)
		merge_end(&u->g, m);
	else if (u->json)
		json_print(u, m);
	else
		block_print(u, m);
	if (u->broken || u->g.broken)
		fleet_stop(&u->f);
}

static const struct fleet_ops fanout_ops = {
	.output = fanout_output,
	.notice = fanout_notice,
	.ended = fanout_ended,
};

/* The table after the blocks: how each ended, in the order given. */
static void summary_print(const struct fleet *f)
{
	size_t w = fleet_width(f);
	char st[64], bytes[32];

	if (w < 7)
		w = 7;
	fprintf(stderr, "\n%-*s  %-12s %9s %9s  %s\n", (int)w, "SANDBOX", "STATUS", "TIME", "OUT",
		"ERROR");
	for (size_t i = 0; i < f->n; i++) {
		const struct member *m = &f->m[i];

		status_text(m, st, sizeof st);
		size_format(m->bytes[0] + m->bytes[1], bytes, sizeof bytes);
		fprintf(stderr, "%-*s  %-12s %8.2fs %9s  %s\n", (int)w, m->name, st, member_secs(m),
			bytes, m->why);
	}
}

/* What every target reads: --stdin-data, or --stdin-file or -i's stdin
 * read once, whole, when some targets wait their turn (--parallel) and
 * would need it from its start. -1 after printing why not. */
static int stdin_load(const struct exec_opts *o, struct outbuf *in)
{
	char buf[65536];
	ssize_t n;

	if (o->stdin_data) {
		outbuf_append(in, o->stdin_data, strlen(o->stdin_data));
		return 0;
	}
	if (o->in_fd < 0)
		return 0;
	while ((n = read(o->in_fd, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "sbx: cannot read %s: %s\n",
				o->stdin_file ? o->stdin_file : "stdin", strerror(errno));
			return -1;
		}
		if (in->len + (size_t)n > FANOUT_STDIN_MAX) {
			fprintf(stderr, "sbx: %s is over 64 MiB: for targets that wait their turn "
				"(--parallel), input is read first, whole\n",
				o->stdin_file ? o->stdin_file : "stdin");
			return -1;
		}
		outbuf_append(in, buf, (size_t)n);
	}
	/* Something to point at, even when empty: the commands get EOF. */
	outbuf_append(in, "", 0);
	return 0;
}

int fanout_run(char **args, size_t nargs, struct exec_opts *o, const struct msg_exec *req)
{
	struct fanout u = {.stream = o->stream, .json = o->json};
	struct outbuf in = {0};
	char **names = NULL;
	size_t n = 0, failed = 0;
	int rc = EXIT_SBX;

	if (target_expand(args, nargs, o->all, &names, &n) < 0)
		goto out;
	/* All at once, every target takes stdin as it comes (feed.c). */
	if (o->in_fd >= 0 && (o->parallel == 0 || o->parallel >= n)) {
		/* A dup: the loop closes what it reads. */
		if ((u.f.stdin_fd = dup(o->in_fd)) < 0) {
			fprintf(stderr, "sbx: cannot read stdin: %s\n", strerror(errno));
			goto out;
		}
		u.f.stdin_stream = 1;
	} else if (stdin_load(o, &in) < 0) {
		goto out;
	}
	if (fleet_init(&u.f, names, n, o->token_file, o->ca_file) < 0)
		goto out;
	u.kept = xcalloc(2 * n, sizeof *u.kept);
	u.f.req = req;
	u.f.stdin_data = in.p;
	u.f.stdin_len = in.len;
	u.f.parallel = o->parallel;
	u.f.reconnect_ms = o->reconnect_ms;
	u.f.keepalive = o->keepalive;
	/* Compressed output is cheap to read, but our stdin would be
	 * compressed too: 100 MB of it took 5.6 s to two targets, 1.2 s
	 * without. */
	u.f.deflate = o->in_fd < 0;
	u.f.ops = &fanout_ops;
	u.f.arg = &u;
	merge_init(&u.g, &u.f, o->color, 0, 0);
	if (fleet_run(&u.f) < 0)
		goto out;
	if (u.stream)
		merge_flush(&u.g);
	if (!u.json)
		summary_print(&u.f);
	for (size_t i = 0; i < n; i++)
		failed += u.f.m[i].status != 0;
	rc = u.broken || u.g.broken ? 128 + SIGPIPE
	     : u.f.signo	  ? 128 + u.f.signo
	     : failed > 123	  ? 123
				  : (int)failed;
out:
	if (u.g.mm)
		merge_free(&u.g);
	for (size_t i = 0; u.kept && i < 2 * n; i++)
		outbuf_free(&u.kept[i]);
	free(u.kept);
	outbuf_free(&in);
	if (u.f.stdin_stream && u.f.stdin_fd >= 0)
		close(u.f.stdin_fd);
	fleet_free(&u.f);
	target_names_free(names, n);
	return rc;
}
