/* events.c: see events.h. Called by cmd-exec.c's exec callbacks. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "events.h"
#include "fdio.h"
#include "xmalloc.h"

static int emit(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(9));
	size_t len = strlen(s);
	int rc;

	s[len] = '\n'; /* json_dumps' NUL becomes the line's end */
	rc = fd_write_all(1, s, len + 1);
	free(s);
	json_decref(o);
	return rc;
}

int events_emit(void *o)
{
	return emit(o);
}

int events_started(int64_t pid, uint32_t exec)
{
	return emit(json_pack("{s:s,s:I,s:I}", "event", "started", "pid", (json_int_t)pid, "exec",
			      (json_int_t)exec));
}

/* Text when the chunk is valid UTF-8 (a character split between chunks
 * makes both base64), else base64 with "encoding". */
int events_output(enum frame_kind kind, const uint8_t *data, size_t len)
{
	json_t *o = json_pack("{s:s}", "event", frame_kind_name(kind));

	b64_json_set(o, "data", "encoding", data, len);
	return emit(o);
}

int events_exited(const struct msg_exited *e)
{
	json_t *o = json_pack("{s:s,s:b,s:f,s:f,s:f}", "event", "exited", "timed_out",
			      e->timed_out, "total_ms", e->total_ms, "queue_ms", e->queue_ms,
			      "execute_ms", e->execute_ms);

	json_object_set_new(o, "code", e->signo ? json_null() : json_integer(e->code));
	json_object_set_new(o, "signal", e->signo ? json_integer(e->signo) : json_null());
	json_object_set_new(o, "stdout_dropped", json_integer((json_int_t)e->stdout_dropped));
	json_object_set_new(o, "stderr_dropped", json_integer((json_int_t)e->stderr_dropped));
	return emit(o);
}

int events_failed(const struct msg_failed *f)
{
	return emit(json_pack("{s:s,s:s,s:i,s:s,s:s}", "event", "failed", "kind",
			      fail_kind_name(f->kind), "errno", f->err, "stage",
			      f->stage ? f->stage : "", "message", f->message ? f->message : ""));
}
