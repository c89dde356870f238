// SPDX-License-Identifier: GPL-2.0
/*
 * Programs for the per-packet cost benchmark (bench/pktcost.c), run with
 * BPF_PROG_RUN.
 *
 * BPF_PROG_RUN repeats a program on the same buffer, so a program that
 * rewrites its packet (a SYN into a SYN-ACK) would see its own output from
 * the second run on.  Every measured program is therefore reached through
 * wrap: it puts the template frame back (length, metadata, bytes) and tail
 * calls the program under test.  The cost of wrap itself is measured the same
 * way with t_drop as the target, and subtracted.
 *
 *   t_drop      XDP_DROP: the floor.
 *   t_txmac     swap the MAC addresses, XDP_TX.
 *   t_txfloor   the least any SYN-ACK reply can cost: check the headers,
 *               swap MACs, addresses and ports, set seq, ack and flags,
 *               recompute both checksums, XDP_TX.
 *   kc_walk     the kernel's own cookie through bpf_tcp_raw_gen_syncookie_ipv4
 *               on the TX floor, with the options walked in bpf_loop as the
 *               kernel's XDP synproxy (selftests/bpf xdp_synproxy_kern.c)
 *               does, and the same SYN-ACK options sgate sends.
 *   kc_fast     the same, but with sgate's shortcut for the stock Linux
 *               option layout (the walk only as the fallback).
 *   t_mac       where sgate's time goes: its MAC alone (SipHash-2-4 of the
 *               IPv4 cookie input, include/sgate/cookie.h), then XDP_DROP.
 *   t_clock     the coarse clock read a cookie needs, then XDP_DROP.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* The gate's wire constants and checksum fold. */
#include "../bpf/wire.h"

#include "sgate/tcpopt.h"
#include "sgate/cookie.h"

enum {
	META_LEN = 20,		/* sizeof(struct sgate_meta) */
	TMPL_MAX = 256,		/* a power of two: the length is masked with it */
};

/* The frame wrap restores before every run; written by pktcost. */
__u8 tmpl[TMPL_MAX];
__u32 tmpl_len;

/* Settings of the reply, as sgate's configuration in pktcost. */
const volatile __u16 kc_port = 80;
const volatile __u16 kc_mss = 1460;
const volatile __u16 kc_window = 64240;
const volatile __u8 kc_wscale = 7;

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} target SEC(".maps");

/* Frags-aware, as the gate is: one program array holds one kind. */
SEC("xdp.frags")
int wrap(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	void *meta = (void *)(long)ctx->data_meta;
	__u32 len = tmpl_len & (TMPL_MAX - 1);
	int cur = end - data;

	/* The same helper calls on every run, whatever is to be undone. */
	bpf_xdp_adjust_meta(ctx, meta + META_LEN <= data ? META_LEN : 0);
	bpf_xdp_adjust_tail(ctx, (int)len - cur);
	if (len < 54)
		return XDP_ABORTED;
	if (bpf_xdp_store_bytes(ctx, 0, tmpl, len))
		return XDP_ABORTED;
	bpf_tail_call(ctx, &target, 0);
	return XDP_ABORTED;
}

SEC("xdp.frags")
int t_drop(struct xdp_md *ctx)
{
	return XDP_DROP;
}

SEC("xdp.frags")
int t_txmac(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u8 mac[6];

	if ((void *)(eth + 1) > end)
		return XDP_DROP;
	__builtin_memcpy(mac, eth->h_source, 6);
	__builtin_memcpy(eth->h_source, eth->h_dest, 6);
	__builtin_memcpy(eth->h_dest, mac, 6);
	return XDP_TX;
}

/* Ethernet + IPv4 without options + TCP, or NULL. */
static __always_inline struct tcphdr *headers(struct xdp_md *ctx,
					      struct iphdr **iphp)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph = data + sizeof(*eth);
	struct tcphdr *th = (void *)(iph + 1);

	if ((void *)(th + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    iph->ihl != 5 || iph->protocol != IPPROTO_TCP_NR)
		return NULL;
	*iphp = iph;
	return th;
}

