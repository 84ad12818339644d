/*
 * msg.c: control messages as JSON. One row of the message table per type:
 * its wire name, the direction it travels, and its field codec. Decoding
 * checks every field's type and range and names the first wrong one.
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

typedef int (*decode_fn)(json_t *o, struct msg *m, struct proto_error *e);
typedef void (*encode_fn)(json_t *o, const struct msg *m);

struct msg_entry {
	const char *name;
	enum msg_dir dir;
	int needs_id; /* 1 required, 0 optional, -1 never */
	decode_fn decode;
	encode_fn encode;
};

static const char *const fail_names[FAIL__COUNT] = {
	[FAIL_NOT_FOUND] = "not_found",
	[FAIL_PERMISSION] = "permission",
	[FAIL_BAD_CWD] = "bad_cwd",
	[FAIL_BAD_USER] = "bad_user",
	[FAIL_SPAWN] = "spawn",
	[FAIL_BAD_MOUNT] = "bad_mount",
};

const char *fail_kind_name(enum fail_kind k)
{
	return (unsigned)k < FAIL__COUNT ? fail_names[k] : "spawn";
}

/* Field readers: each returns 0, or -1 with e naming the field. */

static int get_str(json_t *o, const char *key, int required, char **out,
		   struct proto_error *e)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL) {
		if (!required)
			return 0;
		proto_error_set(e, PERR_BAD_MESSAGE, "missing field \"%s\"", key);
		return -1;
	}
	if (!json_is_string(v)) {
		proto_error_set(e, PERR_BAD_MESSAGE, "field \"%s\" must be a string", key);
		return -1;
	}
	*out = strdup(json_string_value(v));
	return 0;
}

static int get_int(json_t *o, const char *key, int required, int64_t min,
		   int64_t max, int64_t *out, struct proto_error *e)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL) {
		if (!required)
			return 0;
		proto_error_set(e, PERR_BAD_MESSAGE, "missing field \"%s\"", key);
		return -1;
	}
	if (!json_is_integer(v)) {
		proto_error_set(e, PERR_BAD_MESSAGE, "field \"%s\" must be an integer", key);
		return -1;
	}
	if (json_integer_value(v) < min || json_integer_value(v) > max) {
		proto_error_set(e, PERR_BAD_MESSAGE,
				"field \"%s\" is %lld, outside %lld..%lld", key,
				(long long)json_integer_value(v), (long long)min,
				(long long)max);
		return -1;
	}
	*out = json_integer_value(v);
	return 0;
}

/* An optional count, 0 when absent. */
static int get_count(json_t *o, const char *key, int64_t max, uint64_t *out,
		     struct proto_error *e)
{
	int64_t n = 0;

	if (get_int(o, key, 0, 0, max, &n, e) < 0)
		return -1;
	*out = (uint64_t)n;
	return 0;
}

static int get_bool(json_t *o, const char *key, int *out, struct proto_error *e)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL)
		return 0;
	if (!json_is_boolean(v)) {
		proto_error_set(e, PERR_BAD_MESSAGE, "field \"%s\" must be true or false", key);
		return -1;
	}
	*out = json_is_true(v);
	return 0;
}

static int get_ms(json_t *o, const char *key, double *out, struct proto_error *e)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL)
		return 0;
	if (!json_is_number(v) || json_number_value(v) < 0) {
		proto_error_set(e, PERR_BAD_MESSAGE,
				"field \"%s\" must be a non-negative number", key);
		return -1;
	}
	*out = json_number_value(v);
	return 0;
}

/* Per-type codecs. */

static int hello_decode(json_t *o, struct msg *m, struct proto_error *e)
{
	struct msg_hello *h = &m->u.hello;
	uint64_t frame, execs, window;
	int64_t v = 0;

	if (get_int(o, "version", 1, 1, INT32_MAX, &v, e) < 0)
		return -1;
	h->version = (int)v;
	if (v != PROTO_VERSION) {
		proto_error_set(e, PERR_VERSION,
				"peer speaks protocol version %lld, this side speaks %d",
				(long long)v, PROTO_VERSION);
		return -1;
	}
	if (get_str(o, "software", 0, &h->software, e) < 0 ||
	    get_str(o, "instance", 0, &h->instance, e) < 0 ||
	    get_count(o, "max_frame", UINT32_MAX, &frame, e) < 0 ||
	    get_count(o, "max_execs", UINT32_MAX, &execs, e) < 0 ||
	    get_count(o, "window", PROTO_MAX_WINDOW, &window, e) < 0)
		return -1;
	h->max_frame = (uint32_t)frame;
	h->max_execs = (uint32_t)execs;
	h->window = (uint32_t)window;
	return 0;
}

static void hello_encode(json_t *o, const struct msg *m)
{
	const struct msg_hello *h = &m->u.hello;

	json_object_set_new(o, "version", json_integer(h->version));
	if (h->software)
		json_object_set_new(o, "software", json_string(h->software));
	if (h->instance)
		json_object_set_new(o, "instance", json_string(h->instance));
	if (h->max_frame)
		json_object_set_new(o, "max_frame", json_integer(h->max_frame));
	if (h->max_execs)
		json_object_set_new(o, "max_execs", json_integer(h->max_execs));
	if (h->window)
		json_object_set_new(o, "window", json_integer(h->window));
}

