// The counters of sgate_stats summed over CPUs and printed as a table or as
// JSON.  Pure, so the unit tests check the output byte for byte.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "module_info.h"
#include "sgate/abi.h"

namespace sgate {

using Counters = std::array<std::uint64_t, SGATE_STAT_MAX>;

// A per-CPU lookup returns one value per possible CPU, each padded to 8 bytes.
Counters sum_per_cpu(const std::vector<std::uint64_t> &values, unsigned ncpus);

struct GateCounters {
	std::string device;
	Counters now{};
	Counters before{};  // for rates; ignored unless seconds > 0
	double seconds = 0; // since `before`; 0: no rates
	// Module mode: sgate.ko's counters, which count for the whole network
	// namespace, so every module-mode gate carries the same ones.
	std::optional<ModuleStats> module;
	ModuleStats module_before{};
};

// Counters the TC program bumps; the rest are XDP's.
bool is_tc_counter(int stat);

// One object keyed by device, each holding every counter by name, and in
// module mode "module": sgate.ko's epoch, serial and counters.
std::string stats_json(const std::vector<GateCounters> &gates);

// Per device: the nonzero counters (with per-second rates when known) and
// the totals of the XDP and TC programs; then sgate.ko's counters once, if
// any gate is in module mode.
std::string stats_table(const std::vector<GateCounters> &gates);

// A JSON string literal, quotes included.
std::string json_string(const std::string &text);

} // namespace sgate
