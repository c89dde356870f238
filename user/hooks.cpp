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

} // namespace sgate
