#include "cli.h"

#include <algorithm>
#include <array>
#include <bit>

#include "exit_status.h"

namespace sgate {

namespace {

struct CommandSpec {
	Command command;
	const char *name;
	bool device_allowed;
	bool device_required;
};

constexpr std::array kCommands = {
        CommandSpec{Command::attach, "attach", true, true},
        CommandSpec{Command::detach, "detach", true, true},
        CommandSpec{Command::status, "status", false, false},
        CommandSpec{Command::rotate, "rotate", true, false},
        CommandSpec{Command::stats, "stats", true, false},
        CommandSpec{Command::keys, "keys", true, false},
        CommandSpec{Command::run, "run", false, false},
};

const CommandSpec *find_command(std::string_view name)
{
	for (const auto &spec : kCommands)
		if (name == spec.name)
			return &spec;
	return nullptr;
}

bool is_help_flag(std::string_view arg)
{
	return arg == "--help" || arg == "-h";
}

// One option as written: "--name value" or "--name=value".
struct Option {
	std::string_view name;
	std::optional<std::string_view> inline_value;
};

Option split_option(std::string_view arg)
{
	auto eq = arg.find('=');
	if (eq == std::string_view::npos)
		return {arg, std::nullopt};
	return {arg.substr(0, eq), arg.substr(eq + 1)};
}

class ArgReader {
public:
	explicit ArgReader(const std::vector<std::string_view> &args) : args_(args) {}
	bool done() const { return pos_ >= args_.size(); }
	std::string_view next() { return args_[pos_++]; }

