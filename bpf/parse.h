/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The XDP parser: from the Ethernet header down to the TCP header, one layer
 * at a time, deciding on the way whether the frame is the gate's to judge.
 *
 * The rule: a frame that is not TCP, is not to a protected port, or is not for
 * this host (local.h) passes untouched.  A frame that could be TCP to a
 * protected port of this host, but that the gate cannot see far enough into to
 * judge (a VLAN or IPv6 extension chain deeper than it walks, a first fragment
 * that cuts off the ports), is dropped.  Documentation/datapath.md lists every
 * verdict taken here.  Last, the TCP options walk XDP and TC both use.
 *
 * A multi-buffer frame (jumbo MTU) is judged on its linear part, where every
 * driver puts the headers; lengths count the whole frame.  Should the headers
 * run past the linear part, the frame is judged on what the linear part shows:
 * clearly not ours, it passes; possibly ours, it is dropped as
 * drop_split_headers (split()).
 */
#ifndef SGATE_BPF_PARSE_H
#define SGATE_BPF_PARSE_H

#include "wire.h"
#include "gate.h"
#include "local.h"

enum {
	/*
	 * IPv6 extension headers walked before TCP: more than any sane chain
	 * has (RFC 8200 section 4.1 orders at most seven), fewer than a
	 * verifier budget would mind.
	 */
	IPV6_EXT_MAX = 8,
	/*
	 * Where a TCP header may start: the parser's furthest is 22 (two VLAN
	 * tags) + 40 + 8 extension headers of at most 2048 bytes = 16446, so
	 * every offset it computes fits this mask, which bounds packet
	 * pointers for the verifier.
	 */
	L4OFF_MASK = 0x7fff,
	/* Where an IP header may start: at most two VLAN tags in. */
	L3OFF_MASK = 0x1f,
	/* IP lengths above this are GRO/BIG TCP super-packets (length 0). */
	IP_MAX_LEN = 0xffff,
	TCP_PORTS_LEN = 4,
};

/* Where the headers are, and what the parser learned on the way. */
struct pkt {
	__u32 l3off;
	__u32 l4off;
	__u32 l4end;		/* end of the IP payload (not of the frame) */
	__u8 ipv6;
	__u8 first_fragment;
	__u8 flags;		/* TCP flags byte */
	__u8 doff;		/* TCP header length in bytes */
	__u8 udp;		/* UDP, for dtls.h (set: UDP is judged at all) */
	__u64 now;		/* the coarse clock, read once per segment */
	struct sgate_flow flow;
};

/* Bounds the verifier needs, and parse() guarantees, for the global functions. */
static __always_inline bool pkt_sane(const struct pkt *p)
{
	return p->l3off <= ETH_HLEN + VLAN_MAX_DEPTH * VLAN_HLEN &&
	       p->l4off <= L4OFF_MASK && p->doff >= TCP_HLEN &&
	       p->doff <= TCP_MAX_HLEN;
}

/*
 * Each layer returns 0 to go on to the next, or -1 once it has counted the
 * frame, with the verdict in *verdict.
 */
static __always_inline int stop(enum sgate_stat stat, int *verdict, int action)
{
	count(stat);
	*verdict = action;
	return -1;
}

/*
 * Ethernet and up to two 802.1Q/802.1ad tags: returns where the IP header
 * starts, with the EtherType in *proto; -1 for a frame cut short inside
 * them, -2 for a deeper stack of tags than the gate walks.
 */
static __always_inline int vlan_walk(void *data, void *end, __u16 *proto)
{
	struct ethhdr *eth = data;
	__u32 off = ETH_HLEN, i;

	if ((void *)(eth + 1) > end)
		return -1;
	*proto = eth->h_proto;
#pragma unroll
	for (i = 0; i < VLAN_MAX_DEPTH; i++) {
		struct vlan_hdr *vh = data + off;

		if (*proto != bpf_htons(ETH_P_8021Q) &&
		    *proto != bpf_htons(ETH_P_8021AD))
			return off;
		if ((void *)(vh + 1) > end)
			return -1;
		*proto = vh->h_vlan_encapsulated_proto;
		off += VLAN_HLEN;
	}
	if (*proto == bpf_htons(ETH_P_8021Q) ||
	    *proto == bpf_htons(ETH_P_8021AD))
		return -2;
	return off;
}

/*
 * The end of the IP payload for an IP length field @len counted from @from:
 * the frame's end for a GRO super-packet (length 0 in a frame too long for a
 * 16-bit length, as generic XDP sees them), 0 for a length the frame does
 * not hold.
 */
