/*
 * test_names.c: the names the protocol and users spell things with:
 * signals (sig_from_name, sig_name), error codes (proto_err_name and back),
 * message types with their directions, failure and frame kinds. The wire
 * names are pinned here because a peer depends on every one of them.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "proto.h"
#include "unit.h"

/* sig_from_name */

struct sig_row {
	const char *name;
	int signo; /* -1: refused */
};

static const struct sig_row sig_rows[] = {
	{"INT", SIGINT},
	{"SIGINT", SIGINT},
	{"int", SIGINT},
	{"SigInt", SIGINT},
	{"TERM", SIGTERM},
	{"SIGTERM", SIGTERM},
	{"KILL", SIGKILL},
	{"SIGKILL", SIGKILL},
	{"HUP", SIGHUP},
	{"QUIT", SIGQUIT},
	{"USR1", SIGUSR1},
	{"SIGUSR2", SIGUSR2},
	{"WINCH", SIGWINCH},
	{"CONT", SIGCONT},
	{"STOP", SIGSTOP},
	{"SYS", SIGSYS},
	{"2", 2},
	{"1", 1},
	{"9", 9},
	{"15", 15},
	{"64", 64},
	{"02", 2},
	{"0", -1},
	{"65", -1},
	{"100", -1},
	{"99999999999999999999", -1},
	{"-1", -1},
	{"+2", -1},
	{"2x", -1},
	{"0x2", -1},
	{" 2", -1},
	{"2 ", -1},
	{"", -1},
	{"SIG", -1},
	{"sig", -1},
	{"NOPE", -1},
	{"SIGNOPE", -1},
	{"SIGSIGINT", -1},
	{"SIG2", -1},
	{"INT ", -1},
	{" INT", -1},
	{"IN", -1},
	{"INTX", -1},
};

static void sig_from_name_test(void **state)
{
	const struct sig_row *r = *state;

	assert_int_equal(sig_from_name(r->name), r->signo);
}

static void sig_from_name_null_test(void **state)
{
	(void)state;
	assert_int_equal(sig_from_name(NULL), -1);
}

/* sig_name */

static const struct sig_row sig_name_rows[] = {
	{"HUP", SIGHUP},   {"INT", SIGINT},   {"QUIT", SIGQUIT}, {"KILL", SIGKILL},
	{"SEGV", SIGSEGV}, {"PIPE", SIGPIPE}, {"TERM", SIGTERM}, {"USR1", SIGUSR1},
	{"CHLD", SIGCHLD}, {"WINCH", SIGWINCH}, {"ABRT", SIGABRT},
	{NULL, 0}, {NULL, -1}, {NULL, 65}, {NULL, 1000},
};

static void sig_name_test(void **state)
{
	const struct sig_row *r = *state;
	const char *got = sig_name(r->signo);

	if (r->name == NULL) {
		assert_null(got);
	} else {
		assert_non_null(got);
		assert_string_equal(got, r->name);
	}
}

/* Every named signal reads back, bare and with SIG in front. */
static void sig_roundtrip_test(void **state)
{
	char buf[32];
	int named = 0;

	(void)state;
	for (int n = 1; n <= 64; n++) {
		const char *name = sig_name(n);
		if (name == NULL)
			continue;
		named++;
		assert_int_equal(sig_from_name(name), n);
		snprintf(buf, sizeof buf, "SIG%s", name);
		assert_int_equal(sig_from_name(buf), n);
		snprintf(buf, sizeof buf, "%d", n);
		assert_int_equal(sig_from_name(buf), n);
	}
	/* The 30 standard Linux signals HUP..SYS, less none. */
	assert_int_equal(named, 30);
}

/* Error codes: wire names, pinned, and the way back. */

