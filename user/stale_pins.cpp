#include "stale_pins.h"

#include <algorithm>
#include <bpf/bpf.h>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "gate_pins.h"
#include "hooks.h"
#include "unique_fd.h"

namespace sgate {

namespace {

namespace fs = std::filesystem;

// Namespace directories are named by a cookie: digits only.
bool is_namespace_name(const std::string &name)
{
	return !name.empty() &&
	       std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
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
		for (const char *name : {pin::xdp_link, pin::tc_link})
			if (link_holds_device(gate.path() / name))
				return true;
	}
	// Unreadable: assume a live gate rather than remove what we cannot see.
	return static_cast<bool>(ec);
}

} // namespace

std::vector<std::string> remove_stale_namespaces(const std::string &root)
{
	std::vector<std::string> removed;
	const std::string ours = std::to_string(netns_cookie());
	std::error_code ec;
	for (const auto &entry : fs::directory_iterator(root, ec)) {
		const std::string name = entry.path().filename();
		if (name == ours || !is_namespace_name(name) || !entry.is_directory(ec) ||
		    has_live_gate(entry.path()))
			continue;
		std::error_code remove_ec;
		fs::remove_all(entry.path(), remove_ec);
		if (!remove_ec)
			removed.push_back(entry.path());
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
