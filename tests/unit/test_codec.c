/*
 * test_codec.c: control messages. Every message type survives msg_encode
 * then msg_decode with every field intact, literal JSON decodes to the
 * fields it spells, and every malformed message is refused with the error
 * code PROTOCOL.md (sections 3 and 6) gives it. Data frames, UTF-8 and
 * names have their own files.
 *
 * JSON in the tables is written with ' for " to spare the backslashes;
 * rows marked raw are used byte for byte instead.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "unit.h"

#define TO_A DIR_TO_AGENT
#define TO_C DIR_TO_CLIENT

/* A malloc'd, exact-size copy of s with ' turned into ", unless raw. */
static char *json_dup(const char *s, size_t len, int raw)
{
	char *b = (char *)buf_dup(s, len);

	for (size_t i = 0; i < len && !raw; i++)
		if (b[i] == '\'')
			b[i] = '"';
	return b;
}

static int union_is_zero(const struct msg *m)
{
	static const unsigned char zero[sizeof m->u];

	return memcmp(&m->u, zero, sizeof zero) == 0;
}

/* Comparing two messages field by field. */

static void str_assert_equal(const char *field, const char *want, const char *got)
{
	if (want == NULL && got == NULL)
		return;
	if (want == NULL || got == NULL || strcmp(want, got) != 0)
		fail_msg("%s: want \"%s\", got \"%s\"", field, want ? want : "(null)",
			 got ? got : "(null)");
}

static void strv_assert_equal(const char *field, char *const *want, size_t nwant,
			      char *const *got, size_t ngot)
{
	if (nwant != ngot)
		fail_msg("%s: want %zu entries, got %zu", field, nwant, ngot);
	assert_non_null(got);
	for (size_t i = 0; i < nwant; i++)
		str_assert_equal(field, want[i], got[i]);
	assert_null(got[nwant]);
}

static void ms_assert_equal(const char *field, double want, double got)
{
	if (want != got)
		fail_msg("%s: want %.17g, got %.17g", field, want, got);
}

static void hello_assert_equal(const struct msg_hello *w, const struct msg_hello *g)
{
	assert_int_equal(w->version, g->version);
	str_assert_equal("software", w->software, g->software);
	assert_int_equal(w->max_frame, g->max_frame);
	assert_int_equal(w->max_execs, g->max_execs);
	assert_int_equal(w->window, g->window);
	str_assert_equal("instance", w->instance, g->instance);
}

static void exec_assert_equal(const struct msg_exec *w, const struct msg_exec *g)
{
	str_assert_equal("cmd", w->cmd, g->cmd);
	/* args is never NULL after decode, so the agent can build argv
	 * without a check; env may be NULL when there is none. */
	strv_assert_equal("args", w->args, w->nargs, g->args, g->nargs);
	str_assert_equal("cwd", w->cwd, g->cwd);
	if (w->nenv == 0) {
		assert_int_equal(g->nenv, 0);
		assert_true(g->env == NULL || g->env[0] == NULL);
	} else {
		strv_assert_equal("env", w->env, w->nenv, g->env, g->nenv);
	}
	assert_int_equal(w->stdin_mode, g->stdin_mode);
	assert_int_equal(w->session, g->session);
	assert_int_equal(w->linger_ms, g->linger_ms);
	assert_int_equal(w->stamps, g->stamps);
	assert_int_equal(w->nmounts, g->nmounts);
	for (size_t i = 0; i < w->nmounts; i++) {
		str_assert_equal("mount key", w->mounts[i].key, g->mounts[i].key);
		str_assert_equal("mount subdir", w->mounts[i].subdir, g->mounts[i].subdir);
		assert_int_equal(w->mounts[i].ro, g->mounts[i].ro);
	}
}

static void exited_assert_equal(const struct msg_exited *w, const struct msg_exited *g)
{
	assert_int_equal(w->code, g->code);
	assert_int_equal(w->signo, g->signo);
	assert_int_equal(w->core_dumped, g->core_dumped);
	assert_int_equal(w->timed_out, g->timed_out);
	ms_assert_equal("total_ms", w->total_ms, g->total_ms);
	ms_assert_equal("queue_ms", w->queue_ms, g->queue_ms);
	ms_assert_equal("execute_ms", w->execute_ms, g->execute_ms);
	assert_int_equal(w->stdout_bytes, g->stdout_bytes);
	assert_int_equal(w->stderr_bytes, g->stderr_bytes);
}

static void failed_assert_equal(const struct msg_failed *w, const struct msg_failed *g)
{
	assert_int_equal(w->kind, g->kind);
	assert_int_equal(w->err, g->err);
	str_assert_equal("stage", w->stage, g->stage);
	str_assert_equal("message", w->message, g->message);
}

static void msg_assert_equal(const struct msg *w, const struct msg *g)
{
	if (w->type != g->type)
		fail_msg("type: want %s, got %s", msg_type_name(w->type),
			 msg_type_name(g->type));
	assert_int_equal(w->id, g->id);
	switch (w->type) {
	case MSG_HELLO:
		hello_assert_equal(&w->u.hello, &g->u.hello);
		break;
	case MSG_EXEC:
		exec_assert_equal(&w->u.exec, &g->u.exec);
		break;
	case MSG_SIGNAL:
		assert_int_equal(w->u.signal.signo, g->u.signal.signo);
		break;
	case MSG_STARTED:
		assert_int_equal(w->u.started.pid, g->u.started.pid);
		assert_int_equal(w->u.started.exec, g->u.started.exec);
		break;
	case MSG_EXECS:
		assert_int_equal(w->u.execs.n, g->u.execs.n);
		for (size_t i = 0; i < w->u.execs.n; i++) {
			const struct msg_exec_info *a = &w->u.execs.v[i], *b = &g->u.execs.v[i];
			assert_int_equal(a->exec, b->exec);
			assert_int_equal(a->pid, b->pid);
			str_assert_equal("cmd", a->cmd, b->cmd);
			strv_assert_equal("args", a->args, a->nargs, b->args, b->nargs);
			assert_int_equal(a->started_at_ms, b->started_at_ms);
			assert_int_equal(a->tty, b->tty);
			str_assert_equal("via", a->via, b->via);
			assert_int_equal(a->session, b->session);
			assert_int_equal(a->attached, b->attached);
			assert_int_equal(a->rows, b->rows);
			assert_int_equal(a->cols, b->cols);
			assert_int_equal(a->exited, b->exited);
			assert_int_equal(a->code, b->code);
			assert_int_equal(a->signo, b->signo);
			assert_int_equal(a->ended_at_ms, b->ended_at_ms);
		}
		break;
	case MSG_SIGNAL_EXEC:
	case MSG_SIGNALED:
		assert_int_equal(w->u.signal_exec.exec, g->u.signal_exec.exec);
		assert_int_equal(w->u.signal_exec.signo, g->u.signal_exec.signo);
		assert_int_equal(w->u.signal_exec.pid, g->u.signal_exec.pid);
		break;
	case MSG_WINDOW:
		assert_int_equal(w->u.window.bytes, g->u.window.bytes);
		break;
	case MSG_ATTACH:
		assert_memory_equal(&w->u.attach, &g->u.attach, sizeof w->u.attach);
		break;
	case MSG_STAMP:
		assert_int_equal(w->u.stamp.ts_ms, g->u.stamp.ts_ms);
		break;
	case MSG_ATTACHED:
		assert_memory_equal(&w->u.attached, &g->u.attached, sizeof w->u.attached);
		break;
	case MSG_RESIZE:
		assert_int_equal(w->u.resize.rows, g->u.resize.rows);
		assert_int_equal(w->u.resize.cols, g->u.resize.cols);
		break;
	case MSG_EXITED:
		exited_assert_equal(&w->u.exited, &g->u.exited);
		break;
	case MSG_FAILED:
		failed_assert_equal(&w->u.failed, &g->u.failed);
		break;
	case MSG_ERROR:
		assert_int_equal(w->u.error.code, g->u.error.code);
		str_assert_equal("message", w->u.error.message, g->u.error.message);
		break;
	default: /* stdin_close, kill: type and id are all they carry */
		break;
	}
}

/* Round trips: encode, then decode in each direction the type travels. */

struct rt_row {
	const char *name;
	struct msg m;
};