static int strings_decode(json_t *arr, const char *key, size_t max, char ***out,
			  size_t *n, struct proto_error *e)
{
	size_t i;
	json_t *v;

	if (json_array_size(arr) > max) {
		proto_error_set(e, PERR_BAD_MESSAGE, "field \"%s\" has over %zu entries", key, max);
		return -1;
	}
	*out = calloc(json_array_size(arr) + 1, sizeof **out);
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v)) {
			proto_error_set(e, PERR_BAD_MESSAGE,
					"field \"%s\" must hold only strings", key);
			return -1;
		}
		(*out)[i] = strdup(json_string_value(v));
		*n = i + 1;
	}
	return 0;
}

/* "args": optional, an array of strings; *args is never NULL after, so a
 * user can build an argv without a check. */
static int args_decode(json_t *o, char ***args, size_t *nargs, struct proto_error *e)
{
	json_t *v = json_object_get(o, "args");

	if (v && !json_is_array(v)) {
		proto_error_set(e, PERR_BAD_MESSAGE, "field \"args\" must be an array of strings");
		return -1;
	}
	if (v == NULL) {
		*args = calloc(1, sizeof **args);
		return 0;
	}
	return strings_decode(v, "args", PROTO_MAX_ARGS, args, nargs, e);
}

static json_t *strings_encode(char *const *v, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_string(v[i]));
	return arr;
}

static int env_decode(json_t *obj, struct msg_exec *x, struct proto_error *e)
{
	const char *k;
	json_t *v;
	size_t i = 0;

	if (json_object_size(obj) > PROTO_MAX_ENV) {
		proto_error_set(e, PERR_BAD_MESSAGE, "field \"env\" has over %d entries",
				PROTO_MAX_ENV);
		return -1;
	}
	x->env = calloc(json_object_size(obj) + 1, sizeof *x->env);
	json_object_foreach(obj, k, v) {
		if (!json_is_string(v) || *k == '\0' || strchr(k, '=')) {
			proto_error_set(e, PERR_BAD_MESSAGE,
					"field \"env\" needs names without '=' and string values");
			return -1;
		}
		size_t len = strlen(k) + strlen(json_string_value(v)) + 2;
		x->env[i] = malloc(len);
		snprintf(x->env[i], len, "%s=%s", k, json_string_value(v));
		x->nenv = ++i;
	}
	return 0;
}

/* An exec field this side does not know (a newer peer's "user" or
 * "timeout_ms") would silently change what runs: refuse it instead. */
static int exec_check_fields(json_t *o, struct proto_error *e)
{
	static const char *const known[] = {"type", "id", "cmd", "args", "cwd", "env", "stdin",
					    "timeout_ms", "kill_grace_ms", "rlimits", "user", "tty",
					    "output_limit", "mounts", "session", "login",
					    "linger_ms", "stamps"};
	const char *k;
	json_t *v;
	size_t i;

	json_object_foreach(o, k, v) {
		for (i = 0; i < sizeof known / sizeof known[0]; i++)
			if (strcmp(k, known[i]) == 0)
				break;
		if (i == sizeof known / sizeof known[0]) {
			proto_error_set(e, PERR_BAD_MESSAGE,
					"exec field \"%.40s\" is not supported by protocol v%d",
					k, PROTO_VERSION);
			return -1;
		}
	}
	return 0;
}

/* A limit: a non-negative integer, or -1 for unlimited. */
static int rlimit_value(json_t *v, int64_t *out)
{
	if (!json_is_integer(v) || json_integer_value(v) < -1)
		return -1;
	*out = json_integer_value(v);
	return 0;
}

/* "rlimits": {"nofile": [soft, hard], ...} */
static int rlimits_decode(json_t *obj, struct msg_exec *x, struct proto_error *e)
{
	const char *k;
	json_t *v;

	if (!json_is_object(obj) || json_object_size(obj) > 16) {
		proto_error_set(e, PERR_BAD_MESSAGE,
				"field \"rlimits\" must be an object of at most 16 limits");
		return -1;
	}
	json_object_foreach(obj, k, v) {
		struct msg_rlimit *r = &x->rlimits[x->nrlimits];
		if ((r->resource = rlimit_from_name(k)) < 0) {
			proto_error_set(e, PERR_BAD_MESSAGE, "rlimits: unknown limit \"%.20s\" (known: %s)",
					k, rlimit_names);
			return -1;
		}
		if (!json_is_array(v) || json_array_size(v) != 2 ||
		    rlimit_value(json_array_get(v, 0), &r->soft) < 0 ||
		    rlimit_value(json_array_get(v, 1), &r->hard) < 0 ||
		    (r->hard != -1 && (r->soft == -1 || r->soft > r->hard))) {
			proto_error_set(e, PERR_BAD_MESSAGE,
					"rlimits: \"%s\" must be [soft, hard], integers or -1 for "
					"unlimited, soft <= hard", k);
			return -1;
		}
		x->nrlimits++;
	}
	return 0;
}

/* "tty": {"rows": 24, "cols": 80} */
static int tty_decode(json_t *obj, struct msg_exec *x, struct proto_error *e)
{
	uint64_t rows = 0, cols = 0;

	if (!json_is_object(obj) || get_count(obj, "rows", 65535, &rows, e) < 0 ||
	    get_count(obj, "cols", 65535, &cols, e) < 0 || rows == 0 || cols == 0) {
		proto_error_set(e, PERR_BAD_MESSAGE,
				"field \"tty\" must be {\"rows\": 1..65535, \"cols\": 1..65535}");
		return -1;
	}
	x->tty = 1;
	x->rows = (uint16_t)rows;
	x->cols = (uint16_t)cols;
	return 0;
}

