/* SPDX-License-Identifier: GPL-2.0 */
/*
 * splitmix64: a small generator with a fixed seed per test, so every run
 * draws the same inputs and a failure can be replayed.
 */
#ifndef SGATE_TEST_RNG_H
#define SGATE_TEST_RNG_H

#include <stdint.h>

static uint64_t rng_state;

static inline uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

#endif
