// The host as attach finds it: the preconditions it checks before it
// changes anything, each failing with its own exit status and a message
// that says how to fix it, and the sysctls of the current network namespace
// (read from /proc/sys) that shape a SYN-ACK.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gate_config.h"

namespace sgate {

void require_root();

// The ifindex of @device in this network namespace (Exit::no_device if none).
unsigned device_index(const std::string &device);

unsigned device_mtu(const std::string &device);

// The device's driver as ethtool names it ("virtio_net"); empty if it
// will not say.
std::string device_driver(const std::string &device);

// The device's MAC address; a device that is not Ethernet is refused.
MacAddress device_mac(const std::string &device);

// The VLAN devices stacked on @device, at any depth (a QinQ device's own
// VLAN devices too), by name; none if /sys says nothing.
std::vector<std::string> vlan_devices_above(const std::string &device);

// BTF and bpf_sk_assign_tcp_reqsk() (Exit::kernel_unsupported).
void require_kernel_support();

// net.ipv4.tcp_syncookies != 0 (Exit::syncookies_off).
void require_syncookies();

// "net.ipv4.tcp_sack" -> its whitespace-separated numbers; nullopt if the
// file is missing or holds anything else.
std::optional<std::vector<std::uint64_t>> read_sysctl(const std::string &name);

// The first number of a sysctl, or @fallback if it cannot be read.
std::uint64_t read_sysctl_or(const std::string &name, std::uint64_t fallback);

HostTcpSettings read_host_tcp_settings();

} // namespace sgate
