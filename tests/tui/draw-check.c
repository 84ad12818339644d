/*
 * draw-check: the test driver of ui/draw.c, run by tests/tui/draw.sh
 * inside tmux. It feeds a file of bytes to a libvterm terminal, draws its
 * screen with draw_screen, refreshes and waits for a key, so that tmux
 * can capture what ncurses showed. With -c it prints the colours
 * draw_pair picks on $TERM instead, with no terminal needed.
 */
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curses.h>
#include <vterm.h>

#include "draw.h"

static const char usage[] =
	"usage: draw-check [-f] [-r Y,X,H,W] [-d ROW0,COL0,ROW1,COL1] [-2 FILE2] [-s READY]\n"
	"                  FILE ROWS COLS\n"
	"       draw-check -c COLOUR...   (default, idx:N, rgb:R,G,B, recycle)\n"
	"  -f   fill the screen with '.' first (to see what is drawn over)\n"
	"  -r   draw into this rectangle (default: 0,0,ROWS,COLS)\n"
	"  -d   draw only this damage (the pane's cells, end exclusive)\n"
	"  -2   then feed FILE2 a line at a time, drawing only the damage\n"
	"  -s   create READY once drawn\n";

struct opts {
	int fill, colours, have_damage;
	struct draw_rect r;
	int have_rect;
	VTermRect damage;
	const char *file2, *ready;
};

static void die(const char *what)
{
	fprintf(stderr, "draw-check: %s: %s\n", what, strerror(errno));
	exit(2);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n;

	*len = 0;
	if (f == NULL)
		die(path);
	do {
		if (*len == cap) {
			cap = cap ? 2 * cap : 4096;
			if ((buf = realloc(buf, cap)) == NULL)
				die("realloc");
		}
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
	} while (n > 0);
	if (ferror(f))
		die(path);
	fclose(f);
	return buf;
}

/* The damage since the last draw, as one rectangle (as ui's panes keep it). */
struct damage {
	int any;
	VTermRect rect;
};

static int on_damage(VTermRect r, void *user)
{
	struct damage *d = user;
	VTermRect *u = &d->rect;

	if (!d->any) {
		*u = r;
	} else {
		u->start_row = r.start_row < u->start_row ? r.start_row : u->start_row;
		u->start_col = r.start_col < u->start_col ? r.start_col : u->start_col;
		u->end_row = r.end_row > u->end_row ? r.end_row : u->end_row;
		u->end_col = r.end_col > u->end_col ? r.end_col : u->end_col;
	}
	d->any = 1;
	return 1;
}

static const VTermScreenCallbacks damage_cbs = {.damage = on_damage};

/* FILE2 a line at a time (a cut UTF-8 character would be mangled by
 * libvterm 0.1.4), each line's damage drawn and refreshed. */
static void feed_drawing(VTerm *vt, VTermScreen *vs, struct draw_rect r, const char *path)
{
	struct damage d = {0};
	size_t len, at = 0, n;
	char *bytes = slurp(path, &len);

	vterm_screen_set_callbacks(vs, &damage_cbs, &d);
	while (at < len) {
		const char *nl = memchr(bytes + at, '\n', len - at);

		n = nl ? (size_t)(nl - (bytes + at)) + 1 : len - at;
		vterm_input_write(vt, bytes + at, n);
		vterm_screen_flush_damage(vs);
		at += n;
		if (d.any)
			draw_screen(vs, r, &d.rect);
		d.any = 0;
		refresh();
	}
	vterm_screen_set_callbacks(vs, NULL, NULL);
	free(bytes);
}

static void fill(void)
{
	for (int y = 0; y < LINES; y++)
		for (int x = 0; x < COLS; x++)
			mvaddch(y, x, '.');
	refresh();
}

static int draw_file(const struct opts *o, const char *path, int rows, int cols)
{
	size_t len;
	char *bytes = slurp(path, &len);
	VTerm *vt = vterm_new(rows, cols);
	VTermScreen *vs;
	struct draw_rect r = o->have_rect ? o->r : (struct draw_rect){0, 0, rows, cols};

	vterm_set_utf8(vt, 1);
	vs = vterm_obtain_screen(vt);
	vterm_screen_enable_altscreen(vs, 1);
	vterm_screen_reset(vs, 1);
	vterm_input_write(vt, bytes, len);
	vterm_screen_flush_damage(vs);
	free(bytes);

	initscr();
	cbreak();
	noecho();
	curs_set(0);
	draw_init();
	if (o->fill)
		fill();
	draw_screen(vs, r, o->have_damage ? &o->damage : NULL);
	refresh();
	if (o->file2)
		feed_drawing(vt, vs, r, o->file2);
	if (o->ready) {
		FILE *f = fopen(o->ready, "w");

		if (f)
			fclose(f);
	}
	timeout(-1);
	while (getch() == ERR && errno == EINTR)
		;
	endwin();
	vterm_free(vt);
	return 0;
}

