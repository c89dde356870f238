/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The XDP parser: from the Ethernet header down to the TCP header, one layer
 * at a time, deciding on the way whether the frame is the gate's to judge.
 * Documentation/datapath.md lists every verdict taken here.
 */
#ifndef SGATE_BPF_PARSE_H
#define SGATE_BPF_PARSE_H

#include "wire.h"
#include "gate.h"

enum {
	IPV6_EXT_MAX = 4,
	/*
	 * Where a TCP header may start: the parser's furthest is 22 (two VLAN
	 * tags) + 40 + 4 extension headers of 2048 bytes = 8254, so every
	 * offset it computes fits this mask, which bounds packet pointers for
	 * the verifier.
	 */
	L4OFF_MASK = 0x3fff,
	/* Where an IP header may start: at most two VLAN tags in. */
	L3OFF_MASK = 0x1f,
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
 * frame as not the gate's (a pass) or, past the port check, as a drop.
 */

/*
 * Ethernet and up to two 802.1Q/802.1ad tags: returns where the IP header
 * starts, and the EtherType in *proto.
 */
static __always_inline int parse_l2(void *data, void *end, __u16 *proto)
{
	struct ethhdr *eth = data;
	__u32 off = ETH_HLEN, i;

	if ((void *)(eth + 1) > end) {
		count(SGATE_STAT_PASS_NOT_IP);
		return -1;
	}
	*proto = eth->h_proto;
#pragma unroll
	for (i = 0; i < VLAN_MAX_DEPTH; i++) {
		struct vlan_hdr *vh = data + off;

		if (*proto != bpf_htons(ETH_P_8021Q) &&
		    *proto != bpf_htons(ETH_P_8021AD))
			break;
		if ((void *)(vh + 1) > end) {
			count(SGATE_STAT_PASS_NOT_IP);
			return -1;
		}
		*proto = vh->h_vlan_encapsulated_proto;
		off += VLAN_HLEN;
	}
	return off;
}

static __always_inline int parse_ipv4(void *data, void *end, __u32 off,
				      struct pkt *p)
{
	struct iphdr *iph = data + off;
	__u32 ihl, tot, frame = end - data;

	if ((void *)(iph + 1) > end || iph->version != 4 || iph->ihl < 5) {
		count(SGATE_STAT_PASS_TRUNCATED);
		return -1;
	}
	if (iph->protocol != IPPROTO_TCP_NR) {
		count(SGATE_STAT_PASS_NOT_TCP);
		return -1;
	}
	if (iph->frag_off & bpf_htons(IP_OFFSET)) {
		count(SGATE_STAT_PASS_FRAGMENT);
		return -1;
	}
	p->first_fragment = !!(iph->frag_off & bpf_htons(IP_MF));
	ihl = iph->ihl * 4;
	tot = bpf_ntohs(iph->tot_len);
	p->ipv6 = 0;
	p->l4off = off + ihl;
	p->l4end = off + tot;
	p->flow.ipv6 = 0;
	p->flow.saddr[0] = iph->saddr;
	p->flow.daddr[0] = iph->daddr;
	if (tot < ihl || p->l4end > frame)
		p->l4end = 0;	/* judged once we know the port */
	return 0;
}

/* The IPv6 header and up to IPV6_EXT_MAX extension headers before TCP. */
static __always_inline int parse_ipv6(void *data, void *end, __u32 off,
				      struct pkt *p)
{
	struct ipv6hdr *ip6h = data + off;
	__u32 i, frame = end - data;
	__u8 nexthdr;

