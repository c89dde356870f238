// Unit tests of the agent's keys (keys.h): the key schedule of rotations, by
// the rule of sgate/keyring.h, and the choice of key mode from a fake sysfs.
#include "agent_test.h"

#include <random>
#include <sys/stat.h>
#include <unistd.h>

#include "exit_status.h"
#include "keys.h"

using namespace sgate;
using namespace sgate::test;

namespace {

/* --- key schedule ------------------------------------------------------ */

bool same_key(const sgate_siphash_key *a, const sgate_siphash_key *b)
{
	if (!a || !b)
		return a == b;
	return a->k[0] == b->k[0] && a->k[1] == b->k[1];
}

// Is @a master key number @n (see key_of())?
bool is_key(const sgate_siphash_key *a, std::uint64_t n)
{
	const sgate_siphash_key b = key_of(n);
	return a && same_key(a, &b);
}

bool ring_holds(const sgate_keyring &ring, std::uint64_t n)
{
	for (const auto &m : ring.m)
		if (is_key(&m.key, n))
			return true;
	return false;
}

void expect_unused(const sgate_master_key &m)
{
	assert_true(m.first_epoch == kUnusedEpoch);
	assert_true(m.key.k[0] == 0 && m.key.k[1] == 0);
}

void test_initial_and_empty_keyring(void **)
{
	sgate_keyring ring;
	std::memset(&ring, 0xa5, sizeof ring);
	initial_keyring(key_of(1), ring);
	assert_true(is_key(&ring.m[0].key, 1));
	assert_true(ring.m[0].first_epoch == 0);
	expect_unused(ring.m[1]);
	expect_unused(ring.m[2]);
	assert_true(ring.serial == 1);

	// The idle slot's ring has no key for any epoch: a stray flip drops.
	const sgate_keyring empty = empty_keyring();
	for (const auto &m : empty.m)
		expect_unused(m);
	assert_null(sgate_keyring_key_for(&empty, 0));
	assert_null(sgate_keyring_key_for(&empty, kUnusedEpoch - 1));
}

void test_rotation_delay_guard(void **)
{
	const std::uint64_t s = 1000000000ull, period = 60 * s;
	assert_true(rotation_delay_ns(100 * period, period) == 0);
	assert_true(rotation_delay_ns(100 * period + 30 * s, period) == 0);
	// 200 ms or more before the boundary: no wait.
	assert_true(rotation_delay_ns(101 * period - kRotationGuardNs, period) == 0);
	// Less: wait until past it, by more than a coarse clock tick.
	const std::uint64_t near = 101 * period - kRotationGuardNs + 1;
	const std::uint64_t wait = rotation_delay_ns(near, period);
	assert_true(wait > kRotationGuardNs - 1);
	assert_true(epoch_at(near + wait, period) == 101);
	assert_true(rotation_delay_ns(near + wait, period) == 0);
	assert_true(epoch_at(101 * period - 1 + rotation_delay_ns(101 * period - 1, period),
	                     period) == 101);
}

void test_rotate_from_initial(void **)
{
	sgate_keyring old, ring;
	initial_keyring(key_of(1), old);
	rotate_keyring(old, key_of(2), 100, ring);

	// The new master takes over at the next epoch; the current key stays.
	assert_true(is_key(&ring.m[0].key, 2));
	assert_true(ring.m[0].first_epoch == 101);
	assert_true(is_key(&ring.m[1].key, 1));
	assert_true(ring.m[1].first_epoch == 0);
	expect_unused(ring.m[2]);
	assert_true(ring.serial == 2);
	assert_true(is_key(sgate_keyring_key_for(&ring, 100), 1));
	assert_true(is_key(sgate_keyring_key_for(&ring, 99), 1));
	assert_true(is_key(sgate_keyring_key_for(&ring, 101), 2));
}

void test_rotate_replaces_pending(void **)
{
	sgate_keyring r1, r2, r3;
	initial_keyring(key_of(1), r1);
	rotate_keyring(r1, key_of(2), 100, r2);
	rotate_keyring(r2, key_of(3), 100, r3); // again, same epoch

	// Key 2 never signed anything: replaced, and gone from the ring.
	assert_true(is_key(&r3.m[0].key, 3));
	assert_true(r3.m[0].first_epoch == 101);
	assert_true(is_key(&r3.m[1].key, 1));
	expect_unused(r3.m[2]);
	assert_false(ring_holds(r3, 2));
	assert_true(r3.serial == 3);
}

void test_rotate_drops_retired(void **)
{
	sgate_keyring r1, r2, r3, r4;
	initial_keyring(key_of(1), r1);
	rotate_keyring(r1, key_of(2), 100, r2); // 2 from 101
	rotate_keyring(r2, key_of(3), 101, r3); // 3 from 102

	// Epoch 100 (key 1) is still "previous" at 101: all three kept, newest first.
	assert_true(r3.m[0].first_epoch == 102 && is_key(&r3.m[0].key, 3));
	assert_true(r3.m[1].first_epoch == 101 && is_key(&r3.m[1].key, 2));
	assert_true(r3.m[2].first_epoch == 0 && is_key(&r3.m[2].key, 1));

	rotate_keyring(r3, key_of(4), 102, r4); // 4 from 103
	// At 102 the previous epoch is 101 (key 2): key 1 is retired and wiped.
	assert_true(r4.m[0].first_epoch == 103 && is_key(&r4.m[0].key, 4));
	assert_true(r4.m[1].first_epoch == 102 && is_key(&r4.m[1].key, 3));
	assert_true(r4.m[2].first_epoch == 101 && is_key(&r4.m[2].key, 2));
	assert_false(ring_holds(r4, 1));
	assert_true(r4.serial == 4);
}

void test_rotate_after_quiet_epochs(void **)
{
	sgate_keyring r1, r2, r3;
	initial_keyring(key_of(1), r1);
	rotate_keyring(r1, key_of(2), 100, r2); // 2 from 101
	rotate_keyring(r2, key_of(3), 500, r3); // long after

	// Only key 2 governs 499 and 500; key 1 is wiped; one slot unused.
	assert_true(r3.m[0].first_epoch == 501 && is_key(&r3.m[0].key, 3));
	assert_true(r3.m[1].first_epoch == 101 && is_key(&r3.m[1].key, 2));
	expect_unused(r3.m[2]);
	assert_false(ring_holds(r3, 1));
}

void test_rotate_without_current_key(void **)
{
	// A ring with no key for "now" (damaged): nothing was signed, so the
	// new key takes over at once rather than leaving an epoch keyless.
	const sgate_keyring old = empty_keyring();
	sgate_keyring ring;
	rotate_keyring(old, key_of(7), 100, ring);
	assert_true(ring.m[0].first_epoch == 100);
	assert_true(is_key(sgate_keyring_key_for(&ring, 100), 7));
	expect_unused(ring.m[1]);
	expect_unused(ring.m[2]);
	assert_true(ring.serial == 1);
}

void test_rotate_at_epoch_zero(void **)
{
	sgate_keyring r1, r2;
	initial_keyring(key_of(1), r1);
	rotate_keyring(r1, key_of(2), 0, r2);
	assert_true(r2.m[0].first_epoch == 1);
	assert_true(is_key(sgate_keyring_key_for(&r2, 0), 1));
}

// Whatever the timing of rotations: a rotation at epoch E never changes the
// key that checks cookies of epochs E - 1 and E, the new key governs E + 1,
// the ring stays sorted newest first, and no retired key survives.
void test_rotate_invariants_random(void **)
{
	std::mt19937_64 rng(12345);
	sgate_keyring ring, next;
	initial_keyring(key_of(1), ring);
	std::uint64_t epoch = 5, serial = 1;

	for (std::uint64_t n = 2; n < 5000; n++) {
		epoch += rng() % 3; // 0, 1 or 2 epochs between rotations
		rotate_keyring(ring, key_of(n), epoch, next);
		for (std::uint64_t e : {epoch - 1, epoch})
			assert_true(same_key(sgate_keyring_key_for(&next, e),
			                     sgate_keyring_key_for(&ring, e)));
		assert_true(is_key(sgate_keyring_key_for(&next, epoch + 1), n));
		assert_true(next.serial == ++serial);
		for (int i = 1; i < SGATE_KEYRING_MASTERS; i++) {
			if (master_in_use(next.m[i]))
				assert_true(next.m[i].first_epoch < next.m[i - 1].first_epoch);
			else
				expect_unused(next.m[i]);
		}
		// Every kept master still governs epoch - 1 or later.
		for (const auto &m : next.m)
			if (master_in_use(m) && m.first_epoch < epoch - 1)
				assert_true(
				        same_key(sgate_keyring_key_for(&next, epoch - 1), &m.key));
		ring = next;
	}
}

void test_map_rotation_schedule(void **)
{
	sgate_keyring initial, rotated, again;
	initial_keyring(key_of(1), initial);
	// A fresh gate's key has signed since epoch 0: due at once.
	assert_true(map_rotation_due(initial, 0));
	assert_true(map_rotation_due(initial, 100));
	// After a rotation at 100 the new key is pending until 101: not due
	// again within epoch 100, due once it signs.
	rotate_keyring(initial, key_of(2), 100, rotated);
	assert_false(map_rotation_due(rotated, 100));
	assert_true(map_rotation_due(rotated, 101));
	// A ring with no key for now gets one that signs at once; the next
	// rotation then waits for a key that signs from the next epoch.
	rotate_keyring(empty_keyring(), key_of(3), 200, again);
	assert_true(map_rotation_due(again, 200));
	assert_true(map_rotation_due(empty_keyring(), 5));
}

void test_wipe(void **)
{
	sgate_keyring ring;
	initial_keyring(key_of(9), ring);
	wipe(ring);
	const unsigned char *bytes = reinterpret_cast<const unsigned char *>(&ring);
	for (std::size_t i = 0; i < sizeof ring; i++)
		assert_int_equal(bytes[i], 0);
}

/* --- key mode ---------------------------------------------------------- */

// A throwaway directory standing in for /sys.
struct FakeSysfs {
	std::string root;
	FakeSysfs()
	{
		char name[] = "/tmp/sgate-sysfs-XXXXXX";
		assert_non_null(mkdtemp(name));
		root = name;
	}
	~FakeSysfs()
	{
		for (const char *dir : {"/kernel/btf/sgate", "/kernel/btf", "/kernel",
		                        "/module/sgate", "/module", ""})
			rmdir((root + dir).c_str());
	}
	void mkdirs(std::initializer_list<const char *> dirs)
	{
		for (const char *dir : dirs)
			assert_int_equal(mkdir((root + dir).c_str(), 0700), 0);
	}
};

void test_key_mode_selection(void **)
{
	FakeSysfs sys;
	assert_int_equal(static_cast<int>(select_key_mode(sys.root)),
	                 static_cast<int>(KeyMode::map));
	sys.mkdirs({"/module"});
	assert_int_equal(static_cast<int>(select_key_mode(sys.root)),
	                 static_cast<int>(KeyMode::map));
	sys.mkdirs({"/module/sgate"});
	assert_int_equal(static_cast<int>(select_key_mode(sys.root)),
	                 static_cast<int>(KeyMode::module));

	// Loaded without BTF: no kfuncs, exit 7 with the fix.
	try {
		require_module_btf(sys.root);
		fail_msg("no failure without /sys/kernel/btf/sgate");
	} catch (const Failure &f) {
		assert_int_equal(static_cast<int>(f.status()),
		                 static_cast<int>(Exit::kernel_unsupported));
		assert_string_equal(f.what(), "sgate.ko is loaded without BTF, so it registered no "
		                              "kfuncs: rebuild it with pahole installed");
	}
	sys.mkdirs({"/kernel", "/kernel/btf", "/kernel/btf/sgate"});
	require_module_btf(sys.root);

	assert_string_equal(key_mode_text(KeyMode::module),
	                    "module (keys in sgate.ko, never in a map)");
	assert_string_equal(key_mode_text(KeyMode::map), "map (keys in a BPF map)");
	assert_string_equal(key_mode_name(KeyMode::module), "module");
	assert_string_equal(key_mode_name(KeyMode::map), "map");
}

} // namespace

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_initial_and_empty_keyring),
	        cmocka_unit_test(test_rotation_delay_guard),
	        cmocka_unit_test(test_rotate_from_initial),
	        cmocka_unit_test(test_rotate_replaces_pending),
	        cmocka_unit_test(test_rotate_drops_retired),
	        cmocka_unit_test(test_rotate_after_quiet_epochs),
	        cmocka_unit_test(test_rotate_without_current_key),
	        cmocka_unit_test(test_rotate_at_epoch_zero),
	        cmocka_unit_test(test_rotate_invariants_random),
	        cmocka_unit_test(test_map_rotation_schedule),
	        cmocka_unit_test(test_wipe),
	        cmocka_unit_test(test_key_mode_selection),
	};
	return cmocka_run_group_tests(tests, nullptr, nullptr);
}
