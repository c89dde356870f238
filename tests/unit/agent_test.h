// What the agent's unit tests share: cmocka, and helpers more than one
// test file uses.
#pragma once

#include <cerrno>
#include <csetjmp>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>
extern "C" {
#include <cmocka.h>
}

#include "exit_status.h"
#include "sgate/abi.h"

namespace sgate::test {

// Fails the test unless @body throws Failure with @status.
inline void expect_failure(Exit status, const std::function<void()> &body, const char *what)
{
	try {
		body();
	} catch (const Failure &f) {
		if (f.status() != status)
			fail_msg("%s: exit %d, expected %d (%s)", what,
			         static_cast<int>(f.status()), static_cast<int>(status), f.what());
		return;
	}
	fail_msg("%s: no failure, expected exit %d", what, static_cast<int>(status));
}

// Master key number @n: distinct and recognisable in a ring.
inline sgate_siphash_key key_of(std::uint64_t n)
{
	return sgate_siphash_key{{n, ~n}};
}

} // namespace sgate::test
