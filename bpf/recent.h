/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which 4-tuples may the stack still hold a socket for?  A SYN for a 4-tuple
 * in TIME_WAIT (a client reconnecting from the same port), or of a connection
 * the client lost, is the stack's to decide: stock Linux lets the TIME_WAIT
 * socket accept it, or answers a stale connection with a challenge ACK.  Had
 * the gate answered with a cookie instead, the final ACK would meet that
 * socket and the handshake would stall.
 *
 * Looking up every SYN's 4-tuple would nearly double the SYN path, so the
 * gate remembers, per hash bucket of the 4-tuple, when it last let a segment
 * through to a socket of the stack (a verified final ACK or an ACK of an
 * established flow).  A stack socket for a 4-tuple exists only after such a
 * segment: connections through the gate are made by verified final ACKs, and
 * a TIME_WAIT socket follows the last ACKs of its connection.  Only a SYN
 * whose bucket was stamped within RECENT_WINDOW_S pays for the socket lookup.
 * A spoofed SYN rarely lands in a stamped bucket.  Missed: a connection
 * silent for longer than the window, or older than the gate.
 */
#ifndef SGATE_BPF_RECENT_H
#define SGATE_BPF_RECENT_H

#include "gate.h"

enum {
	RECENT_SLOTS = 1 << 16,
	/* TIME_WAIT lasts 60 s; a quiet established flow, up to this. */
	RECENT_WINDOW_S = 120,
	/* Stamps count units of 2^30 ns, about a second; 0 is never. */
	RECENT_UNIT_SHIFT = 30,
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RECENT_SLOTS);
	__type(key, __u32);
	__type(value, __u32);
} sgate_recent SEC(".maps");

/* Loader-set: keys the bucket hash, so no sender can aim at a bucket. */
const volatile __u32 sgate_recent_seed;

static __always_inline __u32 recent_slot(const struct sgate_flow *f)
{
	__u32 h = sgate_recent_seed ^ f->saddr[0] ^ f->saddr[1] ^ f->saddr[2] ^
		  f->saddr[3];

	h = (h ^ (h >> 16)) * 0x85ebca6bU;
	h ^= ((__u32)f->sport << 16 | f->dport) + sgate_recent_seed;
	h = (h ^ (h >> 13)) * 0xc2b2ae35U;
	return (h ^ (h >> 16)) & (RECENT_SLOTS - 1);
}

static __always_inline __u32 recent_stamp(__u64 now)
{
	return (__u32)(now >> RECENT_UNIT_SHIFT) + 1;
}

/* A segment of @f reaches a socket of the stack. */
static __always_inline void recent_mark(const struct sgate_flow *f, __u64 now)
{
	__u32 slot = recent_slot(f), stamp = recent_stamp(now);
	__u32 *v = bpf_map_lookup_elem(&sgate_recent, &slot);

	if (v && *v != stamp)	/* stores at most once a second a bucket */
		*v = stamp;
}

static __always_inline bool recent_seen(const struct sgate_flow *f, __u64 now)
{
	__u32 slot = recent_slot(f);
	__u32 *v = bpf_map_lookup_elem(&sgate_recent, &slot);

	return v && *v && recent_stamp(now) - *v <= RECENT_WINDOW_S;
}

/* Does the stack hold a socket for this 4-tuple that is not a listener? */
static __always_inline bool stack_holds(void *ctx, const struct sgate_flow *f)
{
	struct bpf_sock_tuple t = {};
	struct bpf_sock *sk;
	bool held;

	sk = bpf_skc_lookup_tcp(ctx, &t, flow_tuple(f, &t),
				BPF_F_CURRENT_NETNS, 0);
	if (!sk)
		return false;
	held = sk->state != BPF_TCP_LISTEN;
	bpf_sk_release(sk);
	return held;
}

#endif /* SGATE_BPF_RECENT_H */
