/*
 * fuzz_decode.c: libFuzzer target for the decoders. Every input goes to
 * frame_decode and to msg_decode in both directions. A frame that decodes
 * must re-encode to the same header; a message that decodes must re-encode
 * to JSON that decodes to the same type and id, and whose own encoding is
 * byte for byte the same (the codec reaches a fixed point after one trip).
 * Built only with -Dfuzz=true; run it with tests/fuzz/run-fuzz.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant is a crash, so libFuzzer keeps the input. */
#define check(cond, ...)                                                     \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "fuzz_decode: %s:%d: %s: ", __FILE__, \
				__LINE__, #cond);                            \
			fprintf(stderr, __VA_ARGS__);                        \
			fputc('\n', stderr);                                 \
			abort();                                             \
		}                                                            \
	} while (0)

static int union_is_zero(const struct msg *m)
{
	static const unsigned char zero[sizeof m->u];

	return memcmp(&m->u, zero, sizeof zero) == 0;
}

static void error_check(const struct proto_error *e)
{
	check(e->code > PERR_OK && e->code < PERR__COUNT, "code %d", (int)e->code);
	check(e->message[0] != '\0', "error %s without a message", proto_err_name(e->code));
	check(memchr(e->message, '\0', sizeof e->message) != NULL, "message not terminated");
}

static void frame_check(const uint8_t *data, size_t size)
{
	uint8_t hdr[PROTO_FRAME_HDR];
	struct proto_error e;
	struct frame f;

	if (frame_decode(data, size, &f, &e) < 0) {
		error_check(&e);
		check(e.code == PERR_BAD_FRAME || e.code == PERR_VERSION ||
		      e.code == PERR_FRAME_TOO_LARGE, "frame error %s", proto_err_name(e.code));
		return;
	}
	check(f.kind < FRAME__COUNT && f.id != 0, "kind %d id %u", (int)f.kind, f.id);
	check(f.data == data + PROTO_FRAME_HDR && f.len == size - PROTO_FRAME_HDR,
	      "payload not in place");
	frame_encode_header(hdr, f.kind, f.id, f.offset);
	check(memcmp(hdr, data, sizeof hdr) == 0, "header does not re-encode");
}

/* Encode m, decode that in dir, and check the result encodes the same. */
static void reencode_check(const struct msg *m, enum msg_dir dir)
{
	struct proto_error e;
	struct msg again;
	size_t len, len2;
	char *s = msg_encode(m, &len), *s2;

	check(s != NULL && strlen(s) == len, "encode length");
	if (msg_decode(s, len, dir, &again, &e) < 0)
		check(0, "re-decode of %s failed: %s: %s", s, proto_err_name(e.code), e.message);
	check(again.type == m->type, "type %s became %s", msg_type_name(m->type),
	      msg_type_name(again.type));
	check(again.id == m->id, "id %u became %u", m->id, again.id);
	s2 = msg_encode(&again, &len2);
	check(len == len2 && memcmp(s, s2, len) == 0, "unstable:\n  %s\n  %s", s, s2);
	msg_free(&again);
	free(s2);
	free(s);
}

/* What the agent and client rely on without checking again. */
static void fields_check(const struct msg *m)
{
	const struct msg_exec *x = &m->u.exec;

	switch (m->type) {
	case MSG_EXEC:
		check(m->id != 0 && x->cmd && *x->cmd, "exec without id or cmd");
		check(x->args && x->args[x->nargs] == NULL, "args not NULL-terminated");
		check(x->nenv == 0 || x->env[x->nenv] == NULL, "env not NULL-terminated");
		for (size_t i = 0; i < x->nenv; i++)
			check(strchr(x->env[i], '=') > x->env[i], "env entry \"%s\"", x->env[i]);
		break;
	case MSG_SIGNAL:
		check(m->u.signal.signo >= 1 && m->u.signal.signo <= 64, "signal %d",
		      m->u.signal.signo);
		break;
	case MSG_EXITED:
		check((m->u.exited.code < 0) != (m->u.exited.signo == 0), "code %d signal %d",
		      m->u.exited.code, m->u.exited.signo);
		break;
	case MSG_HELLO:
		check(m->u.hello.version == PROTO_VERSION, "version %d", m->u.hello.version);
		break;
	default:
		break;
	}
}

static void msg_check(const uint8_t *data, size_t size, enum msg_dir dir)
{
	struct proto_error e;
	struct msg m;

	if (msg_decode((const char *)data, size, dir, &m, &e) < 0) {
		error_check(&e);
		check(union_is_zero(&m), "failed decode left fields behind");
		msg_free(&m);
		return;
	}
	check((unsigned)m.type < MSG__COUNT && (msg_type_dir(m.type) & dir),
	      "type %d in direction %d", (int)m.type, (int)dir);
	fields_check(&m);
	reencode_check(&m, dir);
	msg_free(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	frame_check(data, size);
	msg_check(data, size, DIR_TO_AGENT);
	msg_check(data, size, DIR_TO_CLIENT);
	return 0;
}
