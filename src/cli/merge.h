/*
 * merge.h: the output of a fleet's commands as one stream of whole lines,
 * each prefixed with its sandbox's name (linefmt.h), as `sbx tail` and
 * `sbx exec --stream` print it. Lines are joined across frames (lines.h);
 * a partial last line is printed once its sandbox has been quiet for
 * MERGE_IDLE_MS, or at its end. Output is gathered and written in big
 * writes: at once on a terminal, else once MERGE_BATCH is gathered or
 * the loop has nothing else to do.
 */
#ifndef SBX_MERGE_H
#define SBX_MERGE_H

#include "fleet.h"
#include "linefmt.h"
#include "lines.h"

#define MERGE_IDLE_MS 200
#define MERGE_BATCH (64 * 1024)

struct merge {
	struct fleet *f;
	struct linefmt fmt;
	struct outbuf out;
	struct merge_member {
		struct lines ln[2]; /* stdout, stderr */
		double last;        /* ms, monotonic: its last output */
	} *mm;
	int tty;        /* our stdout is a terminal */
	int broken;     /* our stdout's reader is gone */
	int ticking;
	lws_sorted_usec_list_t tick;
};

/* color: -1 auto (a terminal and no NO_COLOR), 0 never, 1 always. */
void merge_init(struct merge *g, struct fleet *f, int color, int timestamps, int json);
void merge_output(struct merge *g, struct member *m, enum frame_kind kind, const uint8_t *data,
		  size_t len);
void merge_notice(struct merge *g, struct member *m, const char *text);
/* Its partial lines printed: m has ended. */
void merge_end(struct merge *g, struct member *m);
/* Everything gathered written out; -1 when our reader is gone (EPIPE). */
int merge_flush(struct merge *g);
void merge_free(struct merge *g);

/* Colour, given -1 auto, 0 never or 1 always: auto is our stdout being a
 * terminal and NO_COLOR unset or empty; never in JSON. */
int merge_color_use(int color, int json);
/* "auto", "always", "never" to -1, 1, 0; -2 for anything else. */
int merge_color_arg(const char *s);

#endif