/* A colour as the command line spells it. */
static int colour_parse(const char *s, VTermColor *c, int fg)
{
	unsigned r, g, b, i;

	if (strcmp(s, "default") == 0) {
		c->type = fg ? VTERM_COLOR_DEFAULT_FG : VTERM_COLOR_DEFAULT_BG;
		c->rgb.red = c->rgb.green = c->rgb.blue = fg ? 240 : 0;
		return 0;
	}
	if (sscanf(s, "idx:%u", &i) == 1 && i < 256) {
		vterm_color_indexed(c, (uint8_t)i);
		return 0;
	}
	if (sscanf(s, "rgb:%u,%u,%u", &r, &g, &b) == 3 && r < 256 && g < 256 && b < 256) {
		vterm_color_rgb(c, (uint8_t)r, (uint8_t)g, (uint8_t)b);
		return 0;
	}
	return -1;
}

static VTermColor colour_of(int i, int fg)
{
	VTermColor c = {.type = fg ? VTERM_COLOR_DEFAULT_FG : VTERM_COLOR_DEFAULT_BG};

	if (i >= 0)
		vterm_color_indexed(&c, (uint8_t)i);
	return c;
}

/*
 * Every pair of the 256 indexed colours and the default (-1): more than
 * a terminal has pairs. Each is checked as soon as it is given, against
 * the colour numbers draw_pair gave each colour alone: alloc_pair must
 * recycle the oldest rather than fail.
 */
static int recycle(VTermScreen *vs)
{
	int num[257], n = 0, unused;

	for (int i = -1; i < 256; i++)
		extended_pair_content(draw_pair(vs, colour_of(i, 1), colour_of(-1, 0)), &num[i + 1],
				      &unused);
	for (int f = -1; f < 256; f++) {
		for (int b = -1; b < 256; b++, n++) {
			int pair = draw_pair(vs, colour_of(f, 1), colour_of(b, 0)), pf, pb;

			if (pair < 0 || extended_pair_content(pair, &pf, &pb) == ERR ||
			    pf != num[f + 1] || pb != num[b + 1]) {
				printf("recycle failed at %d: pair %d for %d,%d\n", n, pair, f, b);
				return 1;
			}
		}
	}
	printf("recycle ok: %d requests, %d pairs\n", n, COLOR_PAIRS - 1);
	return 0;
}

/* For each colour: what our terminal's colour number is as a foreground
 * (on the default background) and as a background. */
static int colours(int argc, char **argv)
{
	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
	VTerm *vt = vterm_new(24, 80);
	VTermScreen *vs = vterm_obtain_screen(vt);
	SCREEN *sp;
	int rc = 0;

	if (out == NULL || in == NULL)
		die("/dev/null");
	vterm_screen_reset(vs, 1);
	if ((sp = newterm(NULL, out, in)) == NULL) {
		fprintf(stderr, "draw-check: cannot use TERM=%s\n", getenv("TERM"));
		return 2;
	}
	draw_init();
	printf("colors %d pairs %d\n", COLORS, COLOR_PAIRS);
	for (int i = 0; i < argc; i++) {
		VTermColor fg, bg, dfg, dbg;
		int fgn, bgn, unused;

		if (strcmp(argv[i], "recycle") == 0) {
			rc |= recycle(vs);
			continue;
		}
		if (colour_parse(argv[i], &fg, 1) || colour_parse(argv[i], &bg, 0)) {
			fprintf(stderr, "draw-check: bad colour %s\n", argv[i]);
			return 2;
		}
		colour_parse("default", &dfg, 1);
		colour_parse("default", &dbg, 0);
		extended_pair_content(draw_pair(vs, fg, dbg), &fgn, &unused);
		extended_pair_content(draw_pair(vs, dfg, bg), &unused, &bgn);
		printf("%s %d %d\n", argv[i], fgn, bgn);
	}
	endwin();
	delscreen(sp);
	fclose(out);
	fclose(in);
	vterm_free(vt);
	return rc;
}

static int parse4(const char *s, int v[4])
{
	return sscanf(s, "%d,%d,%d,%d", &v[0], &v[1], &v[2], &v[3]) == 4 ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct opts o = {0};
	int c, v[4];

	setlocale(LC_ALL, "");
	while ((c = getopt(argc, argv, "cfr:d:2:s:")) != -1) {
		switch (c) {
		case 'c':
			o.colours = 1;
			break;
		case 'f':
			o.fill = 1;
			break;
		case 'r':
			if (parse4(optarg, v))
				goto bad;
			o.r = (struct draw_rect){v[0], v[1], v[2], v[3]};
			o.have_rect = 1;
			break;
		case 'd':
			if (parse4(optarg, v))
				goto bad;
			o.damage = (VTermRect){v[0], v[2], v[1], v[3]};
			o.have_damage = 1;
			break;
		case '2':
			o.file2 = optarg;
			break;
		case 's':
			o.ready = optarg;
			break;
		default:
			goto bad;
		}
	}
	if (o.colours)
		return colours(argc - optind, argv + optind);
	if (argc - optind == 3 && atoi(argv[optind + 1]) > 0 && atoi(argv[optind + 2]) > 0)
		return draw_file(&o, argv[optind], atoi(argv[optind + 1]), atoi(argv[optind + 2]));
bad:
	fputs(usage, stderr);
	return 2;
}
