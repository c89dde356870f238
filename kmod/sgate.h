/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sgate.ko: the gate's keys, kept in kernel memory.
 *
 * Each network namespace has a key ring.  Readers (the kfuncs, running in
 * BPF programs under RCU) see a ring through sn->ring and never block;
 * writers (netlink requests, the rotation timer) serialise on sn->lock, build
 * a new ring and publish it with rcu_assign_pointer().  A replaced ring is
 * wiped and freed after a grace period.  Key bytes leave the module by no
 * path: no netlink reply, file or map carries them.
 */
#ifndef SGATE_KMOD_H
#define SGATE_KMOD_H

#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "sgate/abi.h"
#include "sgate/genl.h"

struct sgate_ring {
	struct rcu_head rcu;
	u64 epoch_ns;
	struct sgate_keyring kr;
	/* Facts about kr.m[i] for listings; never the key itself. */
	u64 id[SGATE_KEYRING_MASTERS];
	u64 born_ns[SGATE_KEYRING_MASTERS];
	u8 origin[SGATE_KEYRING_MASTERS];
};

struct sgate_pcpu_stats {
	u64 made;
	u64 checked;
	u64 valid;
};

struct sgate_net {
	struct sgate_ring __rcu *ring;	/* readers: RCU; writers: lock */
	struct mutex lock;		/* serialises writers of everything below */
	unsigned int rotate_seconds;	/* 0: the timer is off */
	u64 next_id;
	u64 rotations;
	u64 timer_rotations;
	u64 installs;
	struct delayed_work rotate_work;
	struct sgate_pcpu_stats __percpu *stats;
};

extern unsigned int sgate_net_id;
extern unsigned int sgate_epoch_seconds;
extern unsigned int sgate_rotate_seconds;

static inline struct sgate_net *sgate_pernet(const struct net *net)
{
	return net_generic(net, sgate_net_id);
}

/* ring.c */
int sgate_ring_init(struct sgate_net *sn);
void sgate_ring_exit(struct sgate_net *sn);
int sgate_ring_add(struct sgate_net *sn, const u8 *key, u8 origin);
int sgate_ring_set_epoch_seconds(struct sgate_net *sn, unsigned int seconds);
void sgate_ring_set_rotate_seconds(struct sgate_net *sn, unsigned int seconds);
u64 sgate_ring_epoch(const struct sgate_ring *ring, u64 now_ns);

/* kfunc.c */
int sgate_kfunc_init(void);

/* netlink.c */
int sgate_genl_init(void);
void sgate_genl_exit(void);

#endif /* SGATE_KMOD_H */
