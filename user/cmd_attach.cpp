// sgate attach: check, load, configure, attach, pin -- or undo it all.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cerrno>
#include <cstdio>
#include <functional>
#include <linux/if_link.h>
#include <memory>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>
#include <vector>

// The skeleton compiles as C++ with g++ 12 as it is (bpftool 7.1 emits C++
// helpers under __cplusplus), so no C wrapper is needed.
#include "sgate.skel.h"

#include "commands.h"
#include "exit_status.h"
#include "gate_config.h"
#include "gate_pins.h"
#include "handoff_path.h"
#include "hooks.h"
#include "host.h"
#include "keys.h"
#include "module.h"
#include "stale_pins.h"
#include "xdp_hook.h"

namespace sgate {

namespace {

// Undo steps for a multi-step change: run newest first unless commit() says
// the change is complete, so a failed attach leaves nothing half-applied.
class Rollback {
public:
	Rollback() = default;
	Rollback(const Rollback &) = delete;
	Rollback &operator=(const Rollback &) = delete;
	~Rollback()
	{
		for (auto step = steps_.rbegin(); step != steps_.rend(); ++step) {
			try {
				(*step)();
			} catch (...) {
				// Best effort: undo the remaining steps anyway.
			}
		}
	}

	void add(std::function<void()> undo) { steps_.push_back(std::move(undo)); }
	void commit() { steps_.clear(); }

private:
	std::vector<std::function<void()>> steps_;
};

// The choice of key mode and epoch length, made before anything changes:
// map mode unless sgate.ko is loaded, and in module mode the module's epoch
// length unless --key-period asks for another.
struct KeyPlan {
	KeyMode mode = KeyMode::map;
	unsigned epoch_seconds = SGATE_DEFAULT_EPOCH_SECONDS; // for config.epoch_ns
	// Module mode, --key-period differing from the module's: its old length.
	// attach sets the new one last, as it renumbers the namespace's epochs.
	std::optional<unsigned> module_epoch_was;
	std::unique_ptr<ModuleClient> module; // module mode only
};

// Exit::kernel_unsupported if sgate.ko has no BTF, Exit::no_module if it
// does not answer on netlink.
KeyPlan plan_keys(const Invocation &inv)
{
	KeyPlan plan;
	plan.mode = select_key_mode();
	if (plan.mode == KeyMode::map) {
		plan.epoch_seconds = inv.key_period.value_or(SGATE_DEFAULT_EPOCH_SECONDS);
		return plan;
	}
	require_module_btf();
	plan.module = std::make_unique<ModuleClient>();
	// The module numbers the epochs its kfuncs sign; config.epoch_ns only
	// repeats its length, so that status tells the truth.
	const unsigned current = plan.module->settings().epoch_seconds;
	plan.epoch_seconds = inv.key_period.value_or(current);
	if (plan.epoch_seconds != current)
		plan.module_epoch_was = current;
	return plan;
}

struct SkeletonDeleter {
	void operator()(sgate_bpf *skel) const { sgate_bpf__destroy(skel); }
};
using Skeleton = std::unique_ptr<sgate_bpf, SkeletonDeleter>;

// Every XDP program of the object: bpf/sgate.bpf.c says which runs where.
std::vector<bpf_program *> xdp_programs(const sgate_bpf &skel)
{
	return {skel.progs.sgate_xdp, skel.progs.sgate_xdp_skb, skel.progs.sgate_xdp_slot};
}

// The TC half and every map.  The XDP program is loaded later, by libxdp,
// into the device's XDP hook (open_xdp_half()).
Skeleton load_programs(KeyMode mode)
{
	Skeleton skel(sgate_bpf__open());
	if (!skel)
		throw Failure(Exit::failure,
		              "cannot open sgate's BPF object: " + errno_text(errno));
	for (bpf_program *xdp : xdp_programs(*skel))
		bpf_program__set_autoload(xdp, false);
	// Before load: the verifier then drops the calls of the mode not taken,
	// so the weak kfuncs need the module only where it is used.
	skel->rodata->sgate_module_mode = mode == KeyMode::module;
	// Keys the hash of the gate's recently-seen 4-tuples (bpf/recent.h).
	sgate_siphash_key seed;
	random_key(seed);
	skel->rodata->sgate_recent_seed = static_cast<__u32>(seed.k[0]);
	wipe(seed);
	int err = sgate_bpf__load(skel.get());
	if (err)
		throw Failure(
		        Exit::failure,
		        "the kernel refused sgate's BPF programs: " + errno_text(err) +
		                " (libbpf's messages above say why; SGATE_DEBUG=1 shows more)" +
		                (mode == KeyMode::module ? "; in module key mode, sgate.ko must "
		                                           "come from this sgate's sources"
		                                         : ""));
	return skel;
}

// The XDP program @prog_name, for libxdp to load: a second copy of the
// object whose maps, .rodata included, are @loaded's, so that both halves
// share every map and the loader's switches.
Skeleton open_xdp_half(const sgate_bpf &loaded, const char *prog_name)
{
	Skeleton skel(sgate_bpf__open());
	if (!skel)
		throw Failure(Exit::failure,
		              "cannot open sgate's BPF object: " + errno_text(errno));
	bpf_program__set_autoload(skel->progs.sgate_tc, false);
	for (bpf_program *xdp : xdp_programs(*skel))
		bpf_program__set_autoload(xdp, std::string(bpf_program__name(xdp)) == prog_name);
	bpf_map *map;
	bpf_object__for_each_map(map, skel->obj)
	{
		const bpf_map *twin = bpf_object__find_map_by_name(loaded.obj, bpf_map__name(map));
		if (!twin || bpf_map__reuse_fd(map, bpf_map__fd(twin)))
			throw Failure(Exit::failure, std::string("cannot share the map ") +
			                                     bpf_map__name(map) +
			                                     " with the XDP program: " +
			                                     errno_text(twin ? errno : ENOENT));
	}
	return skel;
}

// The mode attach tries first: auto joins the mode of the programs already
// in the hook, else tries native.
XdpMode first_xdp_mode(XdpMode asked, unsigned ifindex)
{
	if (asked != XdpMode::automatic)
		return asked;
	return xdp_hook_mode(ifindex).value_or(XdpMode::native);
}

// Puts the XDP half into @device's hook and returns the mode it took.  The
// full program first (its frame sized to each reply, its verdicts handed to
// TC in metadata); where the kernel refuses it in a slot of the libxdp
// dispatcher on the hook, the slot program, which changes neither
// (bpf/sgate.bpf.c).  With XdpHook::alone, the full program alone.  Auto
// falls back to generic only where the driver has no native XDP, so any
// other refusal of native mode is reported.
XdpMode attach_xdp_half(const sgate_bpf &skel, unsigned ifindex, const std::string &device,
                        XdpMode asked, XdpHook hook)
{
	const bool alone = hook == XdpHook::alone;
	XdpMode mode = first_xdp_mode(asked, ifindex);
	for (;;) {
		const bool native = mode == XdpMode::native;
		const char *full = native ? "sgate_xdp" : "sgate_xdp_skb";
		Skeleton half = open_xdp_half(skel, full);
		XdpAttach result = attach_gate_xdp(half->obj, full, ifindex, native, alone, device);
		if (result == XdpAttach::refused_by_dispatcher) {
			half = open_xdp_half(skel, "sgate_xdp_slot");
			result = attach_gate_xdp(half->obj, "sgate_xdp_slot", ifindex, native,
			                         false, device);
		}
		if (result == XdpAttach::attached)
			return mode;
		if (result == XdpAttach::no_native_xdp && asked == XdpMode::automatic && native) {
			mode = XdpMode::generic;
			continue;
		}
		throw_xdp_refusal(result, device, native);
	}
}

void update_map(const bpf_map *map, __u32 key, const void *value, const char *what)
{
	if (bpf_map_update_elem(bpf_map__fd(map), &key, value, BPF_ANY))
		throw Failure(Exit::failure,
		              std::string("cannot write the ") + what + ": " + errno_text(errno));
}

void make_directory(const std::string &path, Rollback &rollback)
{
	if (mkdir(path.c_str(), 0700))
		throw Failure(Exit::failure, "cannot create " + path + ": " + errno_text(errno));
	rollback.add([path] { rmdir(path.c_str()); });
}

void pin_object(int fd, const std::string &dir, const char *name, Rollback &rollback)
{
	const std::string path = dir + "/" + name;
	if (bpf_obj_pin(fd, path.c_str()))
		throw Failure(Exit::failure, "cannot pin " + path + ": " + errno_text(errno));
	rollback.add([path] { unlink(path.c_str()); });
}

sgate_config gate_config_for(const Invocation &inv, const std::string &device,
                             unsigned epoch_seconds)
{
	GateParams params;
	params.ports = inv.ports;
	params.dtls_ports = inv.dtls_ports;
	params.mtu = device_mtu(device);
	params.mac = device_mac(device);
	params.mss_cap = inv.mss;
	params.key_period_seconds = epoch_seconds;
	params.host = read_host_tcp_settings();
	return make_gate_config(params);
}

void install_first_keyring(const sgate_bpf &skel)
{
	sgate_siphash_key key;
	sgate_keyring ring;
	const __u32 live_slot = 0, idle_slot = 1;
	const sgate_keyring idle = empty_keyring();

	random_key(key);
	initial_keyring(key, ring);
	wipe(key);
	try {
		update_map(skel.maps.sgate_keys, live_slot, &ring, "keyring");
	} catch (...) {
		wipe(ring);
		throw;
	}
	wipe(ring);
	update_map(skel.maps.sgate_keys, idle_slot, &idle, "idle keyring");
	update_map(skel.maps.sgate_key_sel, 0, &live_slot, "key selector");
}

// Module mode: no key in any map, ever.  Both slots hold the empty ring, which
// names no key for any epoch, so even a stray map-mode read finds nothing.
void install_empty_keyrings(const sgate_bpf &skel)
{
	const __u32 live_slot = 0, idle_slot = 1;
	const sgate_keyring empty = empty_keyring();
	update_map(skel.maps.sgate_keys, live_slot, &empty, "keyring");
	update_map(skel.maps.sgate_keys, idle_slot, &empty, "idle keyring");
	update_map(skel.maps.sgate_key_sel, 0, &live_slot, "key selector");
}

// The TC half also on every VLAN device above @device: the stack strips one
// tag per device a frame crosses, and the hand-off needs the IP header, so a
// QinQ frame is handed off at the VLAN device where its last tag comes off.
// The links are pinned like the device's own; VLAN devices made later are
// not covered (status names them).
std::vector<std::string> attach_vlan_tc(const sgate_bpf &skel, const std::string &device,
                                        const std::string &dir, std::vector<UniqueFd> &links,
                                        Rollback &rollback)
{
	const std::vector<std::string> vlans = vlan_devices_above(device);
	for (const std::string &vlan : vlans) {
		const unsigned ifindex = device_index(vlan);
		links.push_back(
		        attach_tcx_ingress(bpf_program__fd(skel.progs.sgate_tc), ifindex, vlan));
		rollback.add([fd = links.back().get()] { bpf_link_detach(fd); });
		pin_object(links.back().get(), dir, vlan_tc_link_pin(ifindex).c_str(), rollback);
	}
	return vlans;
}

// Where the XDP half went: a slot of libxdp's dispatcher, or, where the
// kernel cannot run the dispatcher, the hook alone.
void report_xdp_place(const XdpHookStatus &xdp, const std::string &device, XdpHook asked)
{
	if (!xdp.dispatcher) {
		if (asked == XdpHook::alone)
			std::printf(
			        "sgate: XDP program %s holds the XDP hook of %s alone, as asked "
			        "(--xdp-hook alone): no other XDP program can run beside it\n",
			        xdp.name.c_str(), device.c_str());
		else
			std::printf(
			        "sgate: note: this kernel cannot run libxdp's dispatcher (it "
			        "refuses freplace programs: too old, or kernel lockdown), so the "
			        "gate holds the XDP hook of %s alone: no other XDP program can run "
			        "beside it\n",
			        device.c_str());
		return;
	}
	std::printf("sgate: XDP program %s in libxdp's dispatcher on %s at run priority %u",
	            xdp.name.c_str(), device.c_str(), xdp.run_prio);
	for (const auto &[label, programs] :
	     {std::pair{"after", &xdp.before}, std::pair{"before", &xdp.after}})
		for (std::size_t i = 0; i < programs->size(); i++)
			std::printf("%s%s (prog id %u, run priority %u)",
			            i ? ", " : (std::string("; ") + label + " ").c_str(),
			            (*programs)[i].name.c_str(), (*programs)[i].prog_id,
			            (*programs)[i].run_prio);
	std::printf("\n");
	if (xdp.slot_program)
		std::printf("sgate: note: this kernel refuses the gate's full program in the slots "
		            "of this libxdp's dispatcher (Linux >= 6.13 or 6.12 stable, libxdp < "
		            "1.5.5), so it runs sgate_xdp_slot: TC verifies each cookie again, and "
		            "replies are padded to the request's length; --xdp-hook alone runs the "
		            "full program, without neighbours\n");
}

} // namespace

void run_attach(const Invocation &inv)
{
	const std::string &device = *inv.device;

	require_root();
	const unsigned ifindex = device_index(device);
	require_kernel_support();
	KeyPlan plan = plan_keys(inv);
	require_syncookies();

	const std::string root = pin_root(inv.pin_root);
	prepare_pin_root(root);
	UniqueFd lock = lock_pin_root(root);
	note_stale_removed(remove_stale_namespaces(root));
	// Once more under the lock: until this attach pins a gate there, the
	// namespace's directory is empty, and an attach or status run in
	// another namespace may have removed it as stale before the lock.
	prepare_pin_root(root);
	UniqueFd tc_link; // declared before the rollback, which uses it
	std::vector<UniqueFd> vlan_tc_links;
	Rollback rollback;
	const std::string ns_dir = netns_dir(root);
	rollback.add([ns_dir] { rmdir(ns_dir.c_str()); }); // only if left empty
	const std::string dir = gate_dir(root, device);
	if (gate_exists(root, device))
		throw Failure(Exit::already_attached,
		              device + " is already guarded by sgate (pins in " + dir +
		                      "); to change its settings run 'sgate detach " + device +
		                      "' first");
	if (inv.xdp_hook == XdpHook::alone)
		require_empty_xdp_hook(ifindex, device);
	else
		require_shareable_xdp_hook(
		        ifindex, device, first_xdp_mode(inv.xdp_mode, ifindex) == XdpMode::native);

	Skeleton skel = load_programs(plan.mode);
	const sgate_config config = gate_config_for(inv, device, plan.epoch_seconds);
	update_map(skel->maps.sgate_config, 0, &config, "gate config");
	if (plan.mode == KeyMode::module)
		install_empty_keyrings(*skel);
	else
		install_first_keyring(*skel);

	// The order makes an attach killed at any step (SIGKILL runs no
	// rollback) harmless and cleanable: TC first, which without XDP in front
	// of it is a pass; XDP last, so the gate never answers SYNs without the
	// TC program that completes its handshakes.  Each TC link is pinned as
	// soon as it exists, so 'sgate detach' finds and removes it; killed
	// before its pin, a link dies with its only fd.
	make_directory(dir, rollback);
	tc_link = attach_tcx_ingress(bpf_program__fd(skel->progs.sgate_tc), ifindex, device);
	rollback.add([fd = tc_link.get()] { bpf_link_detach(fd); });
	pin_object(tc_link.get(), dir, pin::tc_link, rollback);
	const std::vector<std::string> vlans =
	        attach_vlan_tc(*skel, device, dir, vlan_tc_links, rollback);

	pin_object(bpf_map__fd(skel->maps.sgate_config), dir, pin::config, rollback);
	pin_object(bpf_map__fd(skel->maps.sgate_keys), dir, pin::keys, rollback);
	pin_object(bpf_map__fd(skel->maps.sgate_key_sel), dir, pin::key_sel, rollback);
	pin_object(bpf_map__fd(skel->maps.sgate_stats), dir, pin::stats, rollback);

	// libxdp pins the XDP half with the dispatcher before it attaches that.
	// detach finds the gate's program by the config map pinned above, in
	// the hook or in the pins of a dispatcher a kill left unattached.
	const XdpMode xdp_mode =
	        attach_xdp_half(*skel, ifindex, device, inv.xdp_mode, inv.xdp_hook);
	rollback.add([ifindex, fd = bpf_map__fd(skel->maps.sgate_config), device] {
		detach_gate_xdp(ifindex, fd, device);
	});
	// Last, as it cannot be undone without renumbering the epochs once more.
	if (plan.module_epoch_was)
		plan.module->set_epoch_seconds(plan.epoch_seconds);
	rollback.commit();

	const XdpHookStatus xdp = find_gate_xdp(ifindex, bpf_map__fd(skel->maps.sgate_config));
	std::printf(
	        "sgate: guarding %s (ifindex %u): TCP ports %s, XDP %s%s, MSS %u/%u (IPv4/IPv6), "
	        "key period %u s, key mode %s\n",
	        device.c_str(), ifindex, format_port_list(inv.ports).c_str(),
	        xdp_mode_name(xdp_mode), inv.xdp_mode == XdpMode::automatic ? " (auto)" : "",
	        config.mss_v4, config.mss_v6, plan.epoch_seconds, key_mode_text(plan.mode));
	report_xdp_place(xdp, device, inv.xdp_hook);
	if (config.dtls_enabled)
		std::printf("sgate: DTLS ports %s: ClientHellos without a valid cookie get a "
		            "HelloVerifyRequest at XDP\n",
		            format_port_list(inv.dtls_ports).c_str());
	std::printf("sgate: hand-off on %s: %s\n", device.c_str(),
	            handoff_path_text(expected_handoff_path(device_driver(device),
	                                                    xdp_mode == XdpMode::generic,
	                                                    xdp.slot_program),
	                              device_driver(device))
	                    .c_str());
	if (!vlans.empty()) {
		std::string names;
		for (const std::string &vlan : vlans)
			names += (names.empty() ? "" : ", ") + vlan;
		std::printf("sgate: the hand-off also runs on the VLAN devices above %s: %s\n",
		            device.c_str(), names.c_str());
	}
	if (plan.module_epoch_was)
		std::printf(
		        "sgate: sgate.ko's epoch length is now %u s (was %u s): the epochs of this "
		        "whole network namespace were renumbered, so handshakes in flight at that "
		        "moment must start again\n",
		        plan.epoch_seconds, *plan.module_epoch_was);
}

} // namespace sgate
