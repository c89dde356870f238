#include "hooks.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cerrno>
#include <linux/if_link.h>

#include "exit_status.h"
#include "unique_fd.h"

namespace sgate {

namespace {

// BPF_LINK_TYPE_TCX of the kernel's enum bpf_link_type, which Debian 12's
// UAPI headers predate.
constexpr unsigned kLinkTypeTcx = 11;

// BPF_F_BEFORE of the kernel's UAPI (Linux >= 6.6): with no relative
// program named, the front of the hook's chain.
constexpr unsigned kAttachBefore = 1U << 3;

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

} // namespace

UniqueFd attach_tcx_ingress(int prog_fd, unsigned ifindex, const std::string &device)
{
	bpf_link_create_opts opts{};
	opts.sz = sizeof opts;
	opts.flags = kAttachBefore;
	UniqueFd link(bpf_link_create(prog_fd, static_cast<int>(ifindex),
	                              static_cast<bpf_attach_type>(kTcxIngress), &opts));
	if (!link)
		throw Failure(Exit::failure, "cannot attach the TC ingress program to " + device +
		                                     " as a tcx link: " + errno_text(errno) +
		                                     " (tcx needs Linux >= 6.6)");
	return link;
}

LinkInfo link_info(int link_fd)
{
	LinkInfo out;
	bpf_link_info info{};
	__u32 len = sizeof info;
	if (bpf_obj_get_info_by_fd(link_fd, &info, &len))
		return out;
	out.link_id = info.id;
	out.prog_id = info.prog_id;
	// The XDP and the tcx link info (BPF_LINK_TYPE_TCX = 11, unknown to
	// these headers) both begin with the ifindex; a detached link reports 0.
	if (info.type == BPF_LINK_TYPE_XDP || info.type == kLinkTypeTcx)
		out.ifindex = info.xdp.ifindex;
	return out;
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