	std::string_view value_of(const Option &opt)
	{
		if (opt.inline_value)
			return *opt.inline_value;
		if (done())
			throw Failure(Exit::usage,
			              "option " + std::string(opt.name) + " needs a value");
		return next();
	}

private:
	const std::vector<std::string_view> &args_;
	std::size_t pos_ = 0;
};

std::string parse_pin_root(std::string_view text)
{
	if (text.empty())
		throw Failure(Exit::usage, "--pin-root needs a directory");
	return std::string(text);
}

void refuse_value(const Option &opt)
{
	if (opt.inline_value)
		throw Failure(Exit::usage, "option " + std::string(opt.name) + " takes no value");
}

void once(std::vector<std::string_view> &seen, std::string_view name)
{
	if (std::find(seen.begin(), seen.end(), name) != seen.end())
		throw Failure(Exit::usage, "option " + std::string(name) + " given twice");
	seen.push_back(name);
}

XdpMode parse_xdp_mode(std::string_view text)
{
	if (text == "auto")
		return XdpMode::automatic;
	if (text == "native")
		return XdpMode::native;
	if (text == "generic")
		return XdpMode::generic;
	throw Failure(Exit::usage, "--xdp-mode must be 'auto', 'native' or 'generic', not '" +
	                                   std::string(text) + "'");
}

// Options and the device after the command word.
void parse_command_options(ArgReader &in, const CommandSpec &spec, Invocation &inv)
{
	std::vector<std::string_view> seen;
	bool options_ended = false, saw_ports = false, saw_dtls_ports = false;

	while (!in.done()) {
		std::string_view arg = in.next();
		if (!options_ended && arg == "--") {
			options_ended = true;
			continue;
		}
		if (options_ended || arg.empty() || arg[0] != '-') {
			if (!spec.device_allowed)
				throw Failure(Exit::usage, std::string(spec.name) +
				                                   " takes no device, got '" +
				                                   std::string(arg) + "'");
			if (inv.device)
				throw Failure(Exit::usage, "more than one device given ('" +
				                                   *inv.device + "', '" +
				                                   std::string(arg) + "')");
			if (!valid_device_name(arg))
				throw Failure(Exit::usage,
				              "'" + std::string(arg) +
				                      "' is not a valid network device name");
			inv.device = std::string(arg);
			continue;
		}
		Option opt = split_option(arg);
		once(seen, opt.name);
		const bool attach = spec.command == Command::attach;
		const bool stats = spec.command == Command::stats;
		const bool json_allowed =
		        stats || spec.command == Command::keys || spec.command == Command::status;
		if (opt.name == "--pin-root") {
			inv.pin_root = parse_pin_root(in.value_of(opt));
		} else if (attach && opt.name == "--ports") {
			inv.ports = parse_port_list(in.value_of(opt));
			saw_ports = true;
		} else if (attach && opt.name == "--dtls-ports") {
			inv.dtls_ports = parse_port_list(in.value_of(opt));
			saw_dtls_ports = true;
		} else if (attach && opt.name == "--xdp-mode") {
			inv.xdp_mode = parse_xdp_mode(in.value_of(opt));
		} else if (attach && opt.name == "--xdp-hook") {
			inv.xdp_hook = parse_xdp_hook(in.value_of(opt), "--xdp-hook");
		} else if (attach && opt.name == "--mss") {
			inv.mss = static_cast<unsigned>(
			        parse_number_in(in.value_of(opt), kMinMss, kMaxMss, "--mss"));
		} else if (attach && opt.name == "--key-period") {
			inv.key_period = static_cast<unsigned>(
			        parse_number_in(in.value_of(opt), SGATE_MIN_EPOCH_SECONDS,
			                        SGATE_MAX_EPOCH_SECONDS, "--key-period"));
		} else if (json_allowed && opt.name == "--json") {
			refuse_value(opt);
			inv.json = true;
		} else if (stats && opt.name == "--prometheus") {
			refuse_value(opt);
			inv.prometheus = true;
		} else if (spec.command == Command::run && opt.name == "--config") {
			const std::string_view path = in.value_of(opt);
			if (path.empty())
				throw Failure(Exit::usage, "--config needs a file");
			inv.config_path = std::string(path);
		} else if (spec.command == Command::run && opt.name == "--check-config") {
			refuse_value(opt);
			inv.check_config = true;
		} else if (stats && opt.name == "--watch") {
			inv.watch_seconds = static_cast<unsigned>(
			        parse_number_in(in.value_of(opt), 1, kMaxWatchSeconds, "--watch"));
		} else {
			throw Failure(Exit::usage, "unknown option '" + std::string(opt.name) +
			                                   "' for " + spec.name);
		}
	}
	if (spec.device_required && !inv.device)
		throw Failure(Exit::usage, std::string(spec.name) + " needs a device");
	if (inv.prometheus && (inv.json || inv.watch_seconds))
		throw Failure(Exit::usage, "--prometheus prints the metrics once: it goes with "
		                           "neither --json nor --watch");
	if (spec.command == Command::attach && !saw_ports && !saw_dtls_ports)
		throw Failure(Exit::usage, "attach needs --ports, --dtls-ports or both, e.g. "
		                           "--ports 80,443");
}

// `sgate CMD ... --help` prints CMD's help even if the rest is wrong.
std::optional<Invocation> help_request(const std::vector<std::string_view> &args)
{
	auto help = std::find_if(args.begin(), args.end(), is_help_flag);
	auto end_of_options = std::find(args.begin(), args.end(), "--");
	if (help == args.end() || help > end_of_options)
		return std::nullopt;
	Invocation inv;
	inv.help = true;
	for (auto it = args.begin(); it != help; ++it)
		if (const CommandSpec *spec = find_command(*it)) {
			inv.command = spec->command;
			break;
		}
	return inv;
}

} // namespace

const char *command_name(Command command)
{
	for (const auto &spec : kCommands)
		if (spec.command == command)
			return spec.name;
	return "sgate";
}

const char *xdp_mode_name(XdpMode mode)
{
	switch (mode) {
	case XdpMode::automatic:
		return "auto";
	case XdpMode::native:
		return "native";
	case XdpMode::generic:
		return "generic";
	}
	return "?";
}

const char *xdp_hook_name(XdpHook hook)
{
	return hook == XdpHook::alone ? "alone" : "shared";
}

XdpHook parse_xdp_hook(std::string_view text, std::string_view what)
{
	if (text == "shared")
		return XdpHook::shared;
	if (text == "alone")
		return XdpHook::alone;
	throw Failure(Exit::usage, std::string(what) + " must be 'shared' or 'alone', not '" +
	                                   std::string(text) + "'");
}

bool valid_device_name(std::string_view name)
{
	constexpr std::size_t kIfNameSize = 16; // IFNAMSIZ, with its NUL
	if (name.empty() || name.size() >= kIfNameSize || name == "." || name == "..")
		return false;
	return std::none_of(name.begin(), name.end(), [](char c) {
		return c == '/' || c == ':' || c == ' ' || (c >= '\t' && c <= '\r');
	});
}

Invocation parse_command_line(const std::vector<std::string_view> &args)
{
	if (auto help = help_request(args))
		return *help;

	Invocation inv;
	ArgReader in(args);
	std::vector<std::string_view> seen;

	// Global options, then the command word.
	while (!in.done()) {
		std::string_view arg = in.next();
		if (arg.empty() || arg[0] != '-') {
			const CommandSpec *spec = find_command(arg);
			if (!spec)
				throw Failure(Exit::usage, "unknown command '" + std::string(arg) +
				                                   "'\nTry 'sgate --help'.");
			inv.command = spec->command;
			try {
				parse_command_options(in, *spec, inv);
			} catch (const Failure &f) {
				throw Failure(f.status(), std::string(f.what()) + "\nTry 'sgate " +
				                                  spec->name + " --help'.");
			}
			return inv;
		}
		Option opt = split_option(arg);
		try {
			once(seen, opt.name);
			if (opt.name == "--version" || opt.name == "-V") {
				refuse_value(opt);
				inv.version = true;
			} else if (opt.name == "--pin-root") {
				inv.pin_root = parse_pin_root(in.value_of(opt));
			} else {
				throw Failure(Exit::usage,
				              "unknown option '" + std::string(opt.name) + "'");
			}
		} catch (const Failure &f) {
			throw Failure(f.status(), std::string(f.what()) + "\nTry 'sgate --help'.");
		}
	}
	if (!inv.version)
		throw Failure(Exit::usage, "no command given\nTry 'sgate --help'.");
	return inv;
}

/* --- numbers ---------------------------------------------------------- */

std::optional<std::uint64_t> parse_decimal(std::string_view text)
{
	// 18 digits cannot overflow 64 bits, and no option needs more.
	if (text.empty() || text.size() > 18)
		return std::nullopt;
	std::uint64_t value = 0;
	for (char c : text) {
		if (c < '0' || c > '9')
			return std::nullopt;
		value = value * 10 + static_cast<unsigned>(c - '0');
	}
	return value;
}

std::uint64_t parse_number_in(std::string_view text, std::uint64_t min, std::uint64_t max,
                              std::string_view what)
{
	const std::string range = std::to_string(min) + ".." + std::to_string(max);
	auto value = parse_decimal(text);

	if (!value)
		throw Failure(Exit::usage, std::string(what) + " must be a whole number in " +
		                                   range + ", not '" + std::string(text) + "'");
	if (*value < min || *value > max)
		throw Failure(Exit::usage, std::string(what) + " " + std::string(text) +
		                                   " is out of range " + range);
	return *value;
}

/* --- port lists ------------------------------------------------------- */

namespace {

constexpr unsigned kFirstPort = 1, kLastPort = 65535;

unsigned parse_port(std::string_view item, std::string_view whole)
{
	auto value = parse_decimal(item);
	if (!value)
		throw Failure(Exit::usage,
		              "malformed port '" + std::string(item) + "' in port list '" +
		                      std::string(whole) +
		                      "': expected a number or a range like 1000-1010");
	if (*value < kFirstPort || *value > kLastPort)
		throw Failure(Exit::usage,
		              "port " + std::string(item) + " is out of range: ports are 1-65535");
	return static_cast<unsigned>(*value);
}

} // namespace

bool port_is_set(const PortBitmap &ports, unsigned port)
{
	return ports[port >> 5] & (1U << (port & 31));
}

void set_port(PortBitmap &ports, unsigned port)
{
	ports[port >> 5] |= 1U << (port & 31);
}

unsigned count_ports(const PortBitmap &ports)
{
	unsigned n = 0;
	for (__u32 word : ports)
		n += std::popcount(word);
	return n;
}

PortBitmap parse_port_list(std::string_view text)
{
	PortBitmap ports{};

	if (text.empty())
		throw Failure(Exit::usage,
		              "empty port list: name at least one port, e.g. --ports 80,443");
	std::string_view rest = text;
	for (;;) {
		auto comma = rest.find(',');
		std::string_view item = rest.substr(0, comma);
		if (item.empty())
			throw Failure(Exit::usage, "empty item in port list '" + std::string(text) +
			                                   "': separate ports with single commas");
		auto dash = item.find('-');
		unsigned first, last;
		if (dash == std::string_view::npos) {
			first = last = parse_port(item, text);
		} else {
			first = parse_port(item.substr(0, dash), text);
			last = parse_port(item.substr(dash + 1), text);
			if (first > last)
				throw Failure(Exit::usage,
				              "port range " + std::string(item) +
				                      " is backwards: write the lower port first");
		}
		for (unsigned p = first; p <= last; p++)
			set_port(ports, p);
		if (comma == std::string_view::npos)
			break;
		rest.remove_prefix(comma + 1);
	}
	return ports;
}

std::string format_port_list(const PortBitmap &ports)
{
	std::string out;

	for (unsigned p = kFirstPort; p <= kLastPort; p++) {
		if (!port_is_set(ports, p))
			continue;
		unsigned last = p;
		while (last < kLastPort && port_is_set(ports, last + 1))
			last++;
		if (!out.empty())
			out += ',';
		out += std::to_string(p);
		if (last > p)
			out += '-' + std::to_string(last);
		p = last;
	}
	return out.empty() ? "none" : out;
}

} // namespace sgate
