#include "handoff_path.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace sgate {

namespace {

// In-tree drivers whose native XDP grants bpf_xdp_adjust_meta() room.
constexpr std::array<std::string_view, 10> kMetadataDrivers = {
        "veth", "virtio_net", "tun",   "mlx5_core", "mlx4_en",
        "i40e", "ice",        "ixgbe", "igc",       "bnxt_en"};
// In-tree drivers whose native XDP gives no metadata room.
constexpr std::array<std::string_view, 4> kNoMetadataDrivers = {"vmxnet3", "ena", "hv_netvsc",
                                                                "xen-netfront"};

bool listed(const auto &list, const std::string &driver)
{
	return std::find(list.begin(), list.end(), driver) != list.end();
}

} // namespace

HandoffPath expected_handoff_path(const std::string &driver, bool generic_xdp, bool slot_program)
{
	if (slot_program)
		return HandoffPath::slot;
	if (generic_xdp || listed(kMetadataDrivers, driver))
		return HandoffPath::metadata;
	if (listed(kNoMetadataDrivers, driver))
		return HandoffPath::tc_verify;
	return HandoffPath::unknown;
}

HandoffPath observed_handoff_path(const Counters &c)
{
	if (c[SGATE_STAT_COOKIE_VALID_NO_META] || c[SGATE_STAT_TC_VERIFIED_HANDOFF])
		return HandoffPath::tc_verify;
	if (c[SGATE_STAT_COOKIE_VALID])
		return HandoffPath::metadata;
	return HandoffPath::unknown;
}

std::string handoff_path_text(HandoffPath path, const std::string &driver)
{
	const std::string of = driver.empty() ? "the driver" : "driver " + driver;
	switch (path) {
	case HandoffPath::metadata:
		return "XDP metadata";
	case HandoffPath::tc_verify:
		return "TC verifies each cookie again (" + of + " gives XDP no metadata room)";
	case HandoffPath::slot:
		return "TC verifies each cookie again (the gate's program in libxdp's dispatcher "
		       "writes no metadata)";
	case HandoffPath::unknown:
		break;
	}
	return "decided at the first verified handshake (" + of +
	       " not known to sgate): XDP metadata, or TC verifies where the driver gives none";
}

} // namespace sgate
