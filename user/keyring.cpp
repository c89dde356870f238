#include "keyring.h"

namespace sgate {

sgate_keyring empty_keyring()
{
	sgate_keyring ring;
	sgate_keyring_init(&ring, nullptr, 0);
	return ring;
}

void initial_keyring(const sgate_siphash_key &key, sgate_keyring &ring)
{
	sgate_keyring_init(&ring, &key, 1);
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
