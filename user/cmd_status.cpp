// sgate status: every gate in this network namespace, from its pins and
// from what the kernel reports about the device.  This file gathers; the
// report's text is status_text()'s (output.h).
#include <algorithm>
#include <bpf/bpf.h>
#include <cstdio>
#include <net/if.h>
#include <optional>
#include <string>

#include "commands.h"
#include "exit_status.h"
#include "gate.h"
#include "gate_pins.h"
#include "handoff_path.h"
#include "hooks.h"
#include "host.h"
#include "keys.h"
#include "module.h"
#include "output.h"
#include "stale_pins.h"
#include "unique_fd.h"
#include "xdp_hook.h"

namespace sgate {

namespace {

ModuleView ask_module()
{
	ModuleView view;
	try {
		ModuleClient client;
		view.settings = client.settings();
		view.stats = client.stats();
		view.keys = client.keys();
	} catch (const Failure &f) {
		view.error = f.what();
	}
	return view;
}

RingStatus read_ring(const PinnedGate &gate)
{
	RingStatus out;
	out.slot = gate.key_selector();
	sgate_keyring ring;
	gate.read_keyring(out.slot, ring);
	out.serial = ring.serial;
	for (int i = 0; i < SGATE_KEYRING_MASTERS; i++)
		if (master_in_use(ring.m[i]))
			out.masters.emplace_back(i, ring.m[i].first_epoch);
	wipe(ring);
	return out;
}

// Module mode never writes key bytes into the map: note any that are there.
void find_keys_in_map(const PinnedGate &gate, GateStatus &status)
{
	for (__u32 slot = 0; slot < SGATE_KEYRING_SLOTS; slot++) {
		sgate_keyring ring;
		gate.read_keyring(slot, ring);
		bool in_use = false;
		for (const auto &m : ring.m)
			in_use = in_use || master_in_use(m);
		wipe(ring);
		if (in_use)
			status.keys_in_map.push_back(slot);
	}
	status.keys_map_checked = true;
}

LinkStatus link_status(int link_fd)
{
	LinkStatus status;
	if (link_fd < 0)
		return status;
	const LinkInfo info = link_info(link_fd);
	status.pinned = true;
	status.link_id = info.link_id;
	status.prog_id = info.prog_id;
	status.ifindex = info.ifindex;
	return status;
}

// The gate's TC links on VLAN devices, and VLAN devices above it without one.
std::vector<VlanHook> vlan_hooks(const std::string &root, const std::string &device)
{
	std::vector<VlanHook> hooks;
	const std::string dir = gate_dir(root, device);
	for (const std::string &name : vlan_tc_link_pins(dir)) {
		UniqueFd link(bpf_obj_get((dir + "/" + name).c_str()));
		VlanHook hook;
		hook.link = link_status(link.get());
		hook.ifindex = hook.link.ifindex;
		char ifname[IF_NAMESIZE] = "";
		if (hook.ifindex && if_indextoname(hook.ifindex, ifname))
			hook.device = ifname;
		hooks.push_back(hook);
	}
	for (const std::string &vlan : vlan_devices_above(device)) {
		const bool covered =
		        std::any_of(hooks.begin(), hooks.end(),
		                    [&](const VlanHook &h) { return h.device == vlan; });
		if (!covered)
			hooks.push_back(VlanHook{vlan, if_nametoindex(vlan.c_str()), {}});
	}
	return hooks;
}

// Reads as much as it can: a failure ends the gate's report with its cause.
// @module is sgate.ko's view, asked for at the first module-mode gate.
GateStatus gate_status(const std::string &root, const std::string &device,
                       std::optional<ModuleView> &module)
{
	GateStatus status;
	status.device = device;
	try {
		PinnedGate gate(root, device);
		const sgate_config cfg = gate.config();
		status.tc = link_status(gate.tc_link_fd());
		status.vlan_tc = vlan_hooks(root, device);
		// The TC link names no device: it is gone, unless one of that
		// name is still here and the link was detached from it.
		status.ifindex = gate.device_index();
		if (status.ifindex) {
			char name[IF_NAMESIZE] = "?";
			if_indextoname(status.ifindex, name);
			status.ifname = name;
			status.xdp = find_gate_xdp(status.ifindex, gate.config_fd());
		}
		if (status.xdp.prog_id) {
			const std::string driver = device_driver(status.ifname);
			HandoffPath path = status.xdp.slot_program
			                           ? HandoffPath::slot
			                           : observed_handoff_path(gate.counters());
			if (path == HandoffPath::unknown)
				path = expected_handoff_path(driver, status.xdp.mode == "generic",
				                             false);
			status.handoff = handoff_path_text(path, driver);
		}
		status.config = cfg;
		status.key_mode = gate.key_mode();
		if (*status.key_mode == KeyMode::module) {
			if (!module)
				module = ask_module();
			status.module = *module;
			find_keys_in_map(gate, status);
			status.now_ns = coarse_monotonic_ns();
		} else {
			const RingStatus ring = read_ring(gate);
			status.now_ns = coarse_monotonic_ns();
			status.ring = ring;
		}
	} catch (const Failure &f) {
		status.damaged = f.what();
	}
	return status;
}

} // namespace

void run_status(const Invocation &inv)
{
	require_root();
	StatusReport report;
	report.pin_root = pin_root(inv.pin_root);
	{
		UniqueFd lock = lock_pin_root(report.pin_root);
		note_stale_removed(remove_stale_namespaces(report.pin_root));
	}
	const auto devices = gate_devices(report.pin_root);
	report.netns_cookie = netns_cookie();
	std::optional<ModuleView> module;
	bool broken = false;
	for (const auto &device : devices) {
		report.gates.push_back(gate_status(report.pin_root, device, module));
		broken = broken || gate_broken(report.gates.back());
	}
	std::fputs((inv.json ? status_json(report) : status_text(report)).c_str(), stdout);
	if (broken)
		throw Failure(Exit::gate_broken,
		              "a gate above does not work as attached: see its report");
}

} // namespace sgate
