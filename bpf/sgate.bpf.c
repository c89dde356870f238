// SPDX-License-Identifier: GPL-2.0
/*
 * sgate: a stateless SYN gate at XDP, with the hand-off to the TCP stack at
 * TC ingress.
 *
 * XDP answers every SYN to a protected port with a SYN-ACK whose ISN is a
 * MAC'd cookie (include/sgate/cookie.h) and keeps nothing.  An ACK to a
 * protected port either belongs to a socket the stack already has (pass), or
 * must be the final ACK of one of our handshakes: its cookie is verified and
 * the packet dropped if that fails.  A verified ACK leaves XDP with the
 * decoded options in the metadata area; the TC program turns that into a
 * request socket with bpf_sk_assign_tcp_reqsk(), and the stack builds the
 * child itself.  TC acts on nothing but that metadata, which no sender can
 * forge, so without XDP in front of it TC is a harmless pass.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct sgate_siphash_key;
struct sgate_flow;
__u32 gate_mac(const struct sgate_siphash_key *key, const struct sgate_flow *f,
	       __u32 client_isn, __u64 epoch, __u32 tag);
#define SGATE_COOKIE_MAC gate_mac

#include "sgate/abi.h"
#include "sgate/tcpopt.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum {
	ETH_ALEN = 6,
	ETH_HLEN = 14,
	ETH_P_IP = 0x0800,
	ETH_P_IPV6 = 0x86dd,
	ETH_P_8021Q = 0x8100,
	ETH_P_8021AD = 0x88a8,
	VLAN_HLEN = 4,
	VLAN_MAX_DEPTH = 2,

	IPPROTO_TCP_NR = 6,
	IP_MF = 0x2000,
	IP_OFFSET = 0x1fff,
	IP_DF = 0x4000,
	IPV6_HLEN = 40,
	IPV6_EXT_MAX = 4,
	NEXTHDR_HOP = 0,
	NEXTHDR_ROUTING = 43,
	NEXTHDR_FRAGMENT = 44,
	NEXTHDR_DEST = 60,

	TCP_HLEN = 20,
	TCP_FIN = 0x01,
	TCP_SYN = 0x02,
	TCP_RST = 0x04,
	TCP_ACK = 0x10,
	TCP_ECE = 0x40,
	TCP_CWR = 0x80,

	/*
	 * Where a TCP header may start: the parser's furthest is 22 (two VLAN
	 * tags) + 40 + 4 extension headers of 2048 bytes = 8254, so every
	 * offset it computes fits this mask, which bounds packet pointers for
	 * the verifier.
	 */
	L4OFF_MASK = 0x3fff,

	REPLY_TTL = 64,
	/* Largest SYN-ACK option block we write: MSS, SACK+TS, NOP+WS. */
	REPLY_OPT_MAX = 20,

	TC_ACT_OK = 0,
	TC_ACT_SHOT = 2,
};

/* Loader-set before load; a gate never changes these while attached. */
const volatile bool sgate_ipv6_enabled = true;
/*
 * Module mode: sgate.ko holds the keys and computes every MAC, so no key byte
 * is in any map.  The kfuncs are weak: where the module is absent the loader
 * leaves this false and the verifier removes the calls as dead code.
 */
const volatile bool sgate_module_mode;

extern __s64 bpf_sgate_xdp_cookie_make(struct xdp_md *ctx,
				       const struct sgate_mac_req *req,
				       __u32 req__sz) __ksym __weak;
extern int bpf_sgate_xdp_cookie_check(struct xdp_md *ctx,
				      const struct sgate_mac_req *req,
				      __u32 req__sz) __ksym __weak;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sgate_config);
} sgate_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SGATE_KEYRING_SLOTS);
	__type(key, __u32);
	__type(value, struct sgate_keyring);
} sgate_keys SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} sgate_key_sel SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sgate_stats);
} sgate_stats SEC(".maps");

