#include "hooks.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <linux/if_link.h>

#include "exit_status.h"
#include "libbpf_quiet.h"
#include "unique_fd.h"

namespace sgate {

namespace {

bpf_tc_hook ingress_hook(unsigned ifindex)
{
	bpf_tc_hook hook{};
	hook.sz = sizeof hook;
	hook.ifindex = static_cast<int>(ifindex);
	hook.attach_point = BPF_TC_INGRESS;
	return hook;
}

std::string prog_name(unsigned id)
{
	UniqueFd fd(bpf_prog_get_fd_by_id(id));
	if (!fd)
		return "?";
	bpf_prog_info info{};
	__u32 len = sizeof info;
	if (bpf_obj_get_info_by_fd(fd.get(), &info, &len))
		return "?";
	return info.name[0] ? info.name : "(no name)";
}

bpf_tc_opts filter_slot()
{
	bpf_tc_opts opts{};
	opts.sz = sizeof opts;
	opts.handle = kTcHandle;
	opts.priority = kTcPriority;
	return opts;
}

} // namespace

bool create_clsact(unsigned ifindex, const std::string &device)
{
	bpf_tc_hook hook = ingress_hook(ifindex);
	int err;
	{
		// An existing qdisc makes the kernel complain, and libbpf
		// prints that; for us it is the expected, fine case.
		LibbpfQuiet quiet;
		err = bpf_tc_hook_create(&hook);
	}
	if (err == -EEXIST)
		return false;
	if (err)
		throw Failure(Exit::failure, "cannot create the clsact qdisc on " + device + ": " +
		                                     errno_text(err));
	return true;
}

void destroy_clsact(unsigned ifindex)
{
	bpf_tc_hook hook = ingress_hook(ifindex);
	hook.attach_point = static_cast<bpf_tc_attach_point>(BPF_TC_INGRESS | BPF_TC_EGRESS);
	LibbpfQuiet quiet;
	bpf_tc_hook_destroy(&hook);
}

void attach_tc_ingress(unsigned ifindex, const std::string &device, int prog_fd)
{
	bpf_tc_hook hook = ingress_hook(ifindex);
	bpf_tc_opts opts = filter_slot();
	opts.prog_fd = prog_fd;
	int err = bpf_tc_attach(&hook, &opts);
	if (err == -EEXIST) {
		char slot[64];
		std::snprintf(slot, sizeof slot, "(handle 0x%x, priority %u)", kTcHandle,
		              kTcPriority);
		throw Failure(Exit::failure, "a TC ingress filter already uses sgate's slot " +
		                                     std::string(slot) + " on " + device +
		                                     ": see 'tc filter show dev " + device +
		                                     " ingress'");
	}
	if (err)
		throw Failure(Exit::failure, "cannot attach the TC ingress program to " + device +
		                                     ": " + errno_text(err));
}

void detach_tc_ingress(unsigned ifindex)
{
	bpf_tc_hook hook = ingress_hook(ifindex);
	bpf_tc_opts opts = filter_slot();
	LibbpfQuiet quiet;
	bpf_tc_detach(&hook, &opts);
}

unsigned tc_ingress_prog_id(unsigned ifindex)
{
	bpf_tc_hook hook = ingress_hook(ifindex);
	bpf_tc_opts opts = filter_slot();
	LibbpfQuiet quiet;
	return bpf_tc_query(&hook, &opts) ? 0 : opts.prog_id;
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

std::string xdp_mode_of(unsigned ifindex, unsigned prog_id)
{
	bpf_xdp_query_opts query{};
	query.sz = sizeof query;
	if (bpf_xdp_query(static_cast<int>(ifindex), 0, &query))
		return "unknown";
	if (query.drv_prog_id == prog_id)
		return "native";
	if (query.skb_prog_id == prog_id)
		return "generic";
	if (query.hw_prog_id == prog_id)
		return "offload";
	return "not attached";
}

void require_no_xdp_program(unsigned ifindex, const std::string &device)
{
	bpf_xdp_query_opts query{};
	query.sz = sizeof query;
	int err = bpf_xdp_query(static_cast<int>(ifindex), 0, &query);
	if (err)
		throw Failure(Exit::failure,
		              "cannot query XDP programs on " + device + ": " + errno_text(err));

	struct Attached {
		unsigned id;
		const char *mode;
		const char *off;
	};
	const Attached attached[] = {
	        {query.drv_prog_id, "native", "xdpdrv off"},
	        {query.skb_prog_id, "generic", "xdpgeneric off"},
	        {query.hw_prog_id, "offloaded", "xdpoffload off"},
	        {query.prog_id, "unknown mode", "xdp off"},
	};
	for (const auto &a : attached) {
		if (!a.id)
			continue;
		throw Failure(Exit::xdp_busy,
		              "another XDP program is attached to " + device + ": id " +
		                      std::to_string(a.id) + " (" + prog_name(a.id) + "), " +
		                      a.mode + "; remove it with 'ip link set dev " + device + " " +
		                      a.off + "', or, if a bpf_link holds it, by stopping its " +
		                      "owner or removing its pin (see 'bpftool net show dev " +
		                      device + "' and 'bpftool link')");
	}
}

} // namespace sgate
