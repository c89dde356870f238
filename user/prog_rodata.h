// Reading back what the loader set in a loaded program's read-only data.
// A gate's key mode is such a setting (sgate_module_mode), and the program
// itself is the one record of it that cannot disagree with what it runs.
#pragma once

#include <optional>

namespace sgate {

// The bool variable @name in the .rodata of the program @prog_fd, found
// through the map's BTF so no build's layout is assumed; nullopt when the
// program has no such variable.  Throws Failure if the kernel will not say.
std::optional<bool> rodata_bool(int prog_fd, const char *name);

} // namespace sgate
