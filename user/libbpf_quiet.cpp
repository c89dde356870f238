#include "libbpf_quiet.h"

#include <bpf/libbpf.h>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <xdp/libxdp.h>

namespace sgate {

namespace {

bool debug = false;
std::string *held = nullptr; // where HeldWarnings collects them

int print_or_hold(const char *format, va_list args)
{
	if (!held)
		return std::vfprintf(stderr, format, args);
	va_list sizing;
	va_copy(sizing, args);
	const int n = std::vsnprintf(nullptr, 0, format, sizing);
	va_end(sizing);
	if (n <= 0)
		return n;
	std::string line(static_cast<std::size_t>(n) + 1, '\0');
	std::vsnprintf(line.data(), line.size(), format, args);
	line.resize(static_cast<std::size_t>(n));
	*held += line;
	return n;
}

int print_libbpf(enum libbpf_print_level level, const char *format, va_list args)
{
	if ((level == LIBBPF_DEBUG && !debug) || (level == LIBBPF_INFO && !debug))
		return 0;
	return level == LIBBPF_WARN ? print_or_hold(format, args)
	                            : std::vfprintf(stderr, format, args);
}

// libxdp says at info level how it got along (a dispatcher made, a
// fallback taken); its warnings name what stopped it.
int print_libxdp(enum libxdp_print_level level, const char *format, va_list args)
{
	if (level != LIBXDP_WARN && !debug)
		return 0;
	return level == LIBXDP_WARN ? print_or_hold(format, args)
	                            : std::vfprintf(stderr, format, args);
}

} // namespace

void setup_libbpf_logging()
{
	const char *env = std::getenv("SGATE_DEBUG");
	debug = env && *env && *env != '0';
	libbpf_set_print(print_libbpf);
	libxdp_set_print(print_libxdp);
}

HeldWarnings::HeldWarnings()
{
	held = &text_;
}

HeldWarnings::~HeldWarnings()
{
	held = nullptr;
}

void HeldWarnings::print() const
{
	std::fputs(text_.c_str(), stderr);
}

} // namespace sgate
