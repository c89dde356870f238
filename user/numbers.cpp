#include "numbers.h"

#include <string>

#include "exit_status.h"

namespace sgate {

std::optional<std::uint64_t> parse_decimal(std::string_view text)
{
	// 18 digits cannot overflow 64 bits, and no option needs more.
	if (text.empty() || text.size() > 18)
		return std::nullopt;
	std::uint64_t value = 0;
	for (char c : text) {
		if (c < '0' || c > '9')
			return std::nullopt;
		value = value * 10 + static_cast<unsigned>(c - '0');
	}
	return value;
}

std::uint64_t parse_number_in(std::string_view text, std::uint64_t min, std::uint64_t max,
                              std::string_view what)
{
	const std::string range = std::to_string(min) + ".." + std::to_string(max);
	auto value = parse_decimal(text);

	if (!value)
		throw Failure(Exit::usage, std::string(what) + " must be a whole number in " +
		                                   range + ", not '" + std::string(text) + "'");
	if (*value < min || *value > max)
		throw Failure(Exit::usage, std::string(what) + " " + std::string(text) +
		                                   " is out of range " + range);
	return *value;
}

} // namespace sgate