static const struct rt_row rt_rows[] = {
	{"hello from client", {.type = MSG_HELLO, .u.hello = {1, "sbx/0.1.0", 0, 0, 0, NULL}}},
	{"hello from agent", {.type = MSG_HELLO,
		.u.hello = {1, "sbx-agent/0.1.0", PROTO_MAX_FRAME, PROTO_MAX_EXECS, 0, NULL}}},
	{"hello limits at 2^32-1", {.type = MSG_HELLO,
		.u.hello = {1, "x", UINT32_MAX, UINT32_MAX, 0, NULL}}},
	{"hello without software", {.type = MSG_HELLO, .u.hello = {1, NULL, 0, 7, 0, NULL}}},
	{"exec of a session", {.type = MSG_EXEC, .id = 1, .u.exec = {
		.cmd = "sh", .args = (char *[]){NULL}, .tty = 1, .rows = 24, .cols = 80,
		.stdin_mode = STDIN_PIPE, .session = 1}}},
	{"exec of a session without a terminal, lingering, stamped", {.type = MSG_EXEC, .id = 1,
		.u.exec = {.cmd = "tail", .args = (char *[]){"-F", "log", NULL}, .nargs = 2,
			   .session = 1, .linger_ms = 40000, .stamps = 1}}},
	{"exec with args cwd env stdin pipe", {.type = MSG_EXEC, .id = 1, .u.exec = {
		.cmd = "/bin/sh",
		.args = (char *[]){"-c", "echo \"$X\" 'q' \\ done", "",
				   "h\xc3\xa9llo \xe2\x9c\x93 \xf0\x9f\x98\x80", NULL},
		.nargs = 4,
		.cwd = "/tmp/some dir",
		.env = (char *[]){"X=1", "EMPTY=", "EQ=a=b=c", "PATH=/usr/bin:/bin", NULL},
		.nenv = 4,
		.stdin_mode = STDIN_PIPE}}},
	{"exec with two mounts", {.type = MSG_EXEC, .id = 2, .u.exec = {.cmd = "ls",
		.args = (char *[]){NULL}, .mounts = (struct msg_mount[]){{"logs", "a/b", 1},
		{"data", NULL, 0}}, .nmounts = 2}}},
	{"exec bare", {.type = MSG_EXEC, .id = 2, .u.exec = {
		.cmd = "true", .args = (char *[]){NULL}, .stdin_mode = STDIN_NULL}}},
	{"exec control characters in args", {.type = MSG_EXEC, .id = 3, .u.exec = {
		.cmd = "printf",
		.args = (char *[]){"tab\there", "nl\nx", "\x01\x1f", "\x7f", "\"\\/", NULL},
		.nargs = 5}}},
	{"exec id 2^32-1", {.type = MSG_EXEC, .id = UINT32_MAX, .u.exec = {
		.cmd = "x", .args = (char *[]){NULL}, .stdin_mode = STDIN_PIPE}}},
	{"stdin_close", {.type = MSG_STDIN_CLOSE, .id = 3}},
	{"stdin_close id 2^32-1", {.type = MSG_STDIN_CLOSE, .id = UINT32_MAX}},
	{"signal INT", {.type = MSG_SIGNAL, .id = 4, .u.signal = {SIGINT}}},
	{"signal 1", {.type = MSG_SIGNAL, .id = 4, .u.signal = {1}}},
	{"signal 64", {.type = MSG_SIGNAL, .id = 4, .u.signal = {64}}},
	{"kill", {.type = MSG_KILL, .id = 5}},
	{"window 1", {.type = MSG_WINDOW, .id = 5, .u.window = {1}}},
	{"started with its exec number", {.type = MSG_STARTED, .id = 5, .u.started = {42, 7}}},
	{"list", {.type = MSG_LIST, .id = 9}},
	{"resize", {.type = MSG_RESIZE, .id = 9, .u.resize = {50, 132}}},
	{"resize at the limits", {.type = MSG_RESIZE, .id = 9, .u.resize = {65535, 1}}},
	{"execs, none", {.type = MSG_EXECS, .id = 9, .u.execs = {(struct msg_exec_info[]){{0}}, 0}}},
	{"execs, two", {.type = MSG_EXECS, .id = 9, .u.execs = {(struct msg_exec_info[]){
		{1, 100, "sleep", (char *[]){"30", NULL}, 1, 1796155063512, 0, "ws", 0, 0, 0, 0, 0, 0, 0, 0},
		{UINT32_MAX, INT32_MAX, "sh", (char *[]){NULL}, 0, 0, 1, "http", 0, 0, 0, 0, 0, 0, 0, 0}}, 2}}},
	{"execs, a running and an exited session", {.type = MSG_EXECS, .id = 9, .u.execs = {(struct msg_exec_info[]){
		{3, 100, "bash", (char *[]){NULL}, 0, 1796155063512, 1, "ws", 1, 2, 40, 120, 0, 0, 0, 0},
		{4, 101, "vi", (char *[]){"x", NULL}, 1, 1796155063512, 1, "ws", 1, 0, 24, 80, 1, 0, 9,
		 1796155069999}}, 2}}},
	{"attach, fresh", {.type = MSG_ATTACH, .id = 2, .u.attach = {7, 24, 80, 0, 0, 0, 0}}},
	{"attach, read-only, its size not given", {.type = MSG_ATTACH, .id = 2, .u.attach = {7, 0, 0, 1, 0, 0, 0}}},
	{"attach, resuming at 0", {.type = MSG_ATTACH, .id = 2, .u.attach = {7, 24, 80, 0, 1, 0, 0}}},
	{"attach, resuming far on", {.type = MSG_ATTACH, .id = 2, .u.attach = {UINT32_MAX, 65535, 65535, 0, 1, INT64_MAX, 0}}},
	{"attached", {.type = MSG_ATTACHED, .id = 2, .u.attached = {7, 4242, 123456, 0, 999, 24, 80, 123456, 0, 0, 0}}},
	{"attached after a loss", {.type = MSG_ATTACHED, .id = 2, .u.attached = {7, 4242, 1 << 30, 5000, 10, 1, 1, 1 << 30, 0, 0, 0}}},
	{"attached to a session without a terminal", {.type = MSG_ATTACHED, .id = 2,
		.u.attached = {9, 4242, 1000, 0, 0, 0, 0, 600, 400, 0, 0}}},
	{"attached with the stdin given so far", {.type = MSG_ATTACHED, .id = 2,
		.u.attached = {9, 4242, 1000, 0, 0, 0, 0, 600, 400, 777, 1}}},
	{"attach with stamps", {.type = MSG_ATTACH, .id = 2, .u.attach = {7, 0, 0, 0, 1, 77, 1}}},
	{"stamp", {.type = MSG_STAMP, .id = 2, .u.stamp = {1796155063512}}},
	{"stamp at 0", {.type = MSG_STAMP, .id = UINT32_MAX, .u.stamp = {0}}},
	{"hello from an agent naming its run", {.type = MSG_HELLO,
		.u.hello = {1, "sbx-agent/0.1.0", 1048576, 256, 0, "0123456789abcdef"}}},
	{"detach", {.type = MSG_DETACH, .id = 2}},
	{"detached", {.type = MSG_DETACHED, .id = 2}},
	{"signal_exec", {.type = MSG_SIGNAL_EXEC, .id = 3, .u.signal_exec = {17, SIGTERM, 0}}},
	{"signaled", {.type = MSG_SIGNALED, .id = 3, .u.signal_exec = {17, 0, 4242}}},
	{"window at the largest grant", {.type = MSG_WINDOW, .id = 5, .u.window = {PROTO_MAX_WINDOW}}},
	{"hello from client with a window", {.type = MSG_HELLO,
		.u.hello = {1, "sbx/0.1.0", 0, 0, PROTO_STDIN_WINDOW, NULL}}},
	{"kill id 2^32-1", {.type = MSG_KILL, .id = UINT32_MAX}},
	{"started", {.type = MSG_STARTED, .id = 6, .u.started = {.pid = 1234}}},
	{"started pid 1", {.type = MSG_STARTED, .id = 6, .u.started = {.pid = 1}}},
	{"started pid 2^31-1", {.type = MSG_STARTED, .id = 6, .u.started = {.pid = INT32_MAX}}},
	{"exited code 0 with timing", {.type = MSG_EXITED, .id = 7, .u.exited = {
		.code = 0, .total_ms = 12.5, .queue_ms = 0.25, .execute_ms = 12.25,
		.stdout_bytes = 100, .stderr_bytes = 0}}},
	{"exited code 255 timed out", {.type = MSG_EXITED, .id = 7, .u.exited = {
		.code = 255, .timed_out = 1, .total_ms = 30000, .execute_ms = 30000,
		.stderr_bytes = 17}}},
	{"exited by signal with core", {.type = MSG_EXITED, .id = 7, .u.exited = {
		.code = -1, .signo = SIGSEGV, .core_dumped = 1, .total_ms = 1.5,
		.queue_ms = 0.5, .execute_ms = 1}}},
	{"exited by signal 64 timed out", {.type = MSG_EXITED, .id = 7, .u.exited = {
		.code = -1, .signo = 64, .timed_out = 1}}},
	{"exited timing to the microsecond", {.type = MSG_EXITED, .id = 7, .u.exited = {
		.code = 1, .total_ms = 1234.567, .queue_ms = 0.001, .execute_ms = 3.142}}},
	{"exited byte counts 2^63-1", {.type = MSG_EXITED, .id = 7, .u.exited = {
		.code = 0, .stdout_bytes = INT64_MAX, .stderr_bytes = INT64_MAX - 1}}},
	{"failed without message", {.type = MSG_FAILED, .id = 8, .u.failed = {
		FAIL_SPAWN, EAGAIN, "fork", NULL}}},
	{"failed errno 0", {.type = MSG_FAILED, .id = 8, .u.failed = {
		FAIL_BAD_USER, 0, "setuid", "no such user"}}},
	{"failed errno 4095", {.type = MSG_FAILED, .id = 8, .u.failed = {
		FAIL_SPAWN, 4095, "exec", "?"}}},
	{"error with id", {.type = MSG_ERROR, .id = 9, .u.error = {
		PERR_UNKNOWN_EXEC, "no exec 9"}}},
	{"error empty message", {.type = MSG_ERROR, .u.error = {PERR_BAD_JSON, ""}}},
};

