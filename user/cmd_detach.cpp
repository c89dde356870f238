// sgate detach: take the programs off the device, then remove the pins.
// Best effort past the first check: a gate whose device is gone, or whose
// pins are incomplete, is still cleaned up.
#include <bpf/bpf.h>
#include <cerrno>
#include <cstdio>
#include <unistd.h>
#include <vector>

#include "commands.h"
#include "exit_status.h"
#include "gate.h"
#include "gate_pins.h"
#include "hooks.h"
#include "host.h"

namespace sgate {

namespace {

// A link that still holds a device lets go of it; one whose device is gone
// (or that was detached already) has nothing to let go of.
void detach_link(const std::string &path)
{
	UniqueFd link(bpf_obj_get(path.c_str()));
	if (link && link_info(link.get()).ifindex)
		bpf_link_detach(link.get());
}

void remove_pins(const std::string &dir)
{
	std::vector<std::string> names = vlan_tc_link_pins(dir);
	names.insert(names.end(), {pin::xdp_link, pin::tc_link, pin::config, pin::keys,
	                           pin::key_sel, pin::stats});
	for (const std::string &name : names) {
		const std::string path = dir + "/" + name;
		if (unlink(path.c_str()) && errno != ENOENT)
			throw Failure(Exit::failure,
			              "cannot remove " + path + ": " + errno_text(errno));
	}
	if (rmdir(dir.c_str()))
		throw Failure(Exit::failure, "cannot remove " + dir + ": " + errno_text(errno) +
		                                     " (something else is pinned there?)");
}

} // namespace

void run_detach(const Invocation &inv)
{
	const std::string &device = *inv.device;

	require_root();
	const std::string root = pin_root(inv.pin_root);
	UniqueFd lock = lock_pin_root(root);
	if (!gate_exists(root, device))
		throw not_guarded(root, device);
	const std::string dir = gate_dir(root, device);

	// XDP first: the gate stops answering SYNs before it stops completing
	// the handshakes it answered.
	detach_link(dir + "/" + pin::xdp_link);
	detach_link(dir + "/" + pin::tc_link);
	for (const std::string &name : vlan_tc_link_pins(dir))
		detach_link(dir + "/" + name);
	remove_pins(dir);
	rmdir(netns_dir(root).c_str()); // only if this was its last gate

	std::printf("sgate: %s is no longer guarded\n", device.c_str());
}

} // namespace sgate
