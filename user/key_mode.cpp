#include "key_mode.h"

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

} // namespace sgate
