/* merge.c: see merge.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "fdio.h"
#include "merge.h"
#include "sbx.h"
#include "xmalloc.h"

struct emit_ctx {
	struct merge *g;
	struct member *m;
	int stream;
};

static void emit_line(void *arg, const char *line, size_t len, int flags)
{
	struct emit_ctx *e = arg;

	linefmt_line(&e->g->fmt, &e->g->out, e->m->name, e->stream, e->m->ts_ms, line, len,
		     flags);
}

int merge_color_arg(const char *s)
{
	if (strcmp(s, "auto") == 0)
		return -1;
	if (strcmp(s, "always") == 0)
		return 1;
	if (strcmp(s, "never") == 0)
		return 0;
	return -2;
}

int merge_color_use(int color, int json)
{
	const char *no = getenv("NO_COLOR");

	if (color < 0)
		color = isatty(1) && !(no && *no);
	return color && !json;
}

void merge_init(struct merge *g, struct fleet *f, int color, int timestamps, int json)
{
	memset(g, 0, sizeof *g);
	g->f = f;
	g->tty = isatty(1);
	g->fmt.color = merge_color_use(color, json);
	g->fmt.timestamps = timestamps;
	g->fmt.json = json;
	g->fmt.width = fleet_width(f);
	g->mm = xcalloc(f->n, sizeof *g->mm);
}

void merge_free(struct merge *g)
{
	for (size_t i = 0; g->mm && i < g->f->n; i++) {
		lines_free(&g->mm[i].ln[0]);
		lines_free(&g->mm[i].ln[1]);
	}
	free(g->mm);
	outbuf_free(&g->out);
	g->mm = NULL;
}

int merge_flush(struct merge *g)
{
	if (g->out.len && !g->broken && fd_write_all(1, g->out.p, g->out.len) < 0 &&
	    errno == EPIPE)
		g->broken = 1;
	g->out.len = 0;
	return g->broken ? -1 : 0;
}

static void merge_arm(struct merge *g);

/* Every MERGE_IDLE_MS while anything is held: the partial lines of quiet
 * sandboxes go out, and what is gathered with them. */
static void merge_tick(lws_sorted_usec_list_t *sul)
{
	struct merge *g = lws_container_of(sul, struct merge, tick);
	double now = clock_ms();
	int held = 0;

	g->ticking = 0;
	for (size_t i = 0; i < g->f->n; i++)
		for (int k = 0; k < 2; k++) {
			struct emit_ctx e = {g, &g->f->m[i], k + 1};

			if (!lines_held(&g->mm[i].ln[k]))
				continue;
			if (now - g->mm[i].last >= MERGE_IDLE_MS)
				lines_flush(&g->mm[i].ln[k], emit_line, &e);
			else
				held = 1;
		}
	if (merge_flush(g) < 0)
		fleet_stop(g->f);
	if (held || g->out.len)
		merge_arm(g);
}

static void merge_arm(struct merge *g)
{
	if (g->ticking || g->f->cl == NULL)
		return;
	g->ticking = 1;
	lws_sul_schedule(sbx_client_context(g->f->cl), 0, &g->tick, merge_tick,
			 (lws_usec_t)MERGE_IDLE_MS * 1000);
}

static void merge_written(struct merge *g)
{
	/* A terminal shows each frame's lines as they come; a file or pipe
	 * gets them in big writes, the rest on the next tick. */
	if ((g->tty || g->out.len >= MERGE_BATCH) && merge_flush(g) < 0)
		fleet_stop(g->f);
	merge_arm(g);
}

void merge_output(struct merge *g, struct member *m, enum frame_kind kind, const uint8_t *data,
		  size_t len)
{
	int k = kind == FRAME_STDERR;
	struct emit_ctx e = {g, m, k + 1};

	g->mm[m->index].last = clock_ms();
	lines_push(&g->mm[m->index].ln[k], data, len, emit_line, &e);
	merge_written(g);
}

void merge_notice(struct merge *g, struct member *m, const char *text)
{
	linefmt_notice(&g->fmt, &g->out, m->name, clock_wall_ms(), text);
	merge_written(g);
}

void merge_end(struct merge *g, struct member *m)
{
	for (int k = 0; k < 2; k++) {
		struct emit_ctx e = {g, m, k + 1};

		lines_flush(&g->mm[m->index].ln[k], emit_line, &e);
	}
	merge_written(g);
}
