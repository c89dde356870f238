// Reading the sysctls of the current network namespace from /proc/sys.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gate_config.h"

namespace sgate {

// "net.ipv4.tcp_sack" -> its whitespace-separated numbers; nullopt if the
// file is missing or holds anything else.
std::optional<std::vector<std::uint64_t>> read_sysctl(const std::string &name);

// The first number of a sysctl, or @fallback if it cannot be read.
std::uint64_t read_sysctl_or(const std::string &name, std::uint64_t fallback);

HostTcpSettings read_host_tcp_settings();

} // namespace sgate
