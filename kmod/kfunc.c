// SPDX-License-Identifier: GPL-2.0
/*
 * kfuncs for the gate's BPF programs: make and check a cookie with the
 * caller's namespace's keys, so key bytes never enter a BPF map.  The request
 * is read only; the cookie or the verdict is the return value, except for
 * the DTLS cookie, too long for one: its make writes it into the request.
 */
#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/btf_ids.h>
#include <linux/filter.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/timekeeping.h>
#include <net/xdp.h>

#include "sgate.h"
#include "sgate/dtls.h"

/*
 * Returns the cookie in bits 0..31 and our TSval offset for the connection in
 * bits 32..62 (sgate_cookie_ts_off(), less its top bit), or a negative errno.
 */
static s64 sgate_make(const struct net *net, const struct sgate_mac_req *req)
{
	struct sgate_net *sn = sgate_pernet(net);
	const struct sgate_siphash_key *key;
	const struct sgate_ring *ring;
	s64 ret = -ENOKEY;
	u32 cookie, ts_off;
	u64 epoch;

	rcu_read_lock();
	ring = rcu_dereference(sn->ring);
	if (ring) {
		epoch = sgate_ring_epoch(ring, ktime_get_coarse_ns());
		key = sgate_keyring_key_for(&ring->kr, epoch);
		if (key) {
			cookie = sgate_cookie_make(key, &req->flow,
						   req->client_isn, epoch,
						   req->optbits, req->ts_ok,
						   &ts_off);
			ret = (s64)(ts_off & S32_MAX) << 32 | cookie;
		}
	}
	rcu_read_unlock();
	this_cpu_inc(sn->stats->made);
	return ret;
}

/* Returns enum sgate_cookie_verdict. */
static int sgate_check(const struct net *net, const struct sgate_mac_req *req)
{
	struct sgate_net *sn = sgate_pernet(net);
	const struct sgate_ring *ring;
	int ret = SGATE_COOKIE_STALE;

	rcu_read_lock();
	ring = rcu_dereference(sn->ring);
	if (ring)
		ret = sgate_cookie_check(&ring->kr, &req->flow,
					 req->client_isn, req->cookie,
					 sgate_ring_epoch(ring,
							  ktime_get_coarse_ns()),
					 req->ts_ok);
	rcu_read_unlock();
	this_cpu_inc(sn->stats->checked);
	if (ret == SGATE_COOKIE_VALID)
		this_cpu_inc(sn->stats->valid);
	return ret;
}

/* Writes the DTLS cookie into req->cookie: 0, or -ENOKEY. */
static int sgate_dtls_make(const struct net *net,
			   struct sgate_dtls_mac_req *req)
{
	struct sgate_net *sn = sgate_pernet(net);
	const struct sgate_siphash_key *key;
	const struct sgate_ring *ring;
	int ret = -ENOKEY;
	u64 epoch;

	rcu_read_lock();
	ring = rcu_dereference(sn->ring);
	if (ring) {
		epoch = sgate_ring_epoch(ring, ktime_get_coarse_ns());
		key = sgate_keyring_key_for(&ring->kr, epoch);
		if (key) {
			sgate_dtls_cookie_make(key, &req->flow, &req->hello,
					       epoch, req->cookie);
			ret = 0;
		}
	}
	rcu_read_unlock();
	this_cpu_inc(sn->stats->made);
	return ret;
}

/* Returns enum sgate_cookie_verdict for req->cookie. */
static int sgate_dtls_check(const struct net *net,
			    const struct sgate_dtls_mac_req *req)
{
	struct sgate_net *sn = sgate_pernet(net);
	const struct sgate_ring *ring;
	int ret = SGATE_COOKIE_STALE;

	rcu_read_lock();
	ring = rcu_dereference(sn->ring);
	if (ring)
		ret = sgate_dtls_cookie_check(&ring->kr, &req->flow,
					      &req->hello, req->cookie,
					      SGATE_DTLS_COOKIE_LEN,
					      sgate_ring_epoch(ring,
							       ktime_get_coarse_ns()));
	rcu_read_unlock();
	this_cpu_inc(sn->stats->checked);
	if (ret == SGATE_COOKIE_VALID)
		this_cpu_inc(sn->stats->valid);
	return ret;
}

