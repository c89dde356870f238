/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The gate's state as its programs see it: the maps the agent writes (config,
 * key ring and selector) and reads (counters), the loader-set switches, the
 * module's kfuncs, and the lookups every path shares.
 */
#ifndef SGATE_BPF_GATE_H
#define SGATE_BPF_GATE_H

#include <linux/errno.h>

struct sgate_siphash_key;
struct sgate_flow;
__u64 gate_hash(const struct sgate_siphash_key *key, const struct sgate_flow *f,
		__u32 client_isn, __u64 epoch, __u32 tag);
/* Every cookie hash of the programs goes through gate_hash(), see there. */
#define SGATE_COOKIE_HASH gate_hash

#include "sgate/abi.h"

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
extern int bpf_sgate_skb_cookie_check(struct __sk_buff *ctx,
				      const struct sgate_mac_req *req,
				      __u32 req__sz) __ksym __weak;

/*
 * Set by XDP the first time the driver refuses it metadata room; from then
 * on TC verifies cookies itself (tc_verify.h).  Never cleared: one driver
 * serves the device for as long as the gate is attached.
 */
volatile __u32 sgate_meta_refused;

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

/* Global, so the verifier checks SipHash once, not on every path to it. */
__noinline __u64 gate_hash(const struct sgate_siphash_key *key,
			   const struct sgate_flow *f, __u32 client_isn,
			   __u64 epoch, __u32 tag)
{
	if (!key || !f)
		return ~0ULL;	/* unreachable: callers pass both */
	return sgate_cookie_hash(key, f, client_isn, epoch, tag);
}

static __always_inline void count(enum sgate_stat stat)
{
	__u32 zero = 0;
	struct sgate_stats *s = bpf_map_lookup_elem(&sgate_stats, &zero);

	if (s && stat < SGATE_STAT_MAX)
		s->count[stat]++;
}

/* Drop a frame for a reason that cannot happen; counted all the same. */
static __always_inline int drop_internal(void)
{
	count(SGATE_STAT_DROP_INTERNAL);
	return XDP_DROP;
}

static __always_inline const struct sgate_config *gate_config(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&sgate_config, &zero);
}

static __always_inline bool port_protected(const struct sgate_config *cfg,
					   __u16 port_be)
{
	__u16 port = bpf_ntohs(port_be);

	return cfg->ports[(port >> 5) & (SGATE_PORT_WORDS - 1)] &
	       (1U << (port & 31));
}

/* The live key ring (map mode): the slot the selector names. */
static __always_inline const struct sgate_keyring *keyring(void)
{
	__u32 zero = 0, *sel = bpf_map_lookup_elem(&sgate_key_sel, &zero);
	__u32 slot;

	if (!sel)
		return NULL;
	slot = *sel & (SGATE_KEYRING_SLOTS - 1);
	return bpf_map_lookup_elem(&sgate_keys, &slot);
}

/* The socket lookup key of a flow; returns its size for bpf_sk*_lookup_*. */
static __always_inline __u32 flow_tuple(const struct sgate_flow *f,
					struct bpf_sock_tuple *t)
{
	if (!f->ipv6) {
		t->ipv4.saddr = f->saddr[0];
		t->ipv4.daddr = f->daddr[0];
		t->ipv4.sport = f->sport;
		t->ipv4.dport = f->dport;
		return sizeof(t->ipv4);
	}
	__builtin_memcpy(t->ipv6.saddr, f->saddr, 16);
	__builtin_memcpy(t->ipv6.daddr, f->daddr, 16);
	t->ipv6.sport = f->sport;
	t->ipv6.dport = f->dport;
	return sizeof(t->ipv6);
}

#endif /* SGATE_BPF_GATE_H */
