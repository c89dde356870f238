// SPDX-License-Identifier: GPL-2.0
/*
 * Flood generator and packet counters for the veth benchmarks.
 *
 * gen_syn, gen_ack, gen_hello: run with BPF_PROG_RUN and BPF_F_TEST_XDP_LIVE_FRAMES on
 * the client side's veth; every run rewrites the whole frame (live frames
 * reuse pages that whoever received them may have rewritten) with a random
 * source in 10.78.0.0/16, a random port and sequence number, correct
 * checksums, and returns XDP_TX, which the kernel turns into a transmit on
 * the device, i.e. into the server's veth.  gen_hello sends DTLS
 * ClientHellos without cookie, the loader's record (tests/lib/dtls_hello)
 * with a random source, port and client random.
 *
 * count: attached to a veth, counts what arrives by TCP flags (UDP apart).  On the
 * client side it also drops replies to the spoofed range, so the client's
 * stack never sees them (and never answers them with RSTs).  On the server
 * side it can instead drop everything (the test bed's own cost) or reflect
 * every TCP frame (the bed plus sending a reply).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* The gate's wire constants and checksum fold. */
#include "../bpf/wire.h"

enum {
	SYN_FRAME = 74,		/* Ethernet, IPv4, TCP with 20 option bytes */
	ACK_FRAME = 66,		/* Ethernet, IPv4, TCP with NOP NOP TS */
	HELLO_MAX = 256,	/* the ClientHello record, at most */
	HELLO_RANDOM = 27,	/* record 13, handshake 12, client_version 2 */
};

/* The ClientHello's UDP payload and its length, written by the loader. */
__u8 hello_pl[HELLO_MAX];
const volatile __u32 hello_len;

/* Written by the loader before the runs. */
const volatile __u8 gen_dmac[6];
const volatile __u8 gen_smac[6];
const volatile __u32 gen_src_net;	/* host order, low 16 bits random */
const volatile __u32 gen_dst;		/* host order */
const volatile __u16 gen_dport;
const volatile __u32 count_drop_net;	/* host order /16; 0: drop nothing */
const volatile bool count_reflect;	/* send every TCP frame back */
const volatile __u32 hop_ifindex;	/* where the CPU hop sends frames */
const volatile __u32 hop_cpu;		/* the receiving CPU */
const volatile __u8 hop_dmac[6];	/* legit: the server's veth */
const volatile __u8 hop_smac[6];	/* legit: the client side's veth */

/*
 * Frames cross to the receiving CPU through a CPU map, the flood's and the
 * legitimate client's alike (one queue, as on a NIC: when the server falls
 * behind, both lose frames there); the program run on that CPU (hop)
 * transmits them on the client side's veth, so the server's veth receives
 * and processes them on that CPU.
 */
struct {
	__uint(type, BPF_MAP_TYPE_CPUMAP);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, struct bpf_cpumap_val);
} cpus SEC(".maps");

