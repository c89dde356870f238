#include "keyring.h"

namespace sgate {

namespace {

void clear_master(sgate_master_key &master)
{
	wipe(master.key);
	master.first_epoch = kUnusedEpoch;
}

} // namespace

sgate_keyring empty_keyring()
{
	sgate_keyring ring{};
	for (auto &master : ring.m)
		master.first_epoch = kUnusedEpoch;
	return ring;
}

void initial_keyring(const sgate_siphash_key &key, sgate_keyring &ring)
{
	wipe(ring);
	ring.m[0].key = key;
	ring.m[0].first_epoch = 0;
	for (int i = 1; i < SGATE_KEYRING_MASTERS; i++)
		clear_master(ring.m[i]);
	ring.serial = 1;
}

std::uint64_t rotation_delay_ns(std::uint64_t now_ns, std::uint64_t epoch_ns)
{
	return sgate_rotation_delay_ns(now_ns, epoch_ns);
}

void rotate_keyring(const sgate_keyring &old, const sgate_siphash_key &new_key, std::uint64_t now,
                    sgate_keyring &out)
{
	wipe(out);
	sgate_keyring_rotate(&old, &new_key, now, &out);
}

} // namespace sgate
