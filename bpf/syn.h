/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SYN path: read the client's offer, make the cookie, and turn the SYN in
 * place into our SYN-ACK, sent back with XDP_TX.  Nothing is stored.
 */
#ifndef SGATE_BPF_SYN_H
#define SGATE_BPF_SYN_H

#include "parse.h"
#include "recent.h"
#include "fixed_frame.h"

enum {
	REPLY_TTL = 64,
	/* Largest SYN-ACK option block we write: MSS, SACK+TS, NOP+WS. */
	REPLY_OPT_MAX = TCPOLEN_MSS_ALIGNED + TCPOLEN_TS_ALIGNED +
			TCPOLEN_WSCALE_ALIGNED,
	/* The options of a stock Linux SYN: MSS, SACK+TS, NOP+WS. */
	LINUX_SYN_OPTLEN = 20,
};

static __always_inline bool bogus_source(const struct ethhdr *eth,
					 const struct sgate_flow *f)
{
	__u32 s;

	if (eth->h_source[0] & 1)
		return true;	/* multicast or broadcast sender */
	if (!f->ipv6) {
		s = bpf_ntohl(f->saddr[0]);
		return f->saddr[0] == f->daddr[0] || (s >> 24) == 0 ||
		       (s >> 24) == 127 || (s >> 28) >= 14;
	}
	if ((bpf_ntohl(f->saddr[0]) >> 24) == 0xff)
		return true;	/* multicast */
	if (!(f->saddr[0] | f->saddr[1] | f->saddr[2]) &&
	    (!f->saddr[3] || f->saddr[3] == bpf_htonl(1)))
		return true;	/* unspecified or loopback */
	return f->saddr[0] == f->daddr[0] && f->saddr[1] == f->daddr[1] &&
	       f->saddr[2] == f->daddr[2] && f->saddr[3] == f->daddr[3];
}

/*
 * The options a stock Linux SYN carries, in its order: MSS, SACK-permitted,
 * timestamps, NOP, window scale.  Recognised with four loads, no walk.
 */
static __always_inline bool linux_syn_options(struct xdp_md *ctx,
					      const struct pkt *p,
					      struct sgate_optwalk *w)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 *o = data + (p->l4off & L4OFF_MASK) + TCP_HLEN;
	__u32 w0, w4;

	if (p->doff != TCP_HLEN + LINUX_SYN_OPTLEN || (void *)(o + 5) > end)
		return false;
	w0 = bpf_ntohl(o[0]);
	w4 = bpf_ntohl(o[4]);
	if ((w0 >> 16) != (TCPOPT_MSS_WORD >> 16) ||
	    bpf_ntohl(o[1]) != TCPOPT_SACK_PERM_TS_WORD ||
	    (w4 >> 8) != (TCPOPT_NOP_WSCALE_WORD >> 8))
		return false;
	sgate_optwalk_init(w, LINUX_SYN_OPTLEN);
	w->offer.mss = w0 & 0xffff;
	w->offer.sack_ok = 1;
	w->offer.ts_ok = 1;
	w->offer.tsval = bpf_ntohl(o[2]);
	w->offer.wscale = (w4 & 0xff) > SGATE_TCP_MAX_WSCALE ?
			  SGATE_TCP_MAX_WSCALE : (w4 & 0xff);
	return true;
}

static __always_inline __u32 synack_optlen(const struct sgate_cookie_opts *co,
					   bool with_mss)
{
	return (with_mss ? TCPOLEN_MSS_ALIGNED : 0) +
	       (co->ts_ok ? TCPOLEN_TS_ALIGNED :
		co->sack_ok ? TCPOLEN_SACK_PERM_ALIGNED : 0) +
	       (co->wscale_ok ? TCPOLEN_WSCALE_ALIGNED : 0);
}