static const char *const err_wire[PERR__COUNT] = {
	[PERR_OK] = "ok",
	[PERR_BAD_JSON] = "bad_json",
	[PERR_BAD_UTF8] = "bad_utf8",
	[PERR_BAD_MESSAGE] = "bad_message",
	[PERR_UNKNOWN_TYPE] = "unknown_type",
	[PERR_FRAME_TOO_LARGE] = "frame_too_large",
	[PERR_BAD_FRAME] = "bad_frame",
	[PERR_VERSION] = "version_mismatch",
	[PERR_HELLO_REQUIRED] = "hello_required",
	[PERR_UNKNOWN_EXEC] = "unknown_exec",
	[PERR_DUPLICATE_ID] = "duplicate_id",
	[PERR_TOO_MANY_EXECS] = "too_many_execs",
	[PERR_STDIN_CLOSED] = "stdin_closed",
	[PERR_UNAUTHORIZED] = "unauthorized",
	[PERR_TLS] = "tls",
	[PERR_INTERNAL] = "internal",
};

static void err_name_test(void **state)
{
	const char *const *want = *state;
	enum proto_err code = (enum proto_err)(want - err_wire);

	/* A new code with no row here leaves a NULL to trip on. */
	assert_non_null(*want);
	assert_string_equal(proto_err_name(code), *want);
	assert_int_equal(proto_err_from_name(*want), code);
}

static void err_names_unique_test(void **state)
{
	(void)state;
	for (int i = 0; i < PERR__COUNT; i++)
		for (int j = i + 1; j < PERR__COUNT; j++)
			assert_string_not_equal(proto_err_name((enum proto_err)i),
						proto_err_name((enum proto_err)j));
}

static void err_unknown_test(void **state)
{
	(void)state;
	assert_string_equal(proto_err_name(PERR__COUNT), "internal");
	assert_string_equal(proto_err_name((enum proto_err)-1), "internal");
	assert_int_equal(proto_err_from_name(""), -1);
	assert_int_equal(proto_err_from_name("BAD_JSON"), -1);
	assert_int_equal(proto_err_from_name("bad_json "), -1);
	assert_int_equal(proto_err_from_name("version"), -1);
}

