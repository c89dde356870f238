// A map-mode gate's key rotation, as `sgate rotate` does it and as
// `sgate run` does it every key period (cmd_rotate.cpp).
#pragma once

#include "gate.h"

namespace sgate {

// A new master key for @gate, published by the rule of rotate_keyring()
// for the epoch in which it takes effect.  The caller holds the pin root's
// lock.
void rotate_gate(PinnedGate &gate);

} // namespace sgate
