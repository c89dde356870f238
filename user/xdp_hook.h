// The gate's XDP half in a device's XDP hook, which it shares with other
// programs through libxdp's multi-program dispatcher: the dispatcher owns
// the hook, each program runs in one of its slots, in order of run
// priority, and libxdp pins them under /sys/fs/bpf/xdp/.  The gate finds
// its own program there by the gate's config map, which the program uses,
// so no pin of sgate's has to follow the dispatcher, which libxdp replaces
// whenever a program joins or leaves.
#pragma once

#include <optional>
#include <string>

#include "cli.h"

#include "output.h"

struct bpf_object;

namespace sgate {

// The gate's place in the dispatcher's run order: lower runs first;
// libxdp's default is 50, xdp-filter's 10.  Whatever drops traffic -- a
// blocklist, a filter, a rate limiter -- must run before the gate, so that
// the gate never answers a SYN from a source the host refuses, nor sends
// SYN-ACKs towards it.  The gate ends the chain for what it judges (SYNs
// answered with XDP_TX, forged final ACKs dropped): the programs after it
// see only what it passes, as the stack would.  The agent sets the
// priority and the chain-call actions at load (attach_gate_xdp()), not an
// XDP_RUN_CONFIG in bpf/sgate.bpf.c: the program runs only as the agent
// loads it, so the choice lives in one place, beside its reasons.
inline constexpr unsigned kXdpRunPriority = 60;

// Exit::xdp_busy where @device's XDP hook holds something the gate cannot
// run beside: a program attached without libxdp's dispatcher, or a
// dispatcher in the other mode.  The message names the choices.
void require_shareable_xdp_hook(unsigned ifindex, const std::string &device, bool native);

// Exit::xdp_busy where @device's XDP hook holds any program, for a gate
// that is to hold it alone.
void require_empty_xdp_hook(unsigned ifindex, const std::string &device);

// The mode of the programs in @ifindex's XDP hook; none if it is empty.
std::optional<XdpMode> xdp_hook_mode(unsigned ifindex);

// What attach_gate_xdp() leaves to its caller to choose.
enum class XdpAttach {
	attached,
	// The kernel refused the program in a slot of libxdp's dispatcher:
	// Linux >= 6.13 (and 6.12 stable) refuses an extension that changes
	// packet data in place of a function that does not, as the slots of
	// libxdp before 1.5.5 do not.  The slot program passes there.
	refused_by_dispatcher,
	no_native_xdp, // the driver has no native XDP
};

// Loads the XDP program @prog_name of the opened, not yet loaded @obj into
// @device's dispatcher (libxdp makes one if the hook is empty), at
// kXdpRunPriority, its XDP_PASS going on to the next program.  libxdp loads
// @obj, whose maps must be set up for that (reused from the gate's); libbpf
// loads an object once, so each try needs a fresh copy.  Where the kernel
// cannot run the dispatcher at all (no freplace programs), libxdp attaches
// the program alone.  Throws Failure for what no other program or mode
// would change.
// With @alone, libxdp attaches the program without the dispatcher.
XdpAttach attach_gate_xdp(bpf_object *obj, const char *prog_name, unsigned ifindex, bool native,
                          bool alone, const std::string &device);

// Throws the Failure that names the cause and the fix of @result.
[[noreturn]] void throw_xdp_refusal(XdpAttach result, const std::string &device, bool native);

// Where the program that uses the gate's config map @config_map_fd runs in
// @ifindex's XDP hook, and beside which others; prog_id 0 if it does not.
XdpHookStatus find_gate_xdp(unsigned ifindex, int config_map_fd);

// Takes the gate's program out of @ifindex's XDP hook, leaving every other
// program running; libxdp removes the dispatcher with its last program.
// Then removes libxdp's pins of dispatchers that are no longer attached and
// hold the gate's program (what an attach killed midway leaves).  Throws
// Failure if the gate's program stays in the hook.
void detach_gate_xdp(unsigned ifindex, int config_map_fd, const std::string &device);

// The gate's network namespace is gone, and with its devices every
// dispatcher that held the gate's program: removes libxdp's pins of those,
// which would hold the program and its maps forever.
void remove_dead_gate_dispatchers(int config_map_fd);

} // namespace sgate
