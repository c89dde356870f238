// A gate as later sgate runs see it: its maps, XDP link and TC program,
// opened by their pins, with no skeleton loaded.
#pragma once

#include <cstdint>
#include <string>

#include "exit_status.h"
#include "key_mode.h"
#include "sgate/abi.h"
#include "stats_format.h"
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
	__u32 key_selector() const;
	void read_keyring(__u32 slot, sgate_keyring &ring) const;
	void write_keyring(__u32 slot, const sgate_keyring &ring);
	void write_key_selector(__u32 slot);
	Counters counters() const;
	// Read from the XDP program's own read-only data (sgate_module_mode),
	// which the loader set at attach: no record beside the gate to go stale.
	KeyMode key_mode() const;

	int xdp_link_fd() const { return xdp_link_.get(); }
	int tc_prog_fd() const { return tc_prog_.get(); }

private:
	UniqueFd open_map(const char *name, unsigned value_size, unsigned max_entries);
	UniqueFd open_pin(const char *name);

	std::string root_;
	std::string device_;
	UniqueFd config_, keys_, key_sel_, stats_, xdp_link_, tc_prog_;
};

// What the kernel says about a pinned XDP link and a program.
struct XdpLinkInfo {
	unsigned link_id = 0;
	unsigned prog_id = 0;
	unsigned ifindex = 0; // 0: the device is gone and the link defunct
};
XdpLinkInfo xdp_link_info(int link_fd);
unsigned prog_id_of(int prog_fd);

// The time the BPF side sees: bpf_ktime_get_coarse_ns().
std::uint64_t coarse_monotonic_ns();

} // namespace sgate
