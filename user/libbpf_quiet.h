// libbpf's messages: warnings by default, everything with SGATE_DEBUG=1.
#pragma once

namespace sgate {

void setup_libbpf_logging();

} // namespace sgate
