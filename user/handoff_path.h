// How a verified final ACK reaches the TC hand-off on a device: in XDP
// metadata, or -- where the driver gives XDP no metadata room -- verified
// again by TC itself (bpf/tc_verify.h).  attach predicts it from the driver;
// status reads what the gate's counters say happened.
#pragma once

#include <string>

#include "output.h"

namespace sgate {

// slot: TC verifies, as the gate's program in a slot of libxdp's
// dispatcher writes no metadata (bpf/sgate.bpf.c says why).
enum class HandoffPath { metadata, tc_verify, slot, unknown };

// The slot program never writes metadata; generic XDP always has room; a
// native driver as sgate knows it, else unknown: the gate then finds out at
// the first verified ACK.
HandoffPath expected_handoff_path(const std::string &driver, bool generic_xdp, bool slot_program);

// From the counters: unknown until a verified ACK has been seen.
HandoffPath observed_handoff_path(const Counters &counters);

// One line's worth for attach and status, naming @driver where it matters.
std::string handoff_path_text(HandoffPath path, const std::string &driver);

} // namespace sgate