/* One failed row per kind and one error row per code, made in main(). */
static struct rt_row fail_rows[FAIL__COUNT];
static char fail_row_names[FAIL__COUNT][40];
static struct rt_row err_rows[PERR__COUNT];
static char err_row_names[PERR__COUNT][40];

static void rows_make(void)
{
	static const int errnos[FAIL__COUNT] = {ENOENT, EACCES, ENOTDIR, EPERM, ENOEXEC, ENOENT};
	static const char *const stages[FAIL__COUNT] = {"exec", "exec", "chdir", "setuid", "exec", "mount"};

	for (int k = 0; k < FAIL__COUNT; k++) {
		snprintf(fail_row_names[k], sizeof fail_row_names[k], "failed %s",
			 fail_kind_name((enum fail_kind)k));
		fail_rows[k] = (struct rt_row){fail_row_names[k], {.type = MSG_FAILED,
			.id = 10 + (uint32_t)k, .u.failed = {(enum fail_kind)k, errnos[k],
			(char *)stages[k], "it did not work"}}};
	}
	/* PERR_OK is no error to send; its row is in dec_rows. */
	for (int c = 1; c < PERR__COUNT; c++) {
		snprintf(err_row_names[c], sizeof err_row_names[c], "error %s",
			 proto_err_name((enum proto_err)c));
		err_rows[c] = (struct rt_row){err_row_names[c], {.type = MSG_ERROR,
			.id = (uint32_t)c % 2, .u.error = {(enum proto_err)c, "because"}}};
	}
}

static void decode_or_fail(const char *buf, size_t len, enum msg_dir dir, struct msg *m)
{
	struct proto_error e = {.code = PERR_OK};

	if (msg_decode(buf, len, dir, m, &e) < 0)
		fail_msg("decode of %.*s failed: %s: %s", (int)len, buf,
			 proto_err_name(e.code), e.message);
}

static void roundtrip_test(void **state)
{
	const struct rt_row *r = *state;
	enum msg_dir dirs = msg_type_dir(r->m.type);
	size_t before = heap_in_use(), len = 0;
	char *s = msg_encode(&r->m, &len);
	struct proto_error e;
	struct msg got;

	assert_non_null(s);
	assert_int_equal(len, strlen(s));
	for (enum msg_dir d = TO_A; d <= TO_C; d++) {
		if (dirs & d) {
			decode_or_fail(s, len, d, &got);
			msg_assert_equal(&r->m, &got);
			msg_free(&got);
			msg_free(&got); /* twice is harmless */
		} else {
			/* The same bytes are refused by the side that never gets them. */
			assert_int_equal(msg_decode(s, len, d, &got, &e), -1);
			assert_int_equal(e.code, PERR_UNKNOWN_TYPE);
			assert_true(union_is_zero(&got));
		}
	}
	free(s);
	assert_int_equal(heap_in_use(), before);
}

/* Literal JSON to fields: the spellings an encoder of ours never makes. */

struct dec_row {
	const char *name;
	const char *json;
	enum msg_dir dir;
	struct msg want;
};

static const struct dec_row dec_rows[] = {
	{"signal by name", "{'type':'signal','id':4,'signal':'INT'}", TO_A,
		{.type = MSG_SIGNAL, .id = 4, .u.signal = {SIGINT}}},
	{"signal by SIG name", "{'type':'signal','id':4,'signal':'SIGTERM'}", TO_A,
		{.type = MSG_SIGNAL, .id = 4, .u.signal = {SIGTERM}}},
	{"signal name in lower case", "{'type':'signal','id':4,'signal':'sigkill'}", TO_A,
		{.type = MSG_SIGNAL, .id = 4, .u.signal = {SIGKILL}}},
	{"signal number in a string", "{'type':'signal','id':4,'signal':'9'}", TO_A,
		{.type = MSG_SIGNAL, .id = 4, .u.signal = {9}}},
	{"signal HUP", "{'type':'signal','id':1,'signal':'HUP'}", TO_A,
		{.type = MSG_SIGNAL, .id = 1, .u.signal = {SIGHUP}}},
	{"exec with only cmd", "{'type':'exec','id':1,'cmd':'true'}", TO_A,
		{.type = MSG_EXEC, .id = 1, .u.exec = {.cmd = "true",
		 .args = (char *[]){NULL}, .stdin_mode = STDIN_NULL}}},
	{"exec stdin null spelled out", "{'type':'exec','id':1,'cmd':'x','stdin':'null'}", TO_A,
		{.type = MSG_EXEC, .id = 1, .u.exec = {.cmd = "x", .args = (char *[]){NULL}}}},
	{"exec empty args and env", "{'type':'exec','id':1,'cmd':'x','args':[],'env':{}}", TO_A,
		{.type = MSG_EXEC, .id = 1, .u.exec = {.cmd = "x", .args = (char *[]){NULL}}}},
	{"exec env in sent order", "{'type':'exec','id':1,'cmd':'x','env':{'Z':'1','A':'2','M':''}}",
		TO_A, {.type = MSG_EXEC, .id = 1, .u.exec = {.cmd = "x", .args = (char *[]){NULL},
		 .env = (char *[]){"Z=1", "A=2", "M=", NULL}, .nenv = 3}}},
	{"exec unicode escapes", "{'type':'exec','id':1,'cmd':'\\u00e9','args':['\\ud83d\\ude00']}",
		TO_A, {.type = MSG_EXEC, .id = 1, .u.exec = {.cmd = "\xc3\xa9",
		 .args = (char *[]){"\xf0\x9f\x98\x80", NULL}, .nargs = 1}}},
	{"exec fields in any order", "{'stdin':'pipe','cmd':'ls','id':2,'type':'exec'}", TO_A,
		{.type = MSG_EXEC, .id = 2, .u.exec = {.cmd = "ls", .args = (char *[]){NULL},
		 .stdin_mode = STDIN_PIPE}}},
	{"exec id 4294967295", "{'type':'exec','id':4294967295,'cmd':'x'}", TO_A,
		{.type = MSG_EXEC, .id = UINT32_MAX, .u.exec = {.cmd = "x", .args = (char *[]){NULL}}}},
	{"whitespace around the object", " \t\r\n{ 'type' : 'kill' , 'id' : 1 }\n ", TO_A,
		{.type = MSG_KILL, .id = 1}},
	{"hello with version only", "{'type':'hello','version':1}", TO_C,
		{.type = MSG_HELLO, .u.hello = {.version = 1}}},
	/* hello never names an exec: an id in it is ignored, whatever it is. */
	{"hello id ignored", "{'type':'hello','version':1,'id':5}", TO_A,
		{.type = MSG_HELLO, .u.hello = {.version = 1}}},
	{"hello bad id ignored", "{'type':'hello','version':1,'id':'x'}", TO_C,
		{.type = MSG_HELLO, .u.hello = {.version = 1}}},
	{"hello limits sent to agent", "{'type':'hello','version':1,'max_frame':5,'max_execs':6}",
		TO_A, {.type = MSG_HELLO, .u.hello = {1, NULL, 5, 6, 0, NULL}}},
	{"exec with mounts", "{'type':'exec','id':1,'cmd':'ls','mounts':[{'key':'logs','subdir':'a/b','ro':true},{'key':'data'}]}",
		TO_A, {.type = MSG_EXEC, .id = 1, .u.exec = {.cmd = "ls", .args = (char *[]){NULL},
		 .mounts = (struct msg_mount[]){{"logs", "a/b", 1}, {"data", NULL, 0}}, .nmounts = 2}}},
	{"window to the client", "{'type':'window','id':3,'bytes':65536}", TO_C,
		{.type = MSG_WINDOW, .id = 3, .u.window = {65536}}},
	{"window to the agent", "{'type':'window','id':3,'bytes':65536}", TO_A,
		{.type = MSG_WINDOW, .id = 3, .u.window = {65536}}},
	{"hello window sent to agent", "{'type':'hello','version':1,'window':1048576}", TO_A,
		{.type = MSG_HELLO, .u.hello = {1, NULL, 0, 0, 1048576, NULL}}},
	{"started pid 2147483647", "{'type':'started','id':1,'pid':2147483647}", TO_C,
		{.type = MSG_STARTED, .id = 1, .u.started = {.pid = INT32_MAX}}},
	{"exited with code only", "{'type':'exited','id':3,'code':0}", TO_C,
		{.type = MSG_EXITED, .id = 3, .u.exited = {.code = 0}}},
	{"exited with signal only", "{'type':'exited','id':3,'signal':15}", TO_C,
		{.type = MSG_EXITED, .id = 3, .u.exited = {.code = -1, .signo = 15}}},
	{"exited integer milliseconds", "{'type':'exited','id':3,'code':2,'total_ms':5,'queue_ms':0}",
		TO_C, {.type = MSG_EXITED, .id = 3, .u.exited = {.code = 2, .total_ms = 5}}},
	{"exited false flags", "{'type':'exited','id':3,'code':1,'core_dumped':false,'timed_out':false}",
		TO_C, {.type = MSG_EXITED, .id = 3, .u.exited = {.code = 1}}},
	{"failed without message", "{'type':'failed','id':2,'kind':'not_found','errno':2,'stage':'exec'}",
		TO_C, {.type = MSG_FAILED, .id = 2, .u.failed = {FAIL_NOT_FOUND, 2, "exec", NULL}}},
	{"error without id", "{'type':'error','code':'bad_json','message':'m'}", TO_C,
		{.type = MSG_ERROR, .u.error = {PERR_BAD_JSON, "m"}}},
	/* A code from a newer peer is still an error, reported as internal. */
	{"error with unknown code", "{'type':'error','id':1,'code':'from_the_future','message':'m'}",
		TO_C, {.type = MSG_ERROR, .id = 1, .u.error = {PERR_INTERNAL, "m"}}},
	{"error with code ok", "{'type':'error','code':'ok','message':''}", TO_C,
		{.type = MSG_ERROR, .u.error = {PERR_INTERNAL, ""}}},
};