static int mount_decode(json_t *v, struct msg_mount *mt, struct proto_error *e)
{
	if (!json_is_object(v)) {
		proto_error_set(e, PERR_BAD_MESSAGE,
				"field \"mounts\" must hold objects {key, subdir, ro}");
		return -1;
	}
	if (get_str(v, "key", 1, &mt->key, e) < 0 || get_str(v, "subdir", 0, &mt->subdir, e) < 0 ||
	    get_bool(v, "ro", &mt->ro, e) < 0)
		return -1;
	if (*mt->key == '\0' || strchr(mt->key, '/')) {
		proto_error_set(e, PERR_BAD_MESSAGE, "mount key \"%.40s\" is empty or has a '/'",
				mt->key);
		return -1;
	}
	return 0;
}

static int mounts_decode(json_t *arr, struct msg_exec *x, struct proto_error *e)
{
	size_t i;
	json_t *v;

	if (!json_is_array(arr) || json_array_size(arr) > PROTO_MAX_MOUNTS) {
		proto_error_set(e, PERR_BAD_MESSAGE, "field \"mounts\" must be an array of at most %d",
				PROTO_MAX_MOUNTS);
		return -1;
	}
	x->mounts = calloc(json_array_size(arr) + 1, sizeof *x->mounts);
	json_array_foreach(arr, i, v) {
		x->nmounts = i + 1;
		if (mount_decode(v, &x->mounts[i], e) < 0)
			return -1;
	}
	return 0;
}

static int exec_decode(json_t *o, struct msg *m, struct proto_error *e)
{
	struct msg_exec *x = &m->u.exec;
	json_t *v;
	char *mode = NULL;

	if (exec_check_fields(o, e) < 0)
		return -1;

	if (get_bool(o, "login", &x->login, e) < 0 || get_str(o, "cmd", !x->login, &x->cmd, e) < 0)
		return -1;
	if (x->login && x->cmd) {
		proto_error_set(e, PERR_BAD_MESSAGE, "give \"cmd\" or \"login\", not both");
		return -1;
	}
	if (x->cmd && *x->cmd == '\0') {
		proto_error_set(e, PERR_BAD_MESSAGE, "field \"cmd\" is empty");
		return -1;
	}
	if (args_decode(o, &x->args, &x->nargs, e) < 0)
		return -1;
	if (get_str(o, "cwd", 0, &x->cwd, e) < 0 || get_str(o, "user", 0, &x->user, e) < 0)
		return -1;
	if (x->user && *x->user == '\0') {
		proto_error_set(e, PERR_BAD_MESSAGE, "field \"user\" is empty");
		return -1;
	}
	v = json_object_get(o, "env");
	if (v && !json_is_object(v)) {
		proto_error_set(e, PERR_BAD_MESSAGE, "field \"env\" must be an object of strings");
		return -1;
	}
	if (v && env_decode(v, x, e) < 0)
		return -1;
	uint64_t ms;
	if ((v = json_object_get(o, "rlimits")) && rlimits_decode(v, x, e) < 0)
		return -1;
	if ((v = json_object_get(o, "tty")) && tty_decode(v, x, e) < 0)
		return -1;
	if ((v = json_object_get(o, "mounts")) && mounts_decode(v, x, e) < 0)
		return -1;
	if (get_count(o, "output_limit", INT64_MAX, &x->output_limit, e) < 0)
		return -1;
	if (get_count(o, "timeout_ms", UINT32_MAX, &ms, e) < 0)
		return -1;
	x->timeout_ms = (uint32_t)ms;
	if (get_count(o, "kill_grace_ms", UINT32_MAX, &ms, e) < 0)
		return -1;
	x->kill_grace_ms = (uint32_t)ms;
	if (get_bool(o, "session", &x->session, e) < 0 ||
	    get_count(o, "linger_ms", UINT32_MAX, &ms, e) < 0 ||
	    get_bool(o, "stamps", &x->stamps, e) < 0)
		return -1;
	x->linger_ms = (uint32_t)ms;
	if ((x->linger_ms || x->stamps) && !x->session) {
		proto_error_set(e, PERR_BAD_MESSAGE, "field \"%s\" needs \"session\"",
				x->linger_ms ? "linger_ms" : "stamps");
		return -1;
	}
	if (get_str(o, "stdin", 0, &mode, e) < 0)
		return -1;
	x->stdin_mode = STDIN_NULL;
	if (mode && strcmp(mode, "pipe") == 0)
		x->stdin_mode = STDIN_PIPE;
	else if (mode && strcmp(mode, "null") != 0) {
		proto_error_set(e, PERR_BAD_MESSAGE,
				"field \"stdin\" must be \"null\" or \"pipe\", not \"%.40s\"", mode);
		free(mode);
		return -1;
	}
	free(mode);
	return 0;
}

