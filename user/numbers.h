// Strict parsing of the numbers on the command line: digits only, so "8x",
// "-1", " 5" and "1e3" are errors rather than surprises.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace sgate {

// A decimal number of at most 18 digits (no sign, no spaces); nullopt otherwise.
std::optional<std::uint64_t> parse_decimal(std::string_view text);

// parse_decimal() within [min, max]; throws Failure(Exit::usage) naming @what.
std::uint64_t parse_number_in(std::string_view text, std::uint64_t min, std::uint64_t max,
                              std::string_view what);

} // namespace sgate
