/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The two clocks the tests read: the gate's (bpf_ktime_get_coarse_ns() is
 * CLOCK_MONOTONIC_COARSE, so epochs and TSvals are computed from it), and a
 * fine one for measuring how long something took.
 */
#ifndef SGATE_TEST_CLOCK_H
#define SGATE_TEST_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t coarse_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static inline double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

#endif