static void exec_encode(json_t *o, const struct msg *m)
{
	const struct msg_exec *x = &m->u.exec;
	json_t *env;

	if (x->login)
		json_object_set_new(o, "login", json_true());
	else
		json_object_set_new(o, "cmd", json_string(x->cmd));
	json_object_set_new(o, "args", strings_encode(x->args, x->nargs));
	if (x->cwd)
		json_object_set_new(o, "cwd", json_string(x->cwd));
	if (x->user)
		json_object_set_new(o, "user", json_string(x->user));
	if (x->output_limit)
		json_object_set_new(o, "output_limit", json_integer((json_int_t)x->output_limit));
	if (x->tty)
		json_object_set_new(o, "tty", json_pack("{s:i,s:i}", "rows", x->rows, "cols", x->cols));
	if (x->nmounts) {
		json_t *ms = json_array();
		for (size_t i = 0; i < x->nmounts; i++) {
			json_t *mt = json_pack("{s:s,s:b}", "key", x->mounts[i].key, "ro", x->mounts[i].ro);
			if (x->mounts[i].subdir)
				json_object_set_new(mt, "subdir", json_string(x->mounts[i].subdir));
			json_array_append_new(ms, mt);
		}
		json_object_set_new(o, "mounts", ms);
	}
	if (x->nenv) {
		env = json_object();
		for (size_t i = 0; i < x->nenv; i++) {
			char *eq = strchr(x->env[i], '=');
			if (eq == NULL)
				continue;
			char *k = strndup(x->env[i], (size_t)(eq - x->env[i]));
			json_object_set_new(env, k, json_string(eq + 1));
			free(k);
		}
		json_object_set_new(o, "env", env);
	}
	json_object_set_new(o, "stdin", json_string(x->stdin_mode == STDIN_PIPE ? "pipe" : "null"));
	if (x->nrlimits) {
		json_t *rl = json_object();
		for (size_t i = 0; i < x->nrlimits; i++)
			json_object_set_new(rl, rlimit_name(x->rlimits[i].resource),
					    json_pack("[II]", (json_int_t)x->rlimits[i].soft,
						      (json_int_t)x->rlimits[i].hard));
		json_object_set_new(o, "rlimits", rl);
	}
	if (x->timeout_ms)
		json_object_set_new(o, "timeout_ms", json_integer(x->timeout_ms));
	if (x->kill_grace_ms)
		json_object_set_new(o, "kill_grace_ms", json_integer(x->kill_grace_ms));
	if (x->session)
		json_object_set_new(o, "session", json_true());
	if (x->linger_ms)
		json_object_set_new(o, "linger_ms", json_integer(x->linger_ms));
	if (x->stamps)
		json_object_set_new(o, "stamps", json_true());
}

static int empty_decode(json_t *o, struct msg *m, struct proto_error *e)
{
	(void)o, (void)m, (void)e;
	return 0;
}

static void empty_encode(json_t *o, const struct msg *m)
{
	(void)o, (void)m;
}

static int signal_decode(json_t *o, struct msg *m, struct proto_error *e)
{
	json_t *v = json_object_get(o, "signal");
	int64_t n;

	if (json_is_string(v)) {
		m->u.signal.signo = sig_from_name(json_string_value(v));
		if (m->u.signal.signo < 0) {
			proto_error_set(e, PERR_BAD_MESSAGE, "unknown signal \"%.40s\"",
					json_string_value(v));
			return -1;
		}
		return 0;
	}
	if (get_int(o, "signal", 1, 1, 64, &n, e) < 0)
		return -1;
	m->u.signal.signo = (int)n;
	return 0;
}

static void signal_encode(json_t *o, const struct msg *m)
{
	json_object_set_new(o, "signal", json_integer(m->u.signal.signo));
}

static int started_decode(json_t *o, struct msg *m, struct proto_error *e)
{
	int64_t n = 0;

	if (get_int(o, "pid", 1, 1, INT32_MAX, &m->u.started.pid, e) < 0 ||
	    get_int(o, "exec", 0, 1, UINT32_MAX, &n, e) < 0)
		return -1;
	m->u.started.exec = (uint32_t)n;
	return 0;
}

static void started_encode(json_t *o, const struct msg *m)
{
	json_object_set_new(o, "pid", json_integer(m->u.started.pid));
	if (m->u.started.exec)
		json_object_set_new(o, "exec", json_integer(m->u.started.exec));
}

/* A session's entry adds who watches it and, once over, how it ended. */
static int session_info_decode(json_t *o, struct msg_exec_info *x, struct proto_error *e)
{
	int64_t n = 0, rows = 0, cols = 0, code = 0, sig = 0;

	if (get_bool(o, "session", &x->session, e) < 0 || !x->session)
		return x->session ? -1 : 0;
	if (get_int(o, "attached", 0, 0, UINT32_MAX, &n, e) < 0 ||
	    get_int(o, "rows", 0, 0, 65535, &rows, e) < 0 ||
	    get_int(o, "cols", 0, 0, 65535, &cols, e) < 0 ||
	    get_bool(o, "exited", &x->exited, e) < 0 ||
	    get_int(o, "code", 0, 0, 255, &code, e) < 0 ||
	    get_int(o, "signal", 0, 1, 64, &sig, e) < 0 ||
	    get_int(o, "ended_at_ms", 0, 0, INT64_MAX, &x->ended_at_ms, e) < 0)
		return -1;
	x->attached = (uint32_t)n;
	x->rows = (uint16_t)rows;
	x->cols = (uint16_t)cols;
	x->code = (int)code;
	x->signo = (int)sig;
	return 0;
}

static void session_info_encode(json_t *e, const struct msg_exec_info *x)
{
	if (!x->session)
		return;
	json_object_set_new(e, "session", json_true());
	json_object_set_new(e, "attached", json_integer(x->attached));
	json_object_set_new(e, "rows", json_integer(x->rows));
	json_object_set_new(e, "cols", json_integer(x->cols));
	if (!x->exited)
		return;
	json_object_set_new(e, "exited", json_true());
	json_object_set_new(e, x->signo ? "signal" : "code", json_integer(x->signo ? x->signo : x->code));
	json_object_set_new(e, "ended_at_ms", json_integer(x->ended_at_ms));
}

