#pragma once

namespace sgate {

inline constexpr const char *kVersion = "0.1.0";

} // namespace sgate
