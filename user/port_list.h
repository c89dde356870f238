// Protected TCP ports: parsed from "80,443,1000-1010", kept as the bitmap the
// BPF programs read (bit p of word p / 32), printed back as ranges.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "sgate/abi.h"

namespace sgate {

using PortBitmap = std::array<__u32, SGATE_PORT_WORDS>;

// Throws Failure(Exit::usage) naming the offending item.
PortBitmap parse_port_list(std::string_view text);

bool port_is_set(const PortBitmap &ports, unsigned port);
void set_port(PortBitmap &ports, unsigned port);
unsigned count_ports(const PortBitmap &ports);

// "80,443,1000-1010"; "none" for an empty set.
std::string format_port_list(const PortBitmap &ports);

} // namespace sgate
