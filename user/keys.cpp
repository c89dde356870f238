#include "keys.h"

#include <cerrno>
#include <ctime>
#include <sys/random.h>
#include <sys/stat.h>

#include "exit_status.h"

namespace sgate {

namespace {

bool exists(const std::string &path)
{
	struct stat st;
	return stat(path.c_str(), &st) == 0;
}

} // namespace

const char *key_mode_text(KeyMode mode)
{
	return mode == KeyMode::module ? "module (keys in sgate.ko, never in a map)"
	                               : "map (keys in a BPF map)";
}

const char *key_mode_name(KeyMode mode)
{
	return mode == KeyMode::module ? "module" : "map";
}

KeyMode select_key_mode(const std::string &sysfs)
{
	return exists(sysfs + "/module/sgate") ? KeyMode::module : KeyMode::map;
}

void require_module_btf(const std::string &sysfs)
{
	if (!exists(sysfs + "/kernel/btf/sgate"))
		throw Failure(Exit::kernel_unsupported,
		              "sgate.ko is loaded without BTF, so it registered no kfuncs: "
		              "rebuild it with pahole installed");
}

void random_key(sgate_siphash_key &key)
{
	auto *bytes = reinterpret_cast<unsigned char *>(&key);
	std::size_t got = 0;
	while (got < sizeof key) {
		ssize_t n = getrandom(bytes + got, sizeof key - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			throw Failure(Exit::failure,
			              std::string("getrandom() failed: ") + errno_text(errno));
		got += static_cast<std::size_t>(n);
	}
}

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

std::uint64_t coarse_monotonic_ns()
{
	timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ULL +
	       static_cast<std::uint64_t>(ts.tv_nsec);
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

bool map_rotation_due(const sgate_keyring &ring, std::uint64_t epoch)
{
	return !master_in_use(ring.m[0]) || ring.m[0].first_epoch <= epoch;
}

} // namespace sgate
