// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "percpu.h"

int percpu_sum(int map_fd, uint32_t key, uint64_t *sum, size_t n)
{
	int ncpu = libbpf_num_possible_cpus(), c, err = 0;
	uint64_t *per;
	size_t i;

	if (ncpu < 0)
		return ncpu;
	per = calloc((size_t)ncpu * n, sizeof(*per));
	if (!per)
		return -ENOMEM;
	if (bpf_map_lookup_elem(map_fd, &key, per)) {
		err = -errno;
	} else {
		for (i = 0; i < n; i++) {
			sum[i] = 0;
			for (c = 0; c < ncpu; c++)
				sum[i] += per[(size_t)c * n + i];
		}
	}
	free(per);
	return err;
}
