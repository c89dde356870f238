// Unit tests of user/handoff_path: which hand-off path attach expects from
// a driver, which one status reads from the counters, and their wording.
#include "agent_test.h"

#include "handoff_path.h"

using namespace sgate;

namespace {

void test_expected_from_driver(void **)
{
	assert_true(expected_handoff_path("virtio_net", false, false) == HandoffPath::metadata);
	assert_true(expected_handoff_path("veth", false, false) == HandoffPath::metadata);
	assert_true(expected_handoff_path("vmxnet3", false, false) == HandoffPath::tc_verify);
	assert_true(expected_handoff_path("ena", false, false) == HandoffPath::tc_verify);
	assert_true(expected_handoff_path("e1000", false, false) == HandoffPath::unknown);
	assert_true(expected_handoff_path("", false, false) == HandoffPath::unknown);
	// Generic XDP builds its own buffer, with room, whatever the driver.
	assert_true(expected_handoff_path("vmxnet3", true, false) == HandoffPath::metadata);
	assert_true(expected_handoff_path("e1000", true, false) == HandoffPath::metadata);
	// The slot program writes no metadata, whatever the driver or mode.
	assert_true(expected_handoff_path("veth", false, true) == HandoffPath::slot);
	assert_true(expected_handoff_path("e1000", true, true) == HandoffPath::slot);
}

void test_observed_from_counters(void **)
{
	Counters c{};
	assert_true(observed_handoff_path(c) == HandoffPath::unknown);
	c[SGATE_STAT_COOKIE_VALID] = 3;
	assert_true(observed_handoff_path(c) == HandoffPath::metadata);
	c[SGATE_STAT_COOKIE_VALID_NO_META] = 1;
	assert_true(observed_handoff_path(c) == HandoffPath::tc_verify);
	c = Counters{};
	c[SGATE_STAT_TC_VERIFIED_HANDOFF] = 1;
	assert_true(observed_handoff_path(c) == HandoffPath::tc_verify);
	c = Counters{};
	c[SGATE_STAT_SYN_ANSWERED] = 100; // SYNs alone say nothing
	assert_true(observed_handoff_path(c) == HandoffPath::unknown);
}

void test_text(void **)
{
	assert_string_equal(handoff_path_text(HandoffPath::metadata, "veth").c_str(),
	                    "XDP metadata");
	assert_string_equal(handoff_path_text(HandoffPath::tc_verify, "vmxnet3").c_str(),
	                    "TC verifies each cookie again (driver vmxnet3 gives XDP no metadata "
	                    "room)");
	assert_string_equal(handoff_path_text(HandoffPath::unknown, "").c_str(),
	                    "decided at the first verified handshake (the driver not known to "
	                    "sgate): XDP metadata, or TC verifies where the driver gives none");
}

} // namespace

int main()
{
	const CMUnitTest tests[] = {
	        cmocka_unit_test(test_expected_from_driver),
	        cmocka_unit_test(test_observed_from_counters),
	        cmocka_unit_test(test_text),
	};
	return cmocka_run_group_tests(tests, nullptr, nullptr);
}
