#include "host_checks.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <cerrno>
#include <cstring>
#include <linux/if_link.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "exit_status.h"
#include "libbpf_quiet.h"
#include "pin_paths.h"
#include "sysctl.h"
#include "unique_fd.h"

namespace sgate {

namespace {

constexpr const char *kVmlinuxBtf = "/sys/kernel/btf/vmlinux";
constexpr const char *kHandoffKfunc = "bpf_sk_assign_tcp_reqsk";

std::string prog_name(unsigned id)
{
	UniqueFd fd(bpf_prog_get_fd_by_id(id));
	if (!fd)
		return "?";
	bpf_prog_info info{};
	__u32 len = sizeof info;
	if (bpf_obj_get_info_by_fd(fd.get(), &info, &len))
		return "?";
	return info.name[0] ? info.name : "(no name)";
}

} // namespace

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
		throw Failure(Exit::no_device, "no network device '" + device +
		                                       "' in this network namespace (netns inode " +
		                                       std::to_string(netns_inode()) +
		                                       "): see 'ip link'");
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

void require_no_xdp_program(unsigned ifindex, const std::string &device)
{
	bpf_xdp_query_opts query{};
	query.sz = sizeof query;
	int err = bpf_xdp_query(static_cast<int>(ifindex), 0, &query);
	if (err)
		throw Failure(Exit::failure,
		              "cannot query XDP programs on " + device + ": " + errno_text(err));

	struct Attached {
		unsigned id;
		const char *mode;
		const char *off;
	};
	const Attached attached[] = {
	        {query.drv_prog_id, "native", "xdpdrv off"},
	        {query.skb_prog_id, "generic", "xdpgeneric off"},
	        {query.hw_prog_id, "offloaded", "xdpoffload off"},
	        {query.prog_id, "unknown mode", "xdp off"},
	};
	for (const auto &a : attached) {
		if (!a.id)
			continue;
		throw Failure(Exit::xdp_busy,
		              "another XDP program is attached to " + device + ": id " +
		                      std::to_string(a.id) + " (" + prog_name(a.id) + "), " +
		                      a.mode + "; remove it with 'ip link set dev " + device + " " +
		                      a.off + "', or, if a bpf_link holds it, by stopping its " +
		                      "owner or removing its pin (see 'bpftool net show dev " +
		                      device + "' and 'bpftool link')");
	}
}

} // namespace sgate
