/* units.h: durations (500ms, 30s, 5m, 1h, 1.5s, 10), sizes (128K) and
 * whole numbers as users type them, and ages as they read them. */
#ifndef SBX_UNITS_H
#define SBX_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* 0, or -1 if s is not a duration of at most UINT32_MAX ms. A bare number
 * is seconds, as timeout(1) reads it. */
int duration_parse(const char *s, uint32_t *ms);

/* Sizes: 4096, 128K, 1M, 2G (powers of 1024); 0, or -1 if not one. */
int size_parse(const char *s, uint64_t *bytes);
/* The other way, as size_parse reads it: 999, 1.2K, 35M, 2.0G. */
void size_format(uint64_t bytes, char *buf, size_t len);

/* A whole number in min..max, digits only (no sign, no blanks): 0 with *v,
 * or -1. */
int number_parse(const char *s, long min, long max, long *v);

/* How long, as ps and docker show it: 42s, 5m, 3h, 2d; "-" when secs < 0
 * (not known). */
void age_format(char *buf, size_t len, long long secs);

#endif