static int exec_info_decode(json_t *o, struct msg_exec_info *x, struct proto_error *e)
{
	int64_t n;

	if (!json_is_object(o)) {
		proto_error_set(e, PERR_BAD_MESSAGE, "field \"execs\" must hold objects");
		return -1;
	}
	if (get_int(o, "exec", 1, 1, UINT32_MAX, &n, e) < 0)
		return -1;
	x->exec = (uint32_t)n;
	if (get_int(o, "pid", 1, 1, INT32_MAX, &x->pid, e) < 0 ||
	    get_str(o, "cmd", 1, &x->cmd, e) < 0 || get_str(o, "via", 0, &x->via, e) < 0 ||
	    get_int(o, "started_at_ms", 0, 0, INT64_MAX, &x->started_at_ms, e) < 0 ||
	    get_bool(o, "tty", &x->tty, e) < 0)
		return -1;
	if (args_decode(o, &x->args, &x->nargs, e) < 0)
		return -1;
	return session_info_decode(o, x, e);
}

static int execs_decode(json_t *o, struct msg *m, struct proto_error *e)
{
	json_t *arr = json_object_get(o, "execs"), *v;
	struct msg_execs *l = &m->u.execs;
	size_t i;

	if (!json_is_array(arr)) {
		proto_error_set(e, PERR_BAD_MESSAGE, "field \"execs\" must be an array");
		return -1;
	}
	l->v = calloc(json_array_size(arr) + 1, sizeof *l->v);
	json_array_foreach(arr, i, v) {
		l->n = i + 1;
		if (exec_info_decode(v, &l->v[i], e) < 0)
			return -1;
	}
	return 0;
}

static void execs_encode(json_t *o, const struct msg *m)
{
	const struct msg_execs *l = &m->u.execs;
	json_t *arr = json_array();

	for (size_t i = 0; i < l->n; i++) {
		const struct msg_exec_info *x = &l->v[i];
		json_t *e = json_pack("{s:I,s:I,s:s,s:o,s:I,s:b}", "exec", (json_int_t)x->exec, "pid",
				      (json_int_t)x->pid, "cmd", x->cmd, "args",
				      strings_encode(x->args, x->nargs), "started_at_ms",
				      (json_int_t)x->started_at_ms, "tty", x->tty);
		if (x->via)
			json_object_set_new(e, "via", json_string(x->via));
		session_info_encode(e, x);
		json_array_append_new(arr, e);
	}
	json_object_set_new(o, "execs", arr);
}

static int signal_exec_decode(json_t *o, struct msg *m, struct proto_error *e)
{
	struct msg sig = {.type = MSG_SIGNAL};
	int64_t n;

	if (get_int(o, "exec", 1, 1, UINT32_MAX, &n, e) < 0 || signal_decode(o, &sig, e) < 0)
		return -1;
	m->u.signal_exec.exec = (uint32_t)n;
	m->u.signal_exec.signo = sig.u.signal.signo;
	return 0;
}

static void signal_exec_encode(json_t *o, const struct msg *m)
{
	json_object_set_new(o, "exec", json_integer(m->u.signal_exec.exec));
	json_object_set_new(o, "signal", json_integer(m->u.signal_exec.signo));
}

static int signaled_decode(json_t *o, struct msg *m, struct proto_error *e)
{
	int64_t n;

	if (get_int(o, "exec", 1, 1, UINT32_MAX, &n, e) < 0 ||
	    get_int(o, "pid", 1, 1, INT32_MAX, &m->u.signal_exec.pid, e) < 0)
		return -1;
	m->u.signal_exec.exec = (uint32_t)n;
	return 0;
}

static void signaled_encode(json_t *o, const struct msg *m)
{
	json_object_set_new(o, "exec", json_integer(m->u.signal_exec.exec));
	json_object_set_new(o, "pid", json_integer(m->u.signal_exec.pid));
}

static int exited_decode(json_t *o, struct msg *m, struct proto_error *e)
{
	struct msg_exited *x = &m->u.exited;
	int64_t code = -1, sig = 0;

	if (get_int(o, "code", 0, 0, 255, &code, e) < 0 ||
	    get_int(o, "signal", 0, 1, 64, &sig, e) < 0)
		return -1;
	if ((code < 0) == (sig == 0)) {
		proto_error_set(e, PERR_BAD_MESSAGE,
				"exited needs exactly one of \"code\" and \"signal\"");
		return -1;
	}
	x->code = (int)code;
	x->signo = (int)sig;
	if (get_bool(o, "core_dumped", &x->core_dumped, e) < 0 ||
	    get_bool(o, "timed_out", &x->timed_out, e) < 0 ||
	    get_ms(o, "total_ms", &x->total_ms, e) < 0 ||
	    get_ms(o, "queue_ms", &x->queue_ms, e) < 0 ||
	    get_ms(o, "execute_ms", &x->execute_ms, e) < 0 ||
	    get_count(o, "stdout_bytes", INT64_MAX, &x->stdout_bytes, e) < 0 ||
	    get_count(o, "stderr_bytes", INT64_MAX, &x->stderr_bytes, e) < 0 ||
	    get_count(o, "stdout_dropped", INT64_MAX, &x->stdout_dropped, e) < 0 ||
	    get_count(o, "stderr_dropped", INT64_MAX, &x->stderr_dropped, e) < 0)
		return -1;
	return 0;
}

/* Microseconds are all a timing is good for; more digits are noise on
 * the wire ("0.0071030003"). */
double msg_round_ms(double ms)
{
	return round(ms * 1000.0) / 1000.0;
}

