#include "service_config.h"

#include <fstream>
#include <sstream>
#include <toml++/toml.h>

namespace sgate {

namespace {

const char kDeviceTable[] = "device";

[[noreturn]] void fail_at(const std::string &source, const toml::source_region &where,
                          const std::string &message)
{
	throw ConfigError(source, where.begin.line, where.begin.column, message);
}

// Reads one file's settings; every error names where it is.
class Reader {
public:
	explicit Reader(const std::string &source) : source_(source) {}

	[[noreturn]] void fail(const toml::node &node, const std::string &message) const
	{
		fail_at(source_, node.source(), message);
	}

	[[noreturn]] void fail(const toml::key &key, const std::string &message) const
	{
		fail_at(source_, key.source(), message);
	}

	std::string string_of(const toml::node &node, const std::string &what) const
	{
		const auto *value = node.as_string();
		if (!value)
			fail(node, what + " must be a string, e.g. " + what + " = \"...\"");
		return value->get();
	}

	unsigned number_in(const toml::node &node, const std::string &what, std::int64_t min,
	                   std::int64_t max) const
	{
		const auto *value = node.as_integer();
		const std::string range = std::to_string(min) + ".." + std::to_string(max);
		if (!value)
			fail(node, what + " must be a whole number in " + range);
		if (value->get() < min || value->get() > max)
			fail(node, what + " " + std::to_string(value->get()) + " is out of range " +
			                   range);
		return static_cast<unsigned>(value->get());
	}

	bool boolean_of(const toml::node &node, const std::string &what) const
	{
		const auto *value = node.as_boolean();
		if (!value)
			fail(node, what + " must be true or false");
		return value->get();
	}

	XdpMode xdp_mode_of(const toml::node &node) const
	{
		const std::string text = string_of(node, "xdp_mode");
		if (text == "auto")
			return XdpMode::automatic;
		if (text == "native")
			return XdpMode::native;
		if (text == "generic")
			return XdpMode::generic;
		fail(node,
		     "xdp_mode must be \"auto\", \"native\" or \"generic\", not \"" + text + "\"");
	}

	XdpHook xdp_hook_of(const toml::node &node) const
	{
		const std::string text = string_of(node, "xdp_hook");
		if (text == "shared")
			return XdpHook::shared;
		if (text == "alone")
			return XdpHook::alone;
		fail(node, "xdp_hook must be \"shared\" or \"alone\", not \"" + text + "\"");
	}

	KeyModeChoice key_mode_of(const toml::node &node) const
	{
		const std::string text = string_of(node, "key_mode");
		if (text == "auto")
			return KeyModeChoice::automatic;
		if (text == "map")
			return KeyModeChoice::map;
		if (text == "module")
			return KeyModeChoice::module;
		fail(node,
		     "key_mode must be \"auto\", \"map\" or \"module\", not \"" + text + "\"");
	}

	// A string "80,443,1000-1010" or an array of ports and range strings:
	// [80, 443, "1000-1010"].
	PortBitmap ports_of(const toml::node &node) const
	{
		PortBitmap ports{};
		if (node.is_string()) {
			add_port_list(node, ports);
		} else if (const auto *array = node.as_array()) {
			if (array->empty())
				fail(node, "ports is empty: name at least one port, e.g. "
				           "ports = [80, 443]");
			for (const toml::node &item : *array) {
				if (item.is_integer())
					set_port(ports, number_in(item, "port", 1, 65535));
				else if (item.is_string())
					add_port_list(item, ports);
				else
					fail(item, "a port must be a number or a range string "
					           "like \"1000-1010\"");
			}
		} else {
			fail(node, "ports must be a list, e.g. ports = [80, 443, \"1000-1010\"] "
			           "or ports = \"80,443,1000-1010\"");
		}
		return ports;
	}

	DeviceSettings device_of(const toml::key &name, const toml::node &node,
	                         const DeviceSettings &defaults) const
	{
		const auto *table = node.as_table();
		if (!table)
			fail(node, "device." + std::string(name.str()) +
			                   " must be a table: [device." + std::string(name.str()) +
			                   "]");
		if (!valid_device_name(name.str()))
			fail(name, "'" + std::string(name.str()) +
			                   "' is not a valid network device name");
		DeviceSettings device;
		device.name = std::string(name.str());
		device.line = name.source().begin.line;
		device.xdp_mode = defaults.xdp_mode;
		device.xdp_hook = defaults.xdp_hook;
		bool saw_ports = false;
		for (const auto &[key, value] : *table) {
			if (key == "ports") {
				device.ports = ports_of(value);
				saw_ports = true;
			} else if (key == "xdp_mode") {
				device.xdp_mode = xdp_mode_of(value);
			} else if (key == "xdp_hook") {
				device.xdp_hook = xdp_hook_of(value);
			} else if (key == "mss") {
				device.mss = number_in(value, "mss", kMinMss, kMaxMss);
			} else {
				fail(key, "unknown key '" + std::string(key.str()) +
				                  "' in [device." + device.name +
				                  "]: expected ports, xdp_mode, xdp_hook or mss");
			}
		}
		if (!saw_ports)
			fail_at(source_, name.source(),
			        "[device." + device.name + "] needs ports, e.g. ports = [80, 443]");
		return device;
	}