/* The SYN-ACK's options, in Linux's order and with Linux's padding. */
static __always_inline void synack_options(__u32 *o,
					   const struct sgate_cookie_opts *co,
					   __u16 mss, __u32 tsval, __u32 tsecr,
					   __u8 rcv_wscale, bool with_mss)
{
	__u32 n = 0;

	if (with_mss)
		o[n++] = bpf_htonl(TCPOPT_MSS_WORD | mss);
	if (co->ts_ok) {
		o[n++] = bpf_htonl(co->sack_ok ? TCPOPT_SACK_PERM_TS_WORD :
						 TCPOPT_NOP_NOP_TS_WORD);
		o[n++] = bpf_htonl(tsval);
		o[n++] = bpf_htonl(tsecr);
	} else if (co->sack_ok) {
		o[n++] = bpf_htonl(TCPOPT_NOP_NOP_SACK_PERM_WORD);
	}
	if (co->wscale_ok)
		o[n] = bpf_htonl(TCPOPT_NOP_WSCALE_WORD | rcv_wscale);
}

/* What handle_syn() hands to send_synack(). */
struct synack {
	__u32 cookie;
	__u32 client_isn;
	__u32 client_tsval;
	__u32 ts_ok;
	__u32 tsval;		/* our TSval: the coarse clock in ~ms, offset */
};

/*
 * Turn the SYN in place into our SYN-ACK: everything after the Ethernet (and
 * VLAN) header is rewritten, so IP options and IPv6 extension headers of the
 * SYN are dropped and the frame is cut to the reply's length.  The reply
 * needs more room than the SYN only when the SYN had no MSS option; where the
 * frame cannot grow (veth cannot grow frames that came from its peer's stack)
 * the MSS option is left out, which RFC 9293 allows: the client then assumes
 * 536 (IPv4) or 1220 (IPv6).
 *
 * With @fixed_frame the frame keeps its length (fixed_frame.h): it never
 * grows, so a SYN too short for the reply with MSS gets the one without, and
 * what follows the reply is zeroed.
 *
 * The headers are built in registers, summed from there, and stored straight
 * into the frame: no helper call, no re-read of what was just written.
 */
static __always_inline int send_synack(struct xdp_md *ctx, const struct pkt *p,
				       const struct sgate_config *cfg,
				       const struct synack *r, bool fixed_frame)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 t[(TCP_HLEN + REPLY_OPT_MAX) / 4];
	__u32 l3len, l3off, optlen, tcplen, reply, frame, i;
	struct sgate_cookie_opts co;
	bool with_mss = true;
	__u8 mac[ETH_ALEN];
	struct ethhdr *eth;
	__u32 *ip, *th;
	__u64 sum;
	__u16 mss;

	sgate_cookie_decode_opts(r->cookie, p->ipv6, r->ts_ok, &co);
	l3off = p->l3off & L3OFF_MASK;	/* pkt_sane(): at most two VLAN tags */
	l3len = p->ipv6 ? IPV6_HLEN : IPV4_HLEN;
	mss = p->ipv6 ? cfg->mss_v6 : cfg->mss_v4;
	frame = bpf_xdp_get_buff_len(ctx);	/* a multi-buffer frame's too */
	reply = l3off + l3len + TCP_HLEN + synack_optlen(&co, true);
	if (reply > frame &&
	    (fixed_frame || bpf_xdp_adjust_tail(ctx, reply - frame))) {
		with_mss = false;
		reply -= TCPOLEN_MSS_ALIGNED;
		if (reply > frame) {
			count(SGATE_STAT_DROP_NO_ROOM);
			return XDP_DROP;
		}
	}
	if (!fixed_frame && reply < frame &&
	    bpf_xdp_adjust_tail(ctx, -(int)(frame - reply)))
		return drop_internal();
	/*
	 * Cut to the reply, a multi-buffer frame keeps a fragment only if its
	 * linear part is shorter than the reply, which is written there alone.
	 */
	if (has_frags(ctx)) {
		count(SGATE_STAT_DROP_NO_ROOM);
		return XDP_DROP;
	}
	optlen = synack_optlen(&co, with_mss);
	tcplen = TCP_HLEN + optlen;

	/* Ports stay in network order, as they were loaded. */
	t[0] = (__u32)p->flow.dport | (__u32)p->flow.sport << 16;
	t[1] = bpf_htonl(r->cookie);
	t[2] = bpf_htonl(r->client_isn + 1);
	t[3] = bpf_htonl((tcplen / 4) << 28 |
			 (TCP_SYN | TCP_ACK | (co.ecn_ok ? TCP_ECE : 0)) << 16 |
			 cfg->syn_window);
	t[4] = 0;
