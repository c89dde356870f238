/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ACK path: an ACK to a protected port either belongs to a socket the
 * stack already has, or must be the final ACK of one of our handshakes.  Its
 * cookie is verified; a forgery is dropped before the stack sees it, and a
 * verified ACK leaves XDP with the decoded options in the metadata area for
 * the TC hand-off (handoff.h).
 */
#ifndef SGATE_BPF_ACK_H
#define SGATE_BPF_ACK_H

#include "parse.h"
#include "recent.h"

/* The final ACK's timestamps, if it carries any: NOP NOP TS first. */
static __always_inline void ack_timestamps(struct xdp_md *ctx,
					   const struct pkt *p,
					   struct sgate_optwalk *w)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 *o = data + (p->l4off & L4OFF_MASK) + TCP_HLEN;

	if (p->doff != TCP_HLEN + TCPOLEN_TS_ALIGNED ||
	    (void *)(o + 3) > end || o[0] != bpf_htonl(TCPOPT_NOP_NOP_TS_WORD)) {
		walk_options(ctx, false, p, w);
		return;
	}
	sgate_optwalk_init(w, TCPOLEN_TS_ALIGNED);
	w->offer.ts_ok = 1;
	w->offer.tsval = bpf_ntohl(o[1]);
	w->tsecr = bpf_ntohl(o[2]);
}

/*
 * enum sgate_cookie_verdict, from the module or from the map's key ring, as
 * of p->now.  @ctx is XDP's, or TC's if @tc (tc_verify.h): each program
 * type has its own kfunc, and inlining drops the other call.
 */
static __always_inline int check_cookie(void *ctx, bool tc,
					const struct pkt *p,
					const struct sgate_config *cfg,
					__u32 client_isn, __u32 cookie,
					__u8 ts_ok)
{
	const struct sgate_keyring *ring;

	if (sgate_module_mode) {
		struct sgate_mac_req req = {
			.flow = p->flow,
			.client_isn = client_isn,
			.cookie = cookie,
			.ts_ok = ts_ok,
		};

		return tc ? bpf_sgate_skb_cookie_check(ctx, &req, sizeof(req)) :
			    bpf_sgate_xdp_cookie_check(ctx, &req, sizeof(req));
	}
	ring = keyring();
	if (!ring)
		return -ENOKEY;
	return sgate_cookie_check(ring, &p->flow, client_isn, cookie,
				  p->now / cfg->epoch_ns, ts_ok);
}

/* What a verified cookie and its ACK say, as the TC hand-off takes it. */
static __always_inline void meta_fill(struct sgate_meta *meta,
				      const struct pkt *p,
				      const struct sgate_cookie_opts *co,
				      const struct sgate_optwalk *w)
{
	meta->magic = SGATE_META_MAGIC;
	meta->tsval = w->offer.tsval;
	meta->tsecr = w->tsecr;
	meta->mss = co->mss;
	meta->snd_wscale = co->snd_wscale;
	meta->flags = (co->wscale_ok ? SGATE_META_WSCALE : 0) |
		      (co->sack_ok ? SGATE_META_SACK : 0) |
		      (co->ts_ok ? SGATE_META_TS : 0) |
		      (co->ecn_ok ? SGATE_META_ECN : 0) |
		      (p->ipv6 ? SGATE_META_IPV6 : 0);
	meta->l4_from_l3 = p->l4off - p->l3off;
	meta->pad = 0;
}

/* Hand what the cookie says to TC, in front of the packet. */
static __always_inline int write_meta(struct xdp_md *ctx, const struct pkt *p,
				      const struct sgate_cookie_opts *co,
				      const struct sgate_optwalk *w)
{
	struct sgate_meta *meta;
	void *data;

	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(*meta)))
		return -1;
	/* clang 14: the re-read of ctx->data must not be folded into one. */
	asm volatile("" : : : "memory");
	meta = (void *)(long)ctx->data_meta;
	data = (void *)(long)ctx->data;
	if ((void *)(meta + 1) > data)
		return -1;
	meta_fill(meta, p, co, w);
	return 0;
}

/*
 * The ACK path.  With @fixed_frame (a constant, see handle_syn()) no
 * metadata is written, as adding it would move the frame's start: a
 * verified ACK passes as if the driver had refused the room, and TC
 * verifies the cookie again.
 */
static __always_inline int answer_ack(struct xdp_md *ctx, struct pkt *p,
				      bool fixed_frame)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	const struct sgate_config *cfg = gate_config();
	struct sgate_cookie_opts co;
	struct sgate_optwalk w;
	struct tcphdr *th;
	__u32 cookie, client_isn;

	if (!p || !cfg || !pkt_sane(p))
		return drop_internal();
	th = data + (p->l4off & L4OFF_MASK);
	if ((void *)(th + 1) > end)
		return drop_internal();
	if (stack_holds(ctx, &p->flow)) {
		recent_mark(&p->flow, p->now);
		count(SGATE_STAT_PASS_ESTABLISHED);
		return XDP_PASS;
	}
	cookie = bpf_ntohl(th->ack_seq) - 1;
	client_isn = bpf_ntohl(th->seq) - 1;
	ack_timestamps(ctx, p, &w);

	switch (check_cookie(ctx, false, p, cfg, client_isn, cookie,
			     w.offer.ts_ok)) {
	case SGATE_COOKIE_VALID:
		break;
	case -ENOKEY:
		count(SGATE_STAT_DROP_NO_KEY);
		return XDP_DROP;
	case SGATE_COOKIE_STALE:
		count(SGATE_STAT_COOKIE_STALE);
		return XDP_DROP;
	default:
		count(SGATE_STAT_COOKIE_BAD_MAC);
		return XDP_DROP;
	}
	sgate_cookie_decode_opts(cookie, p->ipv6, w.offer.ts_ok, &co);
	if (fixed_frame || write_meta(ctx, p, &co, &w)) {
		/* No room in front of the frame: TC verifies it again. */
		if (!sgate_meta_refused)
			sgate_meta_refused = 1;
		recent_mark(&p->flow, p->now);
		count(SGATE_STAT_COOKIE_VALID_NO_META);
		return XDP_PASS;
	}
	recent_mark(&p->flow, p->now);
	count(SGATE_STAT_COOKIE_VALID);
	return XDP_PASS;
}

/* Global for the reason given above handle_syn(). */
__noinline int handle_ack(struct xdp_md *ctx, struct pkt *p)
{
	return answer_ack(ctx, p, false);
}

__noinline int handle_ack_fixed_frame(struct xdp_md *ctx, struct pkt *p)
{
	return answer_ack(ctx, p, true);
}

#endif /* SGATE_BPF_ACK_H */