static void decode_test(void **state)
{
	const struct dec_row *r = *state;
	size_t before = heap_in_use(), len = strlen(r->json);
	char *buf = json_dup(r->json, len, 0);
	struct msg got;

	decode_or_fail(buf, len, r->dir, &got);
	msg_assert_equal(&r->want, &got);
	msg_free(&got);
	free(buf);
	assert_int_equal(heap_in_use(), before);
}

/* Malformed messages, each with the code it must be refused with. */

struct bad_row {
	const char *name;
	const char *data;
	size_t len; /* 0: strlen(data), with ' read as " */
	enum msg_dir dir;
	enum proto_err code;
	const char *field; /* the error message must name it, if set */
};

#define BAD(name, json, dir, code) {name, json, 0, dir, code, NULL}
#define RAW(name, bytes, dir, code) {name, bytes, sizeof bytes - 1, dir, code, NULL}
#define FIELD(name, json, dir, field) {name, json, 0, dir, PERR_BAD_MESSAGE, field}
#define EXEC(x) "{'type':'exec','id':1,'cmd':'ls'" x "}"
#define EXITED(x) "{'type':'exited','id':1" x "}"
#define FAILED(x) "{'type':'failed','id':1" x "}"

static const struct bad_row bad_rows[] = {
	/* An exec field v1 does not know would change what runs if ignored. */
	FIELD("exec tty without cols", EXEC(",'tty':{'rows':24}"), TO_A, "tty"),
	FIELD("exec linger_ms without session", EXEC(",'linger_ms':1000"), TO_A, "linger_ms"),
	FIELD("exec stamps without session", EXEC(",'stamps':true"), TO_A, "stamps"),
	FIELD("exec linger_ms negative", EXEC(",'session':true,'linger_ms':-1"), TO_A, "linger_ms"),
	FIELD("attached with rows only", "{'type':'attached','id':1,'session':2,'pid':3,'rows':1}", TO_C, "rows"),
	FIELD("stamp without ts_ms", "{'type':'stamp','id':1}", TO_C, "ts_ms"),
	FIELD("stamp without id", "{'type':'stamp','ts_ms':5}", TO_C, "id"),
	BAD("stamp sent to an agent", "{'type':'stamp','id':1,'ts_ms':5}", TO_A, PERR_UNKNOWN_TYPE),
	FIELD("exec session not a boolean", EXEC(",'session':1,'tty':{'rows':2,'cols':2}"), TO_A, "session"),
	FIELD("attach without session", "{'type':'attach','id':1}", TO_A, "session"),
	FIELD("attach of session 0", "{'type':'attach','id':1,'session':0}", TO_A, "session"),
	FIELD("attach with rows only", "{'type':'attach','id':1,'session':2,'rows':24}", TO_A, "rows"),
	FIELD("attach at a negative offset", "{'type':'attach','id':1,'session':2,'offset':-1}", TO_A, "offset"),
	FIELD("attach read_only not a boolean", "{'type':'attach','id':1,'session':2,'read_only':1}", TO_A, "read_only"),
	FIELD("attached without pid", "{'type':'attached','id':1,'session':2,'rows':1,'cols':1}", TO_C, "pid"),
	FIELD("attached at a negative stdin_offset", "{'type':'attached','id':1,'session':2,'pid':3,'stdin_offset':-1}", TO_C, "stdin_offset"),
	BAD("attach sent to a client", "{'type':'attach','id':1,'session':2}", TO_C, PERR_UNKNOWN_TYPE),
	BAD("detached sent to an agent", "{'type':'detached','id':1}", TO_A, PERR_UNKNOWN_TYPE),
	FIELD("exec tty not an object", EXEC(",'tty':true"), TO_A, "tty"),
	FIELD("exec tty rows 0", EXEC(",'tty':{'rows':0,'cols':80}"), TO_A, "tty"),
	FIELD("exec unknown field privileged", EXEC(",'privileged':true"), TO_A, "privileged"),
	FIELD("exec empty user", EXEC(",'user':''"), TO_A, "user"),
	FIELD("exec user not a string", EXEC(",'user':0"), TO_A, "user"),
	/* Not one JSON object. */
	BAD("empty input", "", TO_A, PERR_BAD_JSON),
	BAD("only whitespace", "  \n", TO_A, PERR_BAD_JSON),
	BAD("not JSON", "hello", TO_A, PERR_BAD_JSON),
	BAD("truncated object", "{'type':'kill','id':1", TO_A, PERR_BAD_JSON),
	BAD("array instead of object", "[{'type':'kill','id':1}]", TO_A, PERR_BAD_JSON),
	BAD("empty array", "[]", TO_C, PERR_BAD_JSON),
	BAD("bare string", "'kill'", TO_A, PERR_BAD_JSON),
	BAD("bare number", "1", TO_A, PERR_BAD_JSON),
	BAD("bare null", "null", TO_C, PERR_BAD_JSON),
	BAD("two objects", "{'type':'kill','id':1}{'type':'kill','id':1}", TO_A, PERR_BAD_JSON),
	BAD("trailing garbage", "{'type':'kill','id':1} x", TO_A, PERR_BAD_JSON),
	BAD("trailing comma", "{'type':'kill','id':1,}", TO_A, PERR_BAD_JSON),
	RAW("single quotes", "{'type':'kill','id':1}", TO_A, PERR_BAD_JSON),
	BAD("duplicate id", "{'type':'kill','id':1,'id':2}", TO_A, PERR_BAD_JSON),
	BAD("duplicate type", "{'type':'kill','type':'exec','id':1}", TO_A, PERR_BAD_JSON),
	BAD("duplicate env name", EXEC(",'env':{'A':'1','A':'2'}"), TO_A, PERR_BAD_JSON),
	BAD("escaped NUL in a value", "{'type':'exec','id':1,'cmd':'a\\u0000b'}", TO_A, PERR_BAD_JSON),
	BAD("escaped NUL in an env name", EXEC(",'env':{'A\\u0000B':'1'}"), TO_A, PERR_BAD_JSON),
	BAD("escaped NUL in error message", "{'type':'error','code':'internal','message':'\\u0000'}",
	    TO_C, PERR_BAD_JSON),
	RAW("raw NUL in a string", "{\"type\":\"exec\",\"id\":1,\"cmd\":\"a\0b\"}", TO_A, PERR_BAD_JSON),
	RAW("raw NUL after the object", "{\"type\":\"kill\",\"id\":1}\0", TO_A, PERR_BAD_JSON),
	BAD("raw newline in a string", "{'type':'exec','id':1,'cmd':'a\nb'}", TO_A, PERR_BAD_JSON),
	BAD("escaped lone surrogate", "{'type':'exec','id':1,'cmd':'\\ud800'}", TO_A, PERR_BAD_JSON),
	BAD("integer past 2^63", "{'type':'kill','id':99999999999999999999}", TO_A, PERR_BAD_JSON),
	BAD("real past DBL_MAX", EXITED(",'code':0,'total_ms':1e400"), TO_C, PERR_BAD_JSON),

	/* Bytes that are not UTF-8, caught before JSON is parsed. */
	BAD("overlong 2-byte slash", "{'type':'exec','id':1,'cmd':'\xc0\xaf'}", TO_A, PERR_BAD_UTF8),
	BAD("overlong 2-byte NUL", "{'type':'exec','id':1,'cmd':'\xc0\x80'}", TO_A, PERR_BAD_UTF8),
	BAD("overlong 3-byte", "{'type':'exec','id':1,'cmd':'\xe0\x80\xaf'}", TO_A, PERR_BAD_UTF8),
	BAD("overlong 4-byte", "{'type':'exec','id':1,'cmd':'\xf0\x80\x80\xaf'}", TO_A, PERR_BAD_UTF8),
	BAD("surrogate D800", "{'type':'exec','id':1,'cmd':'\xed\xa0\x80'}", TO_A, PERR_BAD_UTF8),
	BAD("surrogate DFFF", "{'type':'exec','id':1,'cmd':'\xed\xbf\xbf'}", TO_A, PERR_BAD_UTF8),
	BAD("truncated 3-byte sequence", "{'type':'exec','id':1,'cmd':'\xe2\x82'}", TO_A, PERR_BAD_UTF8),
	BAD("truncated at end of input", "{'type':'kill','id':1}\xe2\x82", TO_A, PERR_BAD_UTF8),
	BAD("0xFF byte", "{'type':'exec','id':1,'cmd':'\xff'}", TO_A, PERR_BAD_UTF8),
	BAD("0xFE byte", "{'type':'exec','id':1,'cmd':'\xfe'}", TO_C, PERR_BAD_UTF8),
	BAD("lone continuation byte", "{'type':'exec','id':1,'cmd':'\x80'}", TO_A, PERR_BAD_UTF8),
	BAD("above U+10FFFF", "{'type':'exec','id':1,'cmd':'\xf4\x90\x80\x80'}", TO_A, PERR_BAD_UTF8),
	BAD("bad UTF-8 in a name", "{'type':'exec','id':1,'cmd':'x','env':{'\xff':'1'}}", TO_A,
	    PERR_BAD_UTF8),
	BAD("bad UTF-8 outside strings", "{'type':'kill','id':1}\xc3", TO_A, PERR_BAD_UTF8),

	/* The type field. */
	FIELD("missing type", "{'id':1}", TO_A, "type"),
	FIELD("empty object", "{}", TO_C, "type"),
	FIELD("type a number", "{'type':1,'id':1}", TO_A, "type"),
	FIELD("type null", "{'type':null,'id':1}", TO_A, "type"),
	FIELD("type an array", "{'type':['kill'],'id':1}", TO_A, "type"),
	BAD("unknown type", "{'type':'launch','id':1}", TO_A, PERR_UNKNOWN_TYPE),
	BAD("empty type", "{'type':'','id':1}", TO_A, PERR_UNKNOWN_TYPE),
	BAD("type in capitals", "{'type':'KILL','id':1}", TO_A, PERR_UNKNOWN_TYPE),
	BAD("type with a trailing space", "{'type':'kill ','id':1}", TO_A, PERR_UNKNOWN_TYPE),

	/* Sent the wrong way: agent-only messages to the agent and back. */
	BAD("started to agent", "{'type':'started','id':1,'pid':5}", TO_A, PERR_UNKNOWN_TYPE),
	BAD("exited to agent", EXITED(",'code':0"), TO_A, PERR_UNKNOWN_TYPE),
	BAD("failed to agent", FAILED(",'kind':'spawn','errno':1,'stage':'fork'"), TO_A,
	    PERR_UNKNOWN_TYPE),
	BAD("error to agent", "{'type':'error','code':'internal','message':'m'}", TO_A,
	    PERR_UNKNOWN_TYPE),
	BAD("exec to client", EXEC(""), TO_C, PERR_UNKNOWN_TYPE),
	BAD("stdin_close to client", "{'type':'stdin_close','id':1}", TO_C, PERR_UNKNOWN_TYPE),
	BAD("signal to client", "{'type':'signal','id':1,'signal':2}", TO_C, PERR_UNKNOWN_TYPE),
	BAD("kill to client", "{'type':'kill','id':1}", TO_C, PERR_UNKNOWN_TYPE),

	/* The id field. */
	FIELD("id a string", "{'type':'kill','id':'1'}", TO_A, "id"),
	FIELD("id a real", "{'type':'kill','id':1.0}", TO_A, "id"),
	FIELD("id a fraction", "{'type':'kill','id':1.5}", TO_A, "id"),
	FIELD("id true", "{'type':'kill','id':true}", TO_A, "id"),
	FIELD("id null", "{'type':'kill','id':null}", TO_A, "id"),
	FIELD("id 0", "{'type':'kill','id':0}", TO_A, "id"),
	FIELD("id -1", "{'type':'kill','id':-1}", TO_A, "id"),
	FIELD("id 2^32", "{'type':'kill','id':4294967296}", TO_A, "id"),
	FIELD("exec without id", "{'type':'exec','cmd':'ls'}", TO_A, "id"),
	FIELD("stdin_close without id", "{'type':'stdin_close'}", TO_A, "id"),
	FIELD("signal without id", "{'type':'signal','signal':2}", TO_A, "id"),
	FIELD("kill without id", "{'type':'kill'}", TO_A, "id"),
	FIELD("started without id", "{'type':'started','pid':5}", TO_C, "id"),
	FIELD("exited without id", "{'type':'exited','code':0}", TO_C, "id"),
	FIELD("failed without id", "{'type':'failed','kind':'spawn','errno':1,'stage':'x'}", TO_C, "id"),
	FIELD("error with id 0", "{'type':'error','id':0,'code':'internal','message':'m'}", TO_C, "id"),
	FIELD("error with id a string", "{'type':'error','id':'x','code':'internal','message':'m'}",
	      TO_C, "id"),

	/* exec */
	FIELD("exec without cmd", "{'type':'exec','id':1}", TO_A, "cmd"),
	FIELD("exec cmd a number", "{'type':'exec','id':1,'cmd':1}", TO_A, "cmd"),
	FIELD("exec cmd null", "{'type':'exec','id':1,'cmd':null}", TO_A, "cmd"),
	FIELD("exec cmd an array", "{'type':'exec','id':1,'cmd':['ls']}", TO_A, "cmd"),
	FIELD("exec cmd empty", "{'type':'exec','id':1,'cmd':''}", TO_A, "cmd"),
	FIELD("exec args a string", EXEC(",'args':'-l'"), TO_A, "args"),
	FIELD("exec args an object", EXEC(",'args':{'a':'b'}"), TO_A, "args"),
	FIELD("exec args null", EXEC(",'args':null"), TO_A, "args"),
	FIELD("exec args with a number", EXEC(",'args':['a',1]"), TO_A, "args"),
	FIELD("exec args with a number first", EXEC(",'args':[1,'a','b']"), TO_A, "args"),
	FIELD("exec args with null", EXEC(",'args':['a',null]"), TO_A, "args"),
	FIELD("exec args nested", EXEC(",'args':[['a']]"), TO_A, "args"),
	FIELD("exec cwd a number", EXEC(",'cwd':1"), TO_A, "cwd"),
	FIELD("exec cwd null", EXEC(",'cwd':null"), TO_A, "cwd"),
	FIELD("exec env an array", EXEC(",'env':['A=1']"), TO_A, "env"),
	FIELD("exec env a string", EXEC(",'env':'A=1'"), TO_A, "env"),
	FIELD("exec env value a number", EXEC(",'env':{'A':1}"), TO_A, "env"),
	FIELD("exec env value null", EXEC(",'env':{'A':null}"), TO_A, "env"),
	FIELD("exec env second value bad", EXEC(",'env':{'A':'1','B':true}"), TO_A, "env"),
	FIELD("exec env name with =", EXEC(",'env':{'A=B':'1'}"), TO_A, "env"),
	FIELD("exec env name =", EXEC(",'env':{'=':'1'}"), TO_A, "env"),
	FIELD("exec env name empty", EXEC(",'env':{'':'1'}"), TO_A, "env"),
	FIELD("exec stdin maybe", EXEC(",'stdin':'maybe'"), TO_A, "stdin"),
	FIELD("exec stdin in capitals", EXEC(",'stdin':'PIPE'"), TO_A, "stdin"),
	FIELD("exec stdin empty", EXEC(",'stdin':''"), TO_A, "stdin"),
	FIELD("exec stdin true", EXEC(",'stdin':true"), TO_A, "stdin"),
	FIELD("exec stdin null", EXEC(",'stdin':null"), TO_A, "stdin"),
	FIELD("exec bad after args and env", EXEC(",'args':['a','b'],'env':{'A':'1'},'stdin':3"),
	      TO_A, "stdin"),

	/* signal */
	FIELD("signal 0", "{'type':'signal','id':1,'signal':0}", TO_A, "signal"),
	FIELD("signal 65", "{'type':'signal','id':1,'signal':65}", TO_A, "signal"),
	FIELD("signal -9", "{'type':'signal','id':1,'signal':-9}", TO_A, "signal"),
	FIELD("signal 2.0", "{'type':'signal','id':1,'signal':2.0}", TO_A, "signal"),
	FIELD("signal NOPE", "{'type':'signal','id':1,'signal':'NOPE'}", TO_A, "signal"),
	FIELD("signal SIGNOPE", "{'type':'signal','id':1,'signal':'SIGNOPE'}", TO_A, "signal"),
	FIELD("signal SIG", "{'type':'signal','id':1,'signal':'SIG'}", TO_A, "signal"),
	FIELD("signal empty name", "{'type':'signal','id':1,'signal':''}", TO_A, "signal"),
	FIELD("signal '0'", "{'type':'signal','id':1,'signal':'0'}", TO_A, "signal"),
	FIELD("signal '65'", "{'type':'signal','id':1,'signal':'65'}", TO_A, "signal"),
	FIELD("signal ' INT'", "{'type':'signal','id':1,'signal':' INT'}", TO_A, "signal"),
	FIELD("signal true", "{'type':'signal','id':1,'signal':true}", TO_A, "signal"),
	FIELD("signal null", "{'type':'signal','id':1,'signal':null}", TO_A, "signal"),
	FIELD("signal missing", "{'type':'signal','id':1}", TO_A, "signal"),

	/* started */
	FIELD("started pid 0", "{'type':'started','id':1,'pid':0}", TO_C, "pid"),
	FIELD("started pid -1", "{'type':'started','id':1,'pid':-1}", TO_C, "pid"),
	FIELD("started pid 2^31", "{'type':'started','id':1,'pid':2147483648}", TO_C, "pid"),
	FIELD("started pid a string", "{'type':'started','id':1,'pid':'5'}", TO_C, "pid"),
	FIELD("started pid a real", "{'type':'started','id':1,'pid':5.5}", TO_C, "pid"),
	FIELD("started without pid", "{'type':'started','id':1}", TO_C, "pid"),

	/* exited */
	FIELD("exited with code and signal", EXITED(",'code':0,'signal':9"), TO_C, "code"),
	FIELD("exited with neither", EXITED(""), TO_C, "code"),
	FIELD("exited with only timing", EXITED(",'total_ms':1,'timed_out':true"), TO_C, "code"),
	FIELD("exited code 256", EXITED(",'code':256"), TO_C, "code"),
	FIELD("exited code -1", EXITED(",'code':-1"), TO_C, "code"),
	FIELD("exited code a string", EXITED(",'code':'0'"), TO_C, "code"),
	FIELD("exited code a real", EXITED(",'code':1.0"), TO_C, "code"),
	FIELD("exited code null", EXITED(",'code':null"), TO_C, "code"),
	FIELD("exited signal 0", EXITED(",'signal':0"), TO_C, "signal"),
	FIELD("exited signal 65", EXITED(",'signal':65"), TO_C, "signal"),
	FIELD("exited signal a name", EXITED(",'signal':'KILL'"), TO_C, "signal"),
	FIELD("exited core_dumped a string", EXITED(",'signal':11,'core_dumped':'yes'"), TO_C,
	      "core_dumped"),
	FIELD("exited core_dumped 1", EXITED(",'signal':11,'core_dumped':1"), TO_C, "core_dumped"),
	FIELD("exited timed_out null", EXITED(",'code':0,'timed_out':null"), TO_C, "timed_out"),
	FIELD("exited total_ms -1", EXITED(",'code':0,'total_ms':-1"), TO_C, "total_ms"),
	FIELD("exited total_ms a string", EXITED(",'code':0,'total_ms':'5'"), TO_C, "total_ms"),
	FIELD("exited queue_ms -0.5", EXITED(",'code':0,'queue_ms':-0.5"), TO_C, "queue_ms"),
	FIELD("exited execute_ms true", EXITED(",'code':0,'execute_ms':true"), TO_C, "execute_ms"),
	FIELD("exited stdout_bytes -1", EXITED(",'code':0,'stdout_bytes':-1"), TO_C, "stdout_bytes"),
	FIELD("exited stdout_bytes a real", EXITED(",'code':0,'stdout_bytes':1.5"), TO_C,
	      "stdout_bytes"),
	FIELD("exited stdout_bytes a string", EXITED(",'code':0,'stdout_bytes':'10'"), TO_C,
	      "stdout_bytes"),
	FIELD("exited stderr_bytes -1", EXITED(",'code':0,'stderr_bytes':-1"), TO_C, "stderr_bytes"),

	/* failed */
	FIELD("failed without kind", FAILED(",'errno':2,'stage':'exec'"), TO_C, "kind"),
	FIELD("failed unknown kind", FAILED(",'kind':'oops','errno':2,'stage':'exec'"), TO_C, "kind"),
	FIELD("failed kind in capitals", FAILED(",'kind':'NOT_FOUND','errno':2,'stage':'exec'"),
	      TO_C, "kind"),
	FIELD("failed kind a number", FAILED(",'kind':0,'errno':2,'stage':'exec'"), TO_C, "kind"),
	FIELD("failed without errno", FAILED(",'kind':'spawn','stage':'exec'"), TO_C, "errno"),
	FIELD("failed errno -1", FAILED(",'kind':'spawn','errno':-1,'stage':'exec'"), TO_C, "errno"),
	FIELD("failed errno 4096", FAILED(",'kind':'spawn','errno':4096,'stage':'exec'"), TO_C,
	      "errno"),
	FIELD("failed errno a string", FAILED(",'kind':'spawn','errno':'2','stage':'exec'"), TO_C,
	      "errno"),
	FIELD("failed without stage", FAILED(",'kind':'spawn','errno':2"), TO_C, "stage"),
	FIELD("failed stage a number", FAILED(",'kind':'spawn','errno':2,'stage':1"), TO_C, "stage"),
	FIELD("failed message a number", FAILED(",'kind':'spawn','errno':2,'stage':'x','message':1"),
	      TO_C, "message"),

	/* error */
	FIELD("error without code", "{'type':'error','message':'m'}", TO_C, "code"),
	FIELD("error code a number", "{'type':'error','code':1,'message':'m'}", TO_C, "code"),
	FIELD("error without message", "{'type':'error','code':'internal'}", TO_C, "message"),
	FIELD("error message null", "{'type':'error','code':'internal','message':null}", TO_C,
	      "message"),

	/* hello */
	BAD("hello version 2 to agent", "{'type':'hello','version':2}", TO_A, PERR_VERSION),
	BAD("hello version 2 to client", "{'type':'hello','version':2,'software':'x'}", TO_C,
	    PERR_VERSION),
	BAD("hello version 99", "{'type':'hello','version':99}", TO_A, PERR_VERSION),
	FIELD("mounts not an array", "{'type':'exec','id':1,'cmd':'x','mounts':{}}", TO_A, "mounts"),
	FIELD("mounts of a string", "{'type':'exec','id':1,'cmd':'x','mounts':['data']}", TO_A, "mounts"),
	FIELD("mount without key", "{'type':'exec','id':1,'cmd':'x','mounts':[{'ro':true}]}", TO_A, "key"),
	FIELD("mount ro not a bool", "{'type':'exec','id':1,'cmd':'x','mounts':[{'key':'d','ro':1}]}", TO_A, "ro"),
	FIELD("mount subdir a number", "{'type':'exec','id':1,'cmd':'x','mounts':[{'key':'d','subdir':1}]}", TO_A, "subdir"),
	BAD("mount key with a slash", "{'type':'exec','id':1,'cmd':'x','mounts':[{'key':'a/b'}]}", TO_A, PERR_BAD_MESSAGE),
	BAD("mount key empty", "{'type':'exec','id':1,'cmd':'x','mounts':[{'key':''}]}", TO_A, PERR_BAD_MESSAGE),
	FIELD("17 mounts", "{'type':'exec','id':1,'cmd':'x','mounts':[{'key':'a'},{'key':'a'},{'key':'a'},{'key':'a'},{'key':'a'},{'key':'a'},{'key':'a'},{'key':'a'},{'key':'a'},{'key':'a'},{'key':'a'},{'key':'a'},{'key':'a'},{'key':'a'},{'key':'a'},{'key':'a'},{'key':'a'}]}", TO_A, "mounts"),
	FIELD("signal_exec without exec", "{'type':'signal_exec','id':1,'signal':'TERM'}", TO_A, "exec"),
	FIELD("signal_exec exec 0", "{'type':'signal_exec','id':1,'exec':0,'signal':9}", TO_A, "exec"),
	FIELD("signal_exec without signal", "{'type':'signal_exec','id':1,'exec':3}", TO_A, "signal"),
	BAD("signal_exec unknown signal", "{'type':'signal_exec','id':1,'exec':3,'signal':'NOPE'}", TO_A,
		PERR_BAD_MESSAGE),
	FIELD("signal_exec without id", "{'type':'signal_exec','exec':3,'signal':9}", TO_A, "id"),
	FIELD("list without id", "{'type':'list'}", TO_A, "id"),
	FIELD("resize without rows", "{'type':'resize','id':1,'cols':80}", TO_A, "rows"),
	FIELD("resize of 0 cols", "{'type':'resize','id':1,'rows':24,'cols':0}", TO_A, "cols"),
	FIELD("resize of 65536 rows", "{'type':'resize','id':1,'rows':65536,'cols':80}", TO_A, "rows"),
	BAD("resize sent to a client", "{'type':'resize','id':1,'rows':24,'cols':80}", TO_C, PERR_UNKNOWN_TYPE),
	FIELD("execs not an array", "{'type':'execs','id':1,'execs':{}}", TO_C, "execs"),
	FIELD("execs entry not an object", "{'type':'execs','id':1,'execs':[1]}", TO_C, "execs"),
	FIELD("execs entry without pid", "{'type':'execs','id':1,'execs':[{'exec':1,'cmd':'x'}]}", TO_C, "pid"),
	FIELD("signaled without pid", "{'type':'signaled','id':1,'exec':2}", TO_C, "pid"),
	FIELD("started exec 0", "{'type':'started','id':1,'pid':5,'exec':0}", TO_C, "exec"),
	BAD("list sent to a client", "{'type':'list','id':1}", TO_C, PERR_UNKNOWN_TYPE),
	BAD("execs sent to the agent", "{'type':'execs','id':1,'execs':[]}", TO_A, PERR_UNKNOWN_TYPE),
	FIELD("window without bytes", "{'type':'window','id':1}", TO_A, "bytes"),
	FIELD("window of 0 bytes", "{'type':'window','id':1,'bytes':0}", TO_A, "bytes"),
	FIELD("window of -1 bytes", "{'type':'window','id':1,'bytes':-1}", TO_C, "bytes"),
	FIELD("window over the largest grant", "{'type':'window','id':1,'bytes':67108865}", TO_A, "bytes"),
	FIELD("window bytes a string", "{'type':'window','id':1,'bytes':'1'}", TO_A, "bytes"),
	FIELD("window without id", "{'type':'window','bytes':1}", TO_A, "id"),
	FIELD("hello window over the largest grant", "{'type':'hello','version':1,'window':67108865}", TO_A, "window"),
	FIELD("hello version 0", "{'type':'hello','version':0}", TO_A, "version"),
	FIELD("hello version -1", "{'type':'hello','version':-1}", TO_A, "version"),
	FIELD("hello without version", "{'type':'hello','software':'x'}", TO_A, "version"),
	FIELD("hello version a string", "{'type':'hello','version':'1'}", TO_A, "version"),
	FIELD("hello version a real", "{'type':'hello','version':1.0}", TO_C, "version"),
	FIELD("hello software a number", "{'type':'hello','version':1,'software':1}", TO_A,
	      "software"),
	FIELD("hello max_frame -1", "{'type':'hello','version':1,'max_frame':-1}", TO_C, "max_frame"),
	FIELD("hello max_frame 2^32", "{'type':'hello','version':1,'max_frame':4294967296}", TO_C,
	      "max_frame"),
	FIELD("hello max_frame a string", "{'type':'hello','version':1,'max_frame':'1'}", TO_C,
	      "max_frame"),
	FIELD("hello max_execs -1", "{'type':'hello','version':1,'max_execs':-1}", TO_C, "max_execs"),
};

