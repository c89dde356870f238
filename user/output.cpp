#include "output.h"

#include <cstdarg>
#include <cstdio>

#include "cli.h"

namespace sgate {

namespace {

struct Totals {
	std::uint64_t xdp = 0, tc = 0;
};

Totals totals_of(const Counters &counters)
{
	Totals t;
	for (int i = 0; i < SGATE_STAT_MAX; i++)
		(is_tc_counter(i) ? t.tc : t.xdp) += counters[i];
	return t;
}

std::string table_row(const char *name, std::uint64_t value, const GateCounters &g,
                      std::uint64_t before)
{
	char line[128];
	if (g.seconds > 0)
		std::snprintf(line, sizeof line, "  %-22s %20llu %14.1f\n", name,
		              static_cast<unsigned long long>(value),
		              static_cast<double>(value - before) / g.seconds);
	else
		std::snprintf(line, sizeof line, "  %-22s %20llu\n", name,
		              static_cast<unsigned long long>(value));
	return line;
}

std::string module_table(const GateCounters &first, const std::vector<GateCounters> &gates)
{
	std::string users;
	for (const auto &g : gates)
		if (g.module)
			users += (users.empty() ? "" : ", ") + g.device;
	const ModuleStats &m = *first.module;
	std::string out = "sgate.ko, for this whole network namespace (used by " + users +
	                  "; epoch " + std::to_string(m.epoch) + ", serial " +
	                  std::to_string(m.serial) + ")\n";
	for (const auto &c : kModuleCounters)
		out += table_row(c.name, m.*c.field, first, first.module_before.*c.field);
	return out;
}

std::string header_of(const GateKeys &g, const std::vector<GateKeys> &all)
{
	char tail[96];
	std::snprintf(tail, sizeof tail, "; epoch %llu, serial %llu)\n",
	              static_cast<unsigned long long>(g.epoch),
	              static_cast<unsigned long long>(g.serial));
	if (g.mode == KeyMode::map)
		return g.device + " (key mode map: keys in the gate's BPF map" + tail;
	std::string users;
	for (const auto &other : all)
		if (other.mode == KeyMode::module)
			users += (users.empty() ? "" : ", ") + other.device;
	return "sgate.ko, for this whole network namespace (key mode module, used by " + users +
	       tail;
}

std::string row_text(const KeyRow &k)
{
	char line[128];
	std::snprintf(line, sizeof line, "  %-6llu %-20llu %-14s %-9s %s\n",
	              static_cast<unsigned long long>(k.id),
	              static_cast<unsigned long long>(k.first_epoch),
	              k.age_ms ? format_age(*k.age_ms).c_str() : "-", key_state_name(k.state),
	              key_origin_name(k.origin));
	return line;
}

// printf() into a string.
[[gnu::format(printf, 1, 2)]] std::string sprint(const char *format, ...)
{
	va_list args;
	va_start(args, format);
	char small[256];
	const int n = std::vsnprintf(small, sizeof small, format, args);
	va_end(args);
	if (n < 0)
		return "";
	if (static_cast<std::size_t>(n) < sizeof small)
		return std::string(small, static_cast<std::size_t>(n));
	std::string out(static_cast<std::size_t>(n) + 1, '\0');
	va_start(args, format);
	std::vsnprintf(out.data(), out.size(), format, args);
	va_end(args);
	out.resize(static_cast<std::size_t>(n));
	return out;
}

unsigned long long ull(std::uint64_t value)
{
	return static_cast<unsigned long long>(value);
}

// Seconds from @now_ns to the start of the epoch after the one at @now_ns.
double seconds_to_next_epoch(std::uint64_t now_ns, std::uint64_t epoch_ns)
{
	return static_cast<double>((epoch_at(now_ns, epoch_ns) + 1) * epoch_ns - now_ns) / 1e9;
}

std::string features_text(__u32 features)
{
	std::string out;
	for (const std::string &name : feature_names(features))
		out += (out.empty() ? "" : " ") + name;
	return out.empty() ? "none" : out;
}

// "tcx, prog id 13, link id 14" if the link holds the gate's device, else
// what is wrong with it.
std::string link_text(const LinkStatus &link, unsigned ifindex, const std::string &kind)
{
	if (!link.pinned)
		return "MISSING: the pin of its link is gone";
	if (link.ifindex != ifindex)
		return sprint("DETACHED: link id %u (prog id %u) holds no device", link.link_id,
		              link.prog_id);
	return sprint("%s, prog id %u, link id %u", kind.c_str(), link.prog_id, link.link_id);
}

std::string vlan_hooks_text(const GateStatus &g)
{
	std::string out;
	for (const VlanHook &v : g.vlan_tc) {
		if (v.device.empty())
			continue; // the VLAN device is gone, and its link with it
		out += sprint("  tc on vlan:   %s: ", v.device.c_str());
		if (!v.link.pinned)
			out += sprint("NOT COVERED: made after attach, so QinQ handshakes through "
			              "it fail; 'sgate detach %s', then attach again\n",
			              g.device.c_str());
		else
			out += link_text(v.link, v.ifindex, "tcx") + "\n";
	}
	return out;
}

std::string xdp_text(const GateStatus &g)
{
	const XdpHookStatus &x = g.xdp;
	if (!x.prog_id)
		return "MISSING: the gate's program does not run in the XDP hook of " + g.ifname;
	const std::string out =
	        sprint("%s, prog id %u (%s)", x.mode.c_str(), x.prog_id, x.name.c_str());
	if (!x.dispatcher)
		return out + ", alone in the hook (no libxdp dispatcher)";
	return out + sprint(", libxdp dispatcher, run priority %u", x.run_prio);
}

std::string neighbours_text(const char *label, const std::vector<XdpNeighbour> &programs)
{
	std::string out;
	for (const XdpNeighbour &p : programs)
		out += sprint("  %-14s%s (prog id %u, run priority %u)\n", label, p.name.c_str(),
		              p.prog_id, p.run_prio);
	return out;
}

std::string hooks_text(const GateStatus &g)
{
	if (!g.ifindex)
		return sprint("  device gone:  its programs went with it; 'sgate detach %s' "
		              "removes the pins\n",
		              g.device.c_str());
	std::string out =
	        sprint("  ifindex:      %u%s\n", g.ifindex,
	               g.device == g.ifname ? "" : (" (now named " + g.ifname + ")").c_str()) +
	        "  xdp:          " + xdp_text(g) + "\n" +
	        neighbours_text("xdp before:", g.xdp.before) +
	        neighbours_text("xdp after:", g.xdp.after) +
	        "  tc ingress:   " + link_text(g.tc, g.ifindex, "tcx") + "\n" +
	        (g.handoff.empty() ? "" : "  hand-off:     " + g.handoff + "\n");
	out += vlan_hooks_text(g);
	const bool xdp_off = !g.xdp.prog_id, tc_off = g.tc.ifindex != g.ifindex;
	if (xdp_off || tc_off)
		out += sprint("  BROKEN:       %s; 'sgate detach %s', then attach again\n",
		              xdp_off && tc_off ? "neither half of the gate is attached"
		              : xdp_off ? "without its XDP half, SYNs reach the TCP stack unguarded"
		                        : "without its TC half, the TCP stack resets every "
		                          "connection the gate verifies",
		              g.device.c_str());
	return out;
}

std::string config_text(const sgate_config &cfg)
{
	return sprint("  ports:        %s\n",
	              format_port_list(PortBitmap(std::to_array(cfg.ports))).c_str()) +
	       (cfg.dtls_enabled
	                ? sprint("  dtls ports:   %s\n",
	                         format_port_list(PortBitmap(std::to_array(cfg.dtls_ports)))
	                                 .c_str())
	                : std::string()) +
	       sprint("  mss:          v4 %u, v6 %u\n", cfg.mss_v4, cfg.mss_v6) +
	       sprint("  syn window:   %u, window scale %u\n", cfg.syn_window, cfg.rcv_wscale) +
	       sprint("  features:     %s\n", features_text(cfg.features).c_str());
}

std::string master_text(std::uint64_t first_epoch, std::uint64_t epoch, std::uint64_t epoch_ns,
                        std::uint64_t now_ns)
{
	if (first_epoch > epoch) {
		const double in = static_cast<double>(first_epoch * epoch_ns - now_ns) / 1e9;
		return sprint("from epoch %llu (pending, in %.1f s)", ull(first_epoch), in);
	}
	return "from epoch " + std::to_string(first_epoch);
}

std::string map_keys_text(const GateStatus &g, const sgate_config &cfg)
{
	std::string out = sprint("  key period:   %llu s\n", ull(cfg.epoch_ns / 1000000000ULL));
	if (!g.ring)
		return out;
	const RingStatus &ring = *g.ring;
	const std::uint64_t epoch = epoch_at(g.now_ns, cfg.epoch_ns);
	out += sprint("  key mode:     %s\n", key_mode_text(KeyMode::map));
	out += sprint("  keyring:      serial %llu, slot %u\n", ull(ring.serial), ring.slot);
	out += sprint("  epoch:        %llu (next in %.1f s)\n", ull(epoch),
	              seconds_to_next_epoch(g.now_ns, cfg.epoch_ns));
	for (const auto &[index, first_epoch] : ring.masters)
		out += sprint("  master %d:     %s\n", index,
		              master_text(first_epoch, epoch, cfg.epoch_ns, g.now_ns).c_str());
	return out;
}

std::string module_keys_text(const GateStatus &g, const sgate_config &cfg)
{
	std::string out = sprint("  key mode:     %s\n", key_mode_text(KeyMode::module));
	for (unsigned slot : g.keys_in_map)
		out += sprint("  WARNING:      slot %u of the keys map holds a key, which module "
		              "mode never writes there: detach and attach again\n",
		              slot);
	if (!g.keys_map_checked || !g.module)
		return out;
	const ModuleView &m = *g.module;
	if (m.error)
		return out + sprint("  module:       unavailable: %s\n", m.error->c_str());
	const std::uint64_t epoch_ns = m.settings.epoch_seconds * 1000000000ULL;
	out += sprint("  key period:   %u s (sgate.ko's epoch length)", m.settings.epoch_seconds);
	if (cfg.epoch_ns != epoch_ns)
		out += sprint(", changed since attach (then %llu s)",
		              ull(cfg.epoch_ns / 1000000000ULL));
	out += sprint("\n  module ring:  serial %llu, one for this whole network namespace\n",
	              ull(m.stats.serial));
	out += sprint("  epoch:        %llu (next in %.1f s)\n", ull(m.stats.epoch),
	              seconds_to_next_epoch(g.now_ns, epoch_ns));
	if (m.settings.rotate_seconds)
		out += sprint("  rotation:     every %u s by sgate.ko's timer\n",
		              m.settings.rotate_seconds);
	else
		out += "  rotation:     sgate.ko's timer is off: only 'sgate rotate'\n";
	for (const auto &k : m.keys)
		out += sprint("  key %-9llu from epoch %llu, %s, %s, age %s\n", ull(k.id),
		              ull(k.first_epoch), key_state_name(k.state),
		              key_origin_name(k.origin), format_age(k.age_ms).c_str());
	return out;
}

std::string gate_text(const GateStatus &g)
{
	std::string out = g.device + "\n";
	if (g.config) {
		out += hooks_text(g) + config_text(*g.config);
		if (g.key_mode == KeyMode::module)
			out += module_keys_text(g, *g.config);
		else if (g.key_mode == KeyMode::map)
			out += map_keys_text(g, *g.config);
	}
	if (g.damaged)
		out += sprint("  damaged:      %s\n", g.damaged->c_str());
	return out;
}

} // namespace

std::string format_age(std::uint64_t ms)
{
	const unsigned long long s = ms / 1000;
	char text[48];
	if (s < 60)
		std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(ms) / 1000);
	else if (s < 3600)
		std::snprintf(text, sizeof text, "%llu min %llu s", s / 60, s % 60);
	else if (s < 86400)
		std::snprintf(text, sizeof text, "%llu h %llu min", s / 3600, s / 60 % 60);
	else
		std::snprintf(text, sizeof text, "%llu d %llu h", s / 86400, s / 3600 % 24);
	return text;
}

