// The command line: what the user asked for, checked for form and range.
// Nothing here touches the system, so the unit tests drive it directly.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "port_list.h"
#include "sgate/abi.h"

namespace sgate {

enum class Command { none, attach, detach, status, rotate, stats, keys };
enum class XdpMode { native, generic };

struct Invocation {
	Command command = Command::none;
	bool help = false;
	bool version = false;
	std::optional<std::string> pin_root;
	std::optional<std::string> device;

	// attach
	PortBitmap ports{};
	XdpMode xdp_mode = XdpMode::native;
	std::optional<unsigned> mss;
	// Unset: map mode uses SGATE_DEFAULT_EPOCH_SECONDS, module mode keeps
	// the module's epoch length rather than renumbering its epochs.
	std::optional<unsigned> key_period;

	// stats, keys
	bool json = false;
	std::optional<unsigned> watch_seconds;
};

// Limits of the options, shared with the help text.
inline constexpr unsigned kMinMss = SGATE_MSS_MIN_V4, kMaxMss = SGATE_CONFIG_MSS_MAX;
inline constexpr unsigned kMaxWatchSeconds = 86400;

// @args excludes argv[0].  Throws Failure(Exit::usage) with a message that
// ends in a hint to the right --help.
Invocation parse_command_line(const std::vector<std::string_view> &args);

const char *command_name(Command command);
const char *xdp_mode_name(XdpMode mode);

// The kernel's rule (dev_valid_name()): the name also becomes a directory
// under the pin root, so "..", "/" and the like must never get that far.
bool valid_device_name(std::string_view name);

} // namespace sgate
