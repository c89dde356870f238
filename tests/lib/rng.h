/* SPDX-License-Identifier: GPL-2.0 */
/*
 * splitmix64: a small generator whose whole state is one seed, so every
 * test draws the same inputs on every run and a failure can be replayed
 * from the seed it prints.
 */
#ifndef SGATE_TEST_RNG_H
#define SGATE_TEST_RNG_H

#include <stdbool.h>
#include <stdint.h>

struct rng {
	uint64_t s;
};

static inline uint64_t rng_u64(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform enough in [0, n) for tests; 0 when n is 0. */
static inline uint32_t rng_below(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)(rng_u64(r) % n) : 0;
}

static inline bool rng_chance(struct rng *r, unsigned percent)
{
	return rng_below(r, 100) < percent;
}

#endif
