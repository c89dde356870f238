// sgate rotate: a new master key for one gate or for all gates here, on the
// schedule of keys.h, written so that the programs never see half a ring.
// Gates in module mode share sgate.ko's ring of this network namespace: it
// turns over once, by SGATE_CMD_ROTATE, however many of them are named.
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "commands.h"
#include "exit_status.h"
#include "gate.h"
#include "gate_pins.h"
#include "gate_rotation.h"
#include "host.h"
#include "keys.h"
#include "module.h"

namespace sgate {

namespace {

// Long enough for any program that looked up the old slot before the flip
// to have finished with it: they run to completion in microseconds.
constexpr long kRetireDelayNs = 50'000'000;

void sleep_ns(long ns)
{
	timespec left{0, ns};
	while (nanosleep(&left, &left) && errno == EINTR) {
	}
}

// The secrets of one rotation, wiped however it ends.
struct RotationSecrets {
	sgate_siphash_key new_key{};
	sgate_keyring old_ring{};
	sgate_keyring new_ring{};
	~RotationSecrets()
	{
		wipe(new_key);
		wipe(old_ring);
		wipe(new_ring);
	}
};

// The epoch a ring may be planned for now: the current one, once the next
// boundary is at least the guard window away (waiting for it if not).
std::uint64_t settled_epoch(std::uint64_t epoch_ns, std::uint64_t &now_ns)
{
	for (;;) {
		now_ns = coarse_monotonic_ns();
		const std::uint64_t delay = rotation_delay_ns(now_ns, epoch_ns);
		if (!delay)
			return epoch_at(now_ns, epoch_ns);
		sleep_ns(static_cast<long>(delay));
	}
}

} // namespace

// Publishes the ring sgate_keyring_rotate() gives for the epoch in which the
// flip of the key selector takes effect, however long any step stalls.  The
// plan depends on the epoch, and every blocking step (a map write, being
// descheduled) may outlast the rest of it, so:
//  - the ring is planned, then written into the idle slot, which no program
//    reads, and the clock read again: if the epoch moved or the guard window
//    was entered meanwhile, it is planned and written again;
//  - only then is the selector flipped, with no blocking step between that
//    clock read and the flip but the flip itself;
//  - the clock read after the flip brackets it: the same epoch at both ends
//    proves the flip took effect in the epoch planned for.  Otherwise the
//    flip itself stalled and may have landed in a later epoch: after the
//    retire delay the slot left behind is free, and the rotation is planned
//    again from the old ring, with the same new key, and published there.
//    Had the flip landed in time after all, the cookies the new key made
//    since the boundary stop verifying: no clock read can tell the two
//    cases apart, and only the re-planned ring is the rule's for its epoch.
// The old ring stays in memory throughout, so each plan starts from it; a
// plan is published only when a bracket around its flip holds, and each
// attempt ends within one stall, so the loop ends once the agent runs.
void rotate_gate(PinnedGate &gate)
{
	const sgate_config cfg = gate.config();
	__u32 live = gate.key_selector();
	RotationSecrets s;

	gate.read_keyring(live, s.old_ring);
	random_key(s.new_key);
	std::uint64_t now_ns = 0, now = 0;
	for (;;) {
		const __u32 idle = live ^ 1;
		now = settled_epoch(cfg.epoch_ns, now_ns);
		rotate_keyring(s.old_ring, s.new_key, now, s.new_ring);
		gate.write_keyring(idle, s.new_ring);
		std::uint64_t check_ns = 0;
		if (settled_epoch(cfg.epoch_ns, check_ns) != now)
			continue;
		gate.write_key_selector(idle);
		const std::uint64_t after_ns = coarse_monotonic_ns();
		// Programs that looked up the slot before the flip may still
		// read it: it is rewritten or emptied only after the delay.
		sleep_ns(kRetireDelayNs);
		live = idle;
		if (epoch_at(after_ns, cfg.epoch_ns) == now)
			break;
	}
	gate.write_keyring(live ^ 1, empty_keyring());

	// The key signing now keeps checking its cookies through the
	// epoch after the takeover.
	const std::uint64_t takeover = s.new_ring.m[0].first_epoch;
	const double takes_over = static_cast<double>(takeover * cfg.epoch_ns) / 1e9 -
	                          static_cast<double>(now_ns) / 1e9;
	const double old_until = static_cast<double>((takeover + 1) * cfg.epoch_ns) / 1e9 -
	                         static_cast<double>(now_ns) / 1e9;
	std::printf("sgate: %s: keyring serial %llu: the new key signs from epoch %llu, in %.1f s; "
	            "the keys in use before keep checking their cookies for %.1f s\n",
	            gate.device().c_str(), static_cast<unsigned long long>(s.new_ring.serial),
	            static_cast<unsigned long long>(takeover), takes_over > 0 ? takes_over : 0.0,
	            old_until);
}

namespace {

std::string join(const std::vector<std::string> &names)
{
	std::string out;
	for (const auto &name : names)
		out += (out.empty() ? "" : ", ") + name;
	return out;
}

void rotate_module(const std::vector<std::string> &devices)
{
	ModuleClient module;
	module.rotate();
	const ModuleSettings settings = module.settings();
	const ModuleStats stats = module.stats();
	const std::uint64_t now_ns = coarse_monotonic_ns();
	const std::uint64_t epoch_ns = settings.epoch_seconds * 1000000000ULL;

	// The new key is the pending one; should the timer have rotated since,
	// the newest pending one is what signs next.
	const ModuleKey *pending = nullptr;
	const std::vector<ModuleKey> keys = module.keys();
	for (const auto &k : keys)
		if (k.state == SGATE_KEY_PENDING && (!pending || k.id > pending->id))
			pending = &k;
	std::printf("sgate: sgate.ko keeps one key ring for this whole network namespace, not one "
	            "per device: rotated it once for %s; ring serial %llu",
	            join(devices).c_str(), static_cast<unsigned long long>(stats.serial));
	if (!pending) {
		std::printf(": the new key signs at once (the ring had no key for this epoch)\n");
		return;
	}
	const double takes_over = static_cast<double>(pending->first_epoch * epoch_ns) / 1e9 -
	                          static_cast<double>(now_ns) / 1e9;
	const double old_until = takes_over + static_cast<double>(settings.epoch_seconds);
	std::printf(": the new key (id %llu) signs from epoch %llu, in %.1f s; the keys in use "
	            "before keep checking their cookies for %.1f s\n",
	            static_cast<unsigned long long>(pending->id),
	            static_cast<unsigned long long>(pending->first_epoch),
	            takes_over > 0 ? takes_over : 0.0, old_until > 0 ? old_until : 0.0);
}

} // namespace

void run_rotate(const Invocation &inv)
{
	require_root();
	const std::string root = pin_root(inv.pin_root);
	UniqueFd lock = lock_pin_root(root);
	// Open them all first, so a missing gate fails before any key changes.
	std::vector<OpenGate> gates = open_gates(root, inv.device, "no key to rotate");
	std::vector<std::string> module_gates;
	for (const auto &[gate, mode] : gates)
		if (mode == KeyMode::module)
			module_gates.push_back(gate.device());
	// sgate.ko first: the one step that can fail for want of the module.
	if (!module_gates.empty())
		rotate_module(module_gates);
	for (auto &[gate, mode] : gates)
		if (mode == KeyMode::map)
			rotate_gate(gate);
}

} // namespace sgate
