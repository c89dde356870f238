// SPDX-License-Identifier: GPL-2.0
/*
 * sgate: a stateless SYN gate at XDP, with the hand-off to the TCP stack at
 * TC ingress.  The entry points; each concern is in its own header:
 *
 *   gate.h     maps, loader switches, counters, lookups every path shares
 *   wire.h     header and option constants, the checksum fold
 *   parse.h    Ethernet to TCP, one layer at a time: is the frame ours?
 *   local.h    is it for this host: our MAC, a local address, a listener?
 *   recent.h   which 4-tuples the stack may still hold a socket for
 *   syn.h      SYN -> cookie SYN-ACK in place, XDP_TX, nothing stored
 *   ack.h      final ACK -> cookie verified, options into XDP metadata
 *   dtls.h     DTLS ClientHello -> HelloVerifyRequest in place, XDP_TX;
 *              a valid cookie passes
 *   handoff.h  TC: metadata -> bpf_sk_assign_tcp_reqsk()
 *   tc_verify.h  TC without metadata (drivers that give XDP none): verify
 *              the cookie again, then hand off
 *   fixed_frame.h  sgate_xdp_slot, for libxdp's dispatcher: replies in a
 *              frame of unchanged length, no metadata (TC verifies)
 *
 * The cookie itself is include/sgate/cookie.h; Documentation/datapath.md
 * gives every packet's verdict.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#include "gate.h"
#include "parse.h"
#include "syn.h"
#include "ack.h"
#include "dtls.h"
#include "handoff.h"
#include "tc_verify.h"

/* @fixed_frame: the calls the slot program makes (fixed_frame.h). */
static __always_inline int gate_xdp(struct xdp_md *ctx, bool fixed_frame)
{
	const struct sgate_config *cfg;
	struct pkt p = {};
	int verdict, judged;

	cfg = gate_config();
	if (!cfg || !cfg->epoch_ns) {
		/* Not configured yet: stay out of the way. */
		count(SGATE_STAT_PASS_UNCONFIGURED);
		return XDP_PASS;
	}
	judged = parse(ctx, cfg, &p, &verdict);
	if (judged < 0)
		return verdict;
	if (judged > 0)
		return fixed_frame ? handle_dtls_fixed_frame(ctx, &p) :
				     handle_dtls(ctx, &p);

	if ((p.flags & (TCP_SYN | TCP_ACK)) == TCP_SYN)
		return fixed_frame ? handle_syn_fixed_frame(ctx, &p) :
				     handle_syn(ctx, &p);
	if (p.flags & TCP_ACK)
		return fixed_frame ? handle_ack_fixed_frame(ctx, &p) :
				     handle_ack(ctx, &p);
	count(SGATE_STAT_PASS_OTHER_FLAGS);
	return XDP_PASS;
}

/*
 * Native XDP: frags-aware, as a jumbo MTU needs on veth and many drivers.
 * The parser reads the linear part alone; parse.h says what a multi-buffer
 * frame whose headers run past it gets.
 */
SEC("xdp.frags")
int sgate_xdp(struct xdp_md *ctx)
{
	return gate_xdp(ctx, false);
}

/*
 * Generic XDP: the same gate, not frags-aware.  Generic XDP hands such a
 * program the whole packet linear, jumbo or not; a frags-aware one it runs
 * on a copy of the packet, and on Linux 6.18 the metadata written there
 * never reaches TC ingress, so no handshake would complete.
 */
SEC("xdp")
int sgate_xdp_skb(struct xdp_md *ctx)
{
	return gate_xdp(ctx, false);
}

/*
 * For a multi-program dispatcher (libxdp's), whose slots never resize the
 * frame: the same gate, with no call that changes the frame's size or
 * metadata (fixed_frame.h), which the kernel requires of a program put in
 * such a slot.  Not frags-aware, as the dispatcher is not.
 */
SEC("xdp")
int sgate_xdp_slot(struct xdp_md *ctx)
{
	return gate_xdp(ctx, true);
}

SEC("tc")
int sgate_tc(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	struct sgate_meta *meta = (void *)(long)skb->data_meta;
	bool has_meta = (void *)(meta + 1) <= data &&
			meta->magic == SGATE_META_MAGIC;

	if (has_meta ? (meta->flags & SGATE_META_CONSUMED) :
		       !sgate_meta_refused) {
		count(SGATE_STAT_TC_PASS);
		return TCX_NEXT;
	}
	/*
	 * A tag is left (QinQ: the stack strips one tag per device it
	 * crosses): the hand-off kfunc takes only IPv4 or IPv6, so the same
	 * program on the VLAN device where the last tag comes off acts.
	 */
	if (skb->protocol == bpf_htons(ETH_P_8021Q) ||
	    skb->protocol == bpf_htons(ETH_P_8021AD)) {
		/* Without metadata nothing was judged here: the VLAN
		 * device's hook verifies the packet.
		 */
		count(has_meta ? SGATE_STAT_TC_VLAN_DEFER : SGATE_STAT_TC_PASS);
		return TCX_NEXT;
	}
	if (!has_meta)
		return tc_verify(skb);
	meta->flags |= SGATE_META_CONSUMED;
	return handoff(skb, meta, SGATE_STAT_TC_HANDOFF);
}

char LICENSE[] SEC("license") = "GPL";