extern int bpf_sk_assign_tcp_reqsk(struct __sk_buff *skb, struct sock *sk,
				   struct bpf_tcp_req_attrs *attrs,
				   int attrs__sz) __ksym;

/* Global, so the verifier checks SipHash once, not on every path to it. */
__noinline __u32 gate_mac(const struct sgate_siphash_key *key,
			  const struct sgate_flow *f, __u32 client_isn,
			  __u64 epoch, __u32 tag)
{
	if (!key || !f)
		return ~0U;	/* never a 24-bit MAC */
	return sgate_cookie_mac(key, f, client_isn, epoch, tag);
}

static __always_inline void count(enum sgate_stat stat)
{
	__u32 zero = 0;
	struct sgate_stats *s = bpf_map_lookup_elem(&sgate_stats, &zero);

	if (s && stat < SGATE_STAT_MAX)
		s->count[stat]++;
}

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

static __always_inline const struct sgate_config *gate_config(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&sgate_config, &zero);
}

/* Bounds the verifier needs, and parse() guarantees, for the global functions. */
static __always_inline bool pkt_sane(const struct pkt *p)
{
	return p->l3off <= ETH_HLEN + VLAN_MAX_DEPTH * VLAN_HLEN &&
	       p->l4off <= L4OFF_MASK && p->doff >= TCP_HLEN && p->doff <= 60;
}

static __always_inline bool port_protected(const struct sgate_config *cfg,
					   __u16 port_be)
{
	__u16 port = bpf_ntohs(port_be);

	return cfg->ports[(port >> 5) & (SGATE_PORT_WORDS - 1)] &
	       (1U << (port & 31));
}

static __always_inline __u64 epoch_now(const struct sgate_config *cfg)
{
	/* A cookie needs only a coarse clock, and the coarse one is cheap. */
	return bpf_ktime_get_coarse_ns() / cfg->epoch_ns;
}

static __always_inline const struct sgate_keyring *keyring(void)
{
	__u32 zero = 0, *sel = bpf_map_lookup_elem(&sgate_key_sel, &zero);
	__u32 slot;

	if (!sel)
		return NULL;
	slot = *sel & (SGATE_KEYRING_SLOTS - 1);
	return bpf_map_lookup_elem(&sgate_keys, &slot);
}

/* Fold a 64-bit one's complement sum of big-endian words to 16 bits. */
static __always_inline __u16 csum_fold64(__u64 sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

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
 * Parse up to the TCP header.  Returns -1 when the packet is not for us
 * (counted, verdict in *verdict), 0 when p describes a TCP segment to a
 * protected port whose headers are sane.
 */
static __always_inline int parse(struct xdp_md *ctx,
				 const struct sgate_config *cfg, struct pkt *p,
				 int *verdict)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 off = ETH_HLEN, i, frame = end - data;
	struct ethhdr *eth = data;
	struct tcphdr *th;
	__u16 proto;

	*verdict = XDP_PASS;
	if ((void *)(eth + 1) > end) {
		count(SGATE_STAT_PASS_NOT_IP);
		return -1;
	}
	proto = eth->h_proto;
#pragma unroll
	for (i = 0; i < VLAN_MAX_DEPTH; i++) {
		struct vlan_hdr *vh = data + off;

		if (proto != bpf_htons(ETH_P_8021Q) &&
		    proto != bpf_htons(ETH_P_8021AD))
			break;
		if ((void *)(vh + 1) > end) {
			count(SGATE_STAT_PASS_NOT_IP);
			return -1;
		}
		proto = vh->h_vlan_encapsulated_proto;
		off += VLAN_HLEN;
	}
	p->l3off = off;

	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *iph = data + off;
		__u32 ihl, tot;

		if ((void *)(iph + 1) > end || iph->version != 4 ||
		    iph->ihl < 5) {
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
	} else if (proto == bpf_htons(ETH_P_IPV6) && sgate_ipv6_enabled) {
		struct ipv6hdr *ip6h = data + off;
		__u8 nexthdr;

		if ((void *)(ip6h + 1) > end || ip6h->version != 6) {
			count(SGATE_STAT_PASS_TRUNCATED);
			return -1;
		}
		p->ipv6 = 1;
		p->flow.ipv6 = 1;
		__builtin_memcpy(p->flow.saddr, &ip6h->saddr, 16);
		__builtin_memcpy(p->flow.daddr, &ip6h->daddr, 16);
		p->l4end = off + IPV6_HLEN + bpf_ntohs(ip6h->payload_len);
		if (p->l4end > frame)
			p->l4end = 0;
		nexthdr = ip6h->nexthdr;
		off += IPV6_HLEN;
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
				/* offset in the top 13 bits, M flag in bit 0 */
				__u16 fo = bpf_ntohs(*(__u16 *)(ext + 2));

				if (fo & 0xfff8) {
					count(SGATE_STAT_PASS_FRAGMENT);
					return -1;
				}
				/* Any header with M set makes a first fragment. */
				p->first_fragment |= fo & 1;
				nexthdr = ext[0];
				off += 8;
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
	} else {
		count(SGATE_STAT_PASS_NOT_IP);
		return -1;
	}

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

	/* From here on the packet is ours to judge. */
	*verdict = XDP_DROP;
	if (p->first_fragment) {
		count(SGATE_STAT_DROP_FRAGMENT);
		return -1;
	}
	p->doff = th->doff * 4;
	p->flags = ((__u8 *)th)[13];
	if (!p->l4end || p->doff < TCP_HLEN ||
	    p->l4off + p->doff > p->l4end) {
		count(SGATE_STAT_DROP_MALFORMED);
		return -1;
	}
	p->flow.sport = th->source;
	p->flow.dport = th->dest;
	return 0;
}

