// The --help texts: what each command does, its options and defaults, an
// example and the exit statuses.
#pragma once

#include <string>

#include "cli.h"

namespace sgate {

// Command::none gives the overview.
std::string help_text(Command command);

std::string version_text();

} // namespace sgate
