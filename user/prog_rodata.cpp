#include "prog_rodata.h"

#include <algorithm>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "exit_status.h"
#include "unique_fd.h"

namespace sgate {

namespace {

Failure cannot(const std::string &what)
{
	return Failure(Exit::failure, "cannot " + what + ": " + errno_text(errno));
}

std::vector<__u32> map_ids_of(int prog_fd)
{
	bpf_prog_info info{};
	__u32 len = sizeof info;
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		throw cannot("inspect the gate's XDP program");
	std::vector<__u32> ids(info.nr_map_ids);
	if (ids.empty())
		return ids;
	info = bpf_prog_info{};
	info.nr_map_ids = static_cast<__u32>(ids.size());
	info.map_ids = reinterpret_cast<std::uintptr_t>(ids.data());
	len = sizeof info;
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		throw cannot("list the maps of the gate's XDP program");
	ids.resize(std::min<std::size_t>(ids.size(), info.nr_map_ids));
	return ids;
}

bool is_rodata(const bpf_map_info &info)
{
	// libbpf names it "<object prefix>.rodata".
	const std::string_view name = info.name, suffix = ".rodata";
	return info.type == BPF_MAP_TYPE_ARRAY && info.btf_id && name.size() > suffix.size() &&
	       name.substr(name.size() - suffix.size()) == suffix;
}

// Where @name is in the DATASEC that types the map's value, if it is a bool.
std::optional<__u32> offset_of(const bpf_map_info &info, const char *name)
{
	std::unique_ptr<btf, void (*)(btf *)> types(btf__load_from_kernel_by_id(info.btf_id),
	                                            btf__free);
	if (!types)
		throw cannot("read the BTF of the gate's read-only data");
	const btf_type *sec = btf__type_by_id(types.get(), info.btf_value_type_id);
	if (!sec || !btf_is_datasec(sec))
		return std::nullopt;
	const btf_var_secinfo *vars = btf_var_secinfos(sec);
	for (unsigned i = 0; i < btf_vlen(sec); i++) {
		const btf_type *var = btf__type_by_id(types.get(), vars[i].type);
		const char *var_name =
		        var ? btf__name_by_offset(types.get(), var->name_off) : nullptr;
		if (var_name && std::strcmp(var_name, name) == 0 && vars[i].size == 1)
			return vars[i].offset;
	}
	return std::nullopt;
}

} // namespace

std::optional<bool> rodata_bool(int prog_fd, const char *name)
{
	for (__u32 id : map_ids_of(prog_fd)) {
		UniqueFd map(bpf_map_get_fd_by_id(id));
		if (!map)
			throw cannot("open map " + std::to_string(id) +
			             " of the gate's XDP program");
		bpf_map_info info{};
		__u32 len = sizeof info;
		if (bpf_obj_get_info_by_fd(map.get(), &info, &len))
			throw cannot("inspect map " + std::to_string(id));
		if (!is_rodata(info))
			continue;
		const auto offset = offset_of(info, name);
		if (!offset || *offset >= info.value_size)
			continue;
		std::vector<unsigned char> value(info.value_size);
		const __u32 zero = 0;
		if (bpf_map_lookup_elem(map.get(), &zero, value.data()))
			throw cannot("read the gate's read-only data");
		return value[*offset] != 0;
	}
	return std::nullopt;
}

} // namespace sgate
