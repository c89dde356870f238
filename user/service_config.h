// The configuration of `sgate run`: a TOML file (toml++ parses it) naming
// the devices to guard, one table each, and the settings of the service.
// Every error, of syntax or of meaning, names the file, line and column, so
// that `sgate run --check-config` points at what to fix.  Pure: the file's
// text in, plain data out, so the unit tests drive it directly.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli.h"
#include "exit_status.h"

namespace sgate {

inline constexpr const char *kDefaultConfigPath = "/etc/sgate/sgate.conf";

// One [device.NAME] table.
struct DeviceSettings {
	std::string name;
	PortBitmap ports{};
	// automatic: as sgate attach picks it; a pinned gate keeps either mode.
	XdpMode xdp_mode = XdpMode::automatic;
	XdpHook xdp_hook = XdpHook::shared;
	std::optional<unsigned> mss;
	unsigned line = 0; // of its table header, for messages
};

// Which key mode the gates must have.  attach takes module mode when
// sgate.ko is loaded and map mode otherwise; "auto" accepts what it takes,
// the others refuse to attach (or keep) a gate in the other mode.
enum class KeyModeChoice { automatic, map, module };

struct ServiceConfig {
	std::vector<DeviceSettings> devices; // sorted by name, as toml++ keeps tables
	KeyModeChoice key_mode = KeyModeChoice::automatic;
	// Unset: map mode uses SGATE_DEFAULT_EPOCH_SECONDS, module mode keeps
	// the module's epoch length.
	std::optional<unsigned> key_period;
	// "HOST:PORT" of the Prometheus endpoint; unset: none.
	std::optional<std::string> metrics_listen;
	// Whether the gates stay when the daemon stops (the default): a
	// restart or an upgrade then drops no handshake.
	bool detach_on_stop = false;
};

// A config that cannot be used: the message starts "FILE:LINE:COLUMN: ".
class ConfigError : public Failure {
public:
	ConfigError(const std::string &source, unsigned line, unsigned column,
	            const std::string &message);
	unsigned line() const { return line_; }
	unsigned column() const { return column_; }

private:
	unsigned line_, column_;
};

// @source names the text in messages (the file's path).
ServiceConfig parse_service_config(std::string_view text, const std::string &source);

// Reads and parses @path; a file that cannot be read is a ConfigError at 0:0.
ServiceConfig load_service_config(const std::string &path);

const char *key_mode_choice_name(KeyModeChoice choice);

// "127.0.0.1:9753" or "[::1]:9753" split into host and port; nullopt if
// malformed.
struct ListenAddress {
	std::string host;
	unsigned port = 0;
};
std::optional<ListenAddress> parse_listen_address(std::string_view text);

} // namespace sgate