static long optwalk_cb(__u64 i, struct sgate_optwalk *w)
{
	return sgate_optwalk_step(w);
}

/*
 * Copy the options out and walk them.  Walking them in place with packet
 * pointers costs the verifier far more than a bounded copy and bpf_loop.
 */
static __always_inline void walk_options(struct xdp_md *ctx,
					 const struct pkt *p,
					 struct sgate_optwalk *w)
{
	__u32 len = (p->doff - TCP_HLEN) & 0x3f;

	sgate_optwalk_init(w, len);
	if (len == 0 || len > SGATE_TCPOPT_MAX_LEN)
		return;
	if (bpf_xdp_load_bytes(ctx, p->l4off + TCP_HLEN, w->buf, len)) {
		w->len = 0;
		return;
	}
	bpf_loop(SGATE_TCPOPT_MAX_LEN, optwalk_cb, w, 0);
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

	if (p->doff != TCP_HLEN + 20 || (void *)(o + 5) > end)
		return false;
	w0 = bpf_ntohl(o[0]);
	w4 = bpf_ntohl(o[4]);
	if ((w0 >> 16) != 0x0204 || bpf_ntohl(o[1]) != 0x0402080a ||
	    (w4 >> 8) != 0x010303)
		return false;
	sgate_optwalk_init(w, 20);
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
	return (with_mss ? 4 : 0) + (co->ts_ok ? 12 : co->sack_ok ? 4 : 0) +
	       (co->wscale_ok ? 4 : 0);
}

/* The SYN-ACK's options, in Linux's order and with Linux's padding. */
static __always_inline void synack_options(__u32 *o,
					   const struct sgate_cookie_opts *co,
					   __u16 mss, __u32 tsval, __u32 tsecr,
					   __u8 rcv_wscale, bool with_mss)
{
	__u32 n = 0;

	if (with_mss)
		o[n++] = bpf_htonl(0x02040000 | mss);
	if (co->ts_ok) {
		o[n++] = bpf_htonl(co->sack_ok ? 0x0402080a : 0x0101080a);
		o[n++] = bpf_htonl(tsval);
		o[n++] = bpf_htonl(tsecr);
	} else if (co->sack_ok) {
		o[n++] = bpf_htonl(0x01010402);
	}
	if (co->wscale_ok)
		o[n] = bpf_htonl(0x01030300 | rcv_wscale);
}

