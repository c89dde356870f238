// SPDX-License-Identifier: GPL-2.0
/*
 * The gate's clock as the gate reads it, for the fuzzer: one run of this
 * program stores bpf_ktime_get_coarse_ns().  Run before and after the gate,
 * it brackets the moment the gate read its clock exactly, which user space's
 * CLOCK_MONOTONIC_COARSE does not: on a loaded machine the two were seen
 * a tick or two apart.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

__u64 kclock_now;

SEC("xdp")
int kclock(struct xdp_md *ctx)
{
	kclock_now = bpf_ktime_get_coarse_ns();
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