static __always_inline void swap_mac(struct xdp_md *ctx)
{
	struct ethhdr *eth = (void *)(long)ctx->data;
	__u8 mac[6];

	if ((void *)(eth + 1) > (void *)(long)ctx->data_end)
		return;
	__builtin_memcpy(mac, eth->h_source, 6);
	__builtin_memcpy(eth->h_source, eth->h_dest, 6);
	__builtin_memcpy(eth->h_dest, mac, 6);
}

/*
 * Write the IPv4 header of the reply (addresses swapped, fresh checksum) and
 * return the pseudo-header sum for the TCP checksum.
 */
static __always_inline __u64 reply_ip(struct iphdr *iph, __u32 tcplen)
{
	__u32 *w = (__u32 *)iph, saddr = iph->saddr, daddr = iph->daddr;
	__u64 sum;

	w[0] = bpf_htonl(0x45000000 | (20 + tcplen));
	w[1] = bpf_htonl(0x4000);
	w[2] = bpf_htonl(64 << 24 | IPPROTO_TCP_NR << 16);
	w[3] = daddr;
	w[4] = saddr;
	sum = (__u64)w[0] + w[1] + w[2] + saddr + daddr;
	w[2] |= (__u32)csum_fold64(sum) << 16;
	return (__u64)saddr + daddr + bpf_htons(IPPROTO_TCP_NR) +
	       bpf_htons(tcplen);
}

SEC("xdp.frags")
int t_txfloor(struct xdp_md *ctx)
{
	void *end = (void *)(long)ctx->data_end;
	struct iphdr *iph;
	struct tcphdr *th = headers(ctx, &iph);
	__u32 *t, tcplen, ports, isn;
	__u64 sum;

	if (!th)
		return XDP_PASS;
	t = (__u32 *)th;
	tcplen = th->doff * 4;
	if (tcplen != 40 || (void *)th + 40 > end)
		return XDP_DROP;
	ports = t[0];
	isn = bpf_ntohl(t[1]);
	sum = reply_ip(iph, tcplen);
	t[0] = ports >> 16 | ports << 16;
	t[1] = bpf_htonl(~isn);
	t[2] = bpf_htonl(isn + 1);
	t[3] = bpf_htonl(10u << 28 | (TCP_SYN | TCP_ACK) << 16 | kc_window);
	t[4] = 0;
	/* The SYN's own options stay; they are summed as they are. */
	sum += (__u64)t[0] + t[1] + t[2] + t[3] + t[5] + t[6] + t[7] + t[8] +
	       t[9];
	t[4] = csum_fold64(sum);
	swap_mac(ctx);
	return XDP_TX;
}

/* What the comparator needs from the SYN's options. */
struct kc_opts {
	__u32 tsval;
	__u8 wscale;		/* 0xf: none */
	__u8 sack;
	__u8 ts;
};

static long kc_step(__u64 i, struct sgate_optwalk *w)
{
	return sgate_optwalk_step(w);
}

/*
 * The walk: copied out, then one option per bpf_loop step, with the
 * project's walker.  (The kernel selftest walks the packet in place; built
 * with this machine's clang 14 that version exceeds the verifier's
 * instruction limit.)
 */
static __always_inline void kc_walk_opts(struct xdp_md *ctx, struct tcphdr *th,
					 struct kc_opts *o)
{
	struct sgate_optwalk w;
	__u32 len = (th->doff * 4 - sizeof(*th)) & 0x3f;

	sgate_optwalk_init(&w, len);
	if (len && len <= SGATE_TCPOPT_MAX_LEN &&
	    !bpf_xdp_load_bytes(ctx, sizeof(struct ethhdr) +
				sizeof(struct iphdr) + sizeof(*th), w.buf, len))
		bpf_loop(SGATE_TCPOPT_MAX_LEN, kc_step, &w, 0);
	o->wscale = w.offer.wscale == SGATE_WSCALE_NONE ? 0xf : w.offer.wscale;
	o->sack = w.offer.sack_ok;
	o->ts = w.offer.ts_ok;
	o->tsval = w.offer.tsval;
}

static __always_inline bool kc_linux_opts(struct tcphdr *th, void *end,
					  struct kc_opts *o)
{
	__u32 *w = (__u32 *)(th + 1);