/* What handle_syn() hands to send_synack(). */
struct synack {
	__u32 cookie;
	__u32 client_isn;
	__u32 client_tsval;
	__u32 ts_ok;
	__u32 tsval;		/* our TSval: the coarse clock in ~ms */
};

/*
 * Turn the SYN in place into our SYN-ACK: everything after the Ethernet (and
 * VLAN) header is rewritten, so IP options and IPv6 extension headers of the
 * SYN are dropped and the frame is cut to the reply's length.  The reply
 * needs more room than the SYN only when the SYN had no MSS option; where the
 * frame cannot grow (veth, design.md) the MSS option is left out, which RFC
 * 9293 allows: the client then assumes 536 (IPv4) or 1220 (IPv6).
 *
 * The headers are built in registers, summed from there, and stored straight
 * into the frame: no helper call, no re-read of what was just written.
 */
static __always_inline int send_synack(struct xdp_md *ctx, const struct pkt *p,
				       const struct sgate_config *cfg,
				       const struct synack *r)
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
	l3off = p->l3off & 0x1f;	/* pkt_sane(): at most two VLAN tags */
	l3len = p->ipv6 ? IPV6_HLEN : sizeof(struct iphdr);
	mss = p->ipv6 ? cfg->mss_v6 : cfg->mss_v4;
	frame = end - data;
	reply = l3off + l3len + TCP_HLEN + synack_optlen(&co, true);
	if (reply > frame && bpf_xdp_adjust_tail(ctx, reply - frame)) {
		with_mss = false;
		reply -= 4;
		if (reply > frame) {
			count(SGATE_STAT_DROP_NO_ROOM);
			return XDP_DROP;
		}
	}
	if (reply < frame && bpf_xdp_adjust_tail(ctx, -(int)(frame - reply)))
		return XDP_DROP;
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
	sum = bpf_htons(IPPROTO_TCP_NR) + bpf_htons(tcplen);
	if (!p->ipv6) {
		sum += (__u64)p->flow.saddr[0] + p->flow.daddr[0];
	} else {
#pragma unroll
		for (i = 0; i < 4; i++)
			sum += (__u64)p->flow.saddr[i] + p->flow.daddr[i];
	}
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
		return XDP_DROP;
	if (!p->ipv6) {
		__u32 w0 = bpf_htonl(0x45000000 | (l3len + tcplen));
		__u32 w1 = bpf_htonl(IP_DF);
		__u32 w2 = bpf_htonl(REPLY_TTL << 24 | IPPROTO_TCP_NR << 16);

		sum = (__u64)w0 + w1 + w2 + p->flow.daddr[0] +
		      p->flow.saddr[0];
		ip[0] = w0;
		ip[1] = w1;
		ip[2] = w2 | (__u32)csum_fold64(sum) << 16;
		ip[3] = p->flow.daddr[0];
		ip[4] = p->flow.saddr[0];
		th = ip + sizeof(struct iphdr) / 4;
	} else {
		ip[0] = bpf_htonl(0x60000000);
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

	count(with_mss ? SGATE_STAT_SYN_ANSWERED :
			 SGATE_STAT_SYN_ANSWERED_NO_MSS);
	return XDP_TX;
}

/*
 * handle_syn(), send_synack() and handle_ack() are global functions so that
 * the verifier checks each once, not once per path through the parser; in
 * exchange each must treat every field of *p as unchecked.
 */
