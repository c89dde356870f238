// A gate as later sgate runs see it: its maps and tcx link, opened by
// their pins, with no skeleton loaded; and the gates a command
// acts on, opened together.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "exit_status.h"
#include "keys.h"
#include "output.h"
#include "sgate/abi.h"
#include "unique_fd.h"

namespace sgate {

// The Exit::not_attached failure for @device.
Failure not_guarded(const std::string &root, const std::string &device);

class PinnedGate {
public:
	// Exit::not_attached if sgate does not guard @device here; Exit::failure
	// if the pins are incomplete or from an incompatible sgate.
	PinnedGate(const std::string &root, const std::string &device);

	const std::string &device() const { return device_; }

	sgate_config config() const;
	// One update of the array map's only entry: a program running
	// meanwhile reads each field either old or new, so a change of the
	// port bitmap alone is safe while the gate runs.
	void write_config(const sgate_config &cfg);
	__u32 key_selector() const;
	void read_keyring(__u32 slot, sgate_keyring &ring) const;
	void write_keyring(__u32 slot, const sgate_keyring &ring);
	void write_key_selector(__u32 slot);
	Counters counters() const;
	// Read from the XDP program's own read-only data (sgate_module_mode),
	// which the loader set at attach: no record beside the gate to go stale.
	KeyMode key_mode() const;

	// -1 where the link's pin is gone: status reports it, detach cleans up.
	int tc_link_fd() const { return tc_link_.get(); }
	// The gate's XDP program is found in the device's XDP hook by this map
	// (user/xdp_hook.h).
	int config_fd() const { return config_.get(); }
	// The device the TC link holds, else the one of that name here; 0: none.
	unsigned device_index() const;

private:
	unsigned program_id() const;
	UniqueFd open_map(const char *name, unsigned value_size, unsigned max_entries);
	UniqueFd open_pin(const char *name);
	UniqueFd open_link(const char *name);

	std::string root_;
	std::string device_;
	UniqueFd config_, keys_, key_sel_, stats_, tc_link_;
};

// A gate and its key mode, which every command that reads or changes keys
// or counters needs to know.
struct OpenGate {
	PinnedGate gate;
	KeyMode mode;
};

// The gates a command acts on: @device if named, else every gate in this
// namespace; none is Exit::not_attached, the message ending in @nothing.
// All are opened before the command does anything, so a missing or damaged
// gate fails it before any change.
std::vector<OpenGate> open_gates(const std::string &root, const std::optional<std::string> &device,
                                 const char *nothing);

} // namespace sgate