	ServiceConfig config_of(const toml::table &top) const
	{
		ServiceConfig config;
		DeviceSettings defaults;
		// Settings first: xdp_mode and xdp_hook are every device's default.
		for (const auto &[key, value] : top) {
			if (key == kDeviceTable)
				continue;
			if (key == "key_mode")
				config.key_mode = key_mode_of(value);
			else if (key == "key_period")
				config.key_period =
				        number_in(value, "key_period", SGATE_MIN_EPOCH_SECONDS,
				                  SGATE_MAX_EPOCH_SECONDS);
			else if (key == "xdp_mode")
				defaults.xdp_mode = xdp_mode_of(value);
			else if (key == "xdp_hook")
				defaults.xdp_hook = xdp_hook_of(value);
			else if (key == "metrics_listen")
				config.metrics_listen = listen_of(value);
			else if (key == "detach_on_stop")
				config.detach_on_stop = boolean_of(value, "detach_on_stop");
			else
				fail(key,
				     "unknown key '" + std::string(key.str()) +
				             "': expected key_mode, key_period, xdp_mode, "
				             "xdp_hook, "
				             "metrics_listen, detach_on_stop or [device.NAME]");
		}
		if (const toml::node *devices = top.get(kDeviceTable)) {
			const auto *table = devices->as_table();
			if (!table)
				fail(*devices, "device must hold tables: [device.eth0]");
			for (const auto &[name, value] : *table)
				config.devices.push_back(device_of(name, value, defaults));
		}
		return config;
	}

private:
	void add_port_list(const toml::node &node, PortBitmap &ports) const
	{
		PortBitmap more;
		try {
			more = parse_port_list(node.as_string()->get());
		} catch (const Failure &f) {
			fail(node, f.what());
		}
		for (std::size_t i = 0; i < ports.size(); i++)
			ports[i] |= more[i];
	}

	std::optional<std::string> listen_of(const toml::node &node) const
	{
		const std::string text = string_of(node, "metrics_listen");
		if (text.empty())
			return std::nullopt; // no endpoint
		if (!parse_listen_address(text))
			fail(node, "metrics_listen must be \"HOST:PORT\" with a port in 1..65535, "
			           "e.g. \"127.0.0.1:9753\" or \"[::1]:9753\", not \"" +
			                   text + "\"");
		return text;
	}

	const std::string &source_;
};

} // namespace

ConfigError::ConfigError(const std::string &source, unsigned line, unsigned column,
                         const std::string &message)
    : Failure(Exit::usage,
              source + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message),
      line_(line), column_(column)
{
}

ServiceConfig parse_service_config(std::string_view text, const std::string &source)
{
	toml::table top;
	try {
		top = toml::parse(text, std::string_view(source));
	} catch (const toml::parse_error &e) {
		fail_at(source, e.source(), std::string(e.description()));
	}
	const ServiceConfig config = Reader(source).config_of(top);
	return config;
}

ServiceConfig load_service_config(const std::string &path)
{
	std::ifstream in(path);
	if (!in)
		throw ConfigError(path, 0, 0,
		                  "cannot read the config: " + errno_text(errno) +
		                          " (sgate run --config FILE names another)");
	std::ostringstream text;
	text << in.rdbuf();
	return parse_service_config(text.str(), path);
}

const char *key_mode_choice_name(KeyModeChoice choice)
{
	switch (choice) {
	case KeyModeChoice::map:
		return "map";
	case KeyModeChoice::module:
		return "module";
	case KeyModeChoice::automatic:
		break;
	}
	return "auto";
}

std::optional<ListenAddress> parse_listen_address(std::string_view text)
{
	ListenAddress out;
	std::string_view port;
	if (text.starts_with('[')) {
		const auto close = text.find("]:");
		if (close == std::string_view::npos || close == 1)
			return std::nullopt;
		out.host = std::string(text.substr(1, close - 1));
		port = text.substr(close + 2);
	} else {
		const auto colon = text.rfind(':');
		if (colon == std::string_view::npos || colon == 0 || text.find(':') != colon)
			return std::nullopt;
		out.host = std::string(text.substr(0, colon));
		port = text.substr(colon + 1);
	}
	const auto number = parse_decimal(port);
	if (!number || *number < 1 || *number > 65535)
		return std::nullopt;
	out.port = static_cast<unsigned>(*number);
	return out;
}

} // namespace sgate