static __always_inline __u32 ip_end(__u32 from, __u32 len, __u32 frame)
{
	if (!len && frame - from > IP_MAX_LEN)
		return frame;
	return from + len <= frame ? from + len : 0;
}

/*
 * The IP parsers return -2 for a header that runs past @end, which parse()
 * judges by whether the frame has more beyond the linear part; @frame is the
 * whole frame's length.
 */
static __always_inline int parse_ipv4(void *data, void *end, __u32 frame,
				      __u32 off, struct pkt *p, int *verdict)
{
	struct iphdr *iph = data + off;
	__u32 ihl;

	if ((void *)(iph + 1) > end)
		return -2;
	/* The stack drops these too. */
	if (iph->version != 4 || iph->ihl < 5)
		return stop(SGATE_STAT_DROP_MALFORMED, verdict, XDP_DROP);
	if (iph->protocol != IPPROTO_TCP_NR &&
	    (!p->udp || iph->protocol != IPPROTO_UDP_NR))
		return stop(SGATE_STAT_PASS_NOT_TCP, verdict, XDP_PASS);
	p->udp = iph->protocol == IPPROTO_UDP_NR;
	if (iph->frag_off & bpf_htons(IP_OFFSET))
		return stop(SGATE_STAT_PASS_FRAGMENT, verdict, XDP_PASS);
	p->first_fragment = !!(iph->frag_off & bpf_htons(IP_MF));
	ihl = iph->ihl * 4;
	p->ipv6 = 0;
	p->l4off = off + ihl;
	p->l4end = ip_end(off, bpf_ntohs(iph->tot_len), frame);
	if (p->l4end && p->l4end < p->l4off)
		p->l4end = 0;	/* judged once we know the port */
	p->flow.ipv6 = 0;
	p->flow.saddr[0] = iph->saddr;
	p->flow.daddr[0] = iph->daddr;
	return 0;
}

/* The IPv6 header and up to IPV6_EXT_MAX extension headers before TCP. */
static __always_inline int parse_ipv6(void *data, void *end, __u32 frame,
				      __u32 off, struct pkt *p, int *verdict)
{
	struct ipv6hdr *ip6h = data + off;
	__u32 i;
	__u8 nexthdr;

	if ((void *)(ip6h + 1) > end)
		return -2;
	if (ip6h->version != 6)
		return stop(SGATE_STAT_DROP_MALFORMED, verdict, XDP_DROP);
	p->ipv6 = 1;
	p->flow.ipv6 = 1;
	__builtin_memcpy(p->flow.saddr, &ip6h->saddr, 16);
	__builtin_memcpy(p->flow.daddr, &ip6h->daddr, 16);
	off += IPV6_HLEN;
	p->l4end = ip_end(off, bpf_ntohs(ip6h->payload_len), frame);
	nexthdr = ip6h->nexthdr;
	p->first_fragment = 0;
#pragma unroll
	for (i = 0; i < IPV6_EXT_MAX; i++) {
		__u8 *ext = data + off;

		if (nexthdr != NEXTHDR_HOP && nexthdr != NEXTHDR_ROUTING &&
		    nexthdr != NEXTHDR_DEST && nexthdr != NEXTHDR_FRAGMENT &&
		    nexthdr != NEXTHDR_AUTH)
			break;
		/* The stack drops a chain it cannot read to its end. */
		if ((void *)(ext + 8) > end)
			return -2;
		if (nexthdr == NEXTHDR_FRAGMENT) {
			__u16 fo = bpf_ntohs(*(__u16 *)(ext + 2));

			if (fo & IPV6_FRAG_OFFSET)
				return stop(SGATE_STAT_PASS_FRAGMENT, verdict,
					    XDP_PASS);
			/* Any header with M set makes a first fragment. */
			p->first_fragment |= fo & IPV6_FRAG_MORE;
			nexthdr = ext[0];
			off += IPV6_FRAG_HLEN;
		} else if (nexthdr == NEXTHDR_AUTH) {
			nexthdr = ext[0];
			off += (ext[1] + 2) * 4;
		} else {
			nexthdr = ext[0];
			off += (ext[1] + 1) * 8;
		}
	}
	if (nexthdr == NEXTHDR_HOP || nexthdr == NEXTHDR_ROUTING ||
	    nexthdr == NEXTHDR_DEST || nexthdr == NEXTHDR_FRAGMENT ||
	    nexthdr == NEXTHDR_AUTH) {
		/* Deeper than the gate walks: TCP may follow. */
		p->l4off = 0;
		return 0;
	}
	if (nexthdr != IPPROTO_TCP_NR &&
	    (!p->udp || nexthdr != IPPROTO_UDP_NR))
		return stop(SGATE_STAT_PASS_NOT_TCP, verdict, XDP_PASS);
	p->udp = nexthdr == IPPROTO_UDP_NR;
	p->l4off = off;
	return 0;
}

