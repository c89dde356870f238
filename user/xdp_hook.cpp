#include "xdp_hook.h"

#include <algorithm>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <memory>
#include <sys/file.h>
#include <unistd.h>
#include <vector>
#include <xdp/libxdp.h>

#include "exit_status.h"
#include "libbpf_quiet.h"
#include "unique_fd.h"

namespace sgate {

namespace {

struct MultiprogCloser {
	void operator()(xdp_multiprog *mp) const { xdp_multiprog__close(mp); }
};
using Multiprog = std::unique_ptr<xdp_multiprog, MultiprogCloser>;

struct ProgramCloser {
	void operator()(xdp_program *prog) const { xdp_program__close(prog); }
};
using Program = std::unique_ptr<xdp_program, ProgramCloser>;

// libxdp's view of the hook; empty where nothing is attached or libxdp
// cannot read it.
Multiprog multiprog_of(unsigned ifindex)
{
	xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(static_cast<int>(ifindex));
	if (libxdp_get_error(mp))
		return nullptr;
	return Multiprog(mp);
}

// Where libxdp pins its dispatchers: $LIBXDP_BPFFS (the bpf filesystem it
// uses, /sys/fs/bpf unless set), then /xdp.
std::string libxdp_pin_dir()
{
	const char *bpffs = std::getenv("LIBXDP_BPFFS");
	return std::string(bpffs && *bpffs ? bpffs : "/sys/fs/bpf") + "/xdp";
}

unsigned map_id(int map_fd)
{
	bpf_map_info info{};
	__u32 len = sizeof info;
	if (bpf_obj_get_info_by_fd(map_fd, &info, &len))
		throw Failure(Exit::failure,
		              "cannot inspect the gate's config map: " + errno_text(errno));
	return info.id;
}

bool uses_map(int prog_fd, unsigned map_id)
{
	__u32 ids[64];
	bpf_prog_info info{};
	info.nr_map_ids = sizeof ids / sizeof ids[0];
	info.map_ids = reinterpret_cast<std::uintptr_t>(ids);
	__u32 len = sizeof info;
	if (prog_fd < 0 || bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return false;
	for (__u32 i = 0; i < info.nr_map_ids && i < sizeof ids / sizeof ids[0]; i++)
		if (ids[i] == map_id)
			return true;
	return false;
}

// Whether a live freplace link puts the program @prog_id into a slot of
// the dispatcher @dispatcher_id.  libxdp's pins name the programs a
// dispatcher was made with; only the links say which still run in it.
bool runs_in(unsigned dispatcher_id, unsigned prog_id)
{
	for (__u32 id = 0; !bpf_link_get_next_id(id, &id);) {
		UniqueFd link(bpf_link_get_fd_by_id(id));
		bpf_link_info info{};
		__u32 len = sizeof info;
		if (!link || bpf_obj_get_info_by_fd(link.get(), &info, &len))
			continue;
		if (info.type == BPF_LINK_TYPE_TRACING && info.prog_id == prog_id &&
		    info.tracing.target_obj_id == dispatcher_id)
			return true;
	}
	return false;
}

std::string prog_name(unsigned id)
{
	UniqueFd fd(bpf_prog_get_fd_by_id(id));
	bpf_prog_info info{};
	__u32 len = sizeof info;
	if (!fd || bpf_obj_get_info_by_fd(fd.get(), &info, &len))
		return "?";
	return info.name[0] ? info.name : "(no name)";
}

void name_gate_program(XdpHookStatus &x)
{
	if (!x.prog_id)
		return;
	x.name = prog_name(x.prog_id);
	x.slot_program = x.name == "sgate_xdp_slot";
}

// The gate's program as libxdp lists it in @mp, running or not.
xdp_program *gate_program(xdp_multiprog *mp, unsigned config_map_id)
{
	if (xdp_multiprog__is_legacy(mp)) {
		xdp_program *main = xdp_multiprog__main_prog(mp);
		return main && uses_map(xdp_program__fd(main), config_map_id) ? main : nullptr;
	}
	for (xdp_program *p = xdp_multiprog__next_prog(nullptr, mp); p;
	     p = xdp_multiprog__next_prog(p, mp))
		if (uses_map(xdp_program__fd(p), config_map_id))
			return p;
	return nullptr;
}

bool holds_gate_program(const std::string &dir, unsigned config_map_id)
{
	DIR *d = opendir(dir.c_str());
	bool found = false;
	if (!d)
		return false;
	while (const dirent *entry = readdir(d)) {
		const std::string name = entry->d_name;
		const std::string suffix = "-prog";
		if (name.size() <= suffix.size() ||
		    name.compare(name.size() - suffix.size(), suffix.size(), suffix))
			continue;
		UniqueFd prog(bpf_obj_get((dir + "/" + name).c_str()));
		found = found || uses_map(prog.get(), config_map_id);
	}
	closedir(d);
	return found;
}

void remove_pin_dir(const std::string &dir)
{
	DIR *d = opendir(dir.c_str());
	if (!d)
		return;
	std::vector<std::string> names;
	while (const dirent *entry = readdir(d))
		if (entry->d_type != DT_DIR)
			names.push_back(entry->d_name);
	closedir(d);
	for (const std::string &name : names)
		unlink((dir + "/" + name).c_str());
	rmdir(dir.c_str());
}

// Removes libxdp's pin directories of the dispatchers of @ifindex (0: of
// any device) that hold the gate's program, but for those named by @keep.
// libxdp's directory is shared by every network namespace, where ifindexes
// repeat, so libxdp_clean_references() could remove another namespace's:
// only the gate's own program marks a directory as the gate's to remove.
void remove_dispatcher_pins(unsigned config_map_id, unsigned ifindex,
                            const std::vector<unsigned> &keep)
{
	const std::string top = libxdp_pin_dir();
	UniqueFd lock(open(top.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	if (!lock || flock(lock.get(), LOCK_EX)) // libxdp's own lock
		return;
	DIR *d = opendir(top.c_str());
	if (!d)
		return;
	std::vector<std::string> stale;
	while (const dirent *entry = readdir(d)) {
		unsigned dir_ifindex = 0, dispatcher_id = 0;
		if (std::sscanf(entry->d_name, "dispatch-%u-%u", &dir_ifindex, &dispatcher_id) !=
		            2 ||
		    (ifindex && dir_ifindex != ifindex) ||
		    std::find(keep.begin(), keep.end(), dispatcher_id) != keep.end())
			continue;
		const std::string dir = top + "/" + entry->d_name;
		if (holds_gate_program(dir, config_map_id))
			stale.push_back(dir);
	}
	closedir(d);
	for (const std::string &dir : stale)
		remove_pin_dir(dir);
}

// libxdp pins a new dispatcher before it attaches it, and unpins the old
// one after: an attach killed in between leaves a pinned dispatcher that
// runs nowhere.
void remove_stale_dispatchers(unsigned ifindex, unsigned config_map_id)
{
	bpf_xdp_query_opts query{};
	query.sz = sizeof query;
	if (bpf_xdp_query(static_cast<int>(ifindex), 0, &query))
		return;
	remove_dispatcher_pins(config_map_id, ifindex, {query.drv_prog_id, query.skb_prog_id});
}

// What the kernel says is in @device's XDP hook, one program id per mode.
bpf_xdp_query_opts query_xdp_hook(unsigned ifindex, const std::string &device)
{
	bpf_xdp_query_opts query{};
	query.sz = sizeof query;
	const int err = bpf_xdp_query(static_cast<int>(ifindex), 0, &query);
	if (err)
		throw Failure(Exit::failure,
		              "cannot query XDP programs on " + device + ": " + errno_text(err));
	return query;
}

} // namespace

void require_shareable_xdp_hook(unsigned ifindex, const std::string &device, bool native)
{
	const bpf_xdp_query_opts query = query_xdp_hook(ifindex, device);
	const char *mode = native ? "native" : "generic";
	const char *other_mode = native ? "generic" : "native";
	const unsigned same = native ? query.drv_prog_id : query.skb_prog_id;
	const unsigned other = native ? query.skb_prog_id : query.drv_prog_id;
	const std::string show =
	        "see 'xdp-loader status " + device + "' and 'bpftool net show dev " + device + "'";
	if (query.hw_prog_id)
		throw Failure(Exit::xdp_busy,
		              "an XDP program is offloaded to the NIC of " + device + ": id " +
		                      std::to_string(query.hw_prog_id) + " (" +
		                      prog_name(query.hw_prog_id) +
		                      "); libxdp's dispatcher cannot run beside it: remove it "
		                      "with 'ip link set dev " +
		                      device + " xdpoffload off' (" + show + ")");
	if (other)
		throw Failure(Exit::xdp_busy,
		              "an XDP program runs on " + device + " in " + other_mode +
		                      " mode: id " + std::to_string(other) + " (" +
		                      prog_name(other) + "), and the gate was asked for " + mode +
		                      "; programs share a hook only in one mode: attach sgate with "
		                      "--xdp-mode " +
		                      other_mode + " to run beside it, or remove it (" + show +
		                      ")");
	if (!same)
		return;
	const Multiprog mp = multiprog_of(ifindex);
	if (mp && !xdp_multiprog__is_legacy(mp.get()))
		return; // libxdp's dispatcher: the gate takes a slot in it
	throw Failure(Exit::xdp_busy,
	              "another XDP program is attached to " + device + ": id " +
	                      std::to_string(same) + " (" + prog_name(same) + "), " + mode +
	                      ", alone, not through libxdp's dispatcher, so it cannot share the "
	                      "hook: load it through libxdp instead ('xdp-loader load " +
	                      device +
	                      " FILE', or libxdp's xdp_program__attach()), and sgate "
	                      "runs beside it; or remove it with 'ip link set dev " +
	                      device + (native ? " xdpdrv off'" : " xdpgeneric off'") +
	                      ", or, if a bpf_link holds it, by stopping its owner or "
	                      "removing its pin (" +
	                      show + " and 'bpftool link')");
}

std::optional<XdpMode> xdp_hook_mode(unsigned ifindex)
{
	bpf_xdp_query_opts query{};
	query.sz = sizeof query;
	if (bpf_xdp_query(static_cast<int>(ifindex), 0, &query))
		return std::nullopt;
	if (query.drv_prog_id)
		return XdpMode::native;
	if (query.skb_prog_id)
		return XdpMode::generic;
	return std::nullopt;
}

void require_empty_xdp_hook(unsigned ifindex, const std::string &device)
{
	const bpf_xdp_query_opts query = query_xdp_hook(ifindex, device);
	const unsigned id = query.drv_prog_id
	                            ? query.drv_prog_id
	                            : (query.skb_prog_id ? query.skb_prog_id : query.hw_prog_id);
	if (!id)
		return;
	const Multiprog mp = multiprog_of(ifindex);
	const bool dispatcher = mp && !xdp_multiprog__is_legacy(mp.get());
	throw Failure(Exit::xdp_busy,
	              "--xdp-hook alone needs an empty XDP hook, and " + device + "'s holds " +
	                      (dispatcher ? "libxdp's dispatcher" : "a program") + ": id " +
	                      std::to_string(id) + " (" + prog_name(id) + "); " +
	                      (dispatcher ? "attach with --xdp-hook shared to run beside its "
	                                    "programs, or unload them ('xdp-loader unload " +
	                                            device + " --all')"
	                                  : "remove it first") +
	                      " (see 'xdp-loader status " + device +
	                      "' and 'bpftool net show dev " + device + "')");
}

XdpAttach attach_gate_xdp(bpf_object *obj, const char *prog_name, unsigned ifindex, bool native,
                          bool alone, const std::string &device)
{
	xdp_program_opts opts{};
	opts.sz = sizeof opts;
	opts.obj = obj;
	opts.prog_name = prog_name;
	Program prog(xdp_program__create(&opts));
	if (!prog)
		throw Failure(Exit::failure,
		              "libxdp cannot take sgate's XDP program: " + errno_text(errno));
	xdp_program__set_run_prio(prog.get(), kXdpRunPriority);
	// The gate's own verdicts are final; what it passes, the next may judge.
	for (const xdp_action action : {XDP_ABORTED, XDP_DROP, XDP_PASS, XDP_TX, XDP_REDIRECT})
		xdp_program__set_chain_call_enabled(prog.get(), action, action == XDP_PASS);

	int err;
	{
		// libxdp first loads probes to learn whether the kernel runs its
		// dispatcher; their failures are warnings only if the attach fails.
		HeldWarnings warnings;
		if (alone)
			setenv("LIBXDP_SKIP_DISPATCHER", "1", 1);
		err = -xdp_program__attach(prog.get(), static_cast<int>(ifindex),
		                           native ? XDP_MODE_NATIVE : XDP_MODE_SKB, 0);
		if (alone)
			unsetenv("LIBXDP_SKIP_DISPATCHER");
		if (err == EINVAL && warnings.text().find("Extension program") != std::string::npos)
			return XdpAttach::refused_by_dispatcher;
		if (err == EOPNOTSUPP && native)
			return XdpAttach::no_native_xdp;
		if (err)
			warnings.print();
	}
	switch (err) {
	case 0:
		return XdpAttach::attached;
	case EBUSY:
	case EEXIST:
		throw Failure(Exit::xdp_busy,
		              "libxdp cannot add the gate to the XDP hook of " + device +
		                      ": another program was attached meanwhile, or the hook "
		                      "holds one libxdp cannot replace (a dispatcher of an older "
		                      "libxdp, or one a bpf_link holds): see 'xdp-loader status " +
		                      device + "' and 'bpftool net show dev " + device + "'");
	case E2BIG:
		throw Failure(Exit::xdp_busy,
		              "the XDP dispatcher on " + device +
		                      " is full (libxdp runs 10 programs at most): unload one "
		                      "with 'xdp-loader unload " +
		                      device + " --id ID' (see 'xdp-loader status " + device +
		                      "')");
	}
	throw Failure(Exit::failure,
	              std::string("cannot attach the XDP program to ") + device + " in " +
	                      (native ? "native" : "generic") +
	                      " mode through libxdp: " + errno_text(err) +
	                      " (libbpf's and libxdp's messages above say why; SGATE_DEBUG=1 "
	                      "shows more)" +
	                      (native ? "; try --xdp-mode generic" : ""));
}

void throw_xdp_refusal(XdpAttach result, const std::string &device, bool native)
{
	if (result == XdpAttach::no_native_xdp)
		throw Failure(Exit::failure, "the driver of " + device +
		                                     " has no native XDP: use --xdp-mode generic "
		                                     "(or auto)");
	throw Failure(Exit::xdp_busy,
	              "libxdp's dispatcher on " + device + " (" + (native ? "native" : "generic") +
	                      " mode) refused even the gate's slot program, which changes "
	                      "no packet data: see the verifier's messages with SGATE_DEBUG=1, "
	                      "and 'xdp-loader status " +
	                      device + "'; unloading the other programs ('xdp-loader unload " +
	                      device + " --all') lets the gate hold the hook alone");
}

XdpHookStatus find_gate_xdp(unsigned ifindex, int config_map_fd)
{
	const unsigned config_map_id = map_id(config_map_fd);
	XdpHookStatus out;
	const Multiprog mp = multiprog_of(ifindex);
	xdp_program *main = mp ? xdp_multiprog__main_prog(mp.get()) : nullptr;
	if (!main)
		return out;
	out.mode = xdp_multiprog__attach_mode(mp.get()) == XDP_MODE_SKB ? "generic" : "native";
	if (xdp_multiprog__is_legacy(mp.get())) {
		if (uses_map(xdp_program__fd(main), config_map_id))
			out.prog_id = xdp_program__id(main);
		name_gate_program(out);
		return out;
	}
	const unsigned dispatcher_id = xdp_program__id(main);
	for (xdp_program *p = xdp_multiprog__next_prog(nullptr, mp.get()); p;
	     p = xdp_multiprog__next_prog(p, mp.get())) {
		const XdpNeighbour program{xdp_program__id(p), xdp_program__name(p),
		                           xdp_program__run_prio(p)};
		if (uses_map(xdp_program__fd(p), config_map_id)) {
			if (!out.prog_id && runs_in(dispatcher_id, program.prog_id)) {
				out.prog_id = program.prog_id;
				out.run_prio = program.run_prio;
				out.dispatcher = true;
			}
			continue;
		}
		(out.prog_id ? out.after : out.before).push_back(program);
	}
	if (!out.prog_id)
		out = XdpHookStatus{};
	name_gate_program(out);
	return out;
}

void detach_gate_xdp(unsigned ifindex, int config_map_fd, const std::string &device)
{
	const unsigned config_map_id = map_id(config_map_fd);
	const Multiprog mp = multiprog_of(ifindex);
	if (xdp_program *prog = mp ? gate_program(mp.get(), config_map_id) : nullptr) {
		const int err = -xdp_program__detach(prog, static_cast<int>(ifindex),
		                                     xdp_multiprog__attach_mode(mp.get()), 0);
		if (err && err != ENOENT)
			throw Failure(Exit::failure,
			              "cannot take the gate's program out of the XDP "
			              "hook of " +
			                      device + ": " + errno_text(err) +
			                      " (see 'xdp-loader status " + device + "')");
	}
	remove_stale_dispatchers(ifindex, config_map_id);
}

void remove_dead_gate_dispatchers(int config_map_fd)
{
	remove_dispatcher_pins(map_id(config_map_fd), 0, {});
}

} // namespace sgate