static void exited_encode(json_t *o, const struct msg *m)
{
	const struct msg_exited *x = &m->u.exited;

	if (x->signo)
		json_object_set_new(o, "signal", json_integer(x->signo));
	else
		json_object_set_new(o, "code", json_integer(x->code));
	if (x->core_dumped)
		json_object_set_new(o, "core_dumped", json_true());
	json_object_set_new(o, "timed_out", json_boolean(x->timed_out));
	json_object_set_new(o, "total_ms", json_real(msg_round_ms(x->total_ms)));
	json_object_set_new(o, "queue_ms", json_real(msg_round_ms(x->queue_ms)));
	json_object_set_new(o, "execute_ms", json_real(msg_round_ms(x->execute_ms)));
	json_object_set_new(o, "stdout_bytes", json_integer((json_int_t)x->stdout_bytes));
	json_object_set_new(o, "stderr_bytes", json_integer((json_int_t)x->stderr_bytes));
	/* Only when a limit dropped something: older readers never see it. */
	if (x->stdout_dropped)
		json_object_set_new(o, "stdout_dropped", json_integer((json_int_t)x->stdout_dropped));
	if (x->stderr_dropped)
		json_object_set_new(o, "stderr_dropped", json_integer((json_int_t)x->stderr_dropped));
}

static int failed_decode(json_t *o, struct msg *m, struct proto_error *e)
{
	struct msg_failed *f = &m->u.failed;
	char *kind = NULL;
	int64_t err = 0;
	int i;

	if (get_str(o, "kind", 1, &kind, e) < 0)
		return -1;
	for (i = 0; i < FAIL__COUNT; i++)
		if (strcmp(kind, fail_names[i]) == 0)
			break;
	free(kind);
	if (i == FAIL__COUNT) {
		proto_error_set(e, PERR_BAD_MESSAGE, "field \"kind\" names no failure kind");
		return -1;
	}
	f->kind = (enum fail_kind)i;
	if (get_int(o, "errno", 1, 0, 4095, &err, e) < 0 ||
	    get_str(o, "stage", 1, &f->stage, e) < 0 ||
	    get_str(o, "message", 0, &f->message, e) < 0)
		return -1;
	f->err = (int)err;
	return 0;
}

static void failed_encode(json_t *o, const struct msg *m)
{
	const struct msg_failed *f = &m->u.failed;

	json_object_set_new(o, "kind", json_string(fail_kind_name(f->kind)));
	json_object_set_new(o, "errno", json_integer(f->err));
	json_object_set_new(o, "stage", json_string(f->stage ? f->stage : "spawn"));
	if (f->message)
		json_object_set_new(o, "message", json_string(f->message));
}

static int error_decode(json_t *o, struct msg *m, struct proto_error *e)
{
	char *code = NULL;
	int c;

	if (get_str(o, "code", 1, &code, e) < 0)
		return -1;
	c = proto_err_from_name(code);
	free(code);
	/* An unknown code from a newer peer is still an error: keep it. */
	m->u.error.code = c <= 0 ? PERR_INTERNAL : (enum proto_err)c;
	return get_str(o, "message", 1, &m->u.error.message, e);
}

static void error_encode(json_t *o, const struct msg *m)
{
	json_object_set_new(o, "code", json_string(proto_err_name(m->u.error.code)));
	json_object_set_new(o, "message",
			    json_string(m->u.error.message ? m->u.error.message : ""));
}

static int window_decode(json_t *o, struct msg *m, struct proto_error *e)
{
	int64_t n;

	if (get_int(o, "bytes", 1, 1, PROTO_MAX_WINDOW, &n, e) < 0)
		return -1;
	m->u.window.bytes = (uint32_t)n;
	return 0;
}

static void window_encode(json_t *o, const struct msg *m)
{
	json_object_set_new(o, "bytes", json_integer(m->u.window.bytes));
}

static int resize_decode(json_t *o, struct msg *m, struct proto_error *e)
{
	int64_t rows, cols;

	if (get_int(o, "rows", 1, 1, 65535, &rows, e) < 0 || get_int(o, "cols", 1, 1, 65535, &cols, e) < 0)
		return -1;
	m->u.resize.rows = (uint16_t)rows;
	m->u.resize.cols = (uint16_t)cols;
	return 0;
}

static void resize_encode(json_t *o, const struct msg *m)
{
	json_object_set_new(o, "rows", json_integer(m->u.resize.rows));
	json_object_set_new(o, "cols", json_integer(m->u.resize.cols));
}

static int attach_decode(json_t *o, struct msg *m, struct proto_error *e)
{
	struct msg_attach *a = &m->u.attach;
	int64_t n, rows = 0, cols = 0, off = -1;

	if (get_int(o, "session", 1, 1, UINT32_MAX, &n, e) < 0 ||
	    get_int(o, "rows", 0, 1, 65535, &rows, e) < 0 ||
	    get_int(o, "cols", 0, 1, 65535, &cols, e) < 0 ||
	    get_bool(o, "read_only", &a->read_only, e) < 0 ||
	    get_bool(o, "stamps", &a->stamps, e) < 0 ||
	    get_int(o, "offset", 0, 0, INT64_MAX, &off, e) < 0)
		return -1;
	if (!rows != !cols) {
		proto_error_set(e, PERR_BAD_MESSAGE, "give both \"rows\" and \"cols\", or neither");
		return -1;
	}
	a->session = (uint32_t)n;
	a->rows = (uint16_t)rows;
	a->cols = (uint16_t)cols;
	a->resume = off >= 0;
	a->offset = a->resume ? (uint64_t)off : 0;
	return 0;
}

