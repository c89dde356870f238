/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One entry of a per-CPU map whose value is an array of n 64-bit counters,
 * summed over every possible CPU: what a counter "is" for the tests and the
 * benchmarks.
 */
#ifndef SGATE_TEST_PERCPU_H
#define SGATE_TEST_PERCPU_H

#include <stddef.h>
#include <stdint.h>

/* 0, or -errno from the lookup (sum is then left untouched). */
int percpu_sum(int map_fd, uint32_t key, uint64_t *sum, size_t n);

#endif