__noinline int handle_syn(struct xdp_md *ctx, struct pkt *p)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	const struct sgate_config *cfg = gate_config();
	const struct sgate_siphash_key *key;
	const struct sgate_keyring *ring;
	struct sgate_optwalk w;
	struct synack r;
	struct ethhdr *eth = data;
	struct tcphdr *th;
	__u32 optbits;
	__u64 epoch, now;
	__u8 ts_ok;

	if (!p || !cfg || !pkt_sane(p))
		return XDP_DROP;
	th = data + (p->l4off & L4OFF_MASK);
	if ((void *)(eth + 1) > end || (void *)(th + 1) > end)
		return XDP_DROP;
	if (p->flags & (TCP_FIN | TCP_RST)) {
		count(SGATE_STAT_DROP_MALFORMED);
		return XDP_DROP;
	}
	if (bogus_source(eth, &p->flow)) {
		count(SGATE_STAT_DROP_BOGUS_SOURCE);
		return XDP_DROP;
	}
	r.client_isn = bpf_ntohl(th->seq);
	/* One clock read serves the epoch and our TSval. */
	now = bpf_ktime_get_coarse_ns();
	r.tsval = (__u32)(now >> 20);

	if (!linux_syn_options(ctx, p, &w))
		walk_options(ctx, p, &w);
	w.offer.ecn = (p->flags & (TCP_ECE | TCP_CWR)) == (TCP_ECE | TCP_CWR);

	optbits = sgate_cookie_encode_opts(&w.offer,
					   p->ipv6 ? cfg->mss_v6 : cfg->mss_v4,
					   cfg->features, p->ipv6, &ts_ok);
	if (sgate_module_mode) {
		struct sgate_mac_req req = {
			.flow = p->flow,
			.client_isn = r.client_isn,
			.optbits = optbits,
			.ts_ok = ts_ok,
		};
		__s64 made = bpf_sgate_xdp_cookie_make(ctx, &req, sizeof(req));

		if (made < 0) {
			count(SGATE_STAT_DROP_NO_KEY);
			return XDP_DROP;
		}
		r.cookie = (__u32)made;
	} else {
		ring = keyring();
		epoch = now / cfg->epoch_ns;
		key = ring ? sgate_keyring_key_for(ring, epoch) : NULL;
		if (!key) {
			count(SGATE_STAT_DROP_NO_KEY);
			return XDP_DROP;
		}
		r.cookie = sgate_cookie_make(key, &p->flow, r.client_isn, epoch,
					     optbits, ts_ok);
	}
	r.client_tsval = w.offer.tsval;
	r.ts_ok = ts_ok;
	return send_synack(ctx, p, cfg, &r);
}

/* Does the stack already have a non-listening socket for this flow? */
static __always_inline bool stack_owns(struct xdp_md *ctx, const struct pkt *p)
{
	struct bpf_sock_tuple t = {};
	struct bpf_sock *sk;
	__u32 size;
	bool owned;

	if (!p->ipv6) {
		t.ipv4.saddr = p->flow.saddr[0];
		t.ipv4.daddr = p->flow.daddr[0];
		t.ipv4.sport = p->flow.sport;
		t.ipv4.dport = p->flow.dport;
		size = sizeof(t.ipv4);
	} else {
		__builtin_memcpy(t.ipv6.saddr, p->flow.saddr, 16);
		__builtin_memcpy(t.ipv6.daddr, p->flow.daddr, 16);
		t.ipv6.sport = p->flow.sport;
		t.ipv6.dport = p->flow.dport;
		size = sizeof(t.ipv6);
	}
	sk = bpf_skc_lookup_tcp(ctx, &t, size, BPF_F_CURRENT_NETNS, 0);
	if (!sk)
		return false;
	owned = sk->state != BPF_TCP_LISTEN;
	bpf_sk_release(sk);
	return owned;
}

/* The final ACK's timestamps, if it carries any: NOP NOP TS first. */
static __always_inline void ack_timestamps(struct xdp_md *ctx,
					   const struct pkt *p,
					   struct sgate_optwalk *w)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 *o = data + (p->l4off & L4OFF_MASK) + TCP_HLEN;

	if (p->doff != TCP_HLEN + 12 || (void *)(o + 3) > end ||
	    o[0] != bpf_htonl(0x0101080a)) {
		walk_options(ctx, p, w);
		return;
	}
	sgate_optwalk_init(w, 12);
	w->offer.ts_ok = 1;
	w->offer.tsval = bpf_ntohl(o[1]);
	w->tsecr = bpf_ntohl(o[2]);
}

