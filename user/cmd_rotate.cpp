// sgate rotate: a new master key for one gate or for all gates here, on the
// schedule of keyring.h, written so that the programs never see half a ring.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "commands.h"
#include "exit_status.h"
#include "host_checks.h"
#include "keyring.h"
#include "pin_paths.h"
#include "pinned_gate.h"
#include "random_key.h"

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

void rotate_gate(PinnedGate &gate)
{
	const sgate_config cfg = gate.config();
	const __u32 live = gate.key_selector(), idle = live ^ 1;
	RotationSecrets s;

	gate.read_keyring(live, s.old_ring);
	while (const std::uint64_t delay = rotation_delay_ns(coarse_monotonic_ns(), cfg.epoch_ns))
		sleep_ns(delay);
	const std::uint64_t now_ns = coarse_monotonic_ns();
	const std::uint64_t now = epoch_at(now_ns, cfg.epoch_ns);
	random_key(s.new_key);
	rotate_keyring(s.old_ring, s.new_key, now, s.new_ring);

	gate.write_keyring(idle, s.new_ring);
	gate.write_key_selector(idle);
	sleep_ns(kRetireDelayNs);
	gate.write_keyring(live, empty_keyring());

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

} // namespace

void run_rotate(const Invocation &inv)
{
	require_root();
	const std::string root = pin_root(inv.pin_root);
	UniqueFd lock = lock_pin_root(root);
	std::vector<std::string> devices;
	if (inv.device)
		devices.push_back(*inv.device);
	else
		devices = gate_devices(root);
	if (devices.empty())
		throw Failure(Exit::not_attached,
		              "no device is guarded by sgate in this network namespace: "
		              "no key to rotate");
	// Open them all first, so a missing gate fails before any key changes.
	std::vector<PinnedGate> gates;
	for (const auto &device : devices)
		gates.emplace_back(root, device);
	for (auto &gate : gates)
		rotate_gate(gate);
}

} // namespace sgate
