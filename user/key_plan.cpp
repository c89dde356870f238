#include "key_plan.h"

namespace sgate {

KeyPlan plan_keys(const Invocation &inv)
{
	KeyPlan plan;
	plan.mode = select_key_mode();
	if (plan.mode == KeyMode::map) {
		plan.epoch_seconds = inv.key_period.value_or(SGATE_DEFAULT_EPOCH_SECONDS);
		return plan;
	}
	require_module_btf();
	plan.module = std::make_unique<ModuleClient>();
	// The module numbers the epochs its kfuncs sign; config.epoch_ns only
	// repeats its length, so that status tells the truth.
	const unsigned current = plan.module->settings().epoch_seconds;
	plan.epoch_seconds = inv.key_period.value_or(current);
	if (plan.epoch_seconds != current)
		plan.module_epoch_was = current;
	return plan;
}

} // namespace sgate
