#include "gate_pins.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "exit_status.h"

namespace sgate {

namespace {

bool is_directory(const std::string &path)
{
	struct stat st;
	return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool on_bpffs(const std::string &path)
{
	struct statfs fs;
	return statfs(path.c_str(), &fs) == 0 && fs.f_type == BPF_FS_MAGIC;
}

// The deepest existing directory on the way to @path.
std::string existing_ancestor(std::string path)
{
	while (!path.empty() && !is_directory(path)) {
		auto slash = path.find_last_of('/');
		if (slash == std::string::npos)
			return ".";
		path.resize(slash);
	}
	return path.empty() ? "/" : path;
}

// Whether our mount namespace is private to this command, so that a mount
// made in it would not outlive us: it differs from init's or from our
// parent's (ip netns exec unshares one just for the command it runs).
// nullopt where neither can be read.
std::optional<bool> in_private_mount_namespace()
{
	struct stat ours;
	if (stat("/proc/self/ns/mnt", &ours))
		return std::nullopt;
	std::optional<bool> result;
	const std::string others[] = {"/proc/1/ns/mnt",
	                              "/proc/" + std::to_string(getppid()) + "/ns/mnt"};
	for (const std::string &other : others) {
		struct stat st;
		if (stat(other.c_str(), &st))
			continue;
		if (st.st_ino != ours.st_ino || st.st_dev != ours.st_dev)
			return true;
		result = false;
	}
	return result;
}

void make_directories(const std::string &path)
{
	for (std::size_t pos = 1; pos != std::string::npos;) {
		pos = path.find('/', pos + 1);
		std::string prefix = path.substr(0, pos);
		if (mkdir(prefix.c_str(), 0700) && errno != EEXIST)
			throw Failure(Exit::failure,
			              "cannot create " + prefix + ": " + errno_text(errno));
	}
}

} // namespace

std::string pin_root(const std::optional<std::string> &option)
{
	std::string root;
	if (option)
		root = *option;
	else if (const char *env = std::getenv("SGATE_PIN_ROOT"); env && *env)
		root = env;
	else
		root = kDefaultPinRoot;
	while (root.size() > 1 && root.back() == '/')
		root.pop_back();
	return root;
}

std::uint64_t netns_cookie()
{
	// Any socket tells the cookie of the namespace it was made in.
	UniqueFd sock(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
	std::uint64_t cookie = 0;
	socklen_t len = sizeof cookie;
	if (!sock || getsockopt(sock.get(), SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len))
		throw Failure(Exit::failure, std::string("cannot read the network namespace's "
		                                         "cookie (SO_NETNS_COOKIE): ") +
		                                     errno_text(errno) +
		                                     " (it needs Linux >= 5.14)");
	return cookie;
}

std::string netns_dir(const std::string &root)
{
	return root + "/" + std::to_string(netns_cookie());
}

std::string gate_dir(const std::string &root, const std::string &device)
{
	return netns_dir(root) + "/" + device;
}

std::string gate_pin(const std::string &root, const std::string &device, const char *name)
{
	return gate_dir(root, device) + "/" + name;
}

bool gate_exists(const std::string &root, const std::string &device)
{
	return is_directory(gate_dir(root, device));
}

std::vector<std::string> gate_devices(const std::string &root)
{
	std::vector<std::string> devices;
	const std::string dir = netns_dir(root);
	DIR *d = opendir(dir.c_str());

	if (!d)
		return devices;
	while (const dirent *entry = readdir(d)) {
		std::string name = entry->d_name;
		if (name != "." && name != ".." && is_directory(dir + "/" + name))
			devices.push_back(name);
	}
	closedir(d);
	std::sort(devices.begin(), devices.end());
	return devices;
}

std::vector<std::string> vlan_tc_link_pins(const std::string &dir)
{
	const std::string prefix = pin::vlan_tc_link_prefix;
	std::vector<std::string> names;
	DIR *d = opendir(dir.c_str());

	if (!d)
		return names;
	while (const dirent *entry = readdir(d)) {
		const std::string name = entry->d_name;
		if (name.rfind(prefix, 0) == 0)
			names.push_back(name);
	}
	closedir(d);
	std::sort(names.begin(), names.end());
	return names;
}

std::string vlan_tc_link_pin(unsigned ifindex)
{
	return pin::vlan_tc_link_prefix + std::to_string(ifindex);
}

void prepare_pin_root(const std::string &root)
{
	if (!on_bpffs(existing_ancestor(root))) {
		const bool default_place = root.rfind(std::string(kBpffsMount) + "/", 0) == 0;
		if (!default_place)
			throw Failure(
			        Exit::failure,
			        "pin root " + root +
			                " is not on a bpf filesystem, so pins there would not "
			                "work: mount one (mount -t bpf bpf DIR) or use "
			                "--pin-root under " +
			                kBpffsMount);
		// A bpf filesystem mounted in a private mount namespace dies with
		// it, and the pinned XDP link with it, leaving a TC filter behind.
		const auto private_namespace = in_private_mount_namespace();
		if (private_namespace.value_or(false))
			throw Failure(
			        Exit::failure,
			        std::string(kBpffsMount) +
			                " is no bpf filesystem in this private mount namespace "
			                "(ip netns exec remounts /sys), and one mounted here "
			                "would vanish with it, taking the gate along: run sgate "
			                "with 'nsenter --net=/run/netns/NAME' instead, or mount "
			                "the host's bpf filesystem here");
		make_directories(kBpffsMount);
		if (mount("bpf", kBpffsMount, "bpf", 0, "mode=0700"))
			throw Failure(Exit::failure,
			              std::string("cannot mount a bpf filesystem at ") +
			                      kBpffsMount + ": " + errno_text(errno) +
			                      "; mount it yourself: mount -t bpf bpf " +
			                      kBpffsMount);
		if (!private_namespace)
			std::fprintf(
			        stderr,
			        "sgate: note: mounted a bpf filesystem at %s; if this is a "
			        "private mount namespace (ip netns exec), it vanishes when the "
			        "command ends, and the gate with it: use 'nsenter --net=...' "
			        "instead\n",
			        kBpffsMount);
	}
	make_directories(netns_dir(root));
}

UniqueFd lock_pin_root(const std::string &root)
{
	UniqueFd fd(open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	if (!fd)
		return fd;
	if (flock(fd.get(), LOCK_EX))
		throw Failure(Exit::failure, "cannot lock " + root + ": " + errno_text(errno));
	return fd;
}

} // namespace sgate
