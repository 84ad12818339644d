/*
 * test_config.c: the client's pure parsers. The config file (config_parse):
 * good files read back as a one-line dump of what they hold, and each
 * malformed one is refused naming its line and problem. Detach keys
 * (detachkeys_parse) in docker's syntax, byte by byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "detachkeys.h"
#include "unit.h"

#define HOME "/home/u"

/* The config as one line: defaults, then [name url token ca], then @groups. */
static void dump(const struct config *c, char *buf, size_t len)
{
	size_t at = 0;

#define ADD(...) at += (size_t)snprintf(buf + at, at < len ? len - at : 0, __VA_ARGS__)
	ADD("keepalive=%u detach=", c->keepalive);
	for (size_t i = 0; i < c->detach.n; i++)
		ADD("%s%02x", i ? "," : "", c->detach.v[i]);
	if (c->detach_keys)
		ADD("(%s)", c->detach_keys);
	if (c->ui_prefix)
		ADD(" ui-prefix=%s", c->ui_prefix);
	if (c->ui_keys)
		ADD(" ui-keys=%s", c->ui_keys);
	for (size_t i = 0; i < c->nsandboxes; i++) {
		const struct config_sandbox *s = &c->sandboxes[i];
		ADD(" [%s:%d %s token=%s ca=%s]", s->name, s->line, s->url,
		    s->token_file ? s->token_file : "-", s->ca_file ? s->ca_file : "-");
	}
	for (size_t i = 0; i < c->ngroups; i++) {
		ADD(" @%s:%d=", c->groups[i].name, c->groups[i].line);
		for (size_t k = 0; k < c->groups[i].n; k++)
			ADD("%s%s", k ? "," : "", c->groups[i].members[k]);
	}
#undef ADD
}

/* Good files. */

struct good_row {
	const char *name, *text, *want;
};

#define NODEFAULTS "keepalive=0 detach=1d"

static const struct good_row good_rows[] = {
	{"empty", "", NODEFAULTS},
	{"blank lines and comments", "\n  \n# a comment\n\t# another\n", NODEFAULTS},
	{"the example of the issue",
	 "# comments and blank lines\n"
	 "keepalive = 20                 # client defaults, before any section\n"
	 "detach-keys = ctrl-p,ctrl-q\n"
	 "[box1]                         # a sandbox by name\n"
	 "url = ws://10.0.0.5:7681\n"
	 "token-file = ~/.config/sbx/box1.token\n"
	 "ca-file = /etc/sbx/ca.pem\n"
	 "[box2]\nurl = unix:/tmp/b2.sock\n"
	 "[box3]\nurl = wss://box3.example:443\n"
	 "@web = box1 box2 box3          # a group\n",
	 "keepalive=20 detach=10,11(ctrl-p,ctrl-q)"
	 " [box1:4 ws://10.0.0.5:7681 token=" HOME "/.config/sbx/box1.token ca=/etc/sbx/ca.pem]"
	 " [box2:8 unix:/tmp/b2.sock token=- ca=-] [box3:10 wss://box3.example:443 token=- ca=-]"
	 " @web:12=box1,box2,box3"},
	{"no blanks around =", "keepalive=5\n[a]\nurl=unix:/a", "keepalive=5 detach=1d [a:2 unix:/a token=- ca=-]"},
	{"CRLF line ends", "keepalive = 7\r\n[a]\r\nurl = unix:/a\r\n",
	 "keepalive=7 detach=1d [a:2 unix:/a token=- ca=-]"},
	{"no newline at the end", "[a]\nurl = unix:/a", NODEFAULTS " [a:1 unix:/a token=- ca=-]"},
	{"# inside a value is kept", "[a]\nurl = ws://h:1/#x\n", NODEFAULTS " [a:1 ws://h:1/#x token=- ca=-]"},
	{"a detach key that is #", "detach-keys = ctrl-a,#\n", "keepalive=0 detach=01,23(ctrl-a,#)"},
	{"the ui's prefix", "ui-prefix = ctrl-g\n", "keepalive=0 detach=1d ui-prefix=ctrl-g"},
	{"the ui's keys", "ui-keys = zoom=Z  detach=ctrl-q\n", "keepalive=0 detach=1d ui-keys=zoom=Z  detach=ctrl-q"},
	{"blanks inside a path are kept", "[a]\nurl = unix:/a\ntoken-file = /my dir/t \n",
	 NODEFAULTS " [a:1 unix:/a token=/my dir/t ca=-]"},
	{"~ alone is $HOME", "[a]\nurl = unix:/a\nca-file = ~\n", NODEFAULTS " [a:1 unix:/a token=- ca=" HOME "]"},
	{"a group before its sandboxes, commas", "@g = b, a\n[a]\nurl = unix:/a\n[b]\nurl = unix:/b\n",
	 NODEFAULTS " [a:2 unix:/a token=- ca=-] [b:4 unix:/b token=- ca=-] @g:1=b,a"},
	{"a group inside a section belongs to none", "[a]\n@g = a\nurl = unix:/a\n",
	 NODEFAULTS " [a:1 unix:/a token=- ca=-] @g:2=a"},
	{"two groups share a sandbox", "[a]\nurl = unix:/a\n@x = a\n@y = a\n",
	 NODEFAULTS " [a:1 unix:/a token=- ca=-] @x:3=a @y:4=a"},
	{"names with . _ -", "[a.b_c-1]\nurl = ws://[::1]:7681\n", NODEFAULTS " [a.b_c-1:1 ws://[::1]:7681 token=- ca=-]"},
	{"keepalive 3600", "keepalive = 3600\n", "keepalive=3600 detach=1d"},
	{"keepalive 1", "keepalive = 1\n", "keepalive=1 detach=1d"},
	{"detach keys DEL and ctrl-@", "detach-keys = DEL,ctrl-@\n", "keepalive=0 detach=7f,00(DEL,ctrl-@)"},
};

