// The JSON of stats, keys and status, built with nlohmann::json: one shape
// per command, each documented in Documentation/json.md.  ordered_json keeps
// the members in the order the text shows them (counters in the order of
// sgate/abi.h), and a compact dump puts one object on one line, which
// `stats --watch --json` relies on.
#include <nlohmann/json.hpp>

#include "cli.h"
#include "keys.h"
#include "output.h"

namespace sgate {

using Json = nlohmann::ordered_json;

namespace {

std::string line_of(const Json &j)
{
	return j.dump() + "\n";
}

Json module_stats_json(const ModuleStats &m)
{
	Json j = {{"epoch", m.epoch}, {"serial", m.serial}};
	for (const auto &c : kModuleCounters)
		j[c.name] = m.*c.field;
	return j;
}

Json key_row_json(const KeyRow &k)
{
	return {{"id", k.id},
	        {"first_epoch", k.first_epoch},
	        {"age_ms", k.age_ms ? Json(*k.age_ms) : Json(nullptr)},
	        {"state", key_state_name(k.state)},
	        {"origin", key_origin_name(k.origin)}};
}

Json link_json(const LinkStatus &link, unsigned ifindex)
{
	return {{"pinned", link.pinned},
	        {"attached", link.pinned && link.ifindex != 0 && link.ifindex == ifindex},
	        {"link_id", link.link_id},
	        {"prog_id", link.prog_id}};
}

Json neighbours_json(const std::vector<XdpNeighbour> &programs)
{
	Json out = Json::array();
	for (const XdpNeighbour &p : programs)
		out.push_back({{"name", p.name}, {"prog_id", p.prog_id}, {"run_prio", p.run_prio}});
	return out;
}

Json xdp_json(const XdpHookStatus &x)
{
	return {{"attached", x.prog_id != 0},
	        {"prog_id", x.prog_id},
	        {"name", x.name},
	        {"mode", x.mode},
	        {"dispatcher", x.dispatcher},
	        {"run_prio", x.run_prio},
	        {"before", neighbours_json(x.before)},
	        {"after", neighbours_json(x.after)}};
}

Json config_json(const sgate_config &cfg)
{
	return {{"ports", format_port_list(PortBitmap(std::to_array(cfg.ports)))},
	        {"dtls_ports", format_port_list(PortBitmap(std::to_array(cfg.dtls_ports)))},
	        {"mss_v4", cfg.mss_v4},
	        {"mss_v6", cfg.mss_v6},
	        {"syn_window", cfg.syn_window},
	        {"window_scale", cfg.rcv_wscale},
	        {"features", feature_names(cfg.features)},
	        {"key_period_s", cfg.epoch_ns / 1000000000ULL}};
}

Json module_view_json(const ModuleView &m)
{
	if (m.error)
		return {{"error", *m.error}};
	Json keys = Json::array();
	for (const KeyRow &row : rows_from_module(m.keys))
		keys.push_back(key_row_json(row));
	return {{"epoch_seconds", m.settings.epoch_seconds},
	        {"rotate_seconds", m.settings.rotate_seconds},
	        {"stats", module_stats_json(m.stats)},
	        {"keys", keys}};
}

Json gate_json(const GateStatus &g)
{
	Json j = {{"device", g.device},
	          {"broken", gate_broken(g)},
	          {"damaged", g.damaged ? Json(*g.damaged) : Json(nullptr)},
	          {"ifindex", g.ifindex},
	          {"ifname", g.ifname}};
	j["xdp"] = xdp_json(g.xdp);
	j["tc"] = link_json(g.tc, g.ifindex);
	Json vlans = Json::array();
	for (const VlanHook &v : g.vlan_tc) {
		if (v.device.empty())
			continue;
		Json hook = link_json(v.link, v.ifindex);
		hook["device"] = v.device;
		vlans.push_back(hook);
	}
	j["tc_on_vlans"] = vlans;
	j["handoff"] = g.handoff;
	j["config"] = g.config ? config_json(*g.config) : Json(nullptr);
	j["key_mode"] = g.key_mode ? Json(key_mode_name(*g.key_mode)) : Json(nullptr);
	if (g.config && g.config->epoch_ns)
		j["epoch"] = epoch_at(g.now_ns, g.config->epoch_ns);
	if (g.ring) {
		Json masters = Json::array();
		for (const auto &[index, first_epoch] : g.ring->masters)
			masters.push_back({{"index", index}, {"first_epoch", first_epoch}});
		j["ring"] = {
		        {"serial", g.ring->serial}, {"slot", g.ring->slot}, {"masters", masters}};
	}
	if (g.keys_map_checked)
		j["keys_in_map"] = g.keys_in_map;
	if (g.module)
		j["module"] = module_view_json(*g.module);
	return j;
}

} // namespace

std::string stats_json(const std::vector<GateCounters> &gates)
{
	Json j = Json::object();
	for (const GateCounters &g : gates) {
		Json counters = Json::object();
		for (int i = 0; i < SGATE_STAT_MAX; i++)
			counters[sgate_stat_name(i)] = g.now[i];
		if (g.module)
			counters["module"] = module_stats_json(*g.module);
		j[g.device] = counters;
	}
	return line_of(j);
}

std::string keys_json(const std::vector<GateKeys> &gates)
{
	Json j = Json::object();
	for (const GateKeys &g : gates) {
		Json keys = Json::array();
		for (const KeyRow &k : g.keys)
			keys.push_back(key_row_json(k));
		j[g.device] = {{"key_mode", key_mode_name(g.mode)},
		               {"epoch", g.epoch},
		               {"serial", g.serial},
		               {"keys", keys}};
	}
	return line_of(j);
}

std::string status_json(const StatusReport &report)
{
	Json gates = Json::array();
	for (const GateStatus &g : report.gates)
		gates.push_back(gate_json(g));
	return line_of({{"pin_root", report.pin_root},
	                {"netns_cookie", report.netns_cookie},
	                {"gates", gates}});
}

} // namespace sgate
