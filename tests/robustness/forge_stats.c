// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdlib.h>

#include "forge_stats.h"

uint64_t env_count(const char *name, uint64_t def)
{
	const char *v = getenv(name);

	return v && *v ? (uint64_t)strtod(v, NULL) : def;
}

/* Summed in log space (lgamma), exact enough for these n. */
void binomial_interval(double n, double p, double conf, uint64_t *lo,
		       uint64_t *hi)
{
	double tail = (1 - conf) / 2, cdf = 0, lp = log(p), lq = log1p(-p);
	uint64_t k;

	*lo = UINT64_MAX;
	for (k = 0;; k++) {
		cdf += exp(lgamma(n + 1) - lgamma(k + 1.0) - lgamma(n - k + 1) +
			   k * lp + (n - k) * lq);
		if (*lo == UINT64_MAX && cdf > tail)
			*lo = k;
		if (cdf >= 1 - tail) {
			*hi = k;
			return;
		}
	}
}