/* --- stats ------------------------------------------------------------- */

Counters sum_per_cpu(const std::vector<std::uint64_t> &values, unsigned ncpus)
{
	Counters sum{};
	const std::size_t stride = (sizeof(sgate_stats) + 7) / 8;

	for (unsigned cpu = 0; cpu < ncpus && (cpu + 1) * stride <= values.size(); cpu++)
		for (int i = 0; i < SGATE_STAT_MAX; i++)
			sum[i] += values[cpu * stride + i];
	return sum;
}

const std::array<ModuleCounter, 6> kModuleCounters = {{
        {"rotations", &ModuleStats::rotations},
        {"timer_rotations", &ModuleStats::timer_rotations},
        {"installs", &ModuleStats::installs},
        {"cookies_made", &ModuleStats::cookies_made},
        {"cookies_checked", &ModuleStats::cookies_checked},
        {"cookies_valid", &ModuleStats::cookies_valid},
}};

std::vector<std::string> feature_names(__u32 features)
{
	std::vector<std::string> names;
	const std::pair<__u32, const char *> all[] = {{SGATE_FEAT_SACK, "sack"},
	                                              {SGATE_FEAT_TS, "timestamps"},
	                                              {SGATE_FEAT_WSCALE, "wscale"},
	                                              {SGATE_FEAT_ECN, "ecn"}};
	for (const auto &[bit, name] : all)
		if (features & bit)
			names.push_back(name);
	return names;
}