static void good_test(void **state)
{
	const struct good_row *r = *state;
	size_t before = heap_in_use(), len = strlen(r->text);
	uint8_t *text = buf_dup(r->text, len);
	struct config_error e;
	struct config c;
	char got[1024];

	if (config_parse(&c, (const char *)text, len, HOME, &e) < 0)
		fail_msg("refused at line %d: %s", e.line, e.message);
	dump(&c, got, sizeof got);
	assert_string_equal(got, r->want);
	config_free(&c);
	free(text);
	assert_int_equal(heap_in_use(), before);
}

/* Malformed files: the line and words of the message. */

struct bad_row {
	const char *name, *text;
	const char *home; /* NULL: HOME */
	int line;
	const char *message;
};

static const struct bad_row bad_rows[] = {
	{"an unknown key in a section", "[box1]\nurl = unix:/a\nuri = x\n", NULL, 3,
	 "unknown key \"uri\" in [box1] (keys: url, token-file, ca-file)"},
	{"an unknown default key", "colour = yes\n", NULL, 1,
	 "unknown key \"colour\" before any [section] (client defaults: keepalive, detach-keys, ui-prefix, ui-keys)"},
	{"a default inside a section", "[a]\nurl = unix:/a\nkeepalive = 3\n", NULL, 3,
	 "keepalive is a client default, not a key of [a]: put it before the first [section]"},
	{"a sandbox key before any section", "url = unix:/a\n", NULL, 1,
	 "url outside a [section]: give the sandbox's name first, as in [box1]"},
	{"a section without url", "[a]\ntoken-file = /t\n[b]\nurl = unix:/b\n", NULL, 1,
	 "[a] has no url (as in url = ws://HOST:PORT or url = unix:PATH)"},
	{"the last section without url", "[a]\nurl = unix:/a\n\n[b]\n", NULL, 4, "[b] has no url"},
	{"a url of another scheme", "[a]\nurl = http://h:80\n", NULL, 2,
	 "bad url in [a]: cannot read target \"http://h:80\": use ws://HOST:PORT, wss://HOST:PORT or unix:PATH"},
	{"a url with a bad port", "[a]\nurl = ws://h:99999\n", NULL, 2,
	 "bad url in [a]: cannot read \"h:99999\" as HOST:PORT"},
	{"a unix url without a path", "[a]\nurl = unix:\n", NULL, 2, "bad url in [a]: unix: needs a socket path"},
	{"a url without a scheme", "[a]\nurl = h:7681\n", NULL, 2, "bad url in [a]: cannot read target"},
	{"url twice", "[a]\nurl = unix:/a\nurl = unix:/b\n", NULL, 3, "url given twice in [a]"},
	{"a duplicate sandbox", "[a]\nurl = unix:/a\n[b]\nurl = unix:/b\n[a]\nurl = unix:/c\n", NULL, 5,
	 "duplicate sandbox [a] (first on line 1)"},
	{"a group naming an unknown sandbox", "[a]\nurl = unix:/a\n@web = a b\n", NULL, 3,
	 "@web names unknown sandbox \"b\""},
	{"a group naming a sandbox twice", "[a]\nurl = unix:/a\n@web = a a\n", NULL, 3, "@web names a twice"},
	{"an empty group", "@web =\n", NULL, 1, "@web names no sandbox"},
	{"a duplicate group", "[a]\nurl = unix:/a\n@g = a\n@g = a\n", NULL, 4, "duplicate group @g (first on line 3)"},
	{"a bad group name", "[a]\nurl = unix:/a\n@-g = a\n", NULL, 3, "bad group name @-g"},
	{"a group without a name", "@ = a\n", NULL, 1, "bad group name @:"},
	{"a bad sandbox name", "[box/1]\nurl = unix:/a\n", NULL, 1, "bad sandbox name [box/1]: 1-63 of"},
	{"a sandbox name starting with -", "[-a]\n", NULL, 1, "bad sandbox name [-a]"},
	{"an empty sandbox name", "[]\n", NULL, 1, "bad sandbox name []"},
	{"a sandbox name of 64 characters",
	 "[aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]\n", NULL, 1, "bad sandbox name"},
	{"an unterminated [section", "keepalive = 1\n[box1\nurl = unix:/a\n", NULL, 2,
	 "unterminated [section: expected [NAME]"},
	{"text after ]", "[box1] x\n", NULL, 1, "unexpected \" x\" after [box1]"},
	{"a line without =", "[a]\nurl unix:/a\n", NULL, 2,
	 "expected KEY = VALUE, [NAME] or @GROUP = NAMES, not \"url unix:/a\""},
	{"a key without a value", "[a]\nurl =   # nothing\n", NULL, 2, "url has no value"},
	{"a value without a key", " = 3\n", NULL, 1, "a value without a key"},
	{"keepalive 0", "keepalive = 0\n", NULL, 1, "keepalive \"0\": give whole seconds, 1 to 3600"},
	{"keepalive 3601", "keepalive = 3601\n", NULL, 1, "keepalive \"3601\": give whole seconds"},
	{"keepalive with a unit", "keepalive = 20s\n", NULL, 1, "keepalive \"20s\""},
	{"keepalive negative", "keepalive = -5\n", NULL, 1, "keepalive \"-5\""},
	{"keepalive huge", "keepalive = 99999999999999999999\n", NULL, 1, "keepalive \"99999999999999999999\""},
	{"keepalive twice", "keepalive = 1\nkeepalive = 2\n", NULL, 2, "keepalive given twice"},
	{"bad detach keys", "\n\ndetach-keys = ctrl-1\n", NULL, 3,
	 "detach keys \"ctrl-1\": unknown key \"ctrl-1\" (use ctrl-a..ctrl-z"},
	{"detach keys with an empty key", "detach-keys = a,,b\n", NULL, 1, "detach keys \"a,,b\": an empty key"},
	{"detach keys twice", "detach-keys = a\ndetach-keys = b\n", NULL, 2, "detach-keys given twice"},
	{"a ui prefix of two keys", "ui-prefix = ctrl-a,ctrl-b\n", NULL, 1,
	 "ui-prefix \"ctrl-a,ctrl-b\": give one key, such as ctrl-a"},
	{"a bad ui prefix", "ui-prefix = ctrl-1\n", NULL, 1, "ui-prefix: detach keys \"ctrl-1\": unknown key"},
	{"ui prefix twice", "ui-prefix = a\nui-prefix = b\n", NULL, 2, "ui-prefix given twice"},
	{"an unknown ui action", "ui-keys = zoom=Z fly=f\n", NULL, 1,
	 "ui-keys: unknown action \"fly\"; the actions are: focus-next, split-below"},
	{"a ui key not ACTION=KEY", "ui-keys = zoom\n", NULL, 1, "ui-keys: \"zoom\" is not ACTION=KEY"},
	{"a ui key of two keys", "ui-keys = zoom=ctrl-a,b\n", NULL, 1, "ui-keys: zoom=ctrl-a,b: give one key"},
	{"a ui key bound twice", "ui-keys = zoom=Z detach=Z\n", NULL, 1,
	 "ui-keys: detach=Z: the key is zoom's already"},
	{"ui keys twice", "ui-keys = zoom=Z\nui-keys = zoom=Y\n", NULL, 2, "ui-keys given twice"},
	{"a relative token file", "[a]\nurl = unix:/a\ntoken-file = box.token\n", NULL, 3,
	 "token-file \"box.token\" in [a]: give an absolute path or one starting with ~/"},
	{"~user", "[a]\nurl = unix:/a\nca-file = ~bob/ca.pem\n", NULL, 3, "~USER is not supported"},
	{"~ without $HOME", "[a]\nurl = unix:/a\ntoken-file = ~/t\n", "", 3,
	 "token-file \"~/t\" in [a]: $HOME is not set"},
	{"token-file twice", "[a]\nurl = unix:/a\ntoken-file = /a\ntoken-file = /b\n", NULL, 4,
	 "token-file given twice in [a]"},
	{"the first error wins", "x\ny\n", NULL, 1, "not \"x\""},
};

