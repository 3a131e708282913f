/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * clock.h - the two clocks of the edge, in seconds: monotonic for timeouts
 * and intervals, real time for what the core is told (it takes time as an
 * input and compares it with capture timestamps).
 */
#ifndef STPWATCH_CLOCK_H
#define STPWATCH_CLOCK_H

#include <time.h>

static inline double clock_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline double clock_real(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

#endif /* STPWATCH_CLOCK_H */
