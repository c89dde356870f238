// Where gates are pinned: <root>/<netns cookie>/<device>/, so one device name
// in two network namespaces never collides, and a gate is found again by any
// later sgate run in the same namespace.  The cookie is never reused, unlike
// the namespace's inode number: a new namespace never finds the pins of one
// deleted before it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "unique_fd.h"

namespace sgate {

inline constexpr const char *kDefaultPinRoot = "/sys/fs/bpf/sgate";
inline constexpr const char *kBpffsMount = "/sys/fs/bpf";

// The objects pinned in a gate directory.
namespace pin {
inline constexpr const char *config = "config";
inline constexpr const char *keys = "keys";
inline constexpr const char *key_sel = "key_sel";
inline constexpr const char *stats = "stats";
// An older sgate attached XDP by a link of its own; libxdp's dispatcher
// now holds the XDP half (user/xdp_hook.h).
inline constexpr const char *xdp_link = "xdp_link";
inline constexpr const char *tc_link = "tc_link";
// The same TC program on each VLAN device above the gate's device, named by
// the VLAN device's ifindex: QinQ frames are handed off where their last
// tag comes off.
inline constexpr const char *vlan_tc_link_prefix = "tc_link_vlan_";
} // namespace pin

// The gate's VLAN TC link pins, as names within its directory.
std::vector<std::string> vlan_tc_link_pins(const std::string &dir);
std::string vlan_tc_link_pin(unsigned ifindex);

// kDefaultPinRoot; but where this mount namespace has no bpf filesystem at
// /sys/fs/bpf and the one sgate was started from has (ip netns exec gives
// its command a private mount namespace with /sys remounted), that one's,
// reached through /proc/<pid>/root, so the gate outlives the command and
// the host finds it where it always does.
std::string default_pin_root();

// --pin-root, else $SGATE_PIN_ROOT, else default_pin_root().
std::string pin_root(const std::optional<std::string> &option);

// The cookie of this network namespace (SO_NETNS_COOKIE, Linux >= 5.14):
// 64 bits, never reused while the system runs.
std::uint64_t netns_cookie();

std::string netns_dir(const std::string &root);
std::string gate_dir(const std::string &root, const std::string &device);
std::string gate_pin(const std::string &root, const std::string &device, const char *name);

// Devices with a gate directory in this namespace, sorted.
std::vector<std::string> gate_devices(const std::string &root);

bool gate_exists(const std::string &root, const std::string &device);

// For attach: makes sure the root is on a bpf filesystem, mounting one at
// /sys/fs/bpf when the default root needs it and the mount outlives the
// command (never in a private mount namespace or a container, where it would
// die with the namespace and take the gate's links along: that is refused,
// naming the fix), and creates the directories up to the namespace's.
void prepare_pin_root(const std::string &root);

// Serialises the commands that change gates (attach, detach, rotate) across
// processes: an exclusive flock on the root directory, held until the
// returned descriptor closes.  Without a root there is nothing to guard and
// the descriptor is empty.
UniqueFd lock_pin_root(const std::string &root);

} // namespace sgate
