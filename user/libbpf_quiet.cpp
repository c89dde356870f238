#include "libbpf_quiet.h"

#include <bpf/libbpf.h>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>

namespace sgate {

namespace {

bool debug = false;

int print_libbpf(enum libbpf_print_level level, const char *format, va_list args)
{
	if ((level == LIBBPF_DEBUG && !debug) || (level == LIBBPF_INFO && !debug))
		return 0;
	return std::vfprintf(stderr, format, args);
}

} // namespace

void setup_libbpf_logging()
{
	const char *env = std::getenv("SGATE_DEBUG");
	debug = env && *env && *env != '0';
	libbpf_set_print(print_libbpf);
}

} // namespace sgate
