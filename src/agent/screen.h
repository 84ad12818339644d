/*
 * screen.h: the terminal state of a session, kept by the agent so that a
 * client attaching later sees what an attached one would: libvterm's
 * screen (text, colours and attributes, wide and combining characters,
 * cursor, alternate screen, title), the lines scrolled off its top, and
 * the modes of termmodes.h. screen_snapshot writes the bytes that repaint
 * all of it on a terminal in its default state.
 */
#ifndef SBX_SCREEN_H
#define SBX_SCREEN_H

#include <stddef.h>
#include <stdint.h>

struct screen;

/* A screen of rows x cols keeping at most max_lines scrolled-off lines. */
struct screen *screen_new(uint16_t rows, uint16_t cols, size_t max_lines);
void screen_free(struct screen *s);
/* The program's output, in pieces of any size. */
void screen_feed(struct screen *s, const void *data, size_t len);
void screen_resize(struct screen *s, uint16_t rows, uint16_t cols);
/* Output whose text is known to scroll away entirely before the output
 * that follows it is done (the caller saw rows + max_lines line feeds
 * after it): only what sets lasting state is applied (SGR pen, modes,
 * alternate screen, scroll region, charsets, title, reset); the text and
 * cursor moves, which cost libvterm the most, are not. */
void screen_skip(struct screen *s, const void *data, size_t len);
/* Bytes that repaint the screen on a terminal of the same size in its
 * default state: the scrollback lines first (they scroll into that
 * terminal's history), then the visible screen, then modes, title, pen
 * and cursor. malloc'd; *len set. */
char *screen_snapshot(struct screen *s, size_t *len);

#endif