static void bad_test(void **state)
{
	const struct bad_row *r = *state;
	size_t before = heap_in_use();
	size_t len = r->len ? r->len : strlen(r->data);
	char *buf = json_dup(r->data, len, r->len != 0);
	struct proto_error e = {.code = PERR_OK};
	struct msg m;

	/* Decode must not trust what was in *m before. */
	memset(&m, 0xa5, sizeof m);
	if (msg_decode(buf, len, r->dir, &m, &e) == 0) {
		msg_free(&m);
		fail_msg("decoded as %s, want error %s", msg_type_name(m.type),
			 proto_err_name(r->code));
	}
	if (e.code != r->code)
		fail_msg("got %s (%s), want %s", proto_err_name(e.code), e.message,
			 proto_err_name(r->code));
	assert_true(e.message[0] != '\0');
	if (r->field && strstr(e.message, r->field) == NULL)
		fail_msg("message \"%s\" does not name field \"%s\"", e.message, r->field);
	/* Left empty: whatever was allocated before the fault is gone. */
	assert_true(union_is_zero(&m));
	msg_free(&m);
	free(buf);
	assert_int_equal(heap_in_use(), before);
}

/* An error names the exec when the bad message named one validly, so a
 * client can fail that exec alone; 0 otherwise. */
static void error_id_test(void **state)
{
	static const struct {
		const char *json;
		uint32_t id;
	} rows[] = {
		{"{\"type\":\"exec\",\"id\":7,\"cmd\":\"x\",\"mounts\":\"n\"}", 7},
		{"{\"type\":\"exec\",\"id\":9,\"cmd\":5}", 9},
		{"{\"type\":\"signal\",\"id\":3,\"signal\":\"NOPE\"}", 3},
		{"{\"type\":\"exec\",\"id\":\"x\",\"cmd\":\"x\"}", 0},
		{"{\"type\":\"exec\",\"id\":0,\"cmd\":\"x\"}", 0},
		{"{\"type\":\"nope\",\"id\":4}", 0},
	};
	struct proto_error e;
	struct msg m;

	(void)state;
	for (size_t i = 0; i < nitems(rows); i++) {
		e.id = 12345;
		assert_int_equal(msg_decode(rows[i].json, strlen(rows[i].json), DIR_TO_AGENT,
					    &m, &e), -1);
		assert_int_equal(e.id, rows[i].id);
		msg_free(&m);
	}
}

