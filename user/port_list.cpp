#include "port_list.h"

#include <bit>

#include "exit_status.h"
#include "numbers.h"

namespace sgate {

namespace {

constexpr unsigned kFirstPort = 1, kLastPort = 65535;

unsigned parse_port(std::string_view item, std::string_view whole)
{
	auto value = parse_decimal(item);
	if (!value)
		throw Failure(Exit::usage,
		              "malformed port '" + std::string(item) + "' in port list '" +
		                      std::string(whole) +
		                      "': expected a number or a range like 1000-1010");
	if (*value < kFirstPort || *value > kLastPort)
		throw Failure(Exit::usage,
		              "port " + std::string(item) + " is out of range: ports are 1-65535");
	return static_cast<unsigned>(*value);
}

} // namespace

bool port_is_set(const PortBitmap &ports, unsigned port)
{
	return ports[port >> 5] & (1U << (port & 31));
}

void set_port(PortBitmap &ports, unsigned port)
{
	ports[port >> 5] |= 1U << (port & 31);
}

unsigned count_ports(const PortBitmap &ports)
{
	unsigned n = 0;
	for (__u32 word : ports)
		n += std::popcount(word);
	return n;
}

PortBitmap parse_port_list(std::string_view text)
{
	PortBitmap ports{};

	if (text.empty())
		throw Failure(Exit::usage,
		              "empty port list: name at least one port, e.g. --ports 80,443");
	std::string_view rest = text;
	for (;;) {
		auto comma = rest.find(',');
		std::string_view item = rest.substr(0, comma);
		if (item.empty())
			throw Failure(Exit::usage, "empty item in port list '" + std::string(text) +
			                                   "': separate ports with single commas");
		auto dash = item.find('-');
		unsigned first, last;
		if (dash == std::string_view::npos) {
			first = last = parse_port(item, text);
		} else {
			first = parse_port(item.substr(0, dash), text);
			last = parse_port(item.substr(dash + 1), text);
			if (first > last)
				throw Failure(Exit::usage,
				              "port range " + std::string(item) +
				                      " is backwards: write the lower port first");
		}
		for (unsigned p = first; p <= last; p++)
			set_port(ports, p);
		if (comma == std::string_view::npos)
			break;
		rest.remove_prefix(comma + 1);
	}
	return ports;
}

std::string format_port_list(const PortBitmap &ports)
{
	std::string out;

	for (unsigned p = kFirstPort; p <= kLastPort; p++) {
		if (!port_is_set(ports, p))
			continue;
		unsigned last = p;
		while (last < kLastPort && port_is_set(ports, last + 1))
			last++;
		if (!out.empty())
			out += ',';
		out += std::to_string(p);
		if (last > p)
			out += '-' + std::to_string(last);
		p = last;
	}
	return out.empty() ? "none" : out;
}

} // namespace sgate
