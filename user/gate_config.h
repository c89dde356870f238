// What a gate advertises in its SYN-ACKs, derived the way the TCP stack would
// derive it for its own SYN-ACKs, so a connection that went through the gate
// looks like one the stack answered itself.  Pure computation, unit-tested.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "cli.h"
#include "sgate/abi.h"

namespace sgate {

// The sysctls of the gate's network namespace that shape a SYN-ACK.
struct HostTcpSettings {
	bool sack = true;                // net.ipv4.tcp_sack
	bool timestamps = true;          // net.ipv4.tcp_timestamps != 0
	bool window_scaling = true;      // net.ipv4.tcp_window_scaling
	bool ecn = false;                // net.ipv4.tcp_ecn != 0
	std::uint64_t tcp_rmem_max = 0;  // net.ipv4.tcp_rmem[2]
	std::uint64_t core_rmem_max = 0; // net.core.rmem_max
};

using MacAddress = std::array<std::uint8_t, 6>;

struct MssPair {
	__u16 v4;
	__u16 v6;
};

// The least MSS each family must accept (sgate/cookie.h).
inline constexpr unsigned kMinMssV4 = SGATE_MSS_MIN_V4, kMinMssV6 = SGATE_MSS_MIN_V6;

// MTU less the IP and TCP headers, capped by --mss, never below the minimums.
MssPair mss_for(unsigned mtu, std::optional<unsigned> mss_cap);

// The SYN-ACK window: the largest multiple of the MSS that fits 16 bits,
// taking the smaller over both families (Linux rounds its own window so).
__u16 syn_window_for(MssPair mss);

// tcp_select_initial_window(): the smallest shift that makes the largest
// receive buffer fit 16 bits, at most 14; 0 without window scaling.
__u8 rcv_wscale_for(const HostTcpSettings &host);

__u32 features_for(const HostTcpSettings &host);

struct GateParams {
	PortBitmap ports{};
	PortBitmap dtls_ports{};
	unsigned mtu = 1500;
	MacAddress mac{};
	std::optional<unsigned> mss_cap;
	unsigned key_period_seconds = SGATE_DEFAULT_EPOCH_SECONDS;
	HostTcpSettings host;
};

sgate_config make_gate_config(const GateParams &params);

} // namespace sgate
