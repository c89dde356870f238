// The kernel hooks a gate sits on: an XDP link on the device, and a filter
// on its clsact ingress hook.  libbpf 1.1 has no tcx links, so the filter
// is a classic cls_bpf one, found again by a fixed handle and priority.
#pragma once

#include <string>

namespace sgate {

// "SG"; priority 1 so the hand-off runs before other direct-action filters,
// which could otherwise end classification before it.
inline constexpr unsigned kTcHandle = 0x5347;
inline constexpr unsigned kTcPriority = 1;

// Creates the clsact qdisc if missing; returns whether this call created it.
bool create_clsact(unsigned ifindex, const std::string &device);

// Removes the clsact qdisc with every filter on it.
void destroy_clsact(unsigned ifindex);

void attach_tc_ingress(unsigned ifindex, const std::string &device, int prog_fd);

// Removes sgate's filter; a missing filter is no error.
void detach_tc_ingress(unsigned ifindex);

// The id of the program in sgate's filter slot; 0 if the slot is empty.
unsigned tc_ingress_prog_id(unsigned ifindex);

// What the kernel says about a pinned XDP link and a program.
struct XdpLinkInfo {
	unsigned link_id = 0;
	unsigned prog_id = 0;
	unsigned ifindex = 0; // 0: the device is gone and the link defunct
};
XdpLinkInfo xdp_link_info(int link_fd);
unsigned prog_id_of(int prog_fd);

// How the XDP program @prog_id is attached to @ifindex: "native",
// "generic", "offload", "not attached", or "unknown" if the kernel will not say.
std::string xdp_mode_of(unsigned ifindex, unsigned prog_id);

// No XDP program in any mode on the device (Exit::xdp_busy).
void require_no_xdp_program(unsigned ifindex, const std::string &device);

} // namespace sgate