static void attach_encode(json_t *o, const struct msg *m)
{
	const struct msg_attach *a = &m->u.attach;

	json_object_set_new(o, "session", json_integer(a->session));
	if (a->rows && a->cols) {
		json_object_set_new(o, "rows", json_integer(a->rows));
		json_object_set_new(o, "cols", json_integer(a->cols));
	}
	if (a->read_only)
		json_object_set_new(o, "read_only", json_true());
	if (a->resume)
		json_object_set_new(o, "offset", json_integer((json_int_t)a->offset));
	if (a->stamps)
		json_object_set_new(o, "stamps", json_true());
}

static int attached_decode(json_t *o, struct msg *m, struct proto_error *e)
{
	struct msg_attached *a = &m->u.attached;
	int64_t n, rows = 0, cols = 0;

	if (get_int(o, "session", 1, 1, UINT32_MAX, &n, e) < 0 ||
	    get_int(o, "pid", 1, 1, INT32_MAX, &a->pid, e) < 0 ||
	    get_count(o, "offset", INT64_MAX, &a->offset, e) < 0 ||
	    get_count(o, "lost", INT64_MAX, &a->lost, e) < 0 ||
	    get_count(o, "screen_bytes", INT64_MAX, &a->screen_bytes, e) < 0 ||
	    get_int(o, "rows", 0, 1, 65535, &rows, e) < 0 ||
	    get_int(o, "cols", 0, 1, 65535, &cols, e) < 0 ||
	    get_count(o, "stdout_offset", INT64_MAX, &a->stdout_offset, e) < 0 ||
	    get_count(o, "stderr_offset", INT64_MAX, &a->stderr_offset, e) < 0 ||
	    get_count(o, "stdin_offset", INT64_MAX, &a->stdin_offset, e) < 0)
		return -1;
	a->stdin_known = json_object_get(o, "stdin_offset") != NULL;
	if (!rows != !cols) {
		proto_error_set(e, PERR_BAD_MESSAGE, "give both \"rows\" and \"cols\", or neither");
		return -1;
	}
	/* From an agent that predates them: a terminal's output is stdout. */
	if (!json_object_get(o, "stdout_offset"))
		a->stdout_offset = a->offset - a->stderr_offset;
	a->session = (uint32_t)n;
	a->rows = (uint16_t)rows;
	a->cols = (uint16_t)cols;
	return 0;
}

static void attached_encode(json_t *o, const struct msg *m)
{
	const struct msg_attached *a = &m->u.attached;

	json_object_set_new(o, "session", json_integer(a->session));
	json_object_set_new(o, "pid", json_integer(a->pid));
	json_object_set_new(o, "offset", json_integer((json_int_t)a->offset));
	if (a->lost)
		json_object_set_new(o, "lost", json_integer((json_int_t)a->lost));
	json_object_set_new(o, "screen_bytes", json_integer((json_int_t)a->screen_bytes));
	if (a->rows && a->cols) {
		json_object_set_new(o, "rows", json_integer(a->rows));
		json_object_set_new(o, "cols", json_integer(a->cols));
	}
	json_object_set_new(o, "stdout_offset", json_integer((json_int_t)a->stdout_offset));
	json_object_set_new(o, "stderr_offset", json_integer((json_int_t)a->stderr_offset));
	if (a->stdin_known)
		json_object_set_new(o, "stdin_offset", json_integer((json_int_t)a->stdin_offset));
}

static int stamp_decode(json_t *o, struct msg *m, struct proto_error *e)
{
	return get_int(o, "ts_ms", 1, 0, INT64_MAX, &m->u.stamp.ts_ms, e);
}

static void stamp_encode(json_t *o, const struct msg *m)
{
	json_object_set_new(o, "ts_ms", json_integer(m->u.stamp.ts_ms));
}

static const struct msg_entry msg_table[MSG__COUNT] = {
	[MSG_HELLO] = {"hello", DIR_BOTH, -1, hello_decode, hello_encode},
	[MSG_EXEC] = {"exec", DIR_TO_AGENT, 1, exec_decode, exec_encode},
	[MSG_STDIN_CLOSE] = {"stdin_close", DIR_TO_AGENT, 1, empty_decode, empty_encode},
	[MSG_SIGNAL] = {"signal", DIR_TO_AGENT, 1, signal_decode, signal_encode},
	[MSG_KILL] = {"kill", DIR_TO_AGENT, 1, empty_decode, empty_encode},
	[MSG_STARTED] = {"started", DIR_TO_CLIENT, 1, started_decode, started_encode},
	[MSG_EXITED] = {"exited", DIR_TO_CLIENT, 1, exited_decode, exited_encode},
	[MSG_FAILED] = {"failed", DIR_TO_CLIENT, 1, failed_decode, failed_encode},
	[MSG_ERROR] = {"error", DIR_TO_CLIENT, 0, error_decode, error_encode},
	[MSG_WINDOW] = {"window", DIR_BOTH, 1, window_decode, window_encode},
	[MSG_LIST] = {"list", DIR_TO_AGENT, 1, empty_decode, empty_encode},
	[MSG_EXECS] = {"execs", DIR_TO_CLIENT, 1, execs_decode, execs_encode},
	[MSG_SIGNAL_EXEC] = {"signal_exec", DIR_TO_AGENT, 1, signal_exec_decode, signal_exec_encode},
	[MSG_SIGNALED] = {"signaled", DIR_TO_CLIENT, 1, signaled_decode, signaled_encode},
	[MSG_RESIZE] = {"resize", DIR_TO_AGENT, 1, resize_decode, resize_encode},
	[MSG_ATTACH] = {"attach", DIR_TO_AGENT, 1, attach_decode, attach_encode},
	[MSG_ATTACHED] = {"attached", DIR_TO_CLIENT, 1, attached_decode, attached_encode},
	[MSG_DETACH] = {"detach", DIR_TO_AGENT, 1, empty_decode, empty_encode},
	[MSG_DETACHED] = {"detached", DIR_TO_CLIENT, 1, empty_decode, empty_encode},
	[MSG_STAMP] = {"stamp", DIR_TO_CLIENT, 1, stamp_decode, stamp_encode},
};

