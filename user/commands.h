// One function per command; each throws Failure to fail.
#pragma once

#include "cli.h"

namespace sgate {

void run_attach(const Invocation &inv);
void run_detach(const Invocation &inv);
void run_status(const Invocation &inv);
void run_rotate(const Invocation &inv);
void run_stats(const Invocation &inv);
void run_keys(const Invocation &inv);
void run_service(const Invocation &inv);

} // namespace sgate
