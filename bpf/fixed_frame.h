/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The slot program (sgate_xdp_slot) answers in a frame that keeps
 * its length: since Linux 6.13 (and in 6.12 stable) the verifier refuses to
 * put a program that may resize the frame (bpf_xdp_adjust_head, _tail or
 * _meta, anywhere in it or in a global function it calls) in place of a
 * function that does not, as a multi-program dispatcher's slots are.  A
 * reply shorter than the request is written in front and the rest of the
 * frame zeroed, so that no byte of the request goes back; the receiver
 * reads the IP length.
 */
#ifndef SGATE_BPF_FIXED_FRAME_H
#define SGATE_BPF_FIXED_FRAME_H

#include "gate.h"

enum {
	/*
	 * Where zeroing may start: the verifier follows packet offsets up to
	 * 0xffff, and a step reaches 8 bytes further.  A reply to a frame
	 * longer than that (a GRO super-packet of generic XDP; never a SYN or
	 * a ClientHello a client sends) is dropped.
	 */
	ZERO_OFF_MAX = 0xffff - 8,
};

struct zero_run {
	struct xdp_md *ctx;
	__u32 from, to;
	__u32 short_frame;
};

/*
 * bpf_loop's step @i: the 8 bytes at @from + 8 * @i, or the last 1 to 7,
 * stored straight into the frame.  No stack buffer: the callers' frames
 * leave little of the 512 bytes a call chain may use.  Nothing it keeps
 * changes from step to step, so the verifier checks it once.
 */
static long zero_step(__u64 i, struct zero_run *z)
{
	void *data = (void *)(long)z->ctx->data;
	void *end = (void *)(long)z->ctx->data_end;
	__u64 off = (__u64)z->from + i * 8;
	__u32 k;
	__u8 *b;

	if (off >= z->to)
		return 1;
	if (off > ZERO_OFF_MAX)
		goto short_frame;
	/* clang: the checked register, not a copy taken before the check. */
	asm volatile("" : "+r"(off));
	b = data + off;
	if (z->to - off >= 8) {
		if ((void *)(b + 8) > end)
			goto short_frame;
		*(__u64 *)b = 0;
		return 0;
	}
#pragma unroll
	for (k = 0; k < 7; k++) {
		if (off + k >= z->to)
			break;
		if ((void *)(b + k + 1) > end)
			goto short_frame;
		b[k] = 0;
	}
	return 1;
short_frame:
	z->short_frame = 1;
	return 1;
}

/*
 * Zero the frame from byte @from to byte @to; 0, or -1 if it could not.
 * Global, so that the verifier checks the loop once, not on every path
 * that reaches a reply.
 */
__noinline int zero_tail(struct xdp_md *ctx, __u32 from, __u32 to)
{
	struct zero_run z = { .ctx = ctx, .from = from, .to = to };

	if (!ctx)
		return -1;
	if (to <= from)
		return 0;
	if (bpf_loop((to - from + 7) / 8, zero_step, &z, 0) < 0)
		return -1;
	return z.short_frame ? -1 : 0;
}

#endif /* SGATE_BPF_FIXED_FRAME_H */
