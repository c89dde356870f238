// The TC hook a gate sits on: a tcx ingress link on the device, a bpf_link
// the gate owns through its pin, so no tool that resets the device's tc
// setup (tc qdisc del ... clsact) can take the TC half away behind its
// back.  The XDP half shares the XDP hook through libxdp (xdp_hook.h).
#pragma once

#include <string>

#include "unique_fd.h"

namespace sgate {

// BPF_TCX_INGRESS of the kernel's enum bpf_attach_type (Linux >= 6.6).
// Debian 12's UAPI headers (6.1) predate it; libbpf 1.1's bpf_link_create()
// hands an attach type it does not know to the kernel as it is.
inline constexpr int kTcxIngress = 46;

// Attaches @prog_fd to @device's tcx ingress hook ahead of any program there,
// so that the hand-off runs before another program can end the chain.
UniqueFd attach_tcx_ingress(int prog_fd, unsigned ifindex, const std::string &device);

// What the kernel says about a pinned XDP or tcx link.
struct LinkInfo {
	unsigned link_id = 0;
	unsigned prog_id = 0;
	unsigned ifindex = 0; // 0: detached, or the device is gone
};
LinkInfo link_info(int link_fd);

} // namespace sgate
