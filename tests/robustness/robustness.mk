# The forgery bound, measured (tests/robustness/).  Included by
# tests/Makefile.inc.
#
#   build/sgate_mac8.bpf.o  the gate built with 8-bit MACs (the TCP cookie's
#                           and the DTLS cookie's), for the tests only
#   build/forge_driver.bpf.o  writes each forged ACK and tail-calls the gate
#   build/test_forgery      cmocka: 10^5 ACKs at 8 bits, 10^7 at 25 bits
#   build/forge_dtls_driver.bpf.o, build/test_forgery_dtls: the same for
#                           DTLS ClientHello cookies, 10^5 at 8 bits, 10^7 at 64
#
#   make robustness [FORGE_ACKS=1e8] [FRAMES=1e8]   the longer runs

$(BUILD)/sgate_mac8.bpf.o: bpf/sgate.bpf.c $(BUILD)/vmlinux.h $(wildcard bpf/*.h include/sgate/*.h) | $(BUILD)
	$(CLANG) $(BPF_CFLAGS) -DSGATE_COOKIE_MAC_BITS=8 -DSGATE_DTLS_MAC_BITS=8 -c $< -o $@

$(BUILD)/forge_driver.bpf.o: tests/robustness/forge_driver.bpf.c tests/robustness/forge.h $(BUILD)/vmlinux.h | $(BUILD)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/forge_dtls_driver.bpf.o: tests/robustness/forge_dtls_driver.bpf.c tests/robustness/forge_dtls.h tests/robustness/forge.h $(BUILD)/vmlinux.h | $(BUILD)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/forge_dtls_codec_%.o: tests/robustness/forge_dtls_codec.c tests/robustness/forge_codec.h tests/robustness/forge_dtls.h tests/robustness/forge.h $(wildcard include/sgate/*.h) | $(BUILD)
	$(CC) $(CFLAGS) -DSGATE_DTLS_MAC_BITS=$* -DFORGE_DTLS_ACCEPTED=forge_dtls_accepted_$* -c $< -o $@

$(BUILD)/forge_codec_%.o: tests/robustness/forge_codec.c tests/robustness/forge_codec.h tests/robustness/forge.h $(wildcard include/sgate/*.h) | $(BUILD)
	$(CC) $(CFLAGS) -DSGATE_COOKIE_MAC_BITS=$* -DFORGE_ACCEPTED=forge_accepted_$* -c $< -o $@

FORGE_STATS := tests/robustness/forge_stats.c
FORGERY_DEPS := tests/robustness/test_forgery.c $(FORGE_STATS) $(BUILD)/forge_codec_25.o \
		$(BUILD)/forge_codec_8.o $(GATE_RUN_DEPS) \
		$(BUILD)/sgate_mac8.skel.h $(BUILD)/forge_driver.skel.h

$(BUILD)/test_forgery: $(FORGERY_DEPS)
	$(CC) $(CFLAGS) tests/robustness/test_forgery.c $(FORGE_STATS) \
		$(BUILD)/forge_codec_25.o $(BUILD)/forge_codec_8.o $(GATE_RUN) \
		-o $@ $(LIBBPF) -lcmocka -lm

TEST_PROGS += $(BUILD)/test_forgery
tests: $(BUILD)/test_forgery

FORGERY_DTLS_DEPS := tests/robustness/test_forgery_dtls.c $(FORGE_STATS) \
		     $(BUILD)/forge_dtls_codec_64.o $(BUILD)/forge_dtls_codec_8.o \
		     $(GATE_RUN_DEPS) $(BUILD)/sgate_mac8.skel.h \
		     $(BUILD)/forge_dtls_driver.skel.h

$(BUILD)/test_forgery_dtls: $(FORGERY_DTLS_DEPS)
	$(CC) $(CFLAGS) tests/robustness/test_forgery_dtls.c $(FORGE_STATS) \
		$(BUILD)/forge_dtls_codec_64.o $(BUILD)/forge_dtls_codec_8.o \
		$(GATE_RUN) -o $@ $(LIBBPF) -lcmocka -lm

TEST_PROGS += $(BUILD)/test_forgery_dtls
tests: $(BUILD)/test_forgery_dtls

FORGE_ACKS ?= 1e8

.PHONY: robustness
robustness: $(BUILD)/test_forgery $(BUILD)/test_forgery_dtls $(BUILD)/fuzz_xdp
	SGATE_FORGE_ACKS=$(FORGE_ACKS) SGATE_FORGE_ACKS_MAC8=1e6 $(BUILD)/test_forgery
	SGATE_FORGE_HELLOS=$(FORGE_ACKS) SGATE_FORGE_HELLOS_MAC8=1e6 $(BUILD)/test_forgery_dtls
	SGATE_FUZZ_FRAMES=$(FRAMES) SGATE_FUZZ_SEED=$(SEED) $(BUILD)/fuzz_xdp
