// SPDX-License-Identifier: GPL-2.0
/*
 * Another tool's tcx ingress program beside the gate's
 * (tests/e2e/test_xdp_neighbours.sh): it counts what reaches it and passes
 * every packet on to the next program, or to the stack.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

__u64 tcx_seen = 0;

SEC("tc")
int tcx_count(struct __sk_buff *skb)
{
	__sync_fetch_and_add(&tcx_seen, 1);
	return TCX_NEXT;
}

char LICENSE[] SEC("license") = "GPL";
