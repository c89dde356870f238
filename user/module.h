// sgate.ko, spoken to over its generic netlink family "sgate" (sgate/genl.h)
// through libnl-genl-3: what it reports, as plain structs, the client that
// asks for it, and the parsers of its replies.  Every request acts on this
// process's network namespace.  Never a key byte: the module sends none.
// The parsers (module_reply.cpp) are pure functions of one message, so the
// unit tests build a reply with libnl and check the result without the
// module; a reply that lacks an attribute or carries one of the wrong size
// throws Failure: the module is from another sgate version.
#pragma once

#include <cstdint>
#include <functional>
#include <linux/netlink.h>
#include <string>
#include <vector>

#include "sgate/genl.h"

struct nl_sock;
struct nl_msg;

namespace sgate {

// SGATE_CMD_SETTINGS_GET.
struct ModuleSettings {
	unsigned rotate_seconds = 0; // 0: the module's timer is off
	unsigned epoch_seconds = 0;
};

// SGATE_CMD_STATS_GET.
struct ModuleStats {
	std::uint64_t epoch = 0;
	std::uint64_t serial = 0;
	std::uint64_t rotations = 0;       // by request (sgate rotate)
	std::uint64_t timer_rotations = 0; // by the module's own timer
	std::uint64_t installs = 0;
	std::uint64_t cookies_made = 0;
	std::uint64_t cookies_checked = 0;
	std::uint64_t cookies_valid = 0;
};

// One entry of SGATE_CMD_KEYS_GET.
struct ModuleKey {
	std::uint64_t id = 0; // serial number of the key, never reused
	std::uint64_t first_epoch = 0;
	std::uint64_t age_ms = 0;
	unsigned state = SGATE_KEY_PENDING; // enum sgate_key_state
	unsigned origin = SGATE_KEY_RANDOM; // enum sgate_key_origin
};

// Names for enum sgate_key_state and enum sgate_key_origin; "unknown" for
// values a newer module might send.
const char *key_state_name(unsigned state);
const char *key_origin_name(unsigned origin);

ModuleSettings parse_settings_reply(nlmsghdr *reply);
ModuleStats parse_stats_reply(nlmsghdr *reply);
std::vector<ModuleKey> parse_keys_reply(nlmsghdr *reply);

// The kernel's extended-ACK message (NLMSGERR_ATTR_MSG) in an NLMSG_ERROR
// message, or "" when it carries none.
std::string extack_message(const nlmsghdr *error);

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
