// The exit statuses of sgate and the exception that carries one to main().
#pragma once

#include <cstring>
#include <stdexcept>
#include <string>

namespace sgate {

// Scripts and tests rely on these numbers; every command's --help lists them.
enum class Exit : int {
	ok = 0,
	failure = 1,            // anything not listed below
	usage = 2,              // bad or missing arguments
	not_root = 3,           // needs root
	no_device = 4,          // no such network device in this netns
	already_attached = 5,   // sgate already guards the device
	xdp_busy = 6,           // another XDP program is on the device
	kernel_unsupported = 7, // kernel lacks BTF or bpf_sk_assign_tcp_reqsk()
	syncookies_off = 8,     // net.ipv4.tcp_syncookies is 0
	not_attached = 9,       // sgate does not guard the device
	no_module = 10,         // module mode, but sgate.ko (its netlink family) is missing
	gate_broken = 11,       // status: a gate is damaged, its device gone, or a half missing
};

// Ends a command.  The message names the cause and, where there is one, the fix.
class Failure : public std::runtime_error {
public:
	Failure(Exit status, const std::string &message)
	    : std::runtime_error(message), status_(status)
	{
	}
	Exit status() const { return status_; }

private:
	Exit status_;
};

// strerror() of @err, which may be negative as libbpf and netlink return it.
inline std::string errno_text(int err)
{
	return std::strerror(err < 0 ? -err : err);
}

} // namespace sgate