static const struct net *sgate_xdp_net(const struct xdp_md *ctx)
{
	const struct xdp_buff *xdp = (const struct xdp_buff *)ctx;

	return dev_net(xdp->rxq->dev);
}

static const struct net *sgate_skb_net(const struct __sk_buff *ctx)
{
	const struct sk_buff *skb = (const struct sk_buff *)ctx;

	return dev_net(skb->dev);
}

__bpf_kfunc_start_defs();

__bpf_kfunc s64 bpf_sgate_xdp_cookie_make(struct xdp_md *ctx,
					  const struct sgate_mac_req *req,
					  u32 req__sz)
{
	if (req__sz != sizeof(*req))
		return -EINVAL;
	return sgate_make(sgate_xdp_net(ctx), req);
}

__bpf_kfunc int bpf_sgate_xdp_cookie_check(struct xdp_md *ctx,
					   const struct sgate_mac_req *req,
					   u32 req__sz)
{
	if (req__sz != sizeof(*req))
		return -EINVAL;
	return sgate_check(sgate_xdp_net(ctx), req);
}

__bpf_kfunc int bpf_sgate_xdp_dtls_cookie_make(struct xdp_md *ctx,
					       struct sgate_dtls_mac_req *req,
					       u32 req__sz)
{
	if (req__sz != sizeof(*req))
		return -EINVAL;
	return sgate_dtls_make(sgate_xdp_net(ctx), req);
}

__bpf_kfunc int
bpf_sgate_xdp_dtls_cookie_check(struct xdp_md *ctx,
				const struct sgate_dtls_mac_req *req,
				u32 req__sz)
{
	if (req__sz != sizeof(*req))
		return -EINVAL;
	return sgate_dtls_check(sgate_xdp_net(ctx), req);
}

__bpf_kfunc s64 bpf_sgate_skb_cookie_make(struct __sk_buff *ctx,
					  const struct sgate_mac_req *req,
					  u32 req__sz)
{
	if (req__sz != sizeof(*req))
		return -EINVAL;
	return sgate_make(sgate_skb_net(ctx), req);
}

__bpf_kfunc int bpf_sgate_skb_cookie_check(struct __sk_buff *ctx,
					   const struct sgate_mac_req *req,
					   u32 req__sz)
{
	if (req__sz != sizeof(*req))
		return -EINVAL;
	return sgate_check(sgate_skb_net(ctx), req);
}

__bpf_kfunc_end_defs();

BTF_KFUNCS_START(sgate_xdp_kfunc_ids)
BTF_ID_FLAGS(func, bpf_sgate_xdp_cookie_make)
BTF_ID_FLAGS(func, bpf_sgate_xdp_cookie_check)
BTF_ID_FLAGS(func, bpf_sgate_xdp_dtls_cookie_make)
BTF_ID_FLAGS(func, bpf_sgate_xdp_dtls_cookie_check)
BTF_KFUNCS_END(sgate_xdp_kfunc_ids)

BTF_KFUNCS_START(sgate_skb_kfunc_ids)
BTF_ID_FLAGS(func, bpf_sgate_skb_cookie_make)
BTF_ID_FLAGS(func, bpf_sgate_skb_cookie_check)
BTF_KFUNCS_END(sgate_skb_kfunc_ids)

static const struct btf_kfunc_id_set sgate_xdp_kfunc_set = {
	.owner = THIS_MODULE,
	.set = &sgate_xdp_kfunc_ids,
};

static const struct btf_kfunc_id_set sgate_skb_kfunc_set = {
	.owner = THIS_MODULE,
	.set = &sgate_skb_kfunc_ids,
};

int sgate_kfunc_init(void)
{
	return register_btf_kfunc_id_set(BPF_PROG_TYPE_XDP,
					 &sgate_xdp_kfunc_set) ?:
	       register_btf_kfunc_id_set(BPF_PROG_TYPE_SCHED_CLS,
					 &sgate_skb_kfunc_set);
}
