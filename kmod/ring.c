// SPDX-License-Identifier: GPL-2.0
/*
 * The per-namespace key ring: creation, rotation, installed keys, settings,
 * and the timer that rotates when no agent does.
 *
 * Locking: every function here that changes a ring takes sn->lock; the
 * published ring is immutable, so readers need only RCU.
 */
#include <linux/delay.h>
#include <linux/math64.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "sgate.h"
#include "sgate/keyring.h"

u64 sgate_ring_epoch(const struct sgate_ring *ring, u64 now_ns)
{
	return div64_u64(now_ns, ring->epoch_ns);
}

static void sgate_ring_free_rcu(struct rcu_head *head)
{
	/* kfree_sensitive() wipes the keys before the memory is reused. */
	kfree_sensitive(container_of(head, struct sgate_ring, rcu));
}

static void sgate_ring_publish(struct sgate_net *sn, struct sgate_ring *ring)
{
	struct sgate_ring *old;

	lockdep_assert_held(&sn->lock);
	old = rcu_dereference_protected(sn->ring, lockdep_is_held(&sn->lock));
	rcu_assign_pointer(sn->ring, ring);
	if (old)
		call_rcu(&old->rcu, sgate_ring_free_rcu);
}

/* Carry the facts about each kept master over to the new ring. */
static void sgate_ring_carry_facts(struct sgate_ring *new,
				   const struct sgate_ring *old)
{
	int i, j;

	for (i = 1; i < SGATE_KEYRING_MASTERS; i++) {
		if (!sgate_master_in_use(&new->kr.m[i]))
			continue;
		for (j = 0; j < SGATE_KEYRING_MASTERS; j++) {
			if (old->kr.m[j].first_epoch != new->kr.m[i].first_epoch)
				continue;
			new->id[i] = old->id[j];
			new->born_ns[i] = old->born_ns[j];
			new->origin[i] = old->origin[j];
			break;
		}
	}
}

/*
 * Add @key (or a fresh random key if NULL) as the master that takes over at
 * the next epoch.  Handshakes in flight keep their key (sgate/keyring.h).
 */
int sgate_ring_add(struct sgate_net *sn, const u8 *key, u8 origin)
{
	struct sgate_siphash_key k;
	struct sgate_ring *old, *new;
	u64 now, delay;

	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return -ENOMEM;
	if (key)
		memcpy(&k, key, sizeof(k));
	else
		get_random_bytes(&k, sizeof(k));

	mutex_lock(&sn->lock);
	old = rcu_dereference_protected(sn->ring, lockdep_is_held(&sn->lock));
	while ((delay = sgate_rotation_delay_ns(ktime_get_coarse_ns(),
						old->epoch_ns)))
		msleep(DIV_ROUND_UP_ULL(delay, NSEC_PER_MSEC));
	now = ktime_get_coarse_ns();
	new->epoch_ns = old->epoch_ns;
	sgate_keyring_rotate(&old->kr, &k, sgate_ring_epoch(old, now),
			     &new->kr);
	sgate_ring_carry_facts(new, old);
	new->id[0] = ++sn->next_id;
	new->born_ns[0] = now;
	new->origin[0] = origin;
	sgate_ring_publish(sn, new);
	mutex_unlock(&sn->lock);

	memzero_explicit(&k, sizeof(k));
	return 0;
}

/*
 * A new epoch length renumbers every epoch, so the cookies in flight at that
 * moment stop verifying: their handshakes must start again.  The key that
 * signs now keeps signing, from epoch 0 of the new numbering.
 */
int sgate_ring_set_epoch_seconds(struct sgate_net *sn, unsigned int seconds)
{
	const struct sgate_siphash_key *current_key;
	struct sgate_ring *old, *new;
	u64 now = ktime_get_coarse_ns();
	int i, cur = 0;

	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return -ENOMEM;

	mutex_lock(&sn->lock);
	old = rcu_dereference_protected(sn->ring, lockdep_is_held(&sn->lock));
	if (old->epoch_ns == (u64)seconds * NSEC_PER_SEC) {
		mutex_unlock(&sn->lock);
		kfree(new);
		return 0;
	}
	current_key = sgate_keyring_key_for(&old->kr,
					    sgate_ring_epoch(old, now));
	for (i = 0; i < SGATE_KEYRING_MASTERS; i++)
		if (current_key == &old->kr.m[i].key)
			cur = i;
	new->epoch_ns = (u64)seconds * NSEC_PER_SEC;
	sgate_keyring_init(&new->kr, &old->kr.m[cur].key, old->kr.serial + 1);
	new->id[0] = old->id[cur];
	new->born_ns[0] = old->born_ns[cur];
	new->origin[0] = old->origin[cur];
	sgate_ring_publish(sn, new);
	mutex_unlock(&sn->lock);
	return 0;
}

static void sgate_rotate_work(struct work_struct *work)
{
	struct sgate_net *sn = container_of(to_delayed_work(work),
					    struct sgate_net, rotate_work);
	unsigned int seconds;

	if (sgate_ring_add(sn, NULL, SGATE_KEY_RANDOM) == 0) {
		mutex_lock(&sn->lock);
		sn->timer_rotations++;
		mutex_unlock(&sn->lock);
	}
	seconds = READ_ONCE(sn->rotate_seconds);
	if (seconds)
		schedule_delayed_work(&sn->rotate_work, seconds * HZ);
}

void sgate_ring_set_rotate_seconds(struct sgate_net *sn, unsigned int seconds)
{
	cancel_delayed_work_sync(&sn->rotate_work);
	mutex_lock(&sn->lock);
	WRITE_ONCE(sn->rotate_seconds, seconds);
	mutex_unlock(&sn->lock);
	if (seconds)
		schedule_delayed_work(&sn->rotate_work, seconds * HZ);
}

int sgate_ring_init(struct sgate_net *sn)
{
	struct sgate_siphash_key key;
	struct sgate_ring *ring;

	mutex_init(&sn->lock);
	INIT_DELAYED_WORK(&sn->rotate_work, sgate_rotate_work);
	sn->stats = alloc_percpu(struct sgate_pcpu_stats);
	ring = kzalloc(sizeof(*ring), GFP_KERNEL);
	if (!ring || !sn->stats) {
		kfree(ring);
		free_percpu(sn->stats);
		return -ENOMEM;
	}
	ring->epoch_ns = (u64)sgate_epoch_seconds * NSEC_PER_SEC;
	get_random_bytes(&key, sizeof(key));
	sgate_keyring_init(&ring->kr, &key, 1);
	memzero_explicit(&key, sizeof(key));
	ring->id[0] = ++sn->next_id;
	ring->born_ns[0] = ktime_get_coarse_ns();
	ring->origin[0] = SGATE_KEY_RANDOM;
	RCU_INIT_POINTER(sn->ring, ring);

	sn->rotate_seconds = sgate_rotate_seconds;
	if (sn->rotate_seconds)
		schedule_delayed_work(&sn->rotate_work,
				      sn->rotate_seconds * HZ);
	return 0;
}

void sgate_ring_exit(struct sgate_net *sn)
{
	struct sgate_ring *ring;

	WRITE_ONCE(sn->rotate_seconds, 0);
	cancel_delayed_work_sync(&sn->rotate_work);
	ring = rcu_dereference_protected(sn->ring, true);
	RCU_INIT_POINTER(sn->ring, NULL);
	if (ring)
		call_rcu(&ring->rcu, sgate_ring_free_rcu);
	free_percpu(sn->stats);
}
