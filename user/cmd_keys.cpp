// sgate keys: which keys a gate uses, by id, first epoch, age, state and
// origin -- never their bytes.  Map mode reads the live ring in the gate's
// keys map; module mode asks sgate.ko, whose one ring serves every
// module-mode gate in this network namespace.
#include <cstdio>
#include <memory>

#include "commands.h"
#include "exit_status.h"
#include "gate.h"
#include "gate_pins.h"
#include "host.h"
#include "keys.h"
#include "module.h"
#include "output.h"

namespace sgate {

namespace {

GateKeys map_keys(const PinnedGate &gate)
{
	const sgate_config cfg = gate.config();
	sgate_keyring ring;
	gate.read_keyring(gate.key_selector(), ring);
	GateKeys out;
	out.device = gate.device();
	out.mode = KeyMode::map;
	out.epoch = epoch_at(coarse_monotonic_ns(), cfg.epoch_ns);
	out.serial = ring.serial;
	out.keys = rows_from_ring(ring, out.epoch);
	wipe(ring);
	return out;
}

} // namespace

void run_keys(const Invocation &inv)
{
	require_root();
	const std::string root = pin_root(inv.pin_root);
	const std::vector<OpenGate> gates = open_gates(root, inv.device, "no keys");

	std::vector<GateKeys> listing;
	std::unique_ptr<GateKeys> module; // asked for once, shared by module-mode gates
	for (const auto &[gate, mode] : gates) {
		if (mode == KeyMode::map) {
			listing.push_back(map_keys(gate));
			continue;
		}
		if (!module) {
			ModuleClient client;
			module = std::make_unique<GateKeys>();
			module->mode = KeyMode::module;
			module->keys = rows_from_module(client.keys());
			const ModuleStats stats = client.stats();
			module->epoch = stats.epoch;
			module->serial = stats.serial;
		}
		listing.push_back(*module);
		listing.back().device = gate.device();
	}
	std::fputs((inv.json ? keys_json(listing) : keys_table(listing)).c_str(), stdout);
}

} // namespace sgate