static void error_set_test(void **state)
{
	struct proto_error e = {.code = PERR_OK};
	char longer[400];

	(void)state;
	proto_error_set(&e, PERR_BAD_FRAME, "frame %d of %s", 3, "x");
	assert_int_equal(e.code, PERR_BAD_FRAME);
	assert_string_equal(e.message, "frame 3 of x");
	/* Too long a message is cut, never overrun. */
	memset(longer, 'm', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	proto_error_set(&e, PERR_INTERNAL, "%s", longer);
	assert_int_equal(e.code, PERR_INTERNAL);
	assert_int_equal(strlen(e.message), sizeof e.message - 1);
}

/* Message types: wire name and direction of each. */

struct type_row {
	enum msg_type type;
	const char *name;
	enum msg_dir dir;
};

static const struct type_row type_rows[MSG__COUNT] = {
	{MSG_HELLO, "hello", DIR_BOTH},
	{MSG_EXEC, "exec", DIR_TO_AGENT},
	{MSG_STDIN_CLOSE, "stdin_close", DIR_TO_AGENT},
	{MSG_SIGNAL, "signal", DIR_TO_AGENT},
	{MSG_KILL, "kill", DIR_TO_AGENT},
	{MSG_STARTED, "started", DIR_TO_CLIENT},
	{MSG_EXITED, "exited", DIR_TO_CLIENT},
	{MSG_FAILED, "failed", DIR_TO_CLIENT},
	{MSG_ERROR, "error", DIR_TO_CLIENT},
	{MSG_WINDOW, "window", DIR_BOTH},
	{MSG_LIST, "list", DIR_TO_AGENT},
	{MSG_EXECS, "execs", DIR_TO_CLIENT},
	{MSG_SIGNAL_EXEC, "signal_exec", DIR_TO_AGENT},
	{MSG_SIGNALED, "signaled", DIR_TO_CLIENT},
	{MSG_RESIZE, "resize", DIR_TO_AGENT},
	{MSG_ATTACH, "attach", DIR_TO_AGENT},
	{MSG_ATTACHED, "attached", DIR_TO_CLIENT},
	{MSG_DETACH, "detach", DIR_TO_AGENT},
	{MSG_DETACHED, "detached", DIR_TO_CLIENT},
	{MSG_STAMP, "stamp", DIR_TO_CLIENT},
};

static void type_test(void **state)
{
	const struct type_row *r = *state;

	assert_non_null(r->name); /* a new type with no row */
	assert_int_equal(r->type, r - type_rows);
	assert_string_equal(msg_type_name(r->type), r->name);
	assert_int_equal(msg_type_dir(r->type), r->dir);
}

static void kinds_test(void **state)
{
	(void)state;
	assert_string_equal(msg_type_name(MSG__COUNT), "unknown");
	assert_int_equal(msg_type_dir(MSG__COUNT), 0);
	assert_int_equal(FAIL__COUNT, 6);
	assert_string_equal(fail_kind_name(FAIL_BAD_MOUNT), "bad_mount");
	assert_string_equal(fail_kind_name(FAIL_NOT_FOUND), "not_found");
	assert_string_equal(fail_kind_name(FAIL_PERMISSION), "permission");
	assert_string_equal(fail_kind_name(FAIL_BAD_CWD), "bad_cwd");
	assert_string_equal(fail_kind_name(FAIL_BAD_USER), "bad_user");
	assert_string_equal(fail_kind_name(FAIL_SPAWN), "spawn");
	assert_string_equal(fail_kind_name(FAIL__COUNT), "spawn");
	assert_int_equal(FRAME__COUNT, 4);
	assert_string_equal(frame_kind_name(FRAME_SCREEN), "screen");
	assert_string_equal(frame_kind_name(FRAME_STDIN), "stdin");
	assert_string_equal(frame_kind_name(FRAME_STDOUT), "stdout");
	assert_string_equal(frame_kind_name(FRAME_STDERR), "stderr");
	assert_string_equal(frame_kind_name(FRAME__COUNT), "unknown");
}

int main(void)
{
	struct case_list l = {0};
	static char names[nitems(sig_rows) + nitems(sig_name_rows) + PERR__COUNT +
			  MSG__COUNT][48];
	size_t k = 0;

	for (size_t i = 0; i < nitems(sig_rows); i++, k++) {
		snprintf(names[k], sizeof names[k], "sig_from_name \"%s\"", sig_rows[i].name);
		case_add(&l, names[k], sig_from_name_test, &sig_rows[i]);
	}
	for (size_t i = 0; i < nitems(sig_name_rows); i++, k++) {
		snprintf(names[k], sizeof names[k], "sig_name %d", sig_name_rows[i].signo);
		case_add(&l, names[k], sig_name_test, &sig_name_rows[i]);
	}
	for (size_t i = 0; i < PERR__COUNT; i++, k++) {
		snprintf(names[k], sizeof names[k], "error code %zu %s", i,
			 err_wire[i] ? err_wire[i] : "(no row)");
		case_add(&l, names[k], err_name_test, &err_wire[i]);
	}
	for (size_t i = 0; i < MSG__COUNT; i++, k++) {
		snprintf(names[k], sizeof names[k], "message type %zu %s", i,
			 type_rows[i].name ? type_rows[i].name : "(no row)");
		case_add(&l, names[k], type_test, &type_rows[i]);
	}
	case_add(&l, "sig_from_name NULL", sig_from_name_null_test, NULL);
	case_add(&l, "every named signal reads back", sig_roundtrip_test, NULL);
	case_add(&l, "error names are unique", err_names_unique_test, NULL);
	case_add(&l, "unknown error codes and names", err_unknown_test, NULL);
	case_add(&l, "proto_error_set", error_set_test, NULL);
	case_add(&l, "fail and frame kind names", kinds_test, NULL);
	return case_run(&l, "names") ? 1 : 0;
}