bool is_tc_counter(int stat)
{
	return stat >= SGATE_STAT_TC_PASS && stat <= SGATE_STAT_TC_ERR_OTHER;
}

std::string stats_table(const std::vector<GateCounters> &gates)
{
	std::string out;
	for (const auto &g : gates) {
		if (!out.empty())
			out += '\n';
		char header[128];
		if (g.seconds > 0)
			std::snprintf(header, sizeof header, "%s\n  %-22s %20s %14s\n",
			              g.device.c_str(), "counter", "total", "per second");
		else
			std::snprintf(header, sizeof header, "%s\n  %-22s %20s\n", g.device.c_str(),
			              "counter", "total");
		out += header;
		for (int i = 0; i < SGATE_STAT_MAX; i++)
			if (g.now[i])
				out += table_row(sgate_stat_name(i), g.now[i], g, g.before[i]);
		const Totals now = totals_of(g.now), before = totals_of(g.before);
		out += table_row("total (xdp)", now.xdp, g, before.xdp);
		out += table_row("total (tc)", now.tc, g, before.tc);
	}
	for (const auto &g : gates) {
		if (g.module) {
			out += '\n' + module_table(g, gates);
			break;
		}
	}
	return out;
}

/* --- keys -------------------------------------------------------------- */

std::vector<KeyRow> rows_from_ring(const sgate_keyring &ring, std::uint64_t epoch)
{
	std::vector<KeyRow> rows;
	for (int i = 0; i < SGATE_KEYRING_MASTERS; i++) {
		const sgate_master_key &m = ring.m[i];
		if (!sgate_master_in_use(&m))
			continue;
		KeyRow row;
		row.id = static_cast<std::uint64_t>(i);
		row.first_epoch = m.first_epoch;
		row.origin = SGATE_KEY_RANDOM; // the agent makes every map-mode key
		row.state = static_cast<unsigned>(sgate_keyring_key_state(&ring, i, epoch));
		rows.push_back(row);
	}
	return rows;
}

