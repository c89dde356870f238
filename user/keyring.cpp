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

std::uint64_t rotation_epoch(std::uint64_t now_ns, std::uint64_t epoch_ns)
{
	const std::uint64_t epoch = epoch_at(now_ns, epoch_ns);
	const std::uint64_t next_boundary_ns = (epoch + 1) * epoch_ns;

	return next_boundary_ns - now_ns < kRotationGuardNs ? epoch + 1 : epoch;
}

void rotate_keyring(const sgate_keyring &old, const sgate_siphash_key &new_key, std::uint64_t now,
                    sgate_keyring &out)
{
	const std::uint64_t previous = now > 0 ? now - 1 : 0;
	const bool now_has_key = sgate_keyring_key_for(&old, now) != nullptr;
	const std::uint64_t takeover = now_has_key ? now + 1 : now;

	// The master that governs the previous epoch: the newest that started by then.
	int governs_previous = -1;
	for (int i = 0; i < SGATE_KEYRING_MASTERS; i++) {
		const auto &m = old.m[i];
		if (master_in_use(m) && m.first_epoch <= previous &&
		    (governs_previous < 0 || m.first_epoch > old.m[governs_previous].first_epoch))
			governs_previous = i;
	}

	// Indexes of the masters kept, newest first.  Sorting indexes rather
	// than masters leaves no stray copies of key bytes behind.
	int kept[SGATE_KEYRING_MASTERS];
	int n_kept = 0;
	for (int i = 0; i < SGATE_KEYRING_MASTERS; i++) {
		const auto &m = old.m[i];
		if (!master_in_use(m))
			continue;
		if (i != governs_previous &&
		    (m.first_epoch < previous || m.first_epoch >= takeover))
			continue;
		int at = n_kept++;
		while (at > 0 && old.m[kept[at - 1]].first_epoch < m.first_epoch) {
			kept[at] = kept[at - 1];
			at--;
		}
		kept[at] = i;
	}

	wipe(out);
	out.m[0].key = new_key;
	out.m[0].first_epoch = takeover;
	// With a sane ring at most two old masters qualify (the one governing
	// now - 1 and one starting at now); if a damaged ring offers more,
	// the oldest go.
	for (int slot = 1; slot < SGATE_KEYRING_MASTERS; slot++) {
		if (slot - 1 < n_kept)
			out.m[slot] = old.m[kept[slot - 1]];
		else
			clear_master(out.m[slot]);
	}
	out.serial = old.serial + 1;
}

} // namespace sgate
