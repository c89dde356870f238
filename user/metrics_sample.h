// The metrics of the gates here, read from their pins (and from sgate.ko
// for gates in module mode) for metrics.h to format.
#pragma once

#include <string>
#include <vector>

#include "gate.h"
#include "metrics.h"

namespace sgate {

std::vector<GateMetrics> sample_gate_metrics(const std::vector<OpenGate> &gates);

// Every gate of this namespace that opens; a damaged one is left out (status
// names it) rather than hiding the others' metrics.
std::vector<OpenGate> open_healthy_gates(const std::string &root);

} // namespace sgate
