// sgate run: the service.  In the foreground, as systemd's Type=notify
// wants it: guards the devices its config names (attaching them, or
// adopting the gates already pinned), says READY=1, then rotates map-mode
// keys every key period, serves metrics, re-reads the config on SIGHUP and
// stops on SIGTERM -- leaving the gates attached unless the config says
// otherwise, so a restart or an upgrade drops no handshake.
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <systemd/sd-daemon.h>
#include <unistd.h>
#include <vector>

#include "commands.h"
#include "daemon_log.h"
#include "exit_status.h"
#include "gate.h"
#include "gate_config.h"
#include "gate_pins.h"
#include "gate_rotation.h"
#include "hooks.h"
#include "host.h"
#include "keys.h"
#include "metrics_server.h"
#include "service_config.h"
#include "xdp_hook.h"

namespace sgate {

namespace {

// How often the daemon looks whether a map-mode key is due; a rotation
// waits for its epoch's guard window anyway (keys.h).
constexpr long kTickSeconds = 1;

sigset_t service_signals()
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	return set;
}

std::string device_names(const ServiceConfig &config)
{
	std::string out;
	for (const DeviceSettings &d : config.devices)
		out += (out.empty() ? "" : ", ") + d.name;
	return out.empty() ? "no device" : out;
}

const DeviceSettings *find_device(const ServiceConfig &config, const std::string &name)
{
	for (const DeviceSettings &d : config.devices)
		if (d.name == name)
			return &d;
	return nullptr;
}

// The gate's settings other than its ports that differ from @want's, named
// for the log; empty if none do.
std::string config_differences(const sgate_config &have, const sgate_config &want)
{
	std::string out;
	auto note = [&](bool differs, const char *what) {
		if (differs)
			out += (out.empty() ? "" : ", ") + std::string(what);
	};
	note(have.abi_version != want.abi_version, "ABI version");
	note(have.mss_v4 != want.mss_v4 || have.mss_v6 != want.mss_v6, "MSS");
	note(have.syn_window != want.syn_window, "SYN-ACK window");
	note(have.rcv_wscale != want.rcv_wscale, "window scale");
	note(have.features != want.features, "TCP options");
	note(std::memcmp(have.mac, want.mac, sizeof have.mac) != 0, "MAC address");
	note(have.epoch_ns != want.epoch_ns, "key period");
	return out;
}

// Refuses a key mode the config rules out: attach takes module mode exactly
// when sgate.ko is loaded.
void require_key_mode(KeyModeChoice choice, KeyMode mode, const std::string &device)
{
	if (choice == KeyModeChoice::map && mode == KeyMode::module)
		throw Failure(
		        Exit::failure,
		        device + ": the config says key_mode = \"map\", but sgate.ko is loaded, "
		                 "so the gate would use module mode: unload sgate.ko (rmmod "
		                 "sgate) or set key_mode = \"auto\"");
	if (choice == KeyModeChoice::module && mode == KeyMode::map)
		throw Failure(Exit::no_module,
		              device + ": the config says key_mode = \"module\", but sgate.ko is "
		                       "not loaded: load it (insmod sgate.ko) or set key_mode = "
		                       "\"auto\"");
}

class Service {
public:
	Service(const Invocation &inv, std::string path)
	    : inv_(inv), path_(std::move(path)), root_(pin_root(inv.pin_root))
	{
	}

