// sgate.ko's generic netlink family "sgate" (sgate/genl.h), spoken through
// libnl-genl-3.  Every request acts on this process's network namespace.
// The replies are parsed by module_reply.h; this file only moves messages.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "module_info.h"

struct nl_sock;
struct nl_msg;
struct nlmsghdr;

namespace sgate {

class ModuleClient {
public:
	// Connects and resolves the family: Exit::no_module, naming
	// the fix, when sgate.ko is not loaded.
	ModuleClient();
	~ModuleClient();
	ModuleClient(const ModuleClient &) = delete;
	ModuleClient &operator=(const ModuleClient &) = delete;

	ModuleSettings settings();
	ModuleStats stats();
	std::vector<ModuleKey> keys();
	// A fresh random key that signs from the next epoch on.
	void rotate();
	// Renumbers every epoch of this namespace (see sgate attach --help).
	void set_epoch_seconds(unsigned seconds);

private:
	// Sends @cmd, with the attributes @fill adds, and waits for the kernel's
	// ACK; each reply before it goes to @on_reply.  A refusal throws Failure
	// with the kernel's errno and its extended-ACK message, if any.
	// Returns how many replies came.
	int request(std::uint8_t cmd, const char *what, const std::function<void(nl_msg *)> &fill,
	            const std::function<void(nlmsghdr *)> &on_reply);
	// A request that must be answered by exactly one reply.
	void get(std::uint8_t cmd, const char *what,
	         const std::function<void(nlmsghdr *)> &on_reply);

	nl_sock *sock_ = nullptr;
	int family_ = -1;
};

} // namespace sgate
