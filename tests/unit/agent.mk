# Unit tests of the agent's pure logic (user/Makefile.inc lists the sources
# in SGATE_PURE_SRCS; they use neither libbpf nor system state).  libnl
# builds and parses netlink messages in memory: no socket is opened.

AGENT_TEST_SRCS := tests/unit/test_agent.cpp $(SGATE_PURE_SRCS)

$(BUILD)/test_agent: $(AGENT_TEST_SRCS) $(wildcard user/*.h) $(wildcard include/sgate/*.h) | $(BUILD)
	$(CXX) $(CXXFLAGS) $(LIBNL_CFLAGS) -Iuser $(AGENT_TEST_SRCS) -o $@ -lcmocka $(LIBNL_LIBS)

UNIT_TESTS += $(BUILD)/test_agent
