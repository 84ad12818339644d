/* units.h: durations (500ms, 30s, 5m, 1h, 1.5s, 10) and sizes (128K)
 * as users type them. */
#ifndef SBX_UNITS_H
#define SBX_UNITS_H

#include <stdint.h>

/* 0, or -1 if s is not a duration of at most UINT32_MAX ms. A bare number
 * is seconds, as timeout(1) reads it. */
int duration_parse(const char *s, uint32_t *ms);

/* Sizes: 4096, 128K, 1M, 2G (powers of 1024); 0, or -1 if not one. */
int size_parse(const char *s, uint64_t *bytes);

#endif
