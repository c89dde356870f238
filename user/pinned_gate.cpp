#include "pinned_gate.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <vector>

#include "exit_status.h"
#include "pin_paths.h"
#include "prog_rodata.h"

namespace sgate {

Failure not_guarded(const std::string &root, const std::string &device)
{
	return Failure(Exit::not_attached,
	               device + " is not guarded by sgate in this network namespace (no " +
	                       gate_dir(root, device) + "); see 'sgate status'");
}

PinnedGate::PinnedGate(const std::string &root, const std::string &device)
    : root_(root), device_(device)
{
	if (!gate_exists(root, device))
		throw not_guarded(root, device);
	config_ = open_map(pin::config, sizeof(sgate_config), 1);
	keys_ = open_map(pin::keys, sizeof(sgate_keyring), SGATE_KEYRING_SLOTS);
	key_sel_ = open_map(pin::key_sel, sizeof(__u32), 1);
	stats_ = open_map(pin::stats, sizeof(sgate_stats), 1);
	xdp_link_ = open_pin(pin::xdp_link);
	tc_prog_ = open_pin(pin::tc_prog);

	const sgate_config cfg = config();
	if (cfg.abi_version != SGATE_ABI_VERSION)
		throw Failure(Exit::failure, "the gate on " + device + " was attached with ABI " +
		                                     std::to_string(cfg.abi_version) +
		                                     ", this sgate speaks ABI " +
		                                     std::to_string(SGATE_ABI_VERSION) +
		                                     ": detach it and attach again");
	if (cfg.epoch_ns == 0)
		throw Failure(Exit::failure, "the gate on " + device +
		                                     " has no key period set: it is damaged; "
		                                     "detach it and attach again");
}

UniqueFd PinnedGate::open_pin(const char *name)
{
	const std::string path = gate_pin(root_, device_, name);
	UniqueFd fd(bpf_obj_get(path.c_str()));
	if (!fd)
		throw Failure(Exit::failure, "cannot open " + path + ": " + errno_text(errno) +
		                                     "; the gate on " + device_ +
		                                     " is damaged: 'sgate detach " + device_ +
		                                     "' cleans it up");
	return fd;
}

// The sizes guard against pins left by a different build of sgate.
UniqueFd PinnedGate::open_map(const char *name, unsigned value_size, unsigned max_entries)
{
	UniqueFd fd = open_pin(name);
	bpf_map_info info{};
	__u32 len = sizeof info;
	if (bpf_obj_get_info_by_fd(fd.get(), &info, &len))
		throw Failure(Exit::failure, "cannot inspect pinned map " +
		                                     gate_pin(root_, device_, name) + ": " +
		                                     errno_text(errno));
	if (info.value_size != value_size || info.max_entries != max_entries)
		throw Failure(Exit::failure,
		              "pinned map " + gate_pin(root_, device_, name) +
		                      " does not have the layout this sgate expects (value size " +
		                      std::to_string(info.value_size) + ", expected " +
		                      std::to_string(value_size) +
		                      "): it was attached by another sgate build; detach and "
		                      "attach again");
	return fd;
}

sgate_config PinnedGate::config() const
{
	sgate_config cfg{};
	__u32 zero = 0;
	if (bpf_map_lookup_elem(config_.get(), &zero, &cfg))
		throw Failure(Exit::failure,
		              "cannot read the config of " + device_ + ": " + errno_text(errno));
	return cfg;
}

__u32 PinnedGate::key_selector() const
{
	__u32 zero = 0, sel = 0;
	if (bpf_map_lookup_elem(key_sel_.get(), &zero, &sel))
		throw Failure(Exit::failure, "cannot read the key selector of " + device_ + ": " +
		                                     errno_text(errno));
	return sel & (SGATE_KEYRING_SLOTS - 1);
}

void PinnedGate::read_keyring(__u32 slot, sgate_keyring &ring) const
{
	if (bpf_map_lookup_elem(keys_.get(), &slot, &ring))
		throw Failure(Exit::failure,
		              "cannot read the keyring of " + device_ + ": " + errno_text(errno));
}

void PinnedGate::write_keyring(__u32 slot, const sgate_keyring &ring)
{
	if (bpf_map_update_elem(keys_.get(), &slot, &ring, BPF_ANY))
		throw Failure(Exit::failure,
		              "cannot write the keyring of " + device_ + ": " + errno_text(errno));
}

void PinnedGate::write_key_selector(__u32 slot)
{
	__u32 zero = 0;
	if (bpf_map_update_elem(key_sel_.get(), &zero, &slot, BPF_ANY))
		throw Failure(Exit::failure,
		              "cannot switch the keyring of " + device_ + ": " + errno_text(errno));
}

Counters PinnedGate::counters() const
{
	const int ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0)
		throw Failure(Exit::failure,
		              "cannot count the possible CPUs: " + errno_text(ncpus));
	std::vector<std::uint64_t> values(static_cast<std::size_t>(ncpus) *
	                                  ((sizeof(sgate_stats) + 7) / 8));
	__u32 zero = 0;
	if (bpf_map_lookup_elem(stats_.get(), &zero, values.data()))
		throw Failure(Exit::failure,
		              "cannot read the counters of " + device_ + ": " + errno_text(errno));
	return sum_per_cpu(values, static_cast<unsigned>(ncpus));
}

KeyMode PinnedGate::key_mode() const
{
	const XdpLinkInfo link = xdp_link_info(xdp_link_.get());
	UniqueFd prog(link.prog_id ? bpf_prog_get_fd_by_id(link.prog_id) : -1);
	if (!prog)
		throw Failure(Exit::failure, "cannot open the XDP program of " + device_ + ": " +
		                                     errno_text(link.prog_id ? errno : ENOENT));
	// A program built before module mode existed has no such flag: map mode.
	return rodata_bool(prog.get(), "sgate_module_mode").value_or(false) ? KeyMode::module
	                                                                    : KeyMode::map;
}

XdpLinkInfo xdp_link_info(int link_fd)
{
	XdpLinkInfo out;
	bpf_link_info info{};
	__u32 len = sizeof info;
	if (bpf_obj_get_info_by_fd(link_fd, &info, &len))
		return out;
	out.link_id = info.id;
	out.prog_id = info.prog_id;
	if (info.type == BPF_LINK_TYPE_XDP)
		out.ifindex = info.xdp.ifindex;
	return out;
}

unsigned prog_id_of(int prog_fd)
{
	bpf_prog_info info{};
	__u32 len = sizeof info;
	return bpf_obj_get_info_by_fd(prog_fd, &info, &len) ? 0 : info.id;
}

std::uint64_t coarse_monotonic_ns()
{
	timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ULL +
	       static_cast<std::uint64_t>(ts.tv_nsec);
}

} // namespace sgate
