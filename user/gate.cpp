#include "gate.h"

#include <algorithm>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <net/if.h>
#include <optional>
#include <string_view>
#include <vector>

#include "exit_status.h"
#include "gate_pins.h"
#include "hooks.h"
#include "xdp_hook.h"

namespace sgate {

namespace {

Failure cannot(const std::string &what)
{
	return Failure(Exit::failure, "cannot " + what + ": " + errno_text(errno));
}

std::vector<__u32> map_ids_of(int prog_fd)
{
	bpf_prog_info info{};
	__u32 len = sizeof info;
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		throw cannot("inspect the gate's XDP program");
	std::vector<__u32> ids(info.nr_map_ids);
	if (ids.empty())
		return ids;
	info = bpf_prog_info{};
	info.nr_map_ids = static_cast<__u32>(ids.size());
	info.map_ids = reinterpret_cast<std::uintptr_t>(ids.data());
	len = sizeof info;
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		throw cannot("list the maps of the gate's XDP program");
	ids.resize(std::min<std::size_t>(ids.size(), info.nr_map_ids));
	return ids;
}

bool is_rodata(const bpf_map_info &info)
{
	// libbpf names it "<object prefix>.rodata".
	const std::string_view name = info.name, suffix = ".rodata";
	return info.type == BPF_MAP_TYPE_ARRAY && info.btf_id && name.size() > suffix.size() &&
	       name.substr(name.size() - suffix.size()) == suffix;
}

// Where @name is in the DATASEC that types the map's value, if it is a bool.
std::optional<__u32> offset_of(const bpf_map_info &info, const char *name)
{
	std::unique_ptr<btf, void (*)(btf *)> types(btf__load_from_kernel_by_id(info.btf_id),
	                                            btf__free);
	if (!types)
		throw cannot("read the BTF of the gate's read-only data");
	const btf_type *sec = btf__type_by_id(types.get(), info.btf_value_type_id);
	if (!sec || !btf_is_datasec(sec))
		return std::nullopt;
	const btf_var_secinfo *vars = btf_var_secinfos(sec);
	for (unsigned i = 0; i < btf_vlen(sec); i++) {
		const btf_type *var = btf__type_by_id(types.get(), vars[i].type);
		const char *var_name =
		        var ? btf__name_by_offset(types.get(), var->name_off) : nullptr;
		if (var_name && std::strcmp(var_name, name) == 0 && vars[i].size == 1)
			return vars[i].offset;
	}
	return std::nullopt;
}

// The bool variable @name in the .rodata of the program @prog_fd, as the
// loader set it, found through the map's BTF so no build's layout is
// assumed; nullopt when the program has no such variable.  Throws Failure
// if the kernel will not say.
std::optional<bool> rodata_bool(int prog_fd, const char *name)
{
	for (__u32 id : map_ids_of(prog_fd)) {
		UniqueFd map(bpf_map_get_fd_by_id(id));
		if (!map)
			throw cannot("open map " + std::to_string(id) +
			             " of the gate's XDP program");
		bpf_map_info info{};
		__u32 len = sizeof info;
		if (bpf_obj_get_info_by_fd(map.get(), &info, &len))
			throw cannot("inspect map " + std::to_string(id));
		if (!is_rodata(info))
			continue;
		const auto offset = offset_of(info, name);
		if (!offset || *offset >= info.value_size)
			continue;
		std::vector<unsigned char> value(info.value_size);
		const __u32 zero = 0;
		if (bpf_map_lookup_elem(map.get(), &zero, value.data()))
			throw cannot("read the gate's read-only data");
		return value[*offset] != 0;
	}
	return std::nullopt;
}

// The devices named by @device, or every gate here; none is Exit::not_attached.
std::vector<std::string> chosen_gates(const std::string &root,
                                      const std::optional<std::string> &device, const char *nothing)
{
	std::vector<std::string> devices;
	if (device)
		devices.push_back(*device);
	else
		devices = gate_devices(root);
	if (devices.empty())
		throw Failure(
		        Exit::not_attached,
		        std::string("no device is guarded by sgate in this network namespace: ") +
		                nothing);
	return devices;
}

} // namespace

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
	tc_link_ = open_link(pin::tc_link);

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

UniqueFd PinnedGate::open_link(const char *name)
{
	const std::string path = gate_pin(root_, device_, name);
	UniqueFd fd(bpf_obj_get(path.c_str()));
	if (!fd && errno != ENOENT)
		throw Failure(Exit::failure, "cannot open " + path + ": " + errno_text(errno));
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

void PinnedGate::write_config(const sgate_config &cfg)
{
	__u32 zero = 0;
	if (bpf_map_update_elem(config_.get(), &zero, &cfg, BPF_ANY))
		throw Failure(Exit::failure,
		              "cannot write the config of " + device_ + ": " + errno_text(errno));
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

unsigned PinnedGate::device_index() const
{
	const unsigned held = tc_link_ ? link_info(tc_link_.get()).ifindex : 0;
	return held ? held : if_nametoindex(device_.c_str());
}

// Either half's program says: both share one .rodata.  The pinned TC link
// first, as it stays with the gate while libxdp moves the XDP half from
// dispatcher to dispatcher, or another tool takes it out.
unsigned PinnedGate::program_id() const
{
	if (const unsigned tc = tc_link_ ? link_info(tc_link_.get()).prog_id : 0)
		return tc;
	const unsigned ifindex = device_index();
	return ifindex ? find_gate_xdp(ifindex, config_.get()).prog_id : 0;
}

KeyMode PinnedGate::key_mode() const
{
	const unsigned prog_id = program_id();
	if (!prog_id)
		throw Failure(Exit::failure, "cannot tell the key mode of " + device_ +
		                                     ": neither its TC link's pin nor its XDP "
		                                     "program is left; 'sgate detach " +
		                                     device_ + "', then attach again");
	UniqueFd prog(bpf_prog_get_fd_by_id(prog_id));
	if (!prog)
		throw Failure(Exit::failure,
		              "cannot open the program of " + device_ + ": " + errno_text(errno));
	// A program built before module mode existed has no such flag: map mode.
	return rodata_bool(prog.get(), "sgate_module_mode").value_or(false) ? KeyMode::module
	                                                                    : KeyMode::map;
}

std::vector<OpenGate> open_gates(const std::string &root, const std::optional<std::string> &device,
                                 const char *nothing)
{
	std::vector<OpenGate> gates;
	for (const auto &name : chosen_gates(root, device, nothing)) {
		PinnedGate gate(root, name);
		const KeyMode mode = gate.key_mode();
		gates.push_back({std::move(gate), mode});
	}
	return gates;
}

} // namespace sgate
