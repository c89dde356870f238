#include "gate_pins.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <utility>

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

// The inode of /proc/<who>/ns/<kind>; nullopt where it cannot be read.
std::optional<std::pair<dev_t, ino_t>> namespace_of(const std::string &who, const char *kind)
{
	struct stat st;
	if (stat(("/proc/" + who + "/ns/" + kind).c_str(), &st))
		return std::nullopt;
	return std::make_pair(st.st_dev, st.st_ino);
}

// PROC_PID_INIT_INO of the kernel: the initial PID namespace's inode, fixed
// since Linux 3.8.  In any other, /proc/1 is a container's init and the
// processes sgate was started from may be out of sight.
constexpr ino_t kInitialPidNamespaceInode = 0xEFFFFFFCU;

bool in_initial_pid_namespace()
{
	const auto ns = namespace_of("self", "pid");
	return ns && ns->second == kInitialPidNamespaceInode;
}

// The parent of @pid from /proc/<pid>/stat ("pid (comm) state ppid ..."; the
// command may hold spaces and parentheses); 0 where unknown.
pid_t parent_of(pid_t pid)
{
	std::FILE *f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "re");
	if (!f)
		return 0;
	char buf[1024];
	const std::size_t len = std::fread(buf, 1, sizeof buf - 1, f);
	std::fclose(f);
	buf[len] = '\0';
	const char *close = std::strrchr(buf, ')');
	int ppid = 0;
	if (!close || std::sscanf(close + 1, " %*c %d", &ppid) != 1)
		return 0;
	return ppid;
}

// Whether the mount namespace of process @who is owned by our user namespace:
// one that only a process as privileged as sgate could have set up, so its
// bpf filesystem is no stranger's place for the gate's keys.
bool mount_namespace_ours(const std::string &who)
{
	UniqueFd mnt(open(("/proc/" + who + "/ns/mnt").c_str(), O_RDONLY | O_CLOEXEC));
	if (!mnt)
		return false;
	UniqueFd owner(ioctl(mnt.get(), NS_GET_USERNS));
	struct stat theirs, ours;
	return owner && fstat(owner.get(), &theirs) == 0 &&
	       stat("/proc/self/ns/user", &ours) == 0 && theirs.st_dev == ours.st_dev &&
	       theirs.st_ino == ours.st_ino;
}

// The bpf filesystem at /sys/fs/bpf of the nearest process sgate was started
// from that is in another mount namespace and has one there, reached through
// its /proc/<pid>/root: under 'ip netns exec', which gives the command a
// mount namespace of its own with /sys remounted, that is the caller's, which
// outlives the command.  Ancestors in another PID namespace are out of sight.
std::optional<std::string> bpffs_started_from()
{
	const auto ours = namespace_of("self", "mnt");
	if (!ours)
		return std::nullopt;
	pid_t pid = getppid();
	for (int hops = 0; pid > 0 && hops < 64; ++hops, pid = parent_of(pid)) {
		const std::string who = std::to_string(pid);
		const auto theirs = namespace_of(who, "mnt");
		if (!theirs || *theirs == *ours || !mount_namespace_ours(who))
			continue;
		const std::string bpffs = "/proc/" + who + "/root" + kBpffsMount;
		if (on_bpffs(bpffs))
			return bpffs;
	}
	return std::nullopt;
}

// Whether this mount namespace is the one of the processes sgate was started
// from and of init, so that a mount made in it outlives this command: not
// under 'ip netns exec' or unshare -m, not in a container.  An ancestor or
// init whose namespace cannot be read counts as unknown: no.
bool mount_outlives_command()
{
	const auto ours = namespace_of("self", "mnt");
	if (!ours || !in_initial_pid_namespace())
		return false;
	const auto init = namespace_of("1", "mnt");
	const auto parent = namespace_of(std::to_string(getppid()), "mnt");
	if (!init && !parent)
		return false;
	return (!init || *init == *ours) && (!parent || *parent == *ours);
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

std::string default_pin_root()
{
	if (on_bpffs(kBpffsMount))
		return kDefaultPinRoot;
	if (const auto bpffs = bpffs_started_from())
		return *bpffs + "/sgate";
	return kDefaultPinRoot;
}

std::string pin_root(const std::optional<std::string> &option)
{
	std::string root;
	if (option)
		root = *option;
	else if (const char *env = std::getenv("SGATE_PIN_ROOT"); env && *env)
		root = env;
	else
		root = default_pin_root();
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
		// A bpf filesystem mounted in a mount namespace that dies before
		// the gate would take the gate along: its pinned links detach.
		if (!in_initial_pid_namespace())
			throw Failure(
			        Exit::failure,
			        std::string(kBpffsMount) +
			                " is no bpf filesystem in this container's mount "
			                "namespace, "
			                "and the host's is out of sight from its PID namespace; "
			                "one "
			                "mounted here would vanish with the container, and the "
			                "gate "
			                "with it: bind-mount the host's bpf filesystem into the "
			                "container at " +
			                kBpffsMount +
			                " (or elsewhere, and pass --pin-root DIR/sgate), or run "
			                "sgate "
			                "on the host with 'nsenter --net=...'");
		if (!mount_outlives_command())
			throw Failure(
			        Exit::failure,
			        std::string(kBpffsMount) +
			                " is no bpf filesystem in this private mount namespace (ip "
			                "netns exec remounts /sys), nor in the one sgate was "
			                "started "
			                "from, and one mounted here would vanish with it, taking "
			                "the "
			                "gate along: mount one where sgate is started from (mount "
			                "-t "
			                "bpf bpf " +
			                kBpffsMount + ") and run sgate again");
		make_directories(kBpffsMount);
		if (mount("bpf", kBpffsMount, "bpf", 0, "mode=0700"))
			throw Failure(Exit::failure,
			              std::string("cannot mount a bpf filesystem at ") +
			                      kBpffsMount + ": " + errno_text(errno) +
			                      "; mount it yourself: mount -t bpf bpf " +
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
