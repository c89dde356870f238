#include "metrics_sample.h"

#include <algorithm>
#include <iterator>
#include <memory>

#include "cli.h"
#include "gate_pins.h"
#include "keys.h"
#include "module.h"

namespace sgate {

namespace {

constexpr double kNsPerSecond = 1e9;

// The signing key's epoch and age from a map-mode gate's live ring.
void add_map_keys(const PinnedGate &gate, const sgate_config &cfg, GateMetrics &out)
{
	if (!cfg.epoch_ns)
		return;
	sgate_keyring ring;
	gate.read_keyring(gate.key_selector(), ring);
	const std::uint64_t now_ns = coarse_monotonic_ns();
	const std::uint64_t epoch = epoch_at(now_ns, cfg.epoch_ns);
	out.key_epoch = epoch;
	out.keyring_serial = ring.serial;
	for (const sgate_master_key &m : ring.m)
		if (master_in_use(m) && m.first_epoch <= epoch) {
			out.key_age_seconds = (static_cast<double>(now_ns) -
			                       static_cast<double>(m.first_epoch * cfg.epoch_ns)) /
			                      kNsPerSecond;
			break;
		}
	wipe(ring);
}

void add_module_keys(ModuleClient &module, GateMetrics &out)
{
	const ModuleStats stats = module.stats();
	out.key_epoch = stats.epoch;
	out.keyring_serial = stats.serial;
	for (const ModuleKey &key : module.keys())
		if (key.state == SGATE_KEY_CURRENT)
			out.key_age_seconds = static_cast<double>(key.age_ms) / 1000.0;
}

} // namespace

std::vector<GateMetrics> sample_gate_metrics(const std::vector<OpenGate> &gates)
{
	std::unique_ptr<ModuleClient> module;
	std::vector<GateMetrics> out;
	const std::uint64_t cookie = netns_cookie();
	for (const auto &[gate, mode] : gates) {
		GateMetrics m;
		m.device = gate.device();
		m.netns_cookie = cookie;
		m.key_mode = mode;
		m.counters = gate.counters();
		const sgate_config cfg = gate.config();
		PortBitmap ports{};
		std::copy(std::begin(cfg.ports), std::end(cfg.ports), ports.begin());
		m.protected_ports = count_ports(ports);
		m.key_period_seconds = cfg.epoch_ns / 1000000000ULL;
		if (mode == KeyMode::map) {
			add_map_keys(gate, cfg, m);
		} else {
			if (!module)
				module = std::make_unique<ModuleClient>();
			add_module_keys(*module, m);
		}
		out.push_back(std::move(m));
	}
	return out;
}

std::vector<OpenGate> open_healthy_gates(const std::string &root)
{
	std::vector<OpenGate> gates;
	for (const std::string &device : gate_devices(root)) {
		try {
			PinnedGate gate(root, device);
			const KeyMode mode = gate.key_mode();
			gates.push_back(OpenGate{std::move(gate), mode});
		} catch (const Failure &) {
			// Damaged or detached meanwhile: status reports it.
		}
	}
	return gates;
}

} // namespace sgate