/* Limits: exactly at the limit passes, one past it is refused. */

/* A kill message padded with spaces to exactly len bytes. */
static char *padded_kill(size_t len)
{
	static const char kill[] = "{\"type\":\"kill\",\"id\":1}";
	char *b = malloc(len);

	assert_non_null(b);
	memset(b, ' ', len);
	memcpy(b, kill, sizeof kill - 1);
	return b;
}

static void max_frame_test(void **state)
{
	size_t before = heap_in_use();
	char *b = padded_kill(PROTO_MAX_FRAME);
	struct msg m;

	(void)state;
	decode_or_fail(b, PROTO_MAX_FRAME, TO_A, &m);
	assert_int_equal(m.type, MSG_KILL);
	msg_free(&m);
	free(b);
	assert_int_equal(heap_in_use(), before);
}

static void over_max_frame_test(void **state)
{
	size_t before = heap_in_use();
	char *b = padded_kill(PROTO_MAX_FRAME + 1);
	struct proto_error e;
	struct msg m;

	(void)state;
	for (enum msg_dir d = TO_A; d <= TO_C; d++) {
		assert_int_equal(msg_decode(b, PROTO_MAX_FRAME + 1, d, &m, &e), -1);
		assert_int_equal(e.code, PERR_FRAME_TOO_LARGE);
		msg_free(&m);
	}
	free(b);
	assert_int_equal(heap_in_use(), before);
}

