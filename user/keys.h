// The agent's cookie keys: where a gate keeps them (its key mode), fresh
// master keys, and the key schedule in map mode.  The schedule's rule lives
// in include/sgate/keyring.h, shared with sgate.ko so both modes rotate
// alike; this adds what the agent needs around it (the clock, wiping, the
// initial and empty rings).  No BPF here, so the unit tests check every
// rule directly.
#pragma once

#include <cstdint>
#include <string.h>
#include <string>

#include "sgate/abi.h"
#include "sgate/keyring.h"

namespace sgate {

// Map mode: the keys are in the gate's BPF map, written by the agent.
// Module mode: they are inside sgate.ko, which makes and checks every cookie
// through its kfuncs, so no key byte is ever in a map.  attach picks the
// mode once, from sysfs; the sysfs root is a parameter so that the unit
// tests can hand in a fake one.
enum class KeyMode { map, module };

inline constexpr const char *kSysfsRoot = "/sys";

// What `status` prints after "key mode:".
const char *key_mode_text(KeyMode mode);

// The one-word name used in JSON.
const char *key_mode_name(KeyMode mode);

// Module mode when sgate.ko is loaded (@sysfs/module/sgate exists).
KeyMode select_key_mode(const std::string &sysfs = kSysfsRoot);

// Module mode needs the module's BTF: without it the kernel registered no
// kfuncs, and the gate's programs could not call them (Exit::kernel_unsupported).
void require_module_btf(const std::string &sysfs = kSysfsRoot);

// A fresh master key from the kernel's CSPRNG.
void random_key(sgate_siphash_key &key);

// first_epoch of an unused master: no epoch ever reaches it.
inline constexpr __u64 kUnusedEpoch = SGATE_UNUSED_EPOCH;

// A rotation this close to an epoch boundary first waits for it to pass
// (rotation_delay_ns()), so the boundary cannot pass between reading the
// clock and flipping the ring.
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

// The time the BPF side numbers its epochs by: bpf_ktime_get_coarse_ns().
std::uint64_t coarse_monotonic_ns();

inline std::uint64_t epoch_at(std::uint64_t now_ns, std::uint64_t epoch_ns)
{
	return now_ns / epoch_ns;
}

// How long a rotation waits before reading the epoch: 0, or until just past
// a boundary fewer than kRotationGuardNs away.
std::uint64_t rotation_delay_ns(std::uint64_t now_ns, std::uint64_t epoch_ns);

// The ring after a rotation at epoch @now (read once rotation_delay_ns() is
// 0), by the rule of sgate_keyring_rotate(): @new_key signs from now + 1
// (from now if @old has no key for now); kept are the masters needed for
// cookies of epochs now - 1 and later; all others, a pending master
// included, are dropped; newest first, serial + 1.  @out must not alias @old.
void rotate_keyring(const sgate_keyring &old, const sgate_siphash_key &new_key, std::uint64_t now,
                    sgate_keyring &out);

// sgate run's schedule in map mode: a new key once the newest key in @ring
// signs (at @epoch or before), so each key signs for one epoch, as sgate.ko's
// timer rotates in module mode.  Read from the ring alone, so a restarted
// daemon keeps the schedule.
bool map_rotation_due(const sgate_keyring &ring, std::uint64_t epoch);

} // namespace sgate
