// What sgate prints: the counters of `stats`, the key listing of `keys` and
// the gate report of `status`, each as text (and JSON where asked) made
// from plain data.  Pure: the commands gather the data, these functions
// only format it, so the unit tests check the output byte for byte.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "keys.h"
#include "module.h"
#include "sgate/abi.h"

namespace sgate {

// "4.2 s", "3 min 20 s", "2 h 5 min", "3 d 4 h".
std::string format_age(std::uint64_t ms);

/* --- stats ------------------------------------------------------------- */

// The counters of sgate_stats, summed over CPUs, as a table or as JSON.
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

// sgate.ko's counters by name, in the order stats shows them.
struct ModuleCounter {
	const char *name;
	std::uint64_t ModuleStats::*field;
};
extern const std::array<ModuleCounter, 6> kModuleCounters;

// The names of the features a config turns on: sack, timestamps, ...
std::vector<std::string> feature_names(__u32 features);

// JSON (Documentation/json.md gives each shape): one object keyed by device,
// each holding every counter by name, and in module mode "module": sgate.ko's
// epoch, serial and counters.  One line.
std::string stats_json(const std::vector<GateCounters> &gates);

// Per device: the nonzero counters (with per-second rates when known) and
// the totals of the XDP and TC programs; then sgate.ko's counters once, if
// any gate is in module mode.
std::string stats_table(const std::vector<GateCounters> &gates);

/* --- keys -------------------------------------------------------------- */

// What `sgate keys` lists: for each key its id, first epoch, age, state and
// origin -- never a key byte.
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

// Map-mode gates one by one; the module's ring once, naming its gates.
std::string keys_table(const std::vector<GateKeys> &gates);

// JSON, one line: one object keyed by device: key_mode, epoch, serial and
// the key list (age_ms null where unknown).
std::string keys_json(const std::vector<GateKeys> &gates);

/* --- status ------------------------------------------------------------ */

// sgate.ko's view of this network namespace, asked for once per status run:
// every module-mode gate here shares it.
struct ModuleView {
	std::optional<std::string> error; // why sgate.ko could not be asked
	ModuleSettings settings;
	ModuleStats stats;
	std::vector<ModuleKey> keys;
};

// A map-mode gate's live ring, without its key bytes.
struct RingStatus {
	std::uint64_t serial = 0;
	unsigned slot = 0;
	// The masters in use: their index in the ring and first epoch.
	std::vector<std::pair<int, std::uint64_t>> masters;
};

// One of a gate's two links as status finds it.
struct LinkStatus {
	bool pinned = false; // its pin is there
	unsigned link_id = 0, prog_id = 0;
	unsigned ifindex = 0; // 0: detached, or its device is gone
};

// Another program in the device's XDP hook, beside the gate's.
struct XdpNeighbour {
	unsigned prog_id = 0;
	std::string name;
	unsigned run_prio = 0;
};

// The gate's XDP half as status finds it in the device's XDP hook
// (user/xdp_hook.h): found by the gate's config map, which it uses.
struct XdpHookStatus {
	unsigned prog_id = 0;    // 0: the gate's program does not run in the hook
	std::string mode;        // "native" or "generic"
	bool dispatcher = false; // in libxdp's dispatcher; false: alone in the hook
	// sgate_xdp_slot, which hands TC no metadata (bpf/sgate.bpf.c says why)
	bool slot_program = false;
	std::string name; // the program's name, as the kernel has it
	unsigned run_prio = 0;
	// The dispatcher's other programs, in run order.
	std::vector<XdpNeighbour> before, after;
};

// The TC half on a VLAN device above the gate's device (QinQ hand-off).
struct VlanHook {
	std::string device; // its name now; empty if it is gone
	unsigned ifindex = 0;
	LinkStatus link; // not pinned: a VLAN device made after attach
};

// What `status` shows of one gate.  Reading a gate stops at the first
// failure, which `damaged` holds; what was read before it is shown.
struct GateStatus {
	std::string device;
	// From the pins and the kernel; unset if the pins could not be read.
	std::optional<sgate_config> config;
	unsigned ifindex = 0; // as the TC link names it; 0: it does not, the device is gone
	std::string ifname;   // what that ifindex is called now
	std::string handoff;  // handoff_path_text()
	XdpHookStatus xdp;
	LinkStatus tc;
	std::vector<VlanHook> vlan_tc;
	std::optional<KeyMode> key_mode;
	std::uint64_t now_ns = 0; // coarse_monotonic_ns() when the keys were read
	// Map mode.
	std::optional<RingStatus> ring;
	// Module mode: the slots of the keys map that hold a key, which module
	// mode never writes there; set once every slot was checked.
	std::vector<unsigned> keys_in_map;
	bool keys_map_checked = false;
	std::optional<ModuleView> module;
	std::optional<std::string> damaged;
};

struct StatusReport {
	std::uint64_t netns_cookie = 0; // the text names it when there are no gates
	std::string pin_root;
	std::vector<GateStatus> gates;
};

// Per gate: device and hooks, what it advertises, its key period, mode and
// schedule (never key bytes); a note when there are no gates.
std::string status_text(const StatusReport &report);

// JSON, one line: the report's gates as an array, each with what the text
// shows, machine-readable (Documentation/json.md).
std::string status_json(const StatusReport &report);

// A gate that does not work as attached: damaged pins, its device gone, or
// its XDP or TC half missing or detached.  status then exits non-zero.
bool gate_broken(const GateStatus &gate);

} // namespace sgate
