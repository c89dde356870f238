#include "metrics.h"

#include <cstdio>
#include <functional>

namespace sgate {

namespace {

struct Label {
	const char *name;
	std::string value;
};

class Exposition {
public:
	explicit Exposition(const std::vector<GateMetrics> &gates) : gates_(gates) {}

	// One family: its HELP and TYPE, then one sample per gate (and per
	// extra label set @each gives).
	void family(const char *name, const char *type, const char *help,
	            const std::function<void(const GateMetrics &, const std::string &)> &each)
	{
		out_ += std::string("# HELP ") + name + " " + help + "\n";
		out_ += std::string("# TYPE ") + name + " " + type + "\n";
		for (const GateMetrics &gate : gates_)
			each(gate, name);
	}

	void sample(const std::string &name, const GateMetrics &gate,
	            const std::vector<Label> &extra, double value)
	{
		char text[64];
		std::snprintf(text, sizeof text, "%.3f", value);
		line(name, gate, extra, text);
	}

	void sample(const std::string &name, const GateMetrics &gate,
	            const std::vector<Label> &extra, std::uint64_t value)
	{
		line(name, gate, extra, std::to_string(value));
	}

	std::string take() { return std::move(out_); }

private:
	void line(const std::string &name, const GateMetrics &gate, const std::vector<Label> &extra,
	          const std::string &value)
	{
		out_ += name + "{device=\"" + prometheus_label_value(gate.device) + "\",netns=\"" +
		        std::to_string(gate.netns_cookie) + "\",key_mode=\"" +
		        key_mode_name(gate.key_mode) + "\"";
		for (const Label &label : extra)
			out_ += std::string(",") + label.name + "=\"" +
			        prometheus_label_value(label.value) + "\"";
		out_ += "} " + value + "\n";
	}

	const std::vector<GateMetrics> &gates_;
	std::string out_;
};

const char *hook_of(int stat)
{
	return is_tc_counter(stat) ? "tc" : "xdp";
}

struct Rejection {
	int stat;
	const char *hook;
	const char *reason;
};

constexpr Rejection kRejections[] = {
        {SGATE_STAT_COOKIE_BAD_MAC, "xdp", "bad_mac"},
        {SGATE_STAT_COOKIE_STALE, "xdp", "stale"},
        {SGATE_STAT_TC_COOKIE_BAD_MAC, "tc", "bad_mac"},
        {SGATE_STAT_TC_COOKIE_STALE, "tc", "stale"},
        {SGATE_STAT_TC_DROP_NO_KEY, "tc", "no_key"},
};

} // namespace

std::string prometheus_label_value(const std::string &text)
{
	std::string out;
	for (char c : text) {
		if (c == '\\' || c == '"')
			out += '\\';
		if (c == '\n') {
			out += "\\n";
			continue;
		}
		out += c;
	}
	return out;
}

std::string prometheus_text(const std::vector<GateMetrics> &gates)
{
	Exposition x(gates);
	x.family("sgate_packets_total", "counter",
	         "Packets the gate's programs judged, by hook and decision "
	         "(Documentation/datapath.md names each decision).",
	         [&](const GateMetrics &g, const std::string &name) {
		         for (int stat = 0; stat < SGATE_STAT_MAX; stat++)
			         x.sample(name, g,
			                  {{"hook", hook_of(stat)},
			                   {"decision", sgate_stat_name(stat)}},
			                  g.counters[stat]);
	         });
	x.family("sgate_syn_acks_sent_total", "counter",
	         "SYN-ACKs with a cookie the gate sent in answer to SYNs.",
	         [&](const GateMetrics &g, const std::string &name) {
		         x.sample(name, g, {},
		                  g.counters[SGATE_STAT_SYN_ANSWERED] +
		                          g.counters[SGATE_STAT_SYN_ANSWERED_NO_MSS]);
	         });
	x.family("sgate_cookies_verified_total", "counter",
	         "Final ACKs whose cookie verified, by the hook that verified it (TC verifies "
	         "again where XDP had no room to pass its verdict on).",
	         [&](const GateMetrics &g, const std::string &name) {
		         x.sample(name, g, {{"hook", "xdp"}},
		                  g.counters[SGATE_STAT_COOKIE_VALID] +
		                          g.counters[SGATE_STAT_COOKIE_VALID_NO_META]);
		         x.sample(name, g, {{"hook", "tc"}},
		                  g.counters[SGATE_STAT_TC_VERIFIED_HANDOFF]);
	         });
	x.family("sgate_cookies_rejected_total", "counter",
	         "Final ACKs dropped because their cookie did not verify, by hook and reason.",
	         [&](const GateMetrics &g, const std::string &name) {
		         for (const Rejection &r : kRejections)
			         x.sample(name, g, {{"hook", r.hook}, {"reason", r.reason}},
			                  g.counters[r.stat]);
	         });
	x.family("sgate_protected_ports", "gauge", "TCP ports the gate protects.",
	         [&](const GateMetrics &g, const std::string &name) {
		         x.sample(name, g, {}, static_cast<std::uint64_t>(g.protected_ports));
	         });
	x.family("sgate_key_period_seconds", "gauge", "Length of a key epoch.",
	         [&](const GateMetrics &g, const std::string &name) {
		         x.sample(name, g, {}, g.key_period_seconds);
	         });
	x.family("sgate_key_epoch", "gauge", "The key epoch cookies are made in now.",
	         [&](const GateMetrics &g, const std::string &name) {
		         if (g.key_epoch)
			         x.sample(name, g, {}, *g.key_epoch);
	         });
	x.family("sgate_key_age_seconds", "gauge", "How long the key signing now has been signing.",
	         [&](const GateMetrics &g, const std::string &name) {
		         if (g.key_age_seconds)
			         x.sample(name, g, {}, *g.key_age_seconds);
	         });
	x.family("sgate_keyring_serial", "gauge",
	         "Serial of the key ring in use; it grows by one per rotation.",
	         [&](const GateMetrics &g, const std::string &name) {
		         if (g.keyring_serial)
			         x.sample(name, g, {}, *g.keyring_serial);
	         });
	return x.take();
}

} // namespace sgate
