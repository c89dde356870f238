#include "random_key.h"

#include <cerrno>
#include <cstring>
#include <string>
#include <sys/random.h>

#include "exit_status.h"

namespace sgate {

void random_key(sgate_siphash_key &key)
{
	auto *bytes = reinterpret_cast<unsigned char *>(&key);
	std::size_t got = 0;
	while (got < sizeof key) {
		ssize_t n = getrandom(bytes + got, sizeof key - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			throw Failure(Exit::failure,
			              std::string("getrandom() failed: ") + errno_text(errno));
		got += static_cast<std::size_t>(n);
	}
}

} // namespace sgate