enum count_class {
	C_SYN,			/* SYN without ACK */
	C_SYNACK,
	C_ACK,			/* ACK without SYN, RST or FIN */
	C_RST,
	C_TCP_OTHER,
	C_NOT_TCP,
	C_DROPPED,		/* dropped here: to the spoofed range */
	C_UDP,			/* IPv4 UDP, e.g. HelloVerifyRequests */
	C_MAX,
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, C_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

/*
 * Writes Ethernet and IPv4 headers for a TCP segment of tcplen bytes; returns
 * the pseudo-header sum for the TCP checksum.
 */
static __always_inline __u64 put_l2l3_proto(void *data, __u32 saddr,
					    __u32 tcplen, __u8 proto)
{
	struct ethhdr *eth = data;
	__u32 *ip = data + sizeof(*eth);
	__u64 sum = 0;
	int i;

	for (i = 0; i < 6; i++) {
		eth->h_dest[i] = gen_dmac[i];
		eth->h_source[i] = gen_smac[i];
	}
	eth->h_proto = bpf_htons(ETH_P_IP);
	ip[0] = bpf_htonl(0x45000000 | (20 + tcplen));
	ip[1] = bpf_htonl(0x4000);		/* DF */
	ip[2] = bpf_htonl(64 << 24 | proto << 16);
	ip[3] = bpf_htonl(saddr);
	ip[4] = bpf_htonl(gen_dst);
	for (i = 0; i < 5; i++)
		sum += ip[i];
	ip[2] |= (__u32)csum_fold64(sum) << 16;
	return (__u64)ip[3] + ip[4] + bpf_htons(proto) + bpf_htons(tcplen);
}

static __always_inline __u64 put_l2l3(void *data, __u32 saddr, __u32 tcplen)
{
	return put_l2l3_proto(data, saddr, tcplen, IPPROTO_TCP_NR);
}

/* A source in the /16, never .0 or .255 in the last byte. */
static __always_inline __u32 src_of(__u32 r)
{
	__u32 lo = r & 0xffff;

	if ((lo & 0xff) == 0 || (lo & 0xff) == 0xff)
		lo ^= 0x7f;
	return gen_src_net | lo;
}

/* Ports 1024-65535, from the high half of the random word. */
SEC("xdp")
int gen_syn(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 *t = data + 34, r = bpf_get_prandom_u32(), i;
	__u64 sum;

	if (data + SYN_FRAME > end)
		return XDP_ABORTED;
	sum = put_l2l3(data, src_of(r), 40);
	t[0] = bpf_htons(1024 + ((r >> 16) % 64512)) |
	       (__u32)bpf_htons(gen_dport) << 16;
	t[1] = bpf_get_prandom_u32();
	t[2] = 0;
	t[3] = bpf_htonl(10u << 28 | TCP_SYN << 16 | 64240);
	t[4] = 0;
	t[5] = bpf_htonl(0x020405b4);		/* MSS 1460 */
	t[6] = bpf_htonl(0x0402080a);		/* SACK-permitted, TS */
	t[7] = t[1] ^ 0x5a5a5a5a;		/* TSval */
	t[8] = 0;				/* TSecr */
	t[9] = bpf_htonl(0x01030307);		/* NOP, WS 7 */
	for (i = 0; i < 10; i++)
		sum += t[i];
	t[4] = csum_fold64(sum);
	return bpf_redirect_map(&cpus, hop_cpu, 0);
}

SEC("xdp")
int gen_ack(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 *t = data + 34, r = bpf_get_prandom_u32(), i;
	__u64 sum;

	if (data + ACK_FRAME > end)
		return XDP_ABORTED;
	sum = put_l2l3(data, src_of(r), 32);
	t[0] = bpf_htons(1024 + ((r >> 16) % 64512)) |
	       (__u32)bpf_htons(gen_dport) << 16;
	t[1] = bpf_get_prandom_u32();		/* seq */
	t[2] = bpf_get_prandom_u32();		/* ack: a random cookie */
	t[3] = bpf_htonl(8u << 28 | TCP_ACK << 16 | 502);
	t[4] = 0;
	t[5] = bpf_htonl(0x0101080a);		/* NOP, NOP, TS */
	t[6] = t[1] ^ 0x5a5a5a5a;
	t[7] = t[2] ^ 0xa5a5a5a5;
	for (i = 0; i < 8; i++)
		sum += t[i];
	t[4] = csum_fold64(sum);
	return bpf_redirect_map(&cpus, hop_cpu, 0);
}

/* UDP without checksum (0, RFC 768), as IPv4 allows. */
SEC("xdp")
int gen_hello(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 len = hello_len, r = bpf_get_prandom_u32();
	__u32 *u = data + 34;
	__u8 *pl = data + 42;

	if (len > HELLO_MAX || data + 42 + HELLO_MAX > end)
		return XDP_ABORTED;
	put_l2l3_proto(data, src_of(r), 8 + len, IPPROTO_UDP_NR);
	u[0] = bpf_htons(1024 + ((r >> 16) % 64512)) |
	       (__u32)bpf_htons(gen_dport) << 16;
	u[1] = bpf_htons(8 + len);
	__builtin_memcpy(pl, hello_pl, HELLO_MAX);
	*(__u32 *)(pl + HELLO_RANDOM) = bpf_get_prandom_u32();
	bpf_xdp_adjust_tail(ctx, (int)len - HELLO_MAX);
	return bpf_redirect_map(&cpus, hop_cpu, 0);
}

SEC("xdp/cpumap")
int hop(struct xdp_md *ctx)
{
	return bpf_redirect(hop_ifindex, 0);
}

/*
 * On the veth the legitimate client's namespace sends into: its IPv4 frames
 * join the flood's queue, addressed as if routed onto the server's link;
 * everything else (ARP) goes to the stack.
 */
SEC("xdp")
int to_hop(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	int i;

	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	for (i = 0; i < 6; i++) {
		eth->h_dest[i] = hop_dmac[i];
		eth->h_source[i] = hop_smac[i];
	}
	return bpf_redirect_map(&cpus, hop_cpu, 0);
}

static __always_inline void bump(__u32 c)
{
	__u64 *v = bpf_map_lookup_elem(&counts, &c);

	if (v)
		*v += 1;
}

SEC("xdp")
int count(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *iph = data + sizeof(*eth);
	struct tcphdr *th = data + sizeof(*eth) + sizeof(*iph);
	__u8 f;

	if ((void *)(th + 1) <= end && eth->h_proto == bpf_htons(ETH_P_IP) &&
	    iph->protocol == IPPROTO_UDP_NR) {
		bump(C_UDP);
		if (count_drop_net &&
		    (bpf_ntohl(iph->daddr) & 0xffff0000) == count_drop_net) {
			bump(C_DROPPED);
			return XDP_DROP;
		}
		return XDP_PASS;
	}
	if ((void *)(th + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    iph->protocol != IPPROTO_TCP_NR || iph->ihl != 5) {
		bump(C_NOT_TCP);
		return XDP_PASS;
	}
	f = ((__u8 *)th)[13];
	if (f & TCP_RST)
		bump(C_RST);
	else if ((f & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK))
		bump(C_SYNACK);
	else if (f & TCP_SYN)
		bump(C_SYN);
	else if ((f & (TCP_ACK | TCP_FIN)) == TCP_ACK)
		bump(C_ACK);
	else
		bump(C_TCP_OTHER);
	if (count_drop_net &&
	    (bpf_ntohl(iph->daddr) & 0xffff0000) == count_drop_net) {
		bump(C_DROPPED);
		return XDP_DROP;
	}
	if (count_reflect) {
		/* The least a reply can cost here: addresses and ports
		 * swapped (the checksums stay right), XDP_TX.
		 */
		__u32 a = iph->saddr;
		__u16 port = th->source;
		__u8 mac[6];

		__builtin_memcpy(mac, eth->h_source, 6);
		__builtin_memcpy(eth->h_source, eth->h_dest, 6);
		__builtin_memcpy(eth->h_dest, mac, 6);
		iph->saddr = iph->daddr;
		iph->daddr = a;
		th->source = th->dest;
		th->dest = port;
		return XDP_TX;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
