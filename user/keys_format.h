// What `sgate keys` lists: for each key its id, first epoch, age, state and
// origin -- never a key byte.  Pure, so the unit tests check the rules for
// map-mode rings and the output byte for byte.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "key_mode.h"
#include "module_info.h"
#include "sgate/abi.h"

namespace sgate {

struct KeyRow {
	std::uint64_t id = 0;
	std::uint64_t first_epoch = 0;
	std::optional<std::uint64_t> age_ms; // map mode records no birth time
	unsigned state = SGATE_KEY_PENDING;  // enum sgate_key_state
	unsigned origin = SGATE_KEY_RANDOM;  // enum sgate_key_origin
};

// The masters in use in a map-mode @ring at @epoch, newest first; the id is
// the master's index in the ring.  States follow sgate.ko's rule: pending
// before its first epoch, current if it signs @epoch, previous if it signs
// @epoch - 1, else retiring.
std::vector<KeyRow> rows_from_ring(const sgate_keyring &ring, std::uint64_t epoch);

std::vector<KeyRow> rows_from_module(const std::vector<ModuleKey> &keys);

// The keys one gate uses.  Gates in module mode share the namespace's ring
// in sgate.ko, so each of them carries the same listing.
struct GateKeys {
	std::string device;
	KeyMode mode = KeyMode::map;
	std::uint64_t epoch = 0;
	std::uint64_t serial = 0;
	std::vector<KeyRow> keys;
};

// "4.2 s", "3 min 20 s", "2 h 5 min", "3 d 4 h".
std::string format_age(std::uint64_t ms);

// Map-mode gates one by one; the module's ring once, naming its gates.
std::string keys_table(const std::vector<GateKeys> &gates);

// One object keyed by device: key_mode, epoch, serial and the key list
// (age_ms null where unknown).
std::string keys_json(const std::vector<GateKeys> &gates);

} // namespace sgate
