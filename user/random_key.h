// Fresh master keys from the kernel's CSPRNG.
#pragma once

#include "sgate/abi.h"

namespace sgate {

void random_key(sgate_siphash_key &key);

} // namespace sgate
