# Unit tests of the agent's pure logic, one cmocka binary per unit of user/
# (user/Makefile.inc lists the sources in SGATE_PURE_SRCS; they use neither
# libbpf nor a gate, so the tests link their objects alone).  libnl builds
# and parses netlink messages in memory: no socket is opened.

AGENT_TEST_UNITS := cli gate_config handoff_path keys module output service_config metrics
AGENT_TESTS := $(patsubst %,$(BUILD)/test_%,$(AGENT_TEST_UNITS))

$(AGENT_TESTS): $(BUILD)/test_%: tests/unit/test_%.cpp tests/unit/agent_test.h $(SGATE_PURE_OBJS) \
		$(wildcard user/*.h) $(wildcard include/sgate/*.h) | $(BUILD)
	$(CXX) $(CXXFLAGS) $(LIBNL_CFLAGS) $(SERVICE_CFLAGS) -Iuser -Itests/unit $< $(SGATE_PURE_OBJS) -o $@ \
		-lcmocka $(LIBNL_LIBS) $(PURE_LIBS)

UNIT_TESTS += $(AGENT_TESTS)