/* Bytes beyond the linear part: a multi-buffer frame. */
static __always_inline bool has_frags(struct xdp_md *ctx)
{
	return bpf_xdp_get_buff_len(ctx) >
	       (__u64)(ctx->data_end - ctx->data);
}

/*
 * A multi-buffer frame whose headers run past the linear part: passed if
 * what the linear part shows says it is not ours (another MAC address; with
 * @addresses parsed, an address this host does not have), dropped otherwise,
 * as it could be TCP to a protected port of this host.
 */
static __always_inline int split(struct xdp_md *ctx,
				 const struct sgate_config *cfg,
				 struct pkt *p, bool addresses, int *verdict)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;

	if ((void *)((struct ethhdr *)data + 1) <= end) {
		if (!mac_is_ours(cfg, data) ||
		    (addresses && for_this_host(ctx, cfg, &p->flow, false,
						p->now) != LOCAL_OURS))
			return stop(SGATE_STAT_PASS_NOT_LOCAL, verdict,
				    XDP_PASS);
	}
	return stop(SGATE_STAT_DROP_SPLIT_HEADERS, verdict, XDP_DROP);
}

/*
 * A segment whose port the gate cannot see: dropped if it is for this host,
 * since it could be for a protected port; the stack's business otherwise.
 */
static __always_inline int unjudged(struct xdp_md *ctx,
				    const struct sgate_config *cfg,
				    struct pkt *p, int *verdict)
{
	if (for_this_host(ctx, cfg, &p->flow, false, p->now) !=
	    LOCAL_OURS)
		return stop(SGATE_STAT_PASS_NOT_LOCAL, verdict, XDP_PASS);
	return stop(SGATE_STAT_DROP_UNJUDGED, verdict, XDP_DROP);
}

/*
 * The TCP header: a segment to a port that is not protected, or not for this
 * host, passes; one to a protected port of this host is the gate's from
 * here on, and dropped if broken.
 */
static __always_inline int parse_tcp(struct xdp_md *ctx,
				     const struct sgate_config *cfg,
				     struct pkt *p, int *verdict)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 l4off = p->l4off;
	struct tcphdr *th;
	__u8 *ports;
	int local;

	/* A cookie needs only a coarse clock, and the coarse one is cheap. */
	p->now = bpf_ktime_get_coarse_ns();
	if (!l4off || l4off > L4OFF_MASK)
		return unjudged(ctx, cfg, p, verdict);
	/* Keep the mask: clang would drop it, the verifier needs it. */
	asm volatile("" : "+r"(l4off));
	ports = data + (l4off & L4OFF_MASK);
	if ((void *)(ports + TCP_PORTS_LEN) > end && p->l4end &&
	    p->l4off + TCP_PORTS_LEN <= p->l4end && has_frags(ctx)) {
		p->flow.sport = 0;
		p->flow.dport = 0;
		return split(ctx, cfg, p, true, verdict);
	}
	if ((void *)(ports + TCP_PORTS_LEN) > end ||
	    (p->l4end && p->l4off + TCP_PORTS_LEN > p->l4end)) {
		/* The stack drops a short segment but reassembles a fragment. */
		if (p->first_fragment)
			return unjudged(ctx, cfg, p, verdict);
		p->flow.sport = 0;
		p->flow.dport = 0;
		if (for_this_host(ctx, cfg, &p->flow, false, p->now) !=
		    LOCAL_OURS)
			return stop(SGATE_STAT_PASS_NOT_LOCAL, verdict,
				    XDP_PASS);
		return stop(SGATE_STAT_DROP_MALFORMED, verdict, XDP_DROP);
	}
	th = (struct tcphdr *)ports;
	p->flow.sport = th->source;
	p->flow.dport = th->dest;
	if (!port_protected(cfg, th->dest))
		return stop(SGATE_STAT_PASS_NOT_PROTECTED, verdict, XDP_PASS);

	local = for_this_host(ctx, cfg, &p->flow, true, p->now);
	if (local == LOCAL_NOT_LOCAL)
		return stop(SGATE_STAT_PASS_NOT_LOCAL, verdict, XDP_PASS);
	if (local == LOCAL_NO_LISTENER)
		return stop(SGATE_STAT_PASS_NO_LISTENER, verdict, XDP_PASS);

	if (p->first_fragment)
		return stop(SGATE_STAT_DROP_FRAGMENT, verdict, XDP_DROP);
	if (!p->l4end || p->l4off + TCP_HLEN > p->l4end)
		return stop(SGATE_STAT_DROP_MALFORMED, verdict, XDP_DROP);
	if ((void *)(th + 1) > end)
		return stop(SGATE_STAT_DROP_SPLIT_HEADERS, verdict, XDP_DROP);
	p->doff = th->doff * 4;
	p->flags = ((__u8 *)th)[TCP_FLAGS_BYTE];
	if (p->doff < TCP_HLEN || p->l4off + p->doff > p->l4end)
		return stop(SGATE_STAT_DROP_MALFORMED, verdict, XDP_DROP);
	/* The options too: the SYN and ACK paths read them in place. */
	if (p->l4off + p->doff > (__u32)(end - data))
		return stop(SGATE_STAT_DROP_SPLIT_HEADERS, verdict, XDP_DROP);
	return 0;
}

