// SPDX-License-Identifier: GPL-2.0
/*
 * veth delivers XDP_TX frames only when the peer has an XDP program too:
 * the end-to-end tests, the demo and the benchmarks put this one on the
 * client's side of the pair so that the gate's SYN-ACKs arrive.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

/* The same for a jumbo MTU, where veth takes only a frags-aware program. */
SEC("xdp.frags")
int xdp_pass_frags(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
