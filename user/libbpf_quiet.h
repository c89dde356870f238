// libbpf's and libxdp's messages: warnings by default, everything with
// SGATE_DEBUG=1.
#pragma once

#include <string>

namespace sgate {

void setup_libbpf_logging();

// While one lives, libbpf's and libxdp's warnings are held back, not
// printed: libxdp probes the kernel by loading programs it expects may
// fail, and libbpf warns of each failure, which is no fault of the gate.
// A caller that fails prints them with print().
class HeldWarnings {
public:
	HeldWarnings();
	HeldWarnings(const HeldWarnings &) = delete;
	HeldWarnings &operator=(const HeldWarnings &) = delete;
	~HeldWarnings();

	void print() const;
	const std::string &text() const { return text_; }

private:
	std::string text_;
};

} // namespace sgate
