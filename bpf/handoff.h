/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TC ingress hand-off: a final ACK that XDP verified carries the decoded
 * options in its metadata; this turns them into a request socket with
 * bpf_sk_assign_tcp_reqsk(), and the stack builds the child itself.  TC acts
 * on nothing but that metadata, which no sender can forge, so without XDP in
 * front of it TC is a harmless pass.
 */
#ifndef SGATE_BPF_HANDOFF_H
#define SGATE_BPF_HANDOFF_H

#include "parse.h"

/*
 * The verdicts are tcx's (vmlinux.h): TCX_NEXT, not TCX_PASS, since the
 * gate's tcx link runs first on the hook, and a frame it lets through goes
 * on to whatever runs after it (other tcx programs, tc filters), not
 * straight to the stack past them.
 */

extern int bpf_sk_assign_tcp_reqsk(struct __sk_buff *skb, struct sock *sk,
				   struct bpf_tcp_req_attrs *attrs,
				   int attrs__sz) __ksym;

static __always_inline int tc_count_err(int err)
{
	if (err == -EINVAL)
		count(SGATE_STAT_TC_ERR_EINVAL);
	else if (err == -ENOMEM)
		count(SGATE_STAT_TC_ERR_ENOMEM);
	else
		count(SGATE_STAT_TC_ERR_OTHER);
	return TCX_DROP;
}

/*
 * The flow of the packet.  The stack strips a VLAN tag (the outer one of
 * two) between XDP and TC, so the IP header is found again here; the TCP
 * header is where XDP found it from there.
 */
static __always_inline int meta_flow(struct __sk_buff *skb,
				     const struct sgate_meta *meta,
				     struct sgate_flow *f)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	struct tcphdr *th;
	__u16 proto;
	int l3off;

	l3off = vlan_walk(data, end, &proto);
	if (l3off < 0)
		return -1;
	th = data + ((l3off + meta->l4_from_l3) & L4OFF_MASK);
	if ((void *)(th + 1) > end)
		return -1;
	if (!(meta->flags & SGATE_META_IPV6)) {
		struct iphdr *iph = data + (l3off & L3OFF_MASK);

		if ((void *)(iph + 1) > end)
			return -1;
		f->ipv6 = 0;
		f->saddr[0] = iph->saddr;
		f->daddr[0] = iph->daddr;
	} else {
		struct ipv6hdr *ip6h = data + (l3off & L3OFF_MASK);

		if ((void *)(ip6h + 1) > end)
			return -1;
		f->ipv6 = 1;
		__builtin_memcpy(f->saddr, &ip6h->saddr, 16);
		__builtin_memcpy(f->daddr, &ip6h->daddr, 16);
	}
	f->sport = th->source;
	f->dport = th->dest;
	return 0;
}

static __always_inline void meta_attrs(const struct sgate_meta *meta,
				       const struct sgate_config *cfg,
				       struct bpf_tcp_req_attrs *attrs)
{
	attrs->rcv_tsval = meta->tsval;
	attrs->rcv_tsecr = meta->tsecr;
	attrs->mss = meta->mss;
	attrs->snd_wscale = meta->snd_wscale;
	attrs->wscale_ok = !!(meta->flags & SGATE_META_WSCALE);
	attrs->rcv_wscale = attrs->wscale_ok ? cfg->rcv_wscale : 0;
	attrs->sack_ok = !!(meta->flags & SGATE_META_SACK);
	attrs->tstamp_ok = !!(meta->flags & SGATE_META_TS);
	attrs->ecn_ok = !!(meta->flags & SGATE_META_ECN);
}

/* @handed: the counter of a hand-off the kernel accepted. */
static __always_inline int handoff(struct __sk_buff *skb,
				   const struct sgate_meta *meta,
				   enum sgate_stat handed)
{
	const struct sgate_config *cfg = gate_config();
	struct bpf_tcp_req_attrs attrs = {};
	struct bpf_sock_tuple t = {};
	struct sgate_flow f = {};
	struct bpf_sock *skc;
	struct tcp_sock *tp;
	__u32 size;
	int err;

	if (!cfg || meta_flow(skb, meta, &f))
		return tc_count_err(-1);
	size = flow_tuple(&f, &t);
	skc = bpf_skc_lookup_tcp(skb, &t, size, BPF_F_CURRENT_NETNS, 0);
	if (!skc) {
		count(SGATE_STAT_TC_NO_LISTENER);
		return TCX_NEXT;
	}
	if (skc->state != BPF_TCP_LISTEN) {
		/* A socket appeared since XDP looked; it owns the packet. */
		bpf_sk_release(skc);
		count(SGATE_STAT_TC_NO_LISTENER);
		return TCX_NEXT;
	}
	tp = bpf_skc_to_tcp_sock(skc);
	if (!tp) {
		bpf_sk_release(skc);
		return tc_count_err(-1);
	}
	meta_attrs(meta, cfg, &attrs);
	err = bpf_sk_assign_tcp_reqsk(skb, (struct sock *)tp, &attrs,
				      sizeof(attrs));
	bpf_sk_release(skc);
	if (err)
		return tc_count_err(err);
	count(handed);
	return TCX_NEXT;
}

#endif /* SGATE_BPF_HANDOFF_H */
