/* clock.h: monotonic milliseconds, for exec timing; wall-clock ones, for
 * the start and end times that list reports. */
#ifndef SBX_CLOCK_H
#define SBX_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline double clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static inline int64_t clock_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* How long to wait before retrying a connection after `attempt` failed
 * ones in a row: 250 ms, doubling, at most 2 s (fleets and UI panes). */
static inline unsigned backoff_ms(unsigned attempt)
{
	unsigned ms = 250u << (attempt < 3 ? attempt : 3);

	return ms > 2000 ? 2000 : ms;
}

#endif
