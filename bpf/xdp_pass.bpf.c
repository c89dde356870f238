// SPDX-License-Identifier: GPL-2.0
/*
 * veth delivers XDP_TX frames only when the peer has an XDP program too
 * (design.md); tests and the demo put this one on the peer.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
