#include "keys_format.h"

#include <cstdio>

#include "sgate/keyring.h"
#include "stats_format.h"

namespace sgate {

namespace {

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

std::string row_json(const KeyRow &k)
{
	return "{\"id\": " + std::to_string(k.id) +
	       ", \"first_epoch\": " + std::to_string(k.first_epoch) +
	       ", \"age_ms\": " + (k.age_ms ? std::to_string(*k.age_ms) : "null") +
	       ", \"state\": " + json_string(key_state_name(k.state)) +
	       ", \"origin\": " + json_string(key_origin_name(k.origin)) + "}";
}

} // namespace

const char *key_state_name(unsigned state)
{
	switch (state) {
	case SGATE_KEY_PENDING:
		return "pending";
	case SGATE_KEY_CURRENT:
		return "current";
	case SGATE_KEY_PREVIOUS:
		return "previous";
	case SGATE_KEY_RETIRING:
		return "retiring";
	}
	return "unknown";
}

const char *key_origin_name(unsigned origin)
{
	switch (origin) {
	case SGATE_KEY_RANDOM:
		return "random";
	case SGATE_KEY_INSTALLED:
		return "installed";
	}
	return "unknown";
}

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

std::string keys_json(const std::vector<GateKeys> &gates)
{
	std::string out = "{";
	for (std::size_t i = 0; i < gates.size(); i++) {
		const GateKeys &g = gates[i];
		out += (i ? ", " : "") + json_string(g.device) +
		       ": {\"key_mode\": " + json_string(key_mode_name(g.mode)) +
		       ", \"epoch\": " + std::to_string(g.epoch) +
		       ", \"serial\": " + std::to_string(g.serial) + ", \"keys\": [";
		for (std::size_t k = 0; k < g.keys.size(); k++)
			out += (k ? ", " : "") + row_json(g.keys[k]);
		out += "]}";
	}
	return out + "}\n";
}

} // namespace sgate