const char *msg_type_name(enum msg_type t)
{
	return (unsigned)t < MSG__COUNT ? msg_table[t].name : "unknown";
}

enum msg_dir msg_type_dir(enum msg_type t)
{
	return (unsigned)t < MSG__COUNT ? msg_table[t].dir : 0;
}

static int lookup_type(json_t *o, enum msg_dir dir, struct msg *m, struct proto_error *e)
{
	json_t *t = json_object_get(o, "type");

	if (!json_is_string(t)) {
		proto_error_set(e, PERR_BAD_MESSAGE, "field \"type\" must be a string");
		return -1;
	}
	for (int i = 0; i < MSG__COUNT; i++) {
		if (strcmp(msg_table[i].name, json_string_value(t)) != 0)
			continue;
		if (!(msg_table[i].dir & dir)) {
			proto_error_set(e, PERR_UNKNOWN_TYPE,
					"message \"%s\" is not sent in this direction",
					msg_table[i].name);
			return -1;
		}
		m->type = (enum msg_type)i;
		return 0;
	}
	proto_error_set(e, PERR_UNKNOWN_TYPE, "unknown message type \"%.60s\"",
			json_string_value(t));
	return -1;
}

static int decode_object(json_t *o, enum msg_dir dir, struct msg *m, struct proto_error *e)
{
	const struct msg_entry *ent;
	int64_t id = 0;

	if (lookup_type(o, dir, m, e) < 0)
		return -1;
	ent = &msg_table[m->type];
	if (ent->needs_id >= 0 &&
	    get_int(o, "id", ent->needs_id, 1, UINT32_MAX, &id, e) < 0)
		return -1;
	m->id = (uint32_t)id;
	if (ent->decode(o, m, e) < 0) {
		/* Lets the peer tie the error to the exec it asked for. */
		e->id = m->id;
		return -1;
	}
	return 0;
}

int msg_decode(const char *buf, size_t len, enum msg_dir dir, struct msg *m,
	       struct proto_error *e)
{
	json_error_t jerr;
	json_t *o;
	int rc;

	memset(m, 0, sizeof *m);
	m->type = MSG__COUNT;
	e->id = 0;
	if (len > PROTO_MAX_FRAME) {
		proto_error_set(e, PERR_FRAME_TOO_LARGE,
				"control message of %zu bytes is over the limit of %d",
				len, PROTO_MAX_FRAME);
		return -1;
	}
	if (!utf8_valid((const uint8_t *)buf, len)) {
		proto_error_set(e, PERR_BAD_UTF8, "control message is not valid UTF-8");
		return -1;
	}
	o = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (o == NULL || !json_is_object(o)) {
		proto_error_set(e, PERR_BAD_JSON, "control message is not a JSON object%s%s",
				o ? "" : ": ", o ? "" : jerr.text);
		json_decref(o);
		return -1;
	}
	rc = decode_object(o, dir, m, e);
	json_decref(o);
	if (rc < 0)
		msg_free(m);
	return rc;
}

char *msg_encode(const struct msg *m, size_t *len)
{
	json_t *o = json_object();
	char *s;

	json_object_set_new(o, "type", json_string(msg_type_name(m->type)));
	if (m->id)
		json_object_set_new(o, "id", json_integer(m->id));
	msg_table[m->type].encode(o, m);
	s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(9));
	json_decref(o);
	if (s == NULL)
		abort(); /* only on allocation failure */
	if (len)
		*len = strlen(s);
	return s;
}

static void strv_free(char **v)
{
	if (v == NULL)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

void msg_free(struct msg *m)
{
	switch (m->type) {
	case MSG_HELLO:
		free(m->u.hello.software);
		free(m->u.hello.instance);
		break;
	case MSG_EXEC:
		free(m->u.exec.cmd);
		strv_free(m->u.exec.args);
		free(m->u.exec.cwd);
		free(m->u.exec.user);
		strv_free(m->u.exec.env);
		for (size_t i = 0; m->u.exec.mounts && i < m->u.exec.nmounts; i++) {
			free(m->u.exec.mounts[i].key);
			free(m->u.exec.mounts[i].subdir);
		}
		free(m->u.exec.mounts);
		break;
	case MSG_FAILED:
		free(m->u.failed.stage);
		free(m->u.failed.message);
		break;
	case MSG_ERROR:
		free(m->u.error.message);
		break;
	case MSG_EXECS:
		for (size_t i = 0; m->u.execs.v && i < m->u.execs.n; i++) {
			free(m->u.execs.v[i].cmd);
			strv_free(m->u.execs.v[i].args);
			free(m->u.execs.v[i].via);
		}
		free(m->u.execs.v);
		break;
	default:
		break;
	}
	memset(&m->u, 0, sizeof m->u);
}