	int run()
	{
		// Blocked before the metrics thread starts, so it inherits the
		// mask and only sigtimedwait() below takes them.
		const sigset_t signals = service_signals();
		sigprocmask(SIG_BLOCK, &signals, nullptr);

		config_ = load_service_config(path_);
		log_event(LogLevel::info, "starting with " + path_ + ": " + device_names(config_),
		          {{"SGATE_CONFIG", path_}});
		if (config_.metrics_listen)
			metrics_ = std::make_unique<MetricsServer>(*config_.metrics_listen, root_);
		const unsigned failed = apply(config_, nullptr);
		if (failed)
			throw Failure(Exit::failure,
			              std::to_string(failed) + " of " +
			                      std::to_string(config_.devices.size()) +
			                      " devices could not be guarded (see above); fix the "
			                      "cause or the config and start again");
		// Ready once the gates guard; a key rotation may wait out an
		// epoch boundary's guard window, so it comes after.
		notify("READY=1");
		rotate_due_keys();

		for (;;) {
			const timespec tick{kTickSeconds, 0};
			const int sig = sigtimedwait(&signals, nullptr, &tick);
			if (sig == SIGHUP) {
				reload();
			} else if (sig == SIGTERM || sig == SIGINT) {
				stop(sig);
				return 0;
			} else {
				rotate_due_keys();
			}
		}
	}

private:
	void notify(const std::string &state)
	{
		std::string status = "guarding " + device_names(config_);
		if (metrics_)
			status += "; metrics on " + metrics_->listen();
		sd_notify(0, (state + "\nSTATUS=" + status).c_str());
	}

	Invocation request(Command command, const std::string &device) const
	{
		Invocation r;
		r.command = command;
		r.pin_root = inv_.pin_root;
		r.device = device;
		return r;
	}

	void attach(const DeviceSettings &d, const ServiceConfig &config)
	{
		require_key_mode(config.key_mode, select_key_mode(), d.name);
		Invocation r = request(Command::attach, d.name);
		r.ports = d.ports;
		r.xdp_mode = d.xdp_mode;
		r.xdp_hook = d.xdp_hook;
		r.mss = d.mss;
		r.key_period = config.key_period;
		run_attach(r);
		log_event(LogLevel::notice,
		          d.name + ": attached, ports " + format_port_list(d.ports),
		          {{"SGATE_DEVICE", d.name},
		           {"SGATE_PORTS", format_port_list(d.ports)},
		           {"SGATE_ACTION", "attach"}});
	}

	void detach(const std::string &device)
	{
		run_detach(request(Command::detach, device));
		log_event(LogLevel::notice, device + ": detached",
		          {{"SGATE_DEVICE", device}, {"SGATE_ACTION", "detach"}});
	}

	// What attach would configure for @d on a gate now in @mode.
	sgate_config wanted_config(const DeviceSettings &d, const ServiceConfig &config,
	                           KeyMode mode, const sgate_config &have) const
	{
		GateParams params;
		params.ports = d.ports;
		params.mtu = device_mtu(d.name);
		params.mac = device_mac(d.name);
		params.mss_cap = d.mss;
		// Module mode without key_period keeps the module's length,
		// which the gate's config repeats.
		const unsigned module_seconds =
		        static_cast<unsigned>(have.epoch_ns / 1000000000ULL);
		const unsigned map_seconds = SGATE_DEFAULT_EPOCH_SECONDS;
		params.key_period_seconds = config.key_period.value_or(
		        mode == KeyMode::module ? module_seconds : map_seconds);
		params.host = read_host_tcp_settings();
		return make_gate_config(params);
	}

	// Why a pinned gate cannot be kept as it is ("" if it can); its port
	// bitmap aside, which changes in place.
	std::string reattach_reason(const DeviceSettings &d, const ServiceConfig &config,
	                            const PinnedGate &gate, const sgate_config &have,
	                            const sgate_config &want) const
	{
		std::string why;
		const KeyMode mode = gate.key_mode();
		try {
			require_key_mode(config.key_mode, mode, d.name);
		} catch (const Failure &) {
			why = std::string("key mode ") + key_mode_name(mode) +
			      ", the config wants " + key_mode_choice_name(config.key_mode);
		}
		const unsigned ifindex = gate.device_index();
		const XdpHookStatus xdp =
		        ifindex ? find_gate_xdp(ifindex, gate.config_fd()) : XdpHookStatus{};
		const std::string &xdp_mode = xdp.mode;
		// Only this way round: a gate that asked to share the hook holds it
		// alone where the kernel cannot run libxdp's dispatcher, and
		// attaching anew would not change that.
		if (d.xdp_hook == XdpHook::alone && xdp.dispatcher)
			why += (why.empty() ? "" : "; ") +
			       std::string("XDP in libxdp's dispatcher, the config wants it alone");
		// "auto" keeps the mode the gate has: attaching anew for the
		// other one would lose the handshakes in flight for nothing.
		const bool xdp_mode_fits = d.xdp_mode == XdpMode::automatic
		                                   ? xdp_mode == "native" || xdp_mode == "generic"
		                                   : xdp_mode == xdp_mode_name(d.xdp_mode);
		if (!xdp_mode_fits)
			why += (why.empty() ? "" : "; ") + std::string("XDP ") + xdp_mode +
			       ", the config wants " + xdp_mode_name(d.xdp_mode);
		const std::string fields = config_differences(have, want);
		if (!fields.empty())
			why += (why.empty() ? "" : "; ") + fields + " differ";
		return why;
	}

