#include "host.h"

#include <algorithm>
#include <bpf/btf.h>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <memory>
#include <net/if.h>
#include <net/if_arp.h>
#include <netlink/route/link.h>
#include <netlink/route/link/vlan.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <utility>

#include "cli.h"
#include "exit_status.h"
#include "gate_pins.h"
#include "unique_fd.h"

namespace sgate {

namespace {

constexpr const char *kVmlinuxBtf = "/sys/kernel/btf/vmlinux";
constexpr const char *kHandoffKfunc = "bpf_sk_assign_tcp_reqsk";

} // namespace

namespace {

struct NlSockDeleter {
	void operator()(nl_sock *sock) const { nl_socket_free(sock); }
};
struct NlCacheDeleter {
	void operator()(nl_cache *cache) const { nl_cache_free(cache); }
};

// Asked over rtnetlink, not read from /sys/class/net: sysfs shows the
// devices of the namespace it was mounted in, which under nsenter is not
// the caller's.
std::vector<std::pair<unsigned, unsigned>> vlan_links()
{
	std::vector<std::pair<unsigned, unsigned>> links; // (ifindex, lower ifindex)
	std::unique_ptr<nl_sock, NlSockDeleter> sock(nl_socket_alloc());
	nl_cache *raw = nullptr;
	if (!sock || nl_connect(sock.get(), NETLINK_ROUTE) ||
	    rtnl_link_alloc_cache(sock.get(), AF_UNSPEC, &raw))
		throw Failure(Exit::failure, "cannot list the network devices over rtnetlink");
	std::unique_ptr<nl_cache, NlCacheDeleter> cache(raw);
	for (nl_object *obj = nl_cache_get_first(cache.get()); obj; obj = nl_cache_get_next(obj)) {
		rtnl_link *link = reinterpret_cast<rtnl_link *>(obj);
		if (rtnl_link_is_vlan(link))
			links.emplace_back(rtnl_link_get_ifindex(link), rtnl_link_get_link(link));
	}
	return links;
}

} // namespace

std::vector<std::string> vlan_devices_above(const std::string &device)
{
	const unsigned base = if_nametoindex(device.c_str());
	if (!base)
		return {};
	const auto links = vlan_links();
	std::vector<unsigned> found{base};
	// Breadth first: every VLAN device whose lower device was found.
	for (std::size_t i = 0; i < found.size(); i++)
		for (const auto &[ifindex, lower] : links)
			if (lower == found[i] &&
			    std::find(found.begin(), found.end(), ifindex) == found.end())
				found.push_back(ifindex);
	std::vector<std::string> names;
	for (std::size_t i = 1; i < found.size(); i++) {
		char name[IF_NAMESIZE] = "";
		if (if_indextoname(found[i], name))
			names.push_back(name);
	}
	std::sort(names.begin(), names.end());
	return names;
}

void require_root()
{
	if (geteuid() != 0)
		throw Failure(Exit::not_root, "needs root: it loads BPF programs and reads pinned "
		                              "maps; run it as root (e.g. with sudo)");
}

unsigned device_index(const std::string &device)
{
	unsigned ifindex = if_nametoindex(device.c_str());
	if (!ifindex)
		throw Failure(Exit::no_device,
		              "no network device '" + device +
		                      "' in this network namespace (netns cookie " +
		                      std::to_string(netns_cookie()) + "): see 'ip link'");
	return ifindex;
}

unsigned device_mtu(const std::string &device)
{
	UniqueFd sock(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
	ifreq ifr{};
	std::strncpy(ifr.ifr_name, device.c_str(), IFNAMSIZ - 1);
	if (!sock || ioctl(sock.get(), SIOCGIFMTU, &ifr))
		throw Failure(Exit::failure,
		              "cannot read the MTU of " + device + ": " + errno_text(errno));
	return static_cast<unsigned>(ifr.ifr_mtu);
}

std::string device_driver(const std::string &device)
{
	UniqueFd sock(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
	ethtool_drvinfo info{};
	ifreq ifr{};
	info.cmd = ETHTOOL_GDRVINFO;
	std::strncpy(ifr.ifr_name, device.c_str(), IFNAMSIZ - 1);
	ifr.ifr_data = reinterpret_cast<char *>(&info);
	if (!sock || ioctl(sock.get(), SIOCETHTOOL, &ifr))
		return "";
	return std::string(info.driver, strnlen(info.driver, sizeof info.driver));
}

MacAddress device_mac(const std::string &device)
{
	UniqueFd sock(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
	ifreq ifr{};
	std::strncpy(ifr.ifr_name, device.c_str(), IFNAMSIZ - 1);
	if (!sock || ioctl(sock.get(), SIOCGIFHWADDR, &ifr))
		throw Failure(Exit::failure, "cannot read the MAC address of " + device + ": " +
		                                     errno_text(errno));
	if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
		throw Failure(Exit::failure, device + " is not an Ethernet device (hardware type " +
		                                     std::to_string(ifr.ifr_hwaddr.sa_family) +
		                                     "): sgate reads Ethernet frames only");
	MacAddress mac;
	std::memcpy(mac.data(), ifr.ifr_hwaddr.sa_data, mac.size());
	return mac;
}

void require_kernel_support()
{
	if (access(kVmlinuxBtf, R_OK))
		throw Failure(Exit::kernel_unsupported,
		              std::string("this kernel has no BTF (") + kVmlinuxBtf +
		                      " is missing): sgate needs Linux >= 6.9 built with "
		                      "CONFIG_DEBUG_INFO_BTF=y");
	btf *vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux)
		throw Failure(Exit::kernel_unsupported,
		              std::string("cannot read the kernel's BTF (") + kVmlinuxBtf +
		                      "): " + errno_text(errno));
	const bool has_handoff = btf__find_by_name_kind(vmlinux, kHandoffKfunc, BTF_KIND_FUNC) > 0;
	btf__free(vmlinux);
	if (!has_handoff)
		throw Failure(Exit::kernel_unsupported,
		              std::string("this kernel lacks ") + kHandoffKfunc +
		                      "(), which hands verified connections to the TCP stack: "
		                      "sgate needs Linux >= 6.9");
}

void require_syncookies()
{
	auto value = read_sysctl("net.ipv4.tcp_syncookies");
	if (!value)
		throw Failure(Exit::failure, "cannot read /proc/sys/net/ipv4/tcp_syncookies");
	if (value->front() == 0)
		throw Failure(Exit::syncookies_off,
		              "net.ipv4.tcp_syncookies is 0 in this network namespace, but the "
		              "hand-off to the TCP stack needs it non-zero: "
		              "sysctl -w net.ipv4.tcp_syncookies=1");
}

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
