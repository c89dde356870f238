// Parsing sgate.ko's generic netlink replies into the plain structs of
// module_info.h.  Pure functions of one message, so the unit tests build a
// reply with libnl and check the result without the module.  A reply that
// lacks an attribute or carries one of the wrong size throws Failure: the
// module is from another sgate version.
#pragma once

#include <linux/netlink.h>
#include <string>
#include <vector>

#include "module_info.h"

namespace sgate {

ModuleSettings parse_settings_reply(nlmsghdr *reply);
ModuleStats parse_stats_reply(nlmsghdr *reply);
std::vector<ModuleKey> parse_keys_reply(nlmsghdr *reply);

// The kernel's extended-ACK message (NLMSGERR_ATTR_MSG) in an NLMSG_ERROR
// message, or "" when it carries none.
std::string extack_message(const nlmsghdr *error);

} // namespace sgate
