// SPDX-License-Identifier: GPL-2.0
/*
 * A multi-program dispatcher's shape, as libxdp builds one: the XDP program
 * calls a global function per slot that does nothing but return XDP_PASS,
 * and each program put in the dispatcher replaces a slot as an extension
 * (tests/pkt/test_fixed_frame_prog.c).  The slot resizes no frame, so since
 * Linux 6.13 the verifier takes only an extension that does not either.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

__noinline int slot(struct xdp_md *ctx)
{
	volatile int verdict = XDP_PASS;

	if (!ctx)
		return XDP_ABORTED;
	return verdict;
}

SEC("xdp")
int dispatcher(struct xdp_md *ctx)
{
	return slot(ctx);
}

char LICENSE[] SEC("license") = "GPL";
