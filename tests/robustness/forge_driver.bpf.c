// SPDX-License-Identifier: GPL-2.0
/*
 * A tiny XDP program for the forgery-bound test: before each run it writes
 * the next forged ACK of a splitmix64 stream (forge.h) into the frame, then
 * tail-calls the real gate, unchanged, from a program array.  With
 * BPF_PROG_RUN's repeat count, one system call sends millions of ACKs, all
 * different, through the gate; its own counters say how many it accepted.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "forge.h"

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} gate SEC(".maps");

/* Set by the test before each run. */
__u64 forge_state;
__u32 forge_ipv6;
/* ACKs written, to check the repeat count did what it says. */
__u64 forge_sent;

static __always_inline void put_be32(__u8 *p, __u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* Frags-aware like the gate: a program array holds programs of one kind. */
SEC("xdp.frags")
int forge(struct xdp_md *ctx)
{
	void *data, *end, *meta;
	struct forge_ack a;
	__u8 *ip, *th;

	/* A verified ACK leaves metadata in front: take it back. */
	meta = (void *)(long)ctx->data_meta;
	data = (void *)(long)ctx->data;
	if (meta + 20 <= data)
		bpf_xdp_adjust_meta(ctx, 20);

	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	forge_next(&forge_state, &a);
	if (!forge_ipv6) {
		ip = data + 14;
		th = data + FORGE_L4_V4;
		if ((void *)(th + FORGE_TCP_LEN) > end)
			return XDP_ABORTED;
		ip[13] = a.saddr_low >> 16;	/* 10.x.y.z */
		ip[14] = a.saddr_low >> 8;
		ip[15] = a.saddr_low;
	} else {
		ip = data + 14;
		th = data + FORGE_L4_V6;
		if ((void *)(th + FORGE_TCP_LEN) > end)
			return XDP_ABORTED;
		put_be32(ip + 8 + 12, a.saddr_low);	/* 2001:db8::x:y */
	}
	th[0] = a.sport >> 8;
	th[1] = a.sport;
	put_be32(th + 4, a.seq);
	put_be32(th + 8, a.ack);
	th[12] = a.ts ? 8 << 4 : 5 << 4;
	forge_sent++;
	bpf_tail_call(ctx, &gate, 0);
	return XDP_ABORTED;
}

char LICENSE[] SEC("license") = "GPL";
