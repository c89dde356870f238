// sgate detach: take the programs off the device, then remove the pins.
// Best effort past the first check: a gate whose device is gone, or whose
// pins are incomplete, is still cleaned up.
#include <bpf/bpf.h>
#include <cerrno>
#include <cstdio>
#include <net/if.h>
#include <unistd.h>
#include <vector>

#include "commands.h"
#include "exit_status.h"
#include "gate.h"
#include "gate_pins.h"
#include "hooks.h"
#include "host.h"
#include "xdp_hook.h"

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

// The gate's program leaves the device's XDP hook; the programs beside it
// stay.  Without the config pin, the attach that made @dir was killed
// before the XDP half, which it attaches last.
void detach_xdp_half(const std::string &dir, const std::string &device)
{
	UniqueFd config(bpf_obj_get((dir + "/" + pin::config).c_str()));
	if (!config)
		return;
	UniqueFd tc(bpf_obj_get((dir + "/" + pin::tc_link).c_str()));
	unsigned ifindex = tc ? link_info(tc.get()).ifindex : 0;
	if (!ifindex)
		ifindex = if_nametoindex(device.c_str());
	if (ifindex)
		detach_gate_xdp(ifindex, config.get(), device);
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
	detach_xdp_half(dir, device);
	detach_link(dir + "/" + pin::xdp_link); // an older sgate's XDP link
	detach_link(dir + "/" + pin::tc_link);
	for (const std::string &name : vlan_tc_link_pins(dir))
		detach_link(dir + "/" + name);
	remove_pins(dir);
	rmdir(netns_dir(root).c_str()); // only if this was its last gate

	std::printf("sgate: %s is no longer guarded\n", device.c_str());
}

} // namespace sgate
