#include "stale_pins.h"

#include <algorithm>
#include <bpf/bpf.h>
#include <cstdio>
#include <filesystem>
#include <set>
#include <system_error>

#include "exit_status.h"
#include "gate_pins.h"
#include "hooks.h"
#include "unique_fd.h"
#include "xdp_hook.h"

namespace sgate {

namespace {

namespace fs = std::filesystem;

// Namespace directories are named by a cookie: digits only.
bool is_namespace_name(const std::string &name)
{
	return !name.empty() &&
	       std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Every entry a gate directory: one of sgate's pins, or one an older sgate
// made (its TC program and clsact marker).  Anything else under the root is
// not ours to remove.
bool holds_only_gates(const fs::path &namespace_dir)
{
	static const std::set<std::string> names = {pin::config, pin::keys,       pin::key_sel,
	                                            pin::stats,  pin::xdp_link,   pin::tc_link,
	                                            "tc_prog",   "clsact_created"};
	std::error_code ec;
	for (const auto &gate : fs::directory_iterator(namespace_dir, ec)) {
		if (!gate.is_directory(ec))
			return false;
		for (const auto &entry : fs::directory_iterator(gate.path(), ec)) {
			const std::string name = entry.path().filename();
			if (!names.count(name) && name.rfind(pin::vlan_tc_link_prefix, 0) != 0)
				return false;
		}
	}
	return !ec;
}

bool link_holds_device(const fs::path &pin)
{
	UniqueFd link(bpf_obj_get(pin.c_str()));
	return link && link_info(link.get()).ifindex != 0;
}

bool has_live_gate(const fs::path &namespace_dir)
{
	std::error_code ec;
	for (const auto &gate : fs::directory_iterator(namespace_dir, ec)) {
		if (!gate.is_directory(ec))
			continue;
		std::vector<std::string> links = vlan_tc_link_pins(gate.path());
		links.insert(links.end(), {pin::xdp_link, pin::tc_link});
		for (const std::string &name : links)
			if (link_holds_device(gate.path() / name))
				return true;
	}
	// Unreadable: assume a live gate rather than remove what we cannot see.
	return static_cast<bool>(ec);
}

// The pins libxdp keeps of the dispatchers that held these gates' XDP
// programs (user/xdp_hook.h).
void remove_libxdp_pins(const fs::path &namespace_dir)
{
	std::error_code ec;
	for (const auto &gate : fs::directory_iterator(namespace_dir, ec)) {
		UniqueFd config(bpf_obj_get((gate.path() / pin::config).c_str()));
		if (!config)
			continue;
		try {
			remove_dead_gate_dispatchers(config.get());
		} catch (const Failure &) {
			// Left for libxdp's own cleanup (xdp-loader clean).
		}
	}
}

} // namespace

std::vector<std::string> remove_stale_namespaces(const std::string &root)
{
	std::vector<std::string> removed;
	const std::string ours = std::to_string(netns_cookie());
	// Iterating may throw where a directory vanishes meanwhile: what is
	// left is tried again by a later run.
	try {
		std::error_code ec;
		for (const auto &entry : fs::directory_iterator(root, ec)) {
			const std::string name = entry.path().filename();
			if (name == ours || !is_namespace_name(name) || !entry.is_directory(ec) ||
			    !holds_only_gates(entry.path()) || has_live_gate(entry.path()))
				continue;
			remove_libxdp_pins(entry.path());
			std::error_code remove_ec;
			fs::remove_all(entry.path(), remove_ec);
			if (!remove_ec)
				removed.push_back(entry.path());
		}
	} catch (const fs::filesystem_error &) {
	}
	return removed;
}

void note_stale_removed(const std::vector<std::string> &removed)
{
	for (const auto &dir : removed)
		std::fprintf(stderr,
		             "sgate: note: removed %s, left by a network namespace whose gates "
		             "hold no device any more\n",
		             dir.c_str());
}

} // namespace sgate
