// The gates' counters and key schedule in the Prometheus text exposition
// format (version 0.0.4), which `sgate run` serves over HTTP and
// `sgate stats --prometheus` prints once.  Pure: plain data in, text out,
// so the unit tests check the text line by line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "keys.h"
#include "output.h"

namespace sgate {

// What one gate shows; the labels are device, netns (the namespace's
// cookie) and key_mode.
struct GateMetrics {
	std::string device;
	std::uint64_t netns_cookie = 0;
	KeyMode key_mode = KeyMode::map;
	Counters counters{};
	unsigned protected_ports = 0;
	std::uint64_t key_period_seconds = 0;
	// The epoch signing now, and how long its key has been signing.
	std::optional<std::uint64_t> key_epoch;
	std::optional<double> key_age_seconds;
	std::optional<std::uint64_t> keyring_serial;
};

inline constexpr const char *kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

std::string prometheus_text(const std::vector<GateMetrics> &gates);

// A label value with \, " and newline escaped as the format wants.
std::string prometheus_label_value(const std::string &text);

} // namespace sgate