static void bad_test(void **state)
{
	const struct bad_row *r = *state;
	size_t before = heap_in_use(), len = strlen(r->text);
	uint8_t *text = buf_dup(r->text, len);
	struct config_error e;
	struct config c;

	if (config_parse(&c, (const char *)text, len, r->home ? (*r->home ? r->home : NULL) : HOME,
			 &e) == 0) {
		config_free(&c);
		fail_msg("accepted");
	}
	if (strstr(e.message, r->message) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", e.message, r->message);
	assert_int_equal(e.line, r->line);
	assert_int_equal(c.nsandboxes, 0);
	assert_null(c.sandboxes);
	free(text);
	assert_int_equal(heap_in_use(), before);
}

/* A NUL byte, which the rows' strings cannot hold. */
static void nul_test(void **state)
{
	static const char text[] = "[a]\nurl = unix:/a\nx\0y\n";
	struct config_error e;
	struct config c;

	(void)state;
	assert_int_equal(config_parse(&c, text, sizeof text - 1, HOME, &e), -1);
	assert_int_equal(e.line, 3);
	assert_string_equal(e.message, "a NUL byte: this is not a text file");
}

/* Lookups by name. */
static void find_test(void **state)
{
	static const char text[] = "[a]\nurl = unix:/a\n[b]\nurl = unix:/b\n@g = b a\n";
	struct config_error e;
	struct config c;

	(void)state;
	assert_int_equal(config_parse(&c, text, sizeof text - 1, HOME, &e), 0);
	assert_string_equal(config_sandbox_find(&c, "b")->url, "unix:/b");
	assert_null(config_sandbox_find(&c, "c"));
	assert_null(config_sandbox_find(&c, "g"));
	assert_int_equal(config_group_find(&c, "g")->n, 2);
	assert_null(config_group_find(&c, "a"));
	config_free(&c);
}

/* config_load: a missing file is empty; a directory is unreadable. */
static void load_test(void **state)
{
	char err[600] = "";
	struct config c;

	(void)state;
	assert_int_equal(config_load(&c, "/nonexistent/sbx/config", err, sizeof err), 0);
	assert_int_equal(c.nsandboxes, 0);
	config_free(&c);
	assert_int_equal(config_load(&c, "/", err, sizeof err), -1);
	assert_non_null(strstr(err, "cannot read config file /: "));
}

/* Detach keys. */

struct keys_row {
	const char *s;
	int n; /* -1: refused */
	const char *bytes;
};

static const struct keys_row keys_rows[] = {
	{"ctrl-p,ctrl-q", 2, "\x10\x11"},
	{"ctrl-a", 1, "\x01"},
	{"ctrl-z", 1, "\x1a"},
	{"ctrl-@", 1, "\0"},
	{"ctrl-[", 1, "\x1b"},
	{"ctrl-\\", 1, "\x1c"},
	{"ctrl-]", 1, "\x1d"},
	{"ctrl-^", 1, "\x1e"},
	{"ctrl-_", 1, "\x1f"},
	{"DEL", 1, "\x7f"},
	{"a", 1, "a"},
	{"q", 1, "q"},
	{"~", 1, "~"},
	{" ", 1, " "},
	{"#", 1, "#"},
	{"a,b,c", 3, "abc"},
	{"ctrl-x,q,ctrl-x", 3, "\x18q\x18"},
	{"a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a", 16, "aaaaaaaaaaaaaaaa"},
	{"a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a", -1, NULL},
	{"", 0, ""}, /* detaching off */
	{",", -1, NULL},
	{"a,", -1, NULL},
	{",a", -1, NULL},
	{"a,,b", -1, NULL},
	{"ctrl-", -1, NULL},
	{"ctrl-A", -1, NULL},
	{"CTRL-a", -1, NULL},
	{"ctrl-1", -1, NULL},
	{"ctrl-ab", -1, NULL},
	{"ctrl-?", -1, NULL},
	{"ctrl-a ", -1, NULL},
	{" ctrl-a", -1, NULL},
	{"ctrl-p, ctrl-q", -1, NULL},
	{"ab", -1, NULL},
	{"del", -1, NULL},
	{"\t", -1, NULL},
	{"\x7f", -1, NULL},
	{"\xc3\xa9", -1, NULL},
};

static void keys_test(void **state)
{
	const struct keys_row *r = *state;
	struct detachkeys k = {.n = 99};
	char err[300] = "", *s = (char *)buf_dup(r->s, strlen(r->s) + 1);
	int rc = detachkeys_parse(s, &k, err, sizeof err);

	free(s);
	if (r->n < 0) {
		assert_int_equal(rc, -1);
		assert_int_equal(k.n, 99); /* untouched */
		assert_non_null(strstr(err, "detach keys \""));
		return;
	}
	if (rc < 0)
		fail_msg("refused: %s", err);
	assert_int_equal(k.n, r->n);
	assert_memory_equal(k.v, r->bytes, (size_t)r->n);
}

int main(void)
{
	static char names[nitems(good_rows) + nitems(bad_rows) + nitems(keys_rows)][80];
	struct case_list l = {0};
	size_t k = 0;

	for (size_t i = 0; i < nitems(good_rows); i++, k++) {
		snprintf(names[k], sizeof names[k], "good: %s", good_rows[i].name);
		case_add(&l, names[k], good_test, &good_rows[i]);
	}
	for (size_t i = 0; i < nitems(bad_rows); i++, k++) {
		snprintf(names[k], sizeof names[k], "bad: %s", bad_rows[i].name);
		case_add(&l, names[k], bad_test, &bad_rows[i]);
	}
	for (size_t i = 0; i < nitems(keys_rows); i++, k++) {
		snprintf(names[k], sizeof names[k], "detach keys \"%s\"", keys_rows[i].s);
		case_add(&l, names[k], keys_test, &keys_rows[i]);
	}
	case_add(&l, "bad: a NUL byte", nul_test, NULL);
	case_add(&l, "config_sandbox_find, config_group_find", find_test, NULL);
	case_add(&l, "config_load: missing and unreadable files", load_test, NULL);
	return case_run(&l, "config") ? 1 : 0;
}
