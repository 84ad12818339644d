/*
 * term.h: the local terminal of an interactive exec (sbx exec -it): raw
 * mode while it runs, and the user's settings back on every way out:
 * normal exit, error, the signals sbx handles, and a crash.
 */
#ifndef SBX_TERM_H
#define SBX_TERM_H

#include <stdint.h>

/* Our terminal's size, stdout's else stdin's: 0 (either may be 0 when
 * the terminal does not know), or -1 when neither is a terminal. */
int term_size(uint16_t *rows, uint16_t *cols);
/* Raw mode on fd (a terminal); 0, or -1 (fd is no terminal, errno). */
int term_raw(int fd);
/* The saved settings back; 1 when the terminal was raw, 0 when there
 * was nothing to do. Safe in a signal handler. */
int term_restore(void);

#endif
