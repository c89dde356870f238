// The command line: what the user asked for, checked for form and range,
// and the --help texts that describe it.  Numbers are parsed strictly
// (digits only, so "8x", "-1", " 5" and "1e3" are errors rather than
// surprises); protected ports are parsed from "80,443,1000-1010" into the
// bitmap the BPF programs read (bit p of word p / 32) and printed back as
// ranges.  Nothing here touches the system, so the unit tests drive it
// directly.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sgate/abi.h"

namespace sgate {

/* --- numbers ---------------------------------------------------------- */

// A decimal number of at most 18 digits (no sign, no spaces); nullopt otherwise.
std::optional<std::uint64_t> parse_decimal(std::string_view text);

// parse_decimal() within [min, max]; throws Failure(Exit::usage) naming @what.
std::uint64_t parse_number_in(std::string_view text, std::uint64_t min, std::uint64_t max,
                              std::string_view what);

/* --- port lists ------------------------------------------------------- */

// Bit p of word p / 32 is port p, as the BPF programs read it.
using PortBitmap = std::array<__u32, SGATE_PORT_WORDS>;

// Throws Failure(Exit::usage) naming the offending item.
PortBitmap parse_port_list(std::string_view text);

bool port_is_set(const PortBitmap &ports, unsigned port);
void set_port(PortBitmap &ports, unsigned port);
unsigned count_ports(const PortBitmap &ports);

// "80,443,1000-1010"; "none" for an empty set.
std::string format_port_list(const PortBitmap &ports);

/* --- the command line ------------------------------------------------- */

enum class Command { none, attach, detach, status, rotate, stats, keys, run };
// automatic: native where the device's driver has XDP, else generic.
enum class XdpMode { automatic, native, generic };
// shared: through libxdp's dispatcher, so other XDP programs can run beside
// the gate; alone: the gate's full program holds the hook by itself.
enum class XdpHook { shared, alone };

struct Invocation {
	Command command = Command::none;
	bool help = false;
	bool version = false;
	std::optional<std::string> pin_root;
	std::optional<std::string> device;

	// attach
	PortBitmap ports{};
	PortBitmap dtls_ports{}; // UDP ports whose DTLS handshakes the gate answers
	XdpMode xdp_mode = XdpMode::automatic;
	XdpHook xdp_hook = XdpHook::shared;
	std::optional<unsigned> mss;
	// Unset: map mode uses SGATE_DEFAULT_EPOCH_SECONDS, module mode keeps
	// the module's epoch length rather than renumbering its epochs.
	std::optional<unsigned> key_period;

	// stats, keys
	bool json = false;
	std::optional<unsigned> watch_seconds;
	bool prometheus = false; // stats

	// run
	std::optional<std::string> config_path;
	bool check_config = false;
};

// Limits of the options, shared with the help text.
inline constexpr unsigned kMinMss = SGATE_MSS_MIN_V4, kMaxMss = SGATE_CONFIG_MSS_MAX;
inline constexpr unsigned kMaxWatchSeconds = 86400;

// @args excludes argv[0].  Throws Failure(Exit::usage) with a message that
// ends in a hint to the right --help.
Invocation parse_command_line(const std::vector<std::string_view> &args);

const char *command_name(Command command);
const char *xdp_mode_name(XdpMode mode);
const char *xdp_hook_name(XdpHook hook);
// "shared" or "alone"; throws Failure(Exit::usage) naming @what otherwise.
XdpHook parse_xdp_hook(std::string_view text, std::string_view what);

// The kernel's rule (dev_valid_name()): the name also becomes a directory
// under the pin root, so "..", "/" and the like must never get that far.
bool valid_device_name(std::string_view name);

// The --help texts: what each command does, its options and defaults, an
// example and the exit statuses.  Command::none gives the overview.
std::string help_text(Command command);

std::string version_text();

} // namespace sgate