	// Attaches @d, or adopts its pinned gate, bringing it to the config:
	// the ports in place (no handshake is lost), anything else by
	// attaching anew.
	void guard(const DeviceSettings &d, const ServiceConfig &config)
	{
		if (!gate_exists(root_, d.name))
			return attach(d, config);
		std::string why;
		try {
			PinnedGate gate(root_, d.name);
			sgate_config have = gate.config();
			const sgate_config want = wanted_config(d, config, gate.key_mode(), have);
			why = reattach_reason(d, config, gate, have, want);
			if (why.empty()) {
				adopt(gate, have, want, d);
				return;
			}
		} catch (const Failure &f) {
			if (f.status() == Exit::no_device)
				throw;
			why = f.what();
		}
		log_event(LogLevel::warning,
		          d.name +
		                  ": attaching anew, as the pinned gate differs from the config (" +
		                  why + "); handshakes in flight on it must start again",
		          {{"SGATE_DEVICE", d.name}, {"SGATE_ACTION", "reattach"}});
		detach(d.name);
		attach(d, config);
	}

	void adopt(PinnedGate &gate, sgate_config have, const sgate_config &want,
	           const DeviceSettings &d)
	{
		PortBitmap had{};
		std::copy(std::begin(have.ports), std::end(have.ports), had.begin());
		if (had == d.ports) {
			log_event(LogLevel::info,
			          d.name + ": adopted the gate already attached, ports " +
			                  format_port_list(d.ports),
			          {{"SGATE_DEVICE", d.name}, {"SGATE_ACTION", "adopt"}});
			return;
		}
		std::copy(std::begin(want.ports), std::end(want.ports), std::begin(have.ports));
		{
			UniqueFd lock = lock_pin_root(root_);
			gate.write_config(have);
		}
		log_event(LogLevel::notice,
		          d.name + ": ports now " + format_port_list(d.ports) + " (were " +
		                  format_port_list(had) + ")",
		          {{"SGATE_DEVICE", d.name},
		           {"SGATE_PORTS", format_port_list(d.ports)},
		           {"SGATE_ACTION", "ports"}});
	}

	// Brings the gates from @previous (none at start) to @next; returns
	// how many devices failed, each logged.  A gate @next does not name
	// is detached only if @previous named it: one attached by hand stays.
	unsigned apply(const ServiceConfig &next, const ServiceConfig *previous)
	{
		unsigned failed = 0;
		for (const DeviceSettings &d : next.devices) {
			try {
				guard(d, next);
			} catch (const Failure &f) {
				failed++;
				log_event(LogLevel::error, d.name + ": " + f.what(),
				          {{"SGATE_DEVICE", d.name}});
			}
		}
		if (!previous)
			return failed;
		for (const DeviceSettings &d : previous->devices) {
			if (find_device(next, d.name) || !gate_exists(root_, d.name))
				continue;
			try {
				detach(d.name);
			} catch (const Failure &f) {
				failed++;
				log_event(LogLevel::error, d.name + ": " + f.what(),
				          {{"SGATE_DEVICE", d.name}});
			}
		}
		return failed;
	}

