// What sgate.ko reports over generic netlink (sgate/genl.h), as plain
// structs: what module_reply.h parses into and what the formatters print.
// Never a key byte: the module sends none.
#pragma once

#include <cstdint>
#include <vector>

#include "sgate/genl.h"

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

} // namespace sgate