#pragma unroll
	for (i = 5; i < ARRAY_SIZE(t); i++)
		t[i] = 0;
	synack_options(&t[5], &co, mss, r->tsval, r->client_tsval,
		       cfg->rcv_wscale, with_mss);

	/* Checksums from scratch, summed from registers, never re-read. */
	sum = pseudo_header_sum(&p->flow, IPPROTO_TCP_NR, tcplen);
#pragma unroll
	for (i = 0; i < ARRAY_SIZE(t); i++)
		sum += t[i];	/* words past the options are zero */
	t[4] = (__u32)csum_fold64(sum);

	/* Where the frame now ends: adjust_tail may have moved it. */
	asm volatile("" : : : "memory");
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	eth = data;
	ip = data + l3off;
	if ((void *)(eth + 1) > end || (void *)(ip + IPV6_HLEN / 4) > end)
		return drop_internal();
	if (!p->ipv6) {
		__u32 w0 = bpf_htonl(IPV4_VER_IHL_WORD | (l3len + tcplen));
		__u32 w1 = bpf_htonl(IP_DF);
		__u32 w2 = bpf_htonl(REPLY_TTL << 24 | IPPROTO_TCP_NR << 16);

		sum = (__u64)w0 + w1 + w2 + p->flow.daddr[0] +
		      p->flow.saddr[0];
		ip[0] = w0;
		ip[1] = w1;
		ip[2] = w2 | (__u32)csum_fold64(sum) << 16;
		ip[3] = p->flow.daddr[0];
		ip[4] = p->flow.saddr[0];
		th = ip + IPV4_HLEN / 4;
	} else {
		ip[0] = bpf_htonl(IPV6_VERSION_WORD);
		ip[1] = bpf_htonl(tcplen << 16 | IPPROTO_TCP_NR << 8 |
				  REPLY_TTL);
#pragma unroll
		for (i = 0; i < 4; i++) {
			ip[2 + i] = p->flow.daddr[i];
			ip[6 + i] = p->flow.saddr[i];
		}
		th = ip + IPV6_HLEN / 4;
	}
	/* The frame ends right after the reply: write what is in it. */
	if ((void *)(th + ARRAY_SIZE(t)) <= end) {
#pragma unroll
		for (i = 0; i < ARRAY_SIZE(t); i++)
			th[i] = t[i];
	} else {
#pragma unroll
		for (i = 0; i < ARRAY_SIZE(t); i++) {
			if ((void *)(th + i + 1) > end)
				break;
			th[i] = t[i];
		}
	}

	__builtin_memcpy(mac, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, mac, ETH_ALEN);
	if (fixed_frame && zero_tail(ctx, reply, frame))
		return drop_internal();

	count(with_mss ? SGATE_STAT_SYN_ANSWERED :
			 SGATE_STAT_SYN_ANSWERED_NO_MSS);
	return XDP_TX;
}

/*
 * The cookie for this SYN, and our TSval offset for the connection, from the
 * module or from the map's key ring.
 */
static __always_inline int make_cookie(struct xdp_md *ctx, const struct pkt *p,
				       const struct sgate_config *cfg,
				       __u32 optbits, __u8 ts_ok,
				       struct synack *r, __u32 *ts_off)
{
	const struct sgate_siphash_key *key;
	const struct sgate_keyring *ring;
	__u64 epoch;