/* Nesting far past any sane depth is a parse error, not a stack overflow. */
static void deep_nesting_test(void **state)
{
	static const char head[] = "{\"type\":\"exec\",\"id\":1,\"cmd\":\"x\",\"new\":";
	size_t depth = 100000, len = sizeof head - 1 + 2 * depth + 1;
	size_t before = heap_in_use();
	char *b = malloc(len);
	struct proto_error e;
	struct msg m;

	(void)state;
	assert_non_null(b);
	memcpy(b, head, sizeof head - 1);
	memset(b + sizeof head - 1, '[', depth);
	memset(b + sizeof head - 1 + depth, ']', depth);
	b[len - 1] = '}';
	assert_int_equal(msg_decode(b, len, TO_A, &m, &e), -1);
	assert_int_equal(e.code, PERR_BAD_JSON);
	msg_free(&m);
	free(b);
	assert_int_equal(heap_in_use(), before);
}

/* An exec with n args, or n env entries, as JSON. */
static char *exec_with(size_t n, int env)
{
	size_t cap = 64 + 16 * n, off;
	char *b = malloc(cap);

	assert_non_null(b);
	off = (size_t)snprintf(b, cap, "{\"type\":\"exec\",\"id\":1,\"cmd\":\"x\",\"%s\":%c",
			       env ? "env" : "args", env ? '{' : '[');
	for (size_t i = 0; i < n; i++)
		off += (size_t)snprintf(b + off, cap - off, env ? "%s\"V%zu\":\"\"" : "%s\"%zu\"",
					i ? "," : "", i);
	snprintf(b + off, cap - off, "%c}", env ? '}' : ']');
	return b;
}

