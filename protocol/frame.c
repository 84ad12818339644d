/*
 * frame.c: binary data frames. A fixed 14-byte header (version, kind, exec
 * id, stream offset, all big-endian) then the raw bytes.
 */
#include "proto.h"

static const char *const kind_names[FRAME__COUNT] = {"stdin", "stdout", "stderr", "screen"};

const char *frame_kind_name(enum frame_kind k)
{
	return (unsigned)k < FRAME__COUNT ? kind_names[k] : "unknown";
}

void frame_encode_header(uint8_t hdr[PROTO_FRAME_HDR], enum frame_kind kind,
			 uint32_t id, uint64_t offset)
{
	hdr[0] = PROTO_VERSION;
	hdr[1] = (uint8_t)kind;
	for (int i = 0; i < 4; i++)
		hdr[2 + i] = (uint8_t)(id >> (24 - 8 * i));
	for (int i = 0; i < 8; i++)
		hdr[6 + i] = (uint8_t)(offset >> (56 - 8 * i));
}

int frame_decode(const uint8_t *buf, size_t len, struct frame *f,
		 struct proto_error *e)
{
	if (len > PROTO_MAX_FRAME) {
		proto_error_set(e, PERR_FRAME_TOO_LARGE,
				"data frame of %zu bytes is over the limit of %d",
				len, PROTO_MAX_FRAME);
		return -1;
	}
	if (len < PROTO_FRAME_HDR) {
		proto_error_set(e, PERR_BAD_FRAME,
				"data frame of %zu bytes is shorter than its %d-byte header",
				len, PROTO_FRAME_HDR);
		return -1;
	}
	if (buf[0] != PROTO_VERSION) {
		proto_error_set(e, PERR_VERSION,
				"data frame has protocol version %u, this side speaks %d",
				buf[0], PROTO_VERSION);
		return -1;
	}
	if (buf[1] >= FRAME__COUNT) {
		proto_error_set(e, PERR_BAD_FRAME, "data frame has unknown kind %u", buf[1]);
		return -1;
	}
	f->kind = (enum frame_kind)buf[1];
	f->id = 0;
	for (int i = 0; i < 4; i++)
		f->id = f->id << 8 | buf[2 + i];
	f->offset = 0;
	for (int i = 0; i < 8; i++)
		f->offset = f->offset << 8 | buf[6 + i];
	if (f->id == 0) {
		proto_error_set(e, PERR_BAD_FRAME, "data frame has exec id 0");
		return -1;
	}
	f->data = buf + PROTO_FRAME_HDR;
	f->len = len - PROTO_FRAME_HDR;
	return 0;
}