	if (sgate_module_mode) {
		struct sgate_mac_req req = {
			.flow = p->flow,
			.client_isn = r->client_isn,
			.optbits = optbits,
			.ts_ok = ts_ok,
		};
		__s64 made = bpf_sgate_xdp_cookie_make(ctx, &req, sizeof(req));

		if (made < 0)
			return -1;
		r->cookie = (__u32)made;
		*ts_off = (__u32)(made >> 32);
		return 0;
	}
	ring = keyring();
	epoch = p->now / cfg->epoch_ns;
	key = ring ? sgate_keyring_key_for(ring, epoch) : NULL;
	if (!key)
		return -1;
	r->cookie = sgate_cookie_make(key, &p->flow, r->client_isn, epoch,
				      optbits, ts_ok, ts_off);
	return 0;
}

/* The SYN path; @fixed_frame is a constant (see handle_syn()). */
static __always_inline int answer_syn(struct xdp_md *ctx, struct pkt *p,
				      bool fixed_frame)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	const struct sgate_config *cfg = gate_config();
	struct sgate_optwalk w;
	struct synack r;
	struct ethhdr *eth = data;
	struct tcphdr *th;
	__u32 optbits, ts_off;
	__u8 ts_ok;

	if (!p || !cfg || !pkt_sane(p))
		return drop_internal();
	th = data + (p->l4off & L4OFF_MASK);
	if ((void *)(eth + 1) > end || (void *)(th + 1) > end)
		return drop_internal();
	if (p->flags & (TCP_FIN | TCP_RST)) {
		count(SGATE_STAT_DROP_MALFORMED);
		return XDP_DROP;
	}
	if (bogus_source(eth, &p->flow)) {
		count(SGATE_STAT_DROP_BOGUS_SOURCE);
		return XDP_DROP;
	}
	/* A 4-tuple the stack may still hold is the stack's to decide. */
	if (recent_seen(&p->flow, p->now) && stack_holds(ctx, &p->flow)) {
		count(SGATE_STAT_PASS_ESTABLISHED);
		return XDP_PASS;
	}
	r.client_isn = bpf_ntohl(th->seq);

	if (!linux_syn_options(ctx, p, &w))
		walk_options(ctx, false, p, &w);
	w.offer.ecn = (p->flags & (TCP_ECE | TCP_CWR)) == (TCP_ECE | TCP_CWR);

	optbits = sgate_cookie_encode_opts(&w.offer,
					   p->ipv6 ? cfg->mss_v6 : cfg->mss_v4,
					   cfg->features, p->ipv6, &ts_ok);
	if (make_cookie(ctx, p, cfg, optbits, ts_ok, &r, &ts_off)) {
		count(SGATE_STAT_DROP_NO_KEY);
		return XDP_DROP;
	}
	/* One clock read serves the epoch and our TSval. */
	r.tsval = (__u32)(p->now >> 20) + ts_off;
	r.client_tsval = w.offer.tsval;
	r.ts_ok = ts_ok;
	return send_synack(ctx, p, cfg, &r, fixed_frame);
}

/*
 * handle_syn() and handle_ack() are global functions so that the verifier
 * checks each once, not once per path through the parser; in exchange each
 * must treat every field of *p as unchecked.  Each has a twin for the
 * slot program, compiled with no call that resizes the frame:
 * the verifier marks a global function that has one whether or not it runs.
 */
__noinline int handle_syn(struct xdp_md *ctx, struct pkt *p)
{
	return answer_syn(ctx, p, false);
}

__noinline int handle_syn_fixed_frame(struct xdp_md *ctx, struct pkt *p)
{
	return answer_syn(ctx, p, true);
}

#endif /* SGATE_BPF_SYN_H */
