#include "stats_format.h"

#include <cstdio>

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

struct ModuleCounter {
	const char *name;
	std::uint64_t ModuleStats::*field;
};

constexpr ModuleCounter kModuleCounters[] = {
        {"rotations", &ModuleStats::rotations},
        {"timer_rotations", &ModuleStats::timer_rotations},
        {"installs", &ModuleStats::installs},
        {"cookies_made", &ModuleStats::cookies_made},
        {"cookies_checked", &ModuleStats::cookies_checked},
        {"cookies_valid", &ModuleStats::cookies_valid},
};

std::string module_json(const ModuleStats &m)
{
	std::string out = "{\"epoch\": " + std::to_string(m.epoch) +
	                  ", \"serial\": " + std::to_string(m.serial);
	for (const auto &c : kModuleCounters)
		out += ", " + json_string(c.name) + ": " + std::to_string(m.*c.field);
	return out + "}";
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

} // namespace

Counters sum_per_cpu(const std::vector<std::uint64_t> &values, unsigned ncpus)
{
	Counters sum{};
	const std::size_t stride = (sizeof(sgate_stats) + 7) / 8;

	for (unsigned cpu = 0; cpu < ncpus && (cpu + 1) * stride <= values.size(); cpu++)
		for (int i = 0; i < SGATE_STAT_MAX; i++)
			sum[i] += values[cpu * stride + i];
	return sum;
}

bool is_tc_counter(int stat)
{
	return stat >= SGATE_STAT_TC_PASS && stat < SGATE_STAT_MAX;
}

std::string json_string(const std::string &text)
{
	std::string out = "\"";
	for (unsigned char c : text) {
		if (c == '"' || c == '\\') {
			out += '\\';
			out += static_cast<char>(c);
		} else if (c < 0x20) {
			char esc[8];
			std::snprintf(esc, sizeof esc, "\\u%04x", c);
			out += esc;
		} else {
			out += static_cast<char>(c);
		}
	}
	return out + "\"";
}

std::string stats_json(const std::vector<GateCounters> &gates)
{
	std::string out = "{";
	for (std::size_t g = 0; g < gates.size(); g++) {
		out += g ? ", " : "";
		out += json_string(gates[g].device) + ": {";
		for (int i = 0; i < SGATE_STAT_MAX; i++) {
			out += i ? ", " : "";
			out += json_string(sgate_stat_name(i)) + ": " +
			       std::to_string(gates[g].now[i]);
		}
		if (gates[g].module)
			out += ", \"module\": " + module_json(*gates[g].module);
		out += "}";
	}
	return out + "}\n";
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

} // namespace sgate
