/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The key ring and its schedule: which master keys a ring holds, which one
 * signs each epoch, what state each key is in, and how a rotation changes the
 * ring.  One rule for the agent (map mode) and the module, so a cookie made
 * under either verifies under the same keys.
 */
#ifndef SGATE_KEYRING_H
#define SGATE_KEYRING_H

#include "types.h"
#include "siphash.h"

/*
 * Keys in effect.  Each master key governs the epochs from its first_epoch on,
 * until a newer master takes over; m[0] is the newest.  A rotation adds a
 * master that takes over at the next epoch, so no cookie already sent changes
 * key.  Unused masters are all zero with first_epoch SGATE_UNUSED_EPOCH.
 */
enum { SGATE_KEYRING_MASTERS = 3 };

#define SGATE_UNUSED_EPOCH (~0ULL)

struct sgate_master_key {
	struct sgate_siphash_key key;
	__u64 first_epoch;
};

struct sgate_keyring {
	struct sgate_master_key m[SGATE_KEYRING_MASTERS];
	__u64 serial;		/* bumped by every change, for the agent */
};

/* What a key in a ring does at a given epoch; reported, never acted on. */
enum sgate_key_state {
	SGATE_KEY_PENDING,	/* takes over at its first epoch */
	SGATE_KEY_CURRENT,	/* signs now */
	SGATE_KEY_PREVIOUS,	/* signs no more; checks last epoch's cookies */
	SGATE_KEY_RETIRING,	/* kept until the ring next changes */
};

static __always_inline bool
sgate_master_in_use(const struct sgate_master_key *m)
{
	return m->first_epoch != SGATE_UNUSED_EPOCH;
}

/* The master key governing @epoch, or NULL if the ring has none for it. */
static __always_inline const struct sgate_siphash_key *
sgate_keyring_key_for(const struct sgate_keyring *ring, __u64 epoch)
{
	if (epoch >= ring->m[0].first_epoch)
		return &ring->m[0].key;
	if (epoch >= ring->m[1].first_epoch)
		return &ring->m[1].key;
	if (epoch >= ring->m[2].first_epoch)
		return &ring->m[2].key;
	return 0;
}

/* enum sgate_key_state of master @i of @ring at @epoch. */
static inline int sgate_keyring_key_state(const struct sgate_keyring *ring,
					  int i, __u64 epoch)
{
	const struct sgate_siphash_key *key = &ring->m[i].key;

	if (ring->m[i].first_epoch > epoch)
		return SGATE_KEY_PENDING;
	if (sgate_keyring_key_for(ring, epoch) == key)
		return SGATE_KEY_CURRENT;
	if (epoch && sgate_keyring_key_for(ring, epoch - 1) == key)
		return SGATE_KEY_PREVIOUS;
	return SGATE_KEY_RETIRING;
}

static inline void sgate_master_clear(struct sgate_master_key *m)
{
	m->key.k[0] = 0;
	m->key.k[1] = 0;
	m->first_epoch = SGATE_UNUSED_EPOCH;
}

/*
 * A fresh ring: @key (if not NULL) signs every epoch from 0 on, the other
 * masters are unused, and the serial is @serial.  Without a key the ring
 * names no key for any epoch, so a gate reading it drops SYNs rather than
 * signing with an all-zero key.
 */
static inline void sgate_keyring_init(struct sgate_keyring *ring,
				      const struct sgate_siphash_key *key,
				      __u64 serial)
{
	int i;

	for (i = 0; i < SGATE_KEYRING_MASTERS; i++)
		sgate_master_clear(&ring->m[i]);
	if (key) {
		ring->m[0].key = *key;
		ring->m[0].first_epoch = 0;
	}
	ring->serial = serial;
}

enum {
	/*
	 * A rotation this close to an epoch boundary first waits for it to
	 * pass, so the boundary cannot pass between reading the clock and
	 * publishing the ring.  Planning "as if it had passed" instead would
	 * drop the previous epoch's key while its cookies are still valid.
	 */
	SGATE_ROTATION_GUARD_NS = 200 * 1000 * 1000,
	/* Past the boundary by more than a coarse clock tick. */
	SGATE_ROTATION_SLACK_NS = 20 * 1000 * 1000,
};

/*
 * How long a rotation must wait before reading the epoch: 0, or until past
 * the boundary that is less than SGATE_ROTATION_GUARD_NS away.
 */
static inline __u64 sgate_rotation_delay_ns(__u64 now_ns, __u64 epoch_ns)
{
	__u64 left = (now_ns / epoch_ns + 1) * epoch_ns - now_ns;

	return left < SGATE_ROTATION_GUARD_NS ? left + SGATE_ROTATION_SLACK_NS :
						0;
}

/*
 * Fill @out (which must not alias @old) with the ring after a rotation at
 * epoch @now, read once sgate_rotation_delay_ns() has come to 0:
 *  - @key signs from @now + 1, so no handshake in flight changes key; if @old
 *    has no key for @now (nothing signed, nothing to disturb) from @now;
 *  - kept: the masters needed for cookies of epochs @now - 1 and later, i.e.
 *    those starting in [@now - 1, @now] and the newest starting by @now - 1;
 *  - dropped: all others, including a pending master that never signed;
 *  - newest first; unused masters zero with first_epoch SGATE_UNUSED_EPOCH;
 *    serial one more than @old's.
 * Key bytes are only ever copied into @out; the caller wipes @old.
 */
static inline void sgate_keyring_rotate(const struct sgate_keyring *old,
					const struct sgate_siphash_key *key,
					__u64 now, struct sgate_keyring *out)
{
	__u64 previous = now ? now - 1 : 0;
	__u64 takeover = sgate_keyring_key_for(old, now) ? now + 1 : now;
	int governs = -1, kept[SGATE_KEYRING_MASTERS], n = 0, i, at;

	for (i = 0; i < SGATE_KEYRING_MASTERS; i++) {
		const struct sgate_master_key *m = &old->m[i];

		if (sgate_master_in_use(m) && m->first_epoch <= previous &&
		    (governs < 0 || m->first_epoch > old->m[governs].first_epoch))
			governs = i;
	}
	for (i = 0; i < SGATE_KEYRING_MASTERS; i++) {
		const struct sgate_master_key *m = &old->m[i];

		if (!sgate_master_in_use(m))
			continue;
		if (i != governs &&
		    (m->first_epoch < previous || m->first_epoch >= takeover))
			continue;
		/* insertion sort of indexes, newest first */
		for (at = n++; at > 0 &&
		     old->m[kept[at - 1]].first_epoch < m->first_epoch; at--)
			kept[at] = kept[at - 1];
		kept[at] = i;
	}

	out->m[0].key = *key;
	out->m[0].first_epoch = takeover;
	for (i = 1; i < SGATE_KEYRING_MASTERS; i++) {
		if (i - 1 < n)
			out->m[i] = old->m[kept[i - 1]];
		else
			sgate_master_clear(&out->m[i]);
	}
	out->serial = old->serial + 1;
}

#endif /* SGATE_KEYRING_H */
