/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the forgery tests (test_forgery.c for TCP, test_forgery_dtls.c for
 * DTLS) share: how many frames to send, and the interval a count of
 * accepted forgeries must fall in.
 */
#ifndef SGATE_FORGE_STATS_H
#define SGATE_FORGE_STATS_H

#include <stdint.h>

/* The count in environment variable @name ("1e8" allowed), else @def. */
uint64_t env_count(const char *name, uint64_t def);

/*
 * The two-sided interval [lo, hi] holding Binomial(n, p) with probability
 * at least conf: lo is the (1-conf)/2 quantile, hi the (1+conf)/2 one.
 */
void binomial_interval(double n, double p, double conf, uint64_t *lo,
		       uint64_t *hi);

#endif