/*
 * Returns -1 when the frame is not for us or is dropped (counted, verdict in
 * *verdict), 0 when p describes a TCP segment to a protected port of this
 * host whose headers are sane, 1 for a UDP datagram while DTLS ports are
 * protected (dtls.h judges it from its UDP header on).
 */
static __always_inline int parse(struct xdp_md *ctx,
				 const struct sgate_config *cfg, struct pkt *p,
				 int *verdict)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 frame = bpf_xdp_get_buff_len(ctx);
	__u16 proto;
	int off, err;

	off = vlan_walk(data, end, &proto);
	if (off == -1 && frame > (__u32)(end - data))
		return split(ctx, cfg, p, false, verdict);
	if (off == -1)
		return stop(SGATE_STAT_PASS_NOT_IP, verdict, XDP_PASS);
	if (off < 0) {
		/* Any protocol may be inside, to any address. */
		if (!mac_is_ours(cfg, data))
			return stop(SGATE_STAT_PASS_NOT_LOCAL, verdict,
				    XDP_PASS);
		return stop(SGATE_STAT_DROP_UNJUDGED, verdict, XDP_DROP);
	}
	p->l3off = off;
	p->udp = !!cfg->dtls_enabled;
	if (proto == bpf_htons(ETH_P_IP))
		err = parse_ipv4(data, end, frame, off, p, verdict);
	else if (proto == bpf_htons(ETH_P_IPV6) && sgate_ipv6_enabled)
		err = parse_ipv6(data, end, frame, off, p, verdict);
	else
		return stop(SGATE_STAT_PASS_NOT_IP, verdict, XDP_PASS);
	if (err == -2 && frame > (__u32)(end - data))
		return split(ctx, cfg, p, false, verdict);
	if (err == -2)	/* the stack drops these too */
		return stop(SGATE_STAT_DROP_MALFORMED, verdict, XDP_DROP);
	if (err)
		return -1;
	if (p->udp && p->l4off)
		return 1;
	return parse_tcp(ctx, cfg, p, verdict);
}

/*
 * The unfolded sum of a reply's pseudo-header (RFC 768, RFC 9293, RFC 8200
 * section 8.1): the flow's addresses (their order does not change the sum),
 * the protocol and the layer-4 length.
 */
static __always_inline __u64 pseudo_header_sum(const struct sgate_flow *f,
					       __u8 proto, __u16 l4len)
{
	__u64 sum = bpf_htons(proto) + bpf_htons(l4len);
	int i;

	if (!f->ipv6)
		return sum + f->saddr[0] + f->daddr[0];
#pragma unroll
	for (i = 0; i < 4; i++)
		sum += (__u64)f->saddr[i] + f->daddr[i];
	return sum;
}

/* bpf_loop's step over options copied out of the packet (sgate/tcpopt.h). */
static long optwalk_cb(__u64 i, struct sgate_optwalk *w)
{
	return sgate_optwalk_step(w);
}

/*
 * Copy the options out and walk them.  Walking them in place with packet
 * pointers costs the verifier far more than a bounded copy and bpf_loop.
 */
static __always_inline void walk_options(void *ctx, bool tc,
					 const struct pkt *p,
					 struct sgate_optwalk *w)
{
	__u32 len = (p->doff - TCP_HLEN) & 0x3f, off = p->l4off + TCP_HLEN;
	long err;

	sgate_optwalk_init(w, len);
	if (len == 0 || len > SGATE_TCPOPT_MAX_LEN)
		return;
	err = tc ? bpf_skb_load_bytes(ctx, off, w->buf, len) :
		   bpf_xdp_load_bytes(ctx, off, w->buf, len);
	if (err) {
		w->len = 0;
		return;
	}
	bpf_loop(SGATE_TCPOPT_MAX_LEN, optwalk_cb, w, 0);
}

#endif /* SGATE_BPF_PARSE_H */
