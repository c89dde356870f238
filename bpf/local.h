/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Is a segment to a protected port this host's to answer?  Only if the stack
 * would answer it itself: the frame was sent to the device's MAC address, its
 * destination is an address of this host (not one the host forwards, as a
 * router or a container host publishing ports by DNAT does), and something
 * listens on that address and port.  Anything else is left to the stack,
 * which forwards it, or answers with a RST as it would without the gate.
 *
 * A listener bound to 0.0.0.0 matches any destination in a socket lookup, so
 * the address is checked on its own, in the FIB.  Both lookups together cost
 * about as much as the whole SYN path, so their answers are cached per
 * destination address and port, per CPU, for LOCAL_CACHE_TTL_NS: a changed
 * listener or address is seen that much later.
 */
#ifndef SGATE_BPF_LOCAL_H
#define SGATE_BPF_LOCAL_H

#include "wire.h"
#include "gate.h"

enum {
	LOCAL_CACHE_SLOTS = 64,		/* a power of two */
	LOCAL_CACHE_TTL_NS = 100 * 1000 * 1000,
	AF_INET_NR = 2,
	AF_INET6_NR = 10,
};

/* What is asked about: the address alone, or a TCP or UDP socket on it. */
enum local_question {
	LOCAL_ADDRESS = 0,
	LOCAL_TCP_PORT = 1,
	LOCAL_UDP_PORT = 2,
};

enum local_verdict {
	LOCAL_OURS,		/* a local address with a listener */
	LOCAL_NOT_LOCAL,	/* not sent to this host */
	LOCAL_NO_LISTENER,	/* a local address, nothing listens there */
};

struct local_answer {
	__u32 daddr[4];
	__u16 dport;
	__u8 ipv6;
	__u8 verdict;		/* enum local_verdict */
	__u8 with_port;		/* enum local_question */
	__u8 pad[3];
	__u64 expires_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LOCAL_CACHE_SLOTS);
	__type(key, __u32);
	__type(value, struct local_answer);
} sgate_local_cache SEC(".maps");

static __always_inline bool mac_is_ours(const struct sgate_config *cfg,
					const struct ethhdr *eth)
{
	return *(__u32 *)eth->h_dest == *(__u32 *)cfg->mac &&
	       *(__u16 *)(eth->h_dest + 4) == *(__u16 *)(cfg->mac + 4);
}

/* Multicast and broadcast destinations never reach a TCP socket. */
static __always_inline bool multicast_dest(const struct sgate_flow *f)
{
	if (f->ipv6)
		return (bpf_ntohl(f->daddr[0]) >> 24) == 0xff;
	return (bpf_ntohl(f->daddr[0]) >> 28) >= 14;	/* 224/4 and up */
}

/*
 * The FIB says NOT_FWDED for a local destination (and for a subnet's
 * broadcast address), asked from XDP or TC (@ctx of either, inlined into
 * each, which gives the helper the right context type).  A device that does not forward makes every lookup
 * FWD_DISABLED: such a host delivers what it receives or drops it, and
 * forwards nothing it could break, so that counts as local.
 */
static __always_inline bool fib_local(void *ctx, __u32 ifindex,
				      const struct sgate_flow *f, __u8 l4proto)
{
	struct bpf_fib_lookup fib = {};
	int rc;

	fib.ifindex = ifindex;
	fib.l4_protocol = l4proto;
	fib.dport = f->dport;
	if (f->ipv6) {
		fib.family = AF_INET6_NR;
		__builtin_memcpy(fib.ipv6_dst, f->daddr, 16);
	} else {
		fib.family = AF_INET_NR;
		fib.ipv4_dst = f->daddr[0];
	}
	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), 0);
	return rc == BPF_FIB_LKUP_RET_NOT_FWDED ||
	       rc == BPF_FIB_LKUP_RET_FWD_DISABLED;
}

/* Does anything listen on the flow's destination address and port? */
static __always_inline bool listening(struct xdp_md *ctx,
				      const struct sgate_flow *f)
{
	struct sgate_flow dest = *f;
	struct bpf_sock_tuple t = {};
	struct bpf_sock *sk;
	bool found;

	/* No source: only a listener can match. */
	__builtin_memset(dest.saddr, 0, sizeof(dest.saddr));
	dest.sport = 0;
	sk = bpf_skc_lookup_tcp(ctx, &t, flow_tuple(&dest, &t),
				BPF_F_CURRENT_NETNS, 0);
	if (!sk)
		return false;
	found = sk->state == BPF_TCP_LISTEN;
	bpf_sk_release(sk);
	return found;
}

