# The reference model and the differential fuzzer (tests/fuzz/, tests/model/).
# Included by tests/Makefile.inc.
#
#   make fuzz [FRAMES=1e8] [SEED=n]   a longer run (default 1e7 frames)

FUZZ_SRCS := tests/fuzz/fuzz_xdp.c tests/fuzz/case_file.c tests/fuzz/invariants.c \
	     tests/fuzz/gen.c tests/fuzz/gen_dtls.c tests/fuzz/seeds.c tests/model/xdp_model.c tests/model/dtls_model.c tests/model/kernel_view.c \
	     tests/lib/gate_run.c tests/lib/percpu.c tests/lib/packet.c tests/lib/doc_mac.c tests/lib/doc_dtls_mac.c
FUZZ_HDRS := $(wildcard tests/fuzz/*.h) $(wildcard tests/lib/*.h) tests/model/xdp_model.h tests/model/model_common.h tests/model/kernel_view.h $(wildcard include/sgate/*.h)

$(BUILD)/kclock.bpf.o: tests/fuzz/kclock.bpf.c $(BUILD)/vmlinux.h | $(BUILD)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/fuzz_xdp: $(FUZZ_SRCS) $(FUZZ_HDRS) $(SKELS) $(BUILD)/kclock.skel.h | $(BUILD)
	$(CC) $(CFLAGS) $(FUZZ_SRCS) -o $@ $(LIBBPF) -lcmocka -lsodium

TEST_PROGS += $(BUILD)/fuzz_xdp
tests: $(BUILD)/fuzz_xdp

FRAMES ?= 1e7
SEED   ?= $(shell date +%s)

.PHONY: fuzz
fuzz: $(BUILD)/fuzz_xdp
	SGATE_FUZZ_FRAMES=$(FRAMES) SGATE_FUZZ_SEED=$(SEED) $(BUILD)/fuzz_xdp