std::vector<KeyRow> rows_from_module(const std::vector<ModuleKey> &keys)
{
	std::vector<KeyRow> rows;
	for (const auto &k : keys)
		rows.push_back({k.id, k.first_epoch, k.age_ms, k.state, k.origin});
	return rows;
}

std::string keys_table(const std::vector<GateKeys> &gates)
{
	std::string out;
	bool module_done = false;
	for (const auto &g : gates) {
		if (g.mode == KeyMode::module && module_done)
			continue;
		module_done = module_done || g.mode == KeyMode::module;
		if (!out.empty())
			out += '\n';
		out += header_of(g, gates);
		char columns[128];
		std::snprintf(columns, sizeof columns, "  %-6s %-20s %-14s %-9s %s\n", "id",
		              "first epoch", "age", "state", "origin");
		out += columns;
		for (const auto &k : g.keys)
			out += row_text(k);
	}
	return out;
}

/* --- status ------------------------------------------------------------ */

bool gate_broken(const GateStatus &g)
{
	return g.damaged || !g.ifindex || !g.xdp.prog_id || g.tc.ifindex != g.ifindex;
}

std::string status_text(const StatusReport &report)
{
	if (report.gates.empty())
		return sprint(
		        "no gates in this network namespace (netns cookie %llu, pin root %s)\n",
		        ull(report.netns_cookie), report.pin_root.c_str());
	std::string out;
	for (std::size_t i = 0; i < report.gates.size(); i++)
		out += (i ? "\n" : "") + gate_text(report.gates[i]);
	return out;
}

} // namespace sgate