	// Map mode only: sgate.ko's timer rotates module-mode keys.
	void rotate_due_keys()
	{
		for (const DeviceSettings &d : config_.devices) {
			try {
				if (!gate_exists(root_, d.name))
					continue;
				PinnedGate gate(root_, d.name);
				if (gate.key_mode() != KeyMode::map)
					continue;
				// Due or not is decided under the lock, so a
				// concurrent 'sgate rotate' (or a second daemon)
				// does not make two rotations of one epoch.
				UniqueFd lock = lock_pin_root(root_);
				if (rotation_due(gate))
					rotate_gate(gate);
			} catch (const Failure &f) {
				log_event(LogLevel::error, d.name + ": key rotation: " + f.what(),
				          {{"SGATE_DEVICE", d.name}, {"SGATE_ACTION", "rotate"}});
			}
		}
	}

	static bool rotation_due(const PinnedGate &gate)
	{
		const sgate_config cfg = gate.config();
		if (!cfg.epoch_ns)
			return false;
		sgate_keyring ring;
		gate.read_keyring(gate.key_selector(), ring);
		const bool due =
		        map_rotation_due(ring, epoch_at(coarse_monotonic_ns(), cfg.epoch_ns));
		wipe(ring);
		return due;
	}

	void reload()
	{
		notify("RELOADING=1");
		ServiceConfig next;
		try {
			next = load_service_config(path_);
		} catch (const Failure &f) {
			log_event(
			        LogLevel::error,
			        std::string(
			                "reload: the new config is refused, the old one stays: ") +
			                f.what(),
			        {{"SGATE_CONFIG", path_}, {"SGATE_ACTION", "reload"}});
			notify("READY=1");
			return;
		}
		if (next.metrics_listen != config_.metrics_listen) {
			metrics_.reset();
			if (next.metrics_listen) {
				try {
					metrics_ = std::make_unique<MetricsServer>(
					        *next.metrics_listen, root_);
				} catch (const Failure &f) {
					log_event(LogLevel::error,
					          std::string("reload: ") + f.what());
				}
			}
		}
		const unsigned failed = apply(next, &config_);
		config_ = next;
		log_event(failed ? LogLevel::warning : LogLevel::info,
		          "reloaded " + path_ + ": " + device_names(config_) +
		                  (failed ? "; " + std::to_string(failed) + " failed (see above)"
		                          : ""),
		          {{"SGATE_CONFIG", path_}, {"SGATE_ACTION", "reload"}});
		notify("READY=1");
	}

	void stop(int sig)
	{
		notify("STOPPING=1");
		metrics_.reset();
		if (config_.detach_on_stop) {
			for (const DeviceSettings &d : config_.devices) {
				try {
					if (gate_exists(root_, d.name))
						detach(d.name);
				} catch (const Failure &f) {
					log_event(LogLevel::error, d.name + ": " + f.what(),
					          {{"SGATE_DEVICE", d.name}});
				}
			}
		}
		log_event(LogLevel::info,
		          std::string("stopping on ") + sigabbrev_np(sig) +
		                  (config_.detach_on_stop
		                           ? ": the gates were detached (detach_on_stop = true)"
		                           : ": the gates stay attached and keep guarding; "
		                             "their keys rotate again once sgate run is back"));
	}

	Invocation inv_;
	std::string path_;
	std::string root_;
	ServiceConfig config_;
	std::unique_ptr<MetricsServer> metrics_;
};

void check_config(const std::string &path)
{
	const ServiceConfig config = load_service_config(path);
	std::printf("sgate: %s is valid: %s; key mode %s; metrics %s; gates %s when the daemon "
	            "stops\n",
	            path.c_str(), device_names(config).c_str(),
	            key_mode_choice_name(config.key_mode),
	            config.metrics_listen ? config.metrics_listen->c_str() : "off",
	            config.detach_on_stop ? "detached" : "stay attached");
}

} // namespace

void run_service(const Invocation &inv)
{
	const std::string path = inv.config_path.value_or(kDefaultConfigPath);
	if (inv.check_config)
		return check_config(path);
	require_root();
	// What the commands print joins the log, line by line.
	std::fflush(stdout);
	dup2(STDERR_FILENO, STDOUT_FILENO);
	setvbuf(stdout, nullptr, _IOLBF, 0);
	Service(inv, path).run();
}

} // namespace sgate
