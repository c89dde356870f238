#include "gate_config.h"

#include <algorithm>

namespace sgate {

namespace {

constexpr unsigned kIpv4TcpHeaders = 20 + 20, kIpv6TcpHeaders = 40 + 20;
constexpr unsigned kMaxUnscaledWindow = 65535;
constexpr std::uint64_t kNsPerSecond = 1000000000ULL;

__u16 clamp_mss(long mss, unsigned floor)
{
	return static_cast<__u16>(std::clamp<long>(mss, floor, 65535));
}

} // namespace

MssPair mss_for(unsigned mtu, std::optional<unsigned> mss_cap)
{
	long v4 = static_cast<long>(mtu) - kIpv4TcpHeaders;
	long v6 = static_cast<long>(mtu) - kIpv6TcpHeaders;

	if (mss_cap) {
		v4 = std::min<long>(v4, *mss_cap);
		v6 = std::min<long>(v6, *mss_cap);
	}
	return {clamp_mss(v4, kMinMssV4), clamp_mss(v6, kMinMssV6)};
}

__u16 syn_window_for(MssPair mss)
{
	auto window = [](unsigned m) { return kMaxUnscaledWindow / m * m; };
	return static_cast<__u16>(std::min(window(mss.v4), window(mss.v6)));
}

__u8 rcv_wscale_for(const HostTcpSettings &host)
{
	if (!host.window_scaling)
		return 0;
	std::uint64_t space = std::max(host.tcp_rmem_max, host.core_rmem_max);
	__u8 wscale = 0;
	while (space > kMaxUnscaledWindow && wscale < SGATE_TCP_MAX_WSCALE) {
		space >>= 1;
		wscale++;
	}
	return wscale;
}

__u32 features_for(const HostTcpSettings &host)
{
	return (host.sack ? SGATE_FEAT_SACK : 0) | (host.timestamps ? SGATE_FEAT_TS : 0) |
	       (host.window_scaling ? SGATE_FEAT_WSCALE : 0) | (host.ecn ? SGATE_FEAT_ECN : 0);
}

sgate_config make_gate_config(const GateParams &params)
{
	sgate_config config{};
	const MssPair mss = mss_for(params.mtu, params.mss_cap);

	config.abi_version = SGATE_ABI_VERSION;
	config.features = features_for(params.host);
	config.mss_v4 = mss.v4;
	config.mss_v6 = mss.v6;
	config.syn_window = syn_window_for(mss);
	config.rcv_wscale = rcv_wscale_for(params.host);
	config.epoch_ns = params.key_period_seconds * kNsPerSecond;
	std::copy(params.mac.begin(), params.mac.end(), config.mac);
	std::copy(params.ports.begin(), params.ports.end(), config.ports);
	std::copy(params.dtls_ports.begin(), params.dtls_ports.end(), config.dtls_ports);
	config.dtls_enabled = count_ports(params.dtls_ports) > 0;
	return config;
}

} // namespace sgate