struct limit_row {
	const char *name;
	size_t n;
	int env;
	int ok;
};

static const struct limit_row limit_rows[] = {
	{"PROTO_MAX_ARGS args", PROTO_MAX_ARGS, 0, 1},
	{"PROTO_MAX_ARGS+1 args", PROTO_MAX_ARGS + 1, 0, 0},
	{"PROTO_MAX_ENV env entries", PROTO_MAX_ENV, 1, 1},
	{"PROTO_MAX_ENV+1 env entries", PROTO_MAX_ENV + 1, 1, 0},
};

static void limit_test(void **state)
{
	const struct limit_row *r = *state;
	size_t before = heap_in_use();
	char *b = exec_with(r->n, r->env), last[32];
	struct proto_error e;
	struct msg m;

	if (r->ok) {
		decode_or_fail(b, strlen(b), TO_A, &m);
		assert_int_equal(r->env ? m.u.exec.nenv : m.u.exec.nargs, r->n);
		snprintf(last, sizeof last, r->env ? "V%zu=" : "%zu", r->n - 1);
		assert_string_equal(r->env ? m.u.exec.env[r->n - 1] : m.u.exec.args[r->n - 1],
				    last);
	} else {
		assert_int_equal(msg_decode(b, strlen(b), TO_A, &m, &e), -1);
		assert_int_equal(e.code, PERR_BAD_MESSAGE);
		assert_non_null(strstr(e.message, r->env ? "env" : "args"));
	}
	msg_free(&m);
	free(b);
	assert_int_equal(heap_in_use(), before);
}

/* The exact bytes msg_encode writes: the wire format, pinned. */

struct golden_row {
	const char *name;
	struct msg m;
	const char *json;
};

static const struct golden_row golden_rows[] = {
	{"kill", {.type = MSG_KILL, .id = 5}, "{'type':'kill','id':5}"},
	{"window", {.type = MSG_WINDOW, .id = 5, .u.window = {524288}},
		"{'type':'window','id':5,'bytes':524288}"},
	{"hello from client", {.type = MSG_HELLO, .u.hello = {1, "sbx/0.1.0", 0, 0, 1048576, NULL}},
		"{'type':'hello','version':1,'software':'sbx/0.1.0','window':1048576}"},
	{"stdin_close", {.type = MSG_STDIN_CLOSE, .id = 1}, "{'type':'stdin_close','id':1}"},
	{"signal", {.type = MSG_SIGNAL, .id = 4, .u.signal = {SIGINT}},
		"{'type':'signal','id':4,'signal':2}"},
	{"started", {.type = MSG_STARTED, .id = 1, .u.started = {.pid = 42}},
		"{'type':'started','id':1,'pid':42}"},
	{"hello from agent", {.type = MSG_HELLO, .u.hello = {1, "sbx-agent/0.1.0",
		PROTO_MAX_FRAME, PROTO_MAX_EXECS, 0, NULL}},
		"{'type':'hello','version':1,'software':'sbx-agent/0.1.0',"
		"'max_frame':1048576,'max_execs':256}"},
	{"exec bare", {.type = MSG_EXEC, .id = 1, .u.exec = {.cmd = "true",
		.args = (char *[]){NULL}}},
		"{'type':'exec','id':1,'cmd':'true','args':[],'stdin':'null'}"},
	{"exec full", {.type = MSG_EXEC, .id = 2, .u.exec = {.cmd = "sh",
		.args = (char *[]){"-c", "a\tb", NULL}, .nargs = 2, .cwd = "/",
		.env = (char *[]){"A=1=2", NULL}, .nenv = 1, .stdin_mode = STDIN_PIPE}},
		"{'type':'exec','id':2,'cmd':'sh','args':['-c','a\\tb'],'cwd':'/',"
		"'env':{'A':'1=2'},'stdin':'pipe'}"},
	{"exited by code", {.type = MSG_EXITED, .id = 1, .u.exited = {.code = 0,
		.total_ms = 12.5, .queue_ms = 0.25, .execute_ms = 12.25, .stdout_bytes = 3}},
		"{'type':'exited','id':1,'code':0,'timed_out':false,'total_ms':12.5,"
		"'queue_ms':0.25,'execute_ms':12.25,'stdout_bytes':3,'stderr_bytes':0}"},
	{"exited timing rounded to microseconds", {.type = MSG_EXITED, .id = 1, .u.exited = {
		.code = 0, .total_ms = 1234.56789, .queue_ms = 0.0071030003, .execute_ms = 3.14159265}},
		"{'type':'exited','id':1,'code':0,'timed_out':false,'total_ms':1234.568,"
		"'queue_ms':0.007,'execute_ms':3.142,'stdout_bytes':0,'stderr_bytes':0}"},
	{"exited by signal", {.type = MSG_EXITED, .id = 1, .u.exited = {.code = -1,
		.signo = 9, .core_dumped = 1, .timed_out = 1}},
		"{'type':'exited','id':1,'signal':9,'core_dumped':true,'timed_out':true,"
		"'total_ms':0.0,'queue_ms':0.0,'execute_ms':0.0,'stdout_bytes':0,'stderr_bytes':0}"},
	{"failed", {.type = MSG_FAILED, .id = 1, .u.failed = {FAIL_NOT_FOUND, 2, "exec",
		"no such file"}},
		"{'type':'failed','id':1,'kind':'not_found','errno':2,'stage':'exec',"
		"'message':'no such file'}"},
	{"error without id", {.type = MSG_ERROR, .u.error = {PERR_BAD_JSON, "x"}},
		"{'type':'error','code':'bad_json','message':'x'}"},
};

static void golden_test(void **state)
{
	const struct golden_row *r = *state;
	size_t before = heap_in_use(), len = strlen(r->json);
	char *want = json_dup(r->json, len, 0);
	char *s = msg_encode(&r->m, NULL); /* len may be NULL */

	assert_int_equal(strlen(s), len);
	assert_memory_equal(s, want, len);
	free(s);
	free(want);
	assert_int_equal(heap_in_use(), before);
}

/* jansson seeds its hash tables on first use; keep that out of the meter. */
static void warm_up(void)
{
	struct msg m = {.type = MSG_KILL, .id = 1};
	struct proto_error e;
	char *s = msg_encode(&m, NULL);

	msg_decode(s, strlen(s), TO_A, &m, &e);
	msg_free(&m);
	free(s);
}

int main(void)
{
	struct case_list l = {0};

	warm_up();
	rows_make();
	for (size_t i = 0; i < nitems(rt_rows); i++)
		case_add(&l, rt_rows[i].name, roundtrip_test, &rt_rows[i]);
	for (size_t i = 0; i < nitems(fail_rows); i++)
		case_add(&l, fail_rows[i].name, roundtrip_test, &fail_rows[i]);
	for (size_t i = 1; i < nitems(err_rows); i++)
		case_add(&l, err_rows[i].name, roundtrip_test, &err_rows[i]);
	for (size_t i = 0; i < nitems(dec_rows); i++)
		case_add(&l, dec_rows[i].name, decode_test, &dec_rows[i]);
	for (size_t i = 0; i < nitems(bad_rows); i++)
		case_add(&l, bad_rows[i].name, bad_test, &bad_rows[i]);
	for (size_t i = 0; i < nitems(limit_rows); i++)
		case_add(&l, limit_rows[i].name, limit_test, &limit_rows[i]);
	for (size_t i = 0; i < nitems(golden_rows); i++)
		case_add(&l, golden_rows[i].name, golden_test, &golden_rows[i]);
	case_add(&l, "text frame of PROTO_MAX_FRAME bytes", max_frame_test, NULL);
	case_add(&l, "text frame over PROTO_MAX_FRAME", over_max_frame_test, NULL);
	case_add(&l, "JSON nested 100000 deep", deep_nesting_test, NULL);
	case_add(&l, "error names the exec when it can", error_id_test, NULL);
	return case_run(&l, "codec") ? 1 : 0;
}
