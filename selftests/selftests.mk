# The module's selftests (selftests/sgate/, run in a VM by selftests/run-vm.sh).
# Included by the top-level Makefile.
#
#   build/nl_test   sgate.ko's generic netlink family, exercised and fuzzed

$(BUILD)/nl_test: selftests/sgate/nl_test.c $(wildcard include/sgate/*.h) | $(BUILD)
	$(CC) $(CFLAGS) $< -o $@ -lmnl
