/*
 * draw.h: a pane's libvterm screen drawn into a rectangle of the ncurses
 * screen, cell for cell: wide and combining characters, attributes, and
 * colours brought down to what our terminal can show. Nothing here
 * refreshes: the caller draws every pane's damage, then refreshes once.
 */
#ifndef SBX_DRAW_H
#define SBX_DRAW_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>
#include <vterm.h>

/* A rectangle of the screen, in cells. */
struct draw_rect {
	int y, x, h, w;
};

/* Once, after initscr: learns what our terminal can show (COLORS, direct
 * colour) and starts colour with the terminal's own default colours. */
void draw_init(void);

/*
 * The cells of vs inside damage (in the pane's own cells; NULL: all of
 * them) drawn at r, the pane's top left at r.y, r.x. The terminal is
 * clipped to r (and r to the screen); cells of r beyond the terminal's
 * size are cleared (with a damage, those inside it: after a resize, draw
 * all). A wide character cut by r's right edge is drawn as a space, and
 * a damage that starts on a wide character's right half draws all of it.
 * Erased cells are spaces with their background only, as a terminal
 * erases.
 */
void draw_screen(VTermScreen *vs, struct draw_rect r, const VTermRect *damage);

/*
 * The colour pair (an ncurses extended pair, from alloc_pair) for a
 * cell's colours as libvterm gives them. Default colours stay our
 * terminal's defaults; indexed colours are kept where our terminal has
 * them, RGB on a direct-colour terminal; otherwise the colour (an indexed
 * one through the pane's palette, vterm_screen_convert_color_to_rgb) is
 * the nearest of the 256-colour cube and greys, or of the 16 or the 8
 * colours. 0 for default on default, or on a terminal without colours.
 * When the pairs run out ncurses recycles the one allocated first, in use
 * or not: a screen keeps its colours while it has fewer distinct pairs
 * than COLOR_PAIRS - 1.
 */
int draw_pair(VTermScreen *vs, VTermColor fg, VTermColor bg);

/* The ncurses attributes of a cell: bold, italic, underline (any kind),
 * reverse, blink. libvterm 0.1.4 has no dim; ncurses 6.4 has no strike. */
attr_t draw_attrs(const VTermScreenCellAttrs *a);

#endif