__noinline int handle_ack(struct xdp_md *ctx, struct pkt *p)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	const struct sgate_config *cfg = gate_config();
	const struct sgate_keyring *ring;
	struct sgate_cookie_opts co;
	struct sgate_optwalk w;
	struct sgate_meta *meta;
	struct tcphdr *th;
	__u32 cookie, client_isn;
	__u16 l3off, l4off;
	int verdict;

	if (!p || !cfg || !pkt_sane(p))
		return XDP_DROP;
	th = data + (p->l4off & L4OFF_MASK);
	if ((void *)(th + 1) > end)
		return XDP_DROP;
	if (stack_owns(ctx, p)) {
		count(SGATE_STAT_PASS_ESTABLISHED);
		return XDP_PASS;
	}
	cookie = bpf_ntohl(th->ack_seq) - 1;
	client_isn = bpf_ntohl(th->seq) - 1;
	ack_timestamps(ctx, p, &w);

	if (sgate_module_mode) {
		struct sgate_mac_req req = {
			.flow = p->flow,
			.client_isn = client_isn,
			.cookie = cookie,
			.ts_ok = w.offer.ts_ok,
		};

		verdict = bpf_sgate_xdp_cookie_check(ctx, &req, sizeof(req));
	} else {
		ring = keyring();
		if (!ring) {
			count(SGATE_STAT_DROP_NO_KEY);
			return XDP_DROP;
		}
		verdict = sgate_cookie_check(ring, &p->flow, client_isn, cookie,
					     epoch_now(cfg), w.offer.ts_ok);
	}
	switch (verdict) {
	case SGATE_COOKIE_VALID:
		break;
	case SGATE_COOKIE_STALE:
		count(SGATE_STAT_COOKIE_STALE);
		return XDP_DROP;
	default:
		count(SGATE_STAT_COOKIE_BAD_MAC);
		return XDP_DROP;
	}
	sgate_cookie_decode_opts(cookie, p->ipv6, w.offer.ts_ok, &co);

	l3off = p->l3off;
	l4off = p->l4off;
	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(*meta))) {
		count(SGATE_STAT_DROP_NO_META);
		return XDP_DROP;
	}
	/* clang 14: the re-read of ctx->data must not be folded into one. */
	asm volatile("" : : : "memory");
	meta = (void *)(long)ctx->data_meta;
	data = (void *)(long)ctx->data;
	if ((void *)(meta + 1) > data) {
		count(SGATE_STAT_DROP_NO_META);
		return XDP_DROP;
	}
	meta->magic = SGATE_META_MAGIC;
	meta->tsval = w.offer.tsval;
	meta->tsecr = w.tsecr;
	meta->mss = co.mss;
	meta->snd_wscale = co.snd_wscale;
	meta->flags = (co.wscale_ok ? SGATE_META_WSCALE : 0) |
		      (co.sack_ok ? SGATE_META_SACK : 0) |
		      (co.ts_ok ? SGATE_META_TS : 0) |
		      (co.ecn_ok ? SGATE_META_ECN : 0) |
		      (p->ipv6 ? SGATE_META_IPV6 : 0);
	meta->l3off = l3off;
	meta->l4off = l4off;
	count(SGATE_STAT_COOKIE_VALID);
	return XDP_PASS;
}

SEC("xdp")
int sgate_xdp(struct xdp_md *ctx)
{
	const struct sgate_config *cfg;
	struct pkt p = {};
	int verdict;

	cfg = gate_config();
	if (!cfg || !cfg->epoch_ns)
		return XDP_PASS;	/* not configured yet: stay out of the way */
	if (parse(ctx, cfg, &p, &verdict))
		return verdict;

	if ((p.flags & (TCP_SYN | TCP_ACK)) == TCP_SYN)
		return handle_syn(ctx, &p);
	if (p.flags & TCP_ACK)
		return handle_ack(ctx, &p);
	count(SGATE_STAT_PASS_OTHER_FLAGS);
	return XDP_PASS;
}