	if ((void *)(ip6h + 1) > end || ip6h->version != 6) {
		count(SGATE_STAT_PASS_TRUNCATED);
		return -1;
	}
	p->ipv6 = 1;
	p->flow.ipv6 = 1;
	__builtin_memcpy(p->flow.saddr, &ip6h->saddr, 16);
	__builtin_memcpy(p->flow.daddr, &ip6h->daddr, 16);
	off += IPV6_HLEN;
	p->l4end = off + bpf_ntohs(ip6h->payload_len);
	if (p->l4end > frame)
		p->l4end = 0;
	nexthdr = ip6h->nexthdr;
	p->first_fragment = 0;
#pragma unroll
	for (i = 0; i < IPV6_EXT_MAX; i++) {
		__u8 *ext = data + off;

		if (nexthdr != NEXTHDR_HOP && nexthdr != NEXTHDR_ROUTING &&
		    nexthdr != NEXTHDR_DEST && nexthdr != NEXTHDR_FRAGMENT)
			break;
		if ((void *)(ext + 8) > end) {
			count(SGATE_STAT_PASS_TRUNCATED);
			return -1;
		}
		if (nexthdr == NEXTHDR_FRAGMENT) {
			__u16 fo = bpf_ntohs(*(__u16 *)(ext + 2));

			if (fo & IPV6_FRAG_OFFSET) {
				count(SGATE_STAT_PASS_FRAGMENT);
				return -1;
			}
			/* Any header with M set makes a first fragment. */
			p->first_fragment |= fo & IPV6_FRAG_MORE;
			nexthdr = ext[0];
			off += IPV6_FRAG_HLEN;
		} else {
			nexthdr = ext[0];
			off += (ext[1] + 1) * 8;
		}
	}
	if (nexthdr != IPPROTO_TCP_NR) {
		count(SGATE_STAT_PASS_NOT_TCP);
		return -1;
	}
	p->l4off = off;
	return 0;
}

/*
 * The TCP header: a segment to a port that is not protected passes; one to a
 * protected port is the gate's from here on, and dropped if broken.
 */
static __always_inline int parse_tcp(void *data, void *end,
				     const struct sgate_config *cfg,
				     struct pkt *p, int *verdict)
{
	struct tcphdr *th;

	if (p->l4off > L4OFF_MASK) {	/* cannot happen, see L4OFF_MASK */
		count(SGATE_STAT_PASS_TRUNCATED);
		return -1;
	}
	th = data + (p->l4off & L4OFF_MASK);
	if ((void *)(th + 1) > end) {
		count(SGATE_STAT_PASS_TRUNCATED);
		return -1;
	}
	if (!port_protected(cfg, th->dest)) {
		count(SGATE_STAT_PASS_NOT_PROTECTED);
		return -1;
	}

	*verdict = XDP_DROP;
	if (p->first_fragment) {
		count(SGATE_STAT_DROP_FRAGMENT);
		return -1;
	}
	p->doff = th->doff * 4;
	p->flags = ((__u8 *)th)[TCP_FLAGS_BYTE];
	if (!p->l4end || p->doff < TCP_HLEN ||
	    p->l4off + p->doff > p->l4end) {
		count(SGATE_STAT_DROP_MALFORMED);
		return -1;
	}
	p->flow.sport = th->source;
	p->flow.dport = th->dest;
	return 0;
}

/*
 * Returns -1 when the frame is not for us or is dropped (counted, verdict in
 * *verdict), 0 when p describes a TCP segment to a protected port whose
 * headers are sane.
 */
static __always_inline int parse(struct xdp_md *ctx,
				 const struct sgate_config *cfg, struct pkt *p,
				 int *verdict)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u16 proto;
	int off, err;

	*verdict = XDP_PASS;
	off = parse_l2(data, end, &proto);
	if (off < 0)
		return -1;
	p->l3off = off;
	if (proto == bpf_htons(ETH_P_IP)) {
		err = parse_ipv4(data, end, off, p);
	} else if (proto == bpf_htons(ETH_P_IPV6) && sgate_ipv6_enabled) {
		err = parse_ipv6(data, end, off, p);
	} else {
		count(SGATE_STAT_PASS_NOT_IP);
		return -1;
	}
	if (err)
		return -1;
	return parse_tcp(data, end, cfg, p, verdict);
}

#endif /* SGATE_BPF_PARSE_H */