/*
 * Does a UDP socket take datagrams to the flow's destination address and
 * port from anyone?  Without a source, a connected socket cannot match.
 */
static __always_inline bool udp_bound(struct xdp_md *ctx,
				      const struct sgate_flow *f)
{
	struct sgate_flow dest = *f;
	struct bpf_sock_tuple t = {};
	struct bpf_sock *sk;

	__builtin_memset(dest.saddr, 0, sizeof(dest.saddr));
	dest.sport = 0;
	sk = bpf_sk_lookup_udp(ctx, &t, flow_tuple(&dest, &t),
			       BPF_F_CURRENT_NETNS, 0);
	if (!sk)
		return false;
	bpf_sk_release(sk);
	return true;
}

/*
 * The lookups behind a cache miss.  Global, so that the verifier checks them
 * once and their stack frame is not part of every path's.
 */
__noinline int local_lookup(struct xdp_md *ctx, const struct sgate_flow *f,
			    int question)
{
	if (!ctx || !f)
		return LOCAL_NOT_LOCAL;
	if (!fib_local(ctx, ctx->ingress_ifindex, f,
		       question == LOCAL_UDP_PORT ? IPPROTO_UDP_NR :
						    IPPROTO_TCP_NR))
		return LOCAL_NOT_LOCAL;
	if (question == LOCAL_TCP_PORT && !listening(ctx, f))
		return LOCAL_NO_LISTENER;
	if (question == LOCAL_UDP_PORT && !udp_bound(ctx, f))
		return LOCAL_NO_LISTENER;
	return LOCAL_OURS;
}

static __always_inline __u32 local_slot(const struct sgate_flow *f,
					__u16 dport)
{
	__u32 h = f->daddr[0] ^ f->daddr[1] ^ f->daddr[2] ^ f->daddr[3] ^
		  dport;

	return (h * 0x9e3779b1U) >> 26 & (LOCAL_CACHE_SLOTS - 1);
}

static __always_inline bool same_dest(const struct local_answer *a,
				      const struct sgate_flow *f, int with_port)
{
	return a->with_port == with_port &&
	       (!with_port || a->dport == f->dport) && a->ipv6 == f->ipv6 &&
	       a->daddr[0] == f->daddr[0] && a->daddr[1] == f->daddr[1] &&
	       a->daddr[2] == f->daddr[2] && a->daddr[3] == f->daddr[3];
}

/*
 * enum local_verdict for a packet of flow @f (addresses unused beyond
 * f->ipv6 are zero) in the frame of @ctx.  @with_port (enum
 * local_question) LOCAL_ADDRESS: the port is unknown, and only the address
 * is judged (LOCAL_OURS: it is local).
 */
static __always_inline int for_this_host_as(struct xdp_md *ctx,
					    const struct sgate_config *cfg,
					    const struct sgate_flow *f,
					    int with_port, __u64 now)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u16 dport = with_port ? f->dport : 0;
	__u32 slot = local_slot(f, dport);
	struct local_answer *a;
	int verdict;

	if ((void *)((struct ethhdr *)data + 1) > end ||
	    !mac_is_ours(cfg, data) || multicast_dest(f))
		return LOCAL_NOT_LOCAL;
	a = bpf_map_lookup_elem(&sgate_local_cache, &slot);
	if (a && now < a->expires_ns && same_dest(a, f, with_port))
		return a->verdict;

	verdict = local_lookup(ctx, f, with_port);
	if (a) {
		__builtin_memcpy(a->daddr, f->daddr, sizeof(a->daddr));
		a->dport = dport;
		a->with_port = with_port;
		a->ipv6 = f->ipv6;
		a->verdict = verdict;
		a->expires_ns = now + LOCAL_CACHE_TTL_NS;
	}
	return verdict;
}

/* TCP: @with_port false judges the address alone. */
static __always_inline int for_this_host(struct xdp_md *ctx,
					 const struct sgate_config *cfg,
					 const struct sgate_flow *f,
					 bool with_port, __u64 now)
{
	return for_this_host_as(ctx, cfg, f,
				with_port ? LOCAL_TCP_PORT : LOCAL_ADDRESS,
				now);
}

#endif /* SGATE_BPF_LOCAL_H */
