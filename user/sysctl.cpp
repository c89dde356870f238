#include "sysctl.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "numbers.h"

namespace sgate {

std::optional<std::vector<std::uint64_t>> read_sysctl(const std::string &name)
{
	std::string path = "/proc/sys/" + name;
	std::replace(path.begin() + 10, path.end(), '.', '/');

	std::ifstream file(path);
	if (!file)
		return std::nullopt;
	std::vector<std::uint64_t> values;
	std::string word;
	while (file >> word) {
		auto value = parse_decimal(word);
		if (!value)
			return std::nullopt;
		values.push_back(*value);
	}
	if (values.empty())
		return std::nullopt;
	return values;
}

std::uint64_t read_sysctl_or(const std::string &name, std::uint64_t fallback)
{
	auto values = read_sysctl(name);
	return values ? values->front() : fallback;
}

HostTcpSettings read_host_tcp_settings()
{
	HostTcpSettings host;

	// Fallbacks are the kernel's defaults.
	host.sack = read_sysctl_or("net.ipv4.tcp_sack", 1) != 0;
	host.timestamps = read_sysctl_or("net.ipv4.tcp_timestamps", 1) != 0;
	host.window_scaling = read_sysctl_or("net.ipv4.tcp_window_scaling", 1) != 0;
	host.ecn = read_sysctl_or("net.ipv4.tcp_ecn", 2) != 0;
	auto rmem = read_sysctl("net.ipv4.tcp_rmem");
	host.tcp_rmem_max = rmem && rmem->size() >= 3 ? (*rmem)[2] : 6291456;
	// Not namespaced; a namespace may not see it.  Then the namespace's
	// tcp_rmem alone decides, as it mostly does anyway.
	host.core_rmem_max = read_sysctl_or("net.core.rmem_max", 0);
	return host;
}

} // namespace sgate
