/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hand-off where the driver gives XDP no metadata room (vmxnet3, ENA,
 * hv_netvsc, xen-netfront): XDP still drops every forged final ACK, but a
 * verified one reaches TC with nothing in front of it, and TC cannot tell
 * it from any other packet XDP let by.  So TC verifies the cookie again
 * itself, under the same keys, and hands off only what it verified.
 *
 * This costs a socket lookup per ACK to a protected port, so it runs only
 * once XDP has met a driver without metadata room (sgate_meta_refused);
 * elsewhere TC acts on metadata alone.  What TC cannot read to the end here
 * (IPv4 options aside, an IPv6 extension header, a fragment) it leaves to
 * the stack, which answers an ACK to a listener that has no request socket
 * with a RST: a failed handshake, never a way in.
 */
#ifndef SGATE_BPF_TC_VERIFY_H
#define SGATE_BPF_TC_VERIFY_H

#include "ack.h"
#include "handoff.h"

/* An ACK, not a SYN or RST, to a protected port: the flow and where TCP is. */
static __always_inline bool tc_final_ack(struct __sk_buff *skb,
					 const struct sgate_config *cfg,
					 struct pkt *p)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	struct tcphdr *th;
	__u16 proto;
	int off;

	off = vlan_walk(data, end, &proto);
	if (off < 0)
		return false;
	p->l3off = off;
	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *iph = data + (off & L3OFF_MASK);

		if ((void *)(iph + 1) > end || iph->version != 4 ||
		    iph->ihl < 5 || iph->protocol != IPPROTO_TCP_NR ||
		    (iph->frag_off & bpf_htons(IP_MF | IP_OFFSET)))
			return false;
		p->ipv6 = 0;
		p->l4off = off + iph->ihl * 4;
		p->flow.ipv6 = 0;
		p->flow.saddr[0] = iph->saddr;
		p->flow.daddr[0] = iph->daddr;
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6h = data + (off & L3OFF_MASK);

		if ((void *)(ip6h + 1) > end || ip6h->version != 6 ||
		    ip6h->nexthdr != IPPROTO_TCP_NR)
			return false;
		p->ipv6 = 1;
		p->l4off = off + IPV6_HLEN;
		p->flow.ipv6 = 1;
		__builtin_memcpy(p->flow.saddr, &ip6h->saddr, 16);
		__builtin_memcpy(p->flow.daddr, &ip6h->daddr, 16);
	} else {
		return false;
	}
	th = data + (p->l4off & L4OFF_MASK);
	if ((void *)(th + 1) > end)
		return false;
	p->flags = ((__u8 *)th)[TCP_FLAGS_BYTE];
	p->doff = th->doff * 4;
	if ((p->flags & (TCP_ACK | TCP_SYN | TCP_RST)) != TCP_ACK ||
	    p->doff < TCP_HLEN || !port_protected(cfg, th->dest))
		return false;
	p->flow.sport = th->source;
	p->flow.dport = th->dest;
	return true;
}

/* Is the flow a listener's, on an address of this host? */
static __always_inline int tc_listener_state(struct __sk_buff *skb,
					     const struct pkt *p)
{
	struct bpf_sock_tuple t = {};
	struct bpf_sock *sk;
	int state;

	sk = bpf_skc_lookup_tcp(skb, &t, flow_tuple(&p->flow, &t),
				BPF_F_CURRENT_NETNS, 0);
	if (!sk)
		return -1;
	state = sk->state;
	bpf_sk_release(sk);
	return state;
}

/*
 * Global, so the verifier checks the cookie path once.  Counts the packet
 * once: tc_pass for what is not a final ACK of ours, tc_no_listener, the
 * cookie's verdict for a forgery, or the hand-off's counters.
 */
__noinline int tc_verify(struct __sk_buff *skb)
{
	const struct sgate_config *cfg = gate_config();
	struct sgate_cookie_opts co;
	struct sgate_optwalk w;
	struct sgate_meta m = {};
	struct bpf_sock *sk;
	struct tcphdr *th;
	struct pkt p = {};
	__u32 cookie, client_isn;
	int state;

	if (!skb || !cfg || !cfg->epoch_ns)
		return TCX_NEXT;	/* unreachable once attached */
	/* Handed off already, by this program on the device below. */
	sk = skb->sk;
	if ((sk && sk->state == BPF_TCP_NEW_SYN_RECV) ||
	    skb->pkt_type != PACKET_HOST_NR ||
	    !tc_final_ack(skb, cfg, &p) || multicast_dest(&p.flow)) {
		count(SGATE_STAT_TC_PASS);
		return TCX_NEXT;
	}
	state = tc_listener_state(skb, &p);
	if (state < 0) {
		count(SGATE_STAT_TC_NO_LISTENER);
		return TCX_NEXT;
	}
	/* A socket of its own, or a listener on an address we forward. */
	if (state != BPF_TCP_LISTEN || !fib_local(skb, skb->ifindex, &p.flow, IPPROTO_TCP_NR)) {
		count(SGATE_STAT_TC_PASS);
		return TCX_NEXT;
	}
	th = (void *)(long)skb->data + (p.l4off & L4OFF_MASK);
	if ((void *)(th + 1) > (void *)(long)skb->data_end)
		return tc_count_err(-1);
	cookie = bpf_ntohl(th->ack_seq) - 1;
	client_isn = bpf_ntohl(th->seq) - 1;
	p.now = bpf_ktime_get_coarse_ns();
	walk_options(skb, true, &p, &w);

	switch (check_cookie(skb, true, &p, cfg, client_isn, cookie,
			     w.offer.ts_ok)) {
	case SGATE_COOKIE_VALID:
		break;
	case -ENOKEY:
		count(SGATE_STAT_TC_DROP_NO_KEY);
		return TCX_DROP;
	case SGATE_COOKIE_STALE:
		count(SGATE_STAT_TC_COOKIE_STALE);
		return TCX_DROP;
	default:
		count(SGATE_STAT_TC_COOKIE_BAD_MAC);
		return TCX_DROP;
	}
	sgate_cookie_decode_opts(cookie, p.ipv6, w.offer.ts_ok, &co);
	meta_fill(&m, &p, &co, &w);
	return handoff(skb, &m, SGATE_STAT_TC_VERIFIED_HANDOFF);
}

#endif /* SGATE_BPF_TC_VERIFY_H */
