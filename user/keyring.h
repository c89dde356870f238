// The key schedule of map mode (include/sgate/cookie.h): which master keys a
// ring holds and from which epoch each one signs.  Pure computation, so the
// unit tests check every rule without BPF.
#pragma once

#include <cstdint>
#include <string.h>

#include "sgate/abi.h"

namespace sgate {

// first_epoch of an unused master: no epoch ever reaches it.
inline constexpr __u64 kUnusedEpoch = ~0ULL;

// A rotation this close to an epoch boundary plans as if the boundary had
// passed, so it cannot pass between reading the clock and flipping the ring.
inline constexpr std::uint64_t kRotationGuardNs = 200'000'000;

// Zeroes @object in a way the compiler may not optimise away: key bytes
// must not outlive their use in the agent's memory.
template <class T>
void wipe(T &object)
{
	explicit_bzero(&object, sizeof object);
}

inline bool master_in_use(const sgate_master_key &master)
{
	return master.first_epoch != kUnusedEpoch;
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
// fewer than kRotationGuardNs remain until it starts.
std::uint64_t rotation_epoch(std::uint64_t now_ns, std::uint64_t epoch_ns);

// The ring after a rotation at epoch @now (from rotation_epoch()):
//  - @new_key signs from now + 1, so no handshake in flight changes key;
//    if @old has no key for @now at all (nothing signed, nothing to
//    disturb) it signs from @now;
//  - kept: every master needed to check cookies of epochs now - 1 and
//    later, i.e. those with first_epoch in [now - 1, now] and the newest
//    with first_epoch <= now - 1;
//  - dropped: all others, including a pending master (first_epoch now + 1)
//    that never signed anything;
//  - newest first, unused masters zero with first_epoch kUnusedEpoch,
//    serial one more than @old's.
// @out must not alias @old.
void rotate_keyring(const sgate_keyring &old, const sgate_siphash_key &new_key, std::uint64_t now,
                    sgate_keyring &out);

} // namespace sgate