	if ((void *)(w + 5) > end ||
	    (bpf_ntohl(w[0]) >> 16) != 0x0204 || w[1] != bpf_htonl(0x0402080a) ||
	    (bpf_ntohl(w[4]) >> 8) != 0x010303)
		return false;
	o->sack = 1;
	o->ts = 1;
	o->tsval = bpf_ntohl(w[2]);
	o->wscale = (bpf_ntohl(w[4]) & 0xff) > 14 ? 14 : bpf_ntohl(w[4]) & 0xff;
	return true;
}

static __always_inline int kcookie(struct xdp_md *ctx, bool fast)
{
	void *end = (void *)(long)ctx->data_end;
	struct iphdr *iph;
	struct tcphdr *th = headers(ctx, &iph);
	__u32 *t, tcplen, ports, isn, cookie, tsval;
	struct kc_opts o = {};
	__s64 made;
	__u8 ecn;
	__u64 sum;

	if (!th)
		return XDP_PASS;
	if (th->dest != bpf_htons(kc_port))
		return XDP_PASS;
	t = (__u32 *)th;
	if ((((__u8 *)th)[13] & (TCP_SYN | TCP_ACK | TCP_RST)) != TCP_SYN)
		return XDP_DROP;
	ecn = (((__u8 *)th)[13] & (TCP_ECE | TCP_CWR)) == (TCP_ECE | TCP_CWR);
	tcplen = th->doff * 4;
	/* The helper needs a length the verifier can bound: 40 here. */
	if (tcplen != 40 || (void *)th + 40 > end)
		return XDP_DROP;
	if (!fast || !kc_linux_opts(th, end, &o))
		kc_walk_opts(ctx, th, &o);
	made = bpf_tcp_raw_gen_syncookie_ipv4(iph, th, 40);
	if (made < 0)
		return XDP_DROP;
	cookie = (__u32)made;
	/* The kernel's timestamp cookie: ms clock, wscale, SACK and ECN bits. */
	tsval = (__u32)(bpf_ktime_get_coarse_ns() / 1000000) & ~0x3fu;
	tsval |= (o.wscale & 0xf) | (o.sack ? 1u << 4 : 0) |
		 (ecn ? 1u << 5 : 0);

	ports = t[0];
	isn = bpf_ntohl(t[1]);
	sum = reply_ip(iph, 40);
	t[0] = ports >> 16 | ports << 16;
	t[1] = bpf_htonl(cookie);
	t[2] = bpf_htonl(isn + 1);
	t[3] = bpf_htonl(10u << 28 | (TCP_SYN | TCP_ACK) << 16 | kc_window);
	t[4] = 0;
	t[5] = bpf_htonl(0x02040000 | kc_mss);
	t[6] = bpf_htonl(0x0402080a);
	t[7] = bpf_htonl(tsval);
	t[8] = bpf_htonl(o.tsval);
	t[9] = bpf_htonl(0x01030300 | kc_wscale);
	sum += (__u64)t[0] + t[1] + t[2] + t[3] + t[5] + t[6] + t[7] + t[8] +
	       t[9];
	t[4] = csum_fold64(sum);
	swap_mac(ctx);
	return XDP_TX;
}

SEC("xdp.frags")
int kc_walk(struct xdp_md *ctx)
{
	return kcookie(ctx, false);
}

SEC("xdp.frags")
int kc_fast(struct xdp_md *ctx)
{
	return kcookie(ctx, true);
}

/* A key the verifier cannot fold into constants. */
struct sgate_siphash_key mac_key = { { 0x0706050403020100ULL,
				       0x0f0e0d0c0b0a0908ULL } };
__u32 mac_sink;

SEC("xdp.frags")
int t_mac(struct xdp_md *ctx)
{
	struct iphdr *iph;
	struct tcphdr *th = headers(ctx, &iph);
	struct sgate_flow f = {};

	if (!th)
		return XDP_PASS;
	f.saddr[0] = iph->saddr;
	f.daddr[0] = iph->daddr;
	f.sport = th->source;
	f.dport = th->dest;
	mac_sink = sgate_cookie_mac(&mac_key, &f, bpf_ntohl(th->seq), 12345,
				    sgate_cookie_tag(0x3f, 1, 0));
	return XDP_DROP;
}

SEC("xdp.frags")
int t_clock(struct xdp_md *ctx)
{
	mac_sink = (__u32)bpf_ktime_get_coarse_ns();
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
