// libbpf's messages: warnings by default, everything with SGATE_DEBUG=1, and
// nothing while a LibbpfQuiet is alive (for calls whose failure we expect
// and handle).
#pragma once

namespace sgate {

void setup_libbpf_logging();

class LibbpfQuiet {
public:
	LibbpfQuiet();
	~LibbpfQuiet();
	LibbpfQuiet(const LibbpfQuiet &) = delete;
	LibbpfQuiet &operator=(const LibbpfQuiet &) = delete;

private:
	bool was_quiet_;
};

} // namespace sgate
