// SPDX-License-Identifier: GPL-2.0
/*
 * forge_driver.bpf.c for ClientHellos: before each run it writes the next
 * forged ClientHello of forge_dtls.h into the frame, then tail-calls the
 * real gate, unchanged.  The ClientHello offers DTLS 1.3 alone, so one
 * whose cookie fails is dropped (dtls_drop_v13_only) rather than turned
 * into a HelloVerifyRequest in place: the frame stays as it was for the
 * next repeat of BPF_PROG_RUN, and the check of the cookie, which comes
 * first, is the same.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "forge_dtls.h"

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} gate SEC(".maps");

/* Set by the test before each run. */
__u64 forge_state;
__u32 forge_ipv6;
/* ClientHellos written, to check the repeat count did what it says. */
__u64 forge_sent;

SEC("xdp.frags")
int forge_dtls(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 l4 = forge_ipv6 ? FORGE_L4_V6 : FORGE_L4_V4;
	struct forge_hello h;
	__u8 *ip = data + 14, *u;
	int i;

	if (l4 > FORGE_L4_V6)
		return XDP_ABORTED;
	u = data + l4;
	if ((void *)(ip + 24) > end || (void *)(u + FORGE_DTLS_UDP_LEN) > end)
		return XDP_ABORTED;
	forge_dtls_next(&forge_state, &h);
	if (!forge_ipv6) {
		ip[13] = h.saddr_low >> 16;	/* 10.x.y.z */
		ip[14] = h.saddr_low >> 8;
		ip[15] = h.saddr_low;
	} else {
		ip[20] = h.saddr_low >> 24;	/* 2001:db8::x:y */
		ip[21] = h.saddr_low >> 16;
		ip[22] = h.saddr_low >> 8;
		ip[23] = h.saddr_low;
	}
	u[0] = h.sport >> 8;
	u[1] = h.sport;
	for (i = 0; i < 8; i++) {
		u[FORGE_DTLS_RANDOM + i] = h.random >> (8 * i);
		u[FORGE_DTLS_COOKIE + 1 + i] = h.mac >> (8 * i);
	}
	u[FORGE_DTLS_COOKIE] = 1 << 1 | h.epoch_id;	/* layout version 1 */
	forge_sent++;
	bpf_tail_call(ctx, &gate, 0);
	return XDP_ABORTED;
}

char LICENSE[] SEC("license") = "GPL";
