// attach's choice of key mode and epoch length, made before anything
// changes: map mode unless sgate.ko is loaded, and in module mode the
// module's epoch length unless --key-period asks for another.
#pragma once

#include <memory>
#include <optional>

#include "cli.h"
#include "key_mode.h"
#include "module_client.h"

namespace sgate {

struct KeyPlan {
	KeyMode mode = KeyMode::map;
	unsigned epoch_seconds = SGATE_DEFAULT_EPOCH_SECONDS; // for config.epoch_ns
	// Module mode, --key-period differing from the module's: its old length.
	// attach sets the new one last, as it renumbers the namespace's epochs.
	std::optional<unsigned> module_epoch_was;
	std::unique_ptr<ModuleClient> module; // module mode only
};

// Exit::kernel_unsupported if sgate.ko has no BTF, Exit::no_module if it
// does not answer on netlink.
KeyPlan plan_keys(const Invocation &inv);

} // namespace sgate
