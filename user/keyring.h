// The key schedule as the agent uses it in map mode.  The rule itself lives
// in include/sgate/keyring.h, shared with sgate.ko so both modes rotate
// alike; this adds what the agent needs around it (wiping, the initial and
// empty rings).  Pure computation, so the unit tests check every rule
// without BPF.
#pragma once

#include <cstdint>
#include <string.h>

#include "sgate/abi.h"
#include "sgate/keyring.h"

namespace sgate {

// first_epoch of an unused master: no epoch ever reaches it.
inline constexpr __u64 kUnusedEpoch = SGATE_UNUSED_EPOCH;

// A rotation this close to an epoch boundary plans as if the boundary had
// passed, so it cannot pass between reading the clock and flipping the ring.
inline constexpr std::uint64_t kRotationGuardNs = SGATE_ROTATION_GUARD_NS;

// Zeroes @object in a way the compiler may not optimise away: key bytes
// must not outlive their use in the agent's memory.
template <class T>
void wipe(T &object)
{
	explicit_bzero(&object, sizeof object);
}

inline bool master_in_use(const sgate_master_key &master)
{
	return sgate_master_in_use(&master);
}

// A ring with no key at all: zero key bytes, every master unused.  The
// idle slot holds one, so a stray flip to it drops SYNs (no key) rather
// than accepting cookies made with an all-zero key.
sgate_keyring empty_keyring();

// The ring a new gate starts with: @key signs from epoch 0 on, serial 1.
void initial_keyring(const sgate_siphash_key &key, sgate_keyring &ring);

inline std::uint64_t epoch_at(std::uint64_t now_ns, std::uint64_t epoch_ns)
{
	return now_ns / epoch_ns;
}

// The epoch a rotation treats as "now": the current one, or the next when
// How long a rotation waits before reading the epoch: 0, or until just past
// a boundary fewer than kRotationGuardNs away (include/sgate/keyring.h).
std::uint64_t rotation_delay_ns(std::uint64_t now_ns, std::uint64_t epoch_ns);

// The ring after a rotation at epoch @now (read once rotation_delay_ns() is 0), by the
// rule of sgate_keyring_rotate(): @new_key signs from now + 1 (from now if
// @old has no key for now); kept are the masters needed for cookies of
// epochs now - 1 and later; all others, a pending master included, are
// dropped; newest first, serial + 1.  @out must not alias @old.
void rotate_keyring(const sgate_keyring &old, const sgate_siphash_key &new_key, std::uint64_t now,
                    sgate_keyring &out);

} // namespace sgate