static __always_inline int tc_count_err(int err)
{
	if (err == -22)
		count(SGATE_STAT_TC_ERR_EINVAL);
	else if (err == -12)
		count(SGATE_STAT_TC_ERR_ENOMEM);
	else
		count(SGATE_STAT_TC_ERR_OTHER);
	return TC_ACT_SHOT;
}

SEC("tc")
int sgate_tc(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	struct sgate_meta *meta = (void *)(long)skb->data_meta;
	const struct sgate_config *cfg;
	struct bpf_tcp_req_attrs attrs = {};
	struct bpf_sock_tuple t = {};
	struct bpf_sock *skc;
	struct tcp_sock *tp;
	struct tcphdr *th;
	__u32 zero = 0, size;
	int err;

	if ((void *)(meta + 1) > data || meta->magic != SGATE_META_MAGIC) {
		count(SGATE_STAT_TC_PASS);
		return TC_ACT_OK;
	}
	cfg = bpf_map_lookup_elem(&sgate_config, &zero);
	if (!cfg)
		return TC_ACT_SHOT;

	th = data + (meta->l4off & L4OFF_MASK);
	if ((void *)(th + 1) > end)
		return tc_count_err(-1);
	if (!(meta->flags & SGATE_META_IPV6)) {
		struct iphdr *iph = data + (meta->l3off & 0xff);

		if ((void *)(iph + 1) > end)
			return tc_count_err(-1);
		t.ipv4.saddr = iph->saddr;
		t.ipv4.daddr = iph->daddr;
		t.ipv4.sport = th->source;
		t.ipv4.dport = th->dest;
		size = sizeof(t.ipv4);
	} else {
		struct ipv6hdr *ip6h = data + (meta->l3off & 0xff);

		if ((void *)(ip6h + 1) > end)
			return tc_count_err(-1);
		__builtin_memcpy(t.ipv6.saddr, &ip6h->saddr, 16);
		__builtin_memcpy(t.ipv6.daddr, &ip6h->daddr, 16);
		t.ipv6.sport = th->source;
		t.ipv6.dport = th->dest;
		size = sizeof(t.ipv6);
	}

	skc = bpf_skc_lookup_tcp(skb, &t, size, BPF_F_CURRENT_NETNS, 0);
	if (!skc) {
		count(SGATE_STAT_TC_NO_LISTENER);
		return TC_ACT_OK;
	}
	if (skc->state != BPF_TCP_LISTEN) {
		/* A socket appeared since XDP looked; it owns the packet. */
		bpf_sk_release(skc);
		count(SGATE_STAT_TC_NO_LISTENER);
		return TC_ACT_OK;
	}
	tp = bpf_skc_to_tcp_sock(skc);
	if (!tp) {
		bpf_sk_release(skc);
		return tc_count_err(-1);
	}

	attrs.rcv_tsval = meta->tsval;
	attrs.rcv_tsecr = meta->tsecr;
	attrs.mss = meta->mss;
	attrs.rcv_wscale = cfg->rcv_wscale;
	attrs.snd_wscale = meta->snd_wscale;
	attrs.wscale_ok = !!(meta->flags & SGATE_META_WSCALE);
	attrs.sack_ok = !!(meta->flags & SGATE_META_SACK);
	attrs.tstamp_ok = !!(meta->flags & SGATE_META_TS);
	attrs.ecn_ok = !!(meta->flags & SGATE_META_ECN);
	if (!attrs.wscale_ok)
		attrs.rcv_wscale = 0;

	err = bpf_sk_assign_tcp_reqsk(skb, (struct sock *)tp, &attrs,
				      sizeof(attrs));
	bpf_sk_release(skc);
	if (err)
		return tc_count_err(err);
	count(SGATE_STAT_TC_HANDOFF);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
