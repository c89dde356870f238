/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The key schedule: which master keys a ring holds and from which epoch each
 * one signs.  One rule for the agent (map mode) and the module, so a cookie
 * made under either verifies under the same keys.
 */
#ifndef SGATE_KEYRING_H
#define SGATE_KEYRING_H

#include "types.h"
#include "cookie.h"

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

#define SGATE_UNUSED_EPOCH (~0ULL)

static inline bool sgate_master_in_use(const struct sgate_master_key *m)
{
	return m->first_epoch != SGATE_UNUSED_EPOCH;
}

/* How long a rotation must wait before reading the epoch: 0, or until past
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
		if (i - 1 < n) {
			out->m[i] = old->m[kept[i - 1]];
		} else {
			out->m[i].key.k[0] = 0;
			out->m[i].key.k[1] = 0;
			out->m[i].first_epoch = SGATE_UNUSED_EPOCH;
		}
	}
	out->serial = old->serial + 1;
}

#endif /* SGATE_KEYRING_H */
