// sgate detach: take the programs off the device, then remove the pins.
// Best effort past the first check: a gate whose device is gone, or whose
// pins are incomplete, is still cleaned up.
#include <bpf/bpf.h>
#include <cerrno>
#include <cstdio>
#include <net/if.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "exit_status.h"
#include "gate.h"
#include "gate_pins.h"
#include "hooks.h"
#include "host.h"

namespace sgate {

namespace {

bool exists(const std::string &path)
{
	struct stat st;
	return lstat(path.c_str(), &st) == 0;
}

// What detach_xdp() learned from the pinned link.
struct LinkState {
	bool pinned = false;
	unsigned ifindex = 0; // 0 with pinned: the device is gone
};

LinkState detach_xdp(const std::string &link_pin)
{
	LinkState state;
	UniqueFd link(bpf_obj_get(link_pin.c_str()));
	if (!link)
		return state;
	state.pinned = true;
	state.ifindex = xdp_link_info(link.get()).ifindex;
	if (state.ifindex)
		bpf_link_detach(link.get());
	return state;
}

// Removes sgate's TC filter if it still holds the pinned program, and the
// clsact qdisc if sgate created it.  Finding our own program there is also
// what proves the ifindex still names our device.
void detach_tc(unsigned ifindex, const std::string &dir, const std::string &device)
{
	UniqueFd prog(bpf_obj_get((dir + "/" + pin::tc_prog).c_str()));
	const unsigned ours = prog ? prog_id_of(prog.get()) : 0;
	const unsigned found = tc_ingress_prog_id(ifindex);
	if (!found)
		return;
	if (found != ours) {
		std::fprintf(stderr,
		             "sgate: warning: the TC ingress filter in sgate's slot on %s runs "
		             "program %u, not sgate's; left in place\n",
		             device.c_str(), found);
		return;
	}
	detach_tc_ingress(ifindex);
	if (exists(dir + "/" + pin::clsact_created))
		destroy_clsact(ifindex);
}

void remove_pins(const std::string &dir)
{
	for (const char *name :
	     {pin::xdp_link, pin::tc_prog, pin::config, pin::keys, pin::key_sel, pin::stats}) {
		const std::string path = dir + "/" + name;
		if (unlink(path.c_str()) && errno != ENOENT)
			throw Failure(Exit::failure,
			              "cannot remove " + path + ": " + errno_text(errno));
	}
	rmdir((dir + "/" + pin::clsact_created).c_str());
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

	const LinkState link = detach_xdp(dir + "/" + pin::xdp_link);
	// Without a link pin, the name is the best guess at the device.
	const unsigned ifindex = link.pinned ? link.ifindex : if_nametoindex(device.c_str());
	if (ifindex)
		detach_tc(ifindex, dir, device);
	remove_pins(dir);
	rmdir(netns_dir(root).c_str()); // only if this was its last gate

	std::printf("sgate: %s is no longer guarded\n", device.c_str());
}

} // namespace sgate
