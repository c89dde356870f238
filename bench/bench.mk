# The benchmarks' programs, built into build/bench/ by bench/run.sh
# (`sudo make bench`).  Run from the top of the tree after `make all`, which
# provides build/vmlinux.h and build/sgate.skel.h.

BUILD      ?= build
B          := $(BUILD)/bench
CLANG      ?= clang
CC         ?= gcc
BPFTOOL    ?= bpftool
ARCH       := $(shell uname -m | sed 's/x86_64/x86/; s/aarch64/arm64/')
MULTIARCH  := $(shell $(CC) -print-multiarch 2>/dev/null)
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
	      -I$(BUILD) -Iinclude -I/usr/include/$(MULTIARCH)
CFLAGS     := -O2 -g -Wall -Wextra -Werror -Iinclude -I$(BUILD) -I$(B)
LIBBPF     := $(shell pkg-config --libs libbpf 2>/dev/null || echo -lbpf -lelf -lz)

PROGS := $(B)/pktcost $(B)/flood $(B)/client $(B)/server $(B)/dtls_server

.PHONY: all
.SECONDARY:
all: $(PROGS)

$(B):
	mkdir -p $@

$(B)/%.bpf.o: bench/%.bpf.c bpf/wire.h $(BUILD)/vmlinux.h | $(B)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(B)/%.skel.h: $(B)/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $*_bpf > $@

# The gate under BPF_PROG_RUN, as the packet tests load it (tests/lib/).
GATE_RUN := tests/lib/gate_run.c tests/lib/percpu.c tests/lib/packet.c \
	    tests/lib/dtls_hello.c

$(B)/pktcost: bench/pktcost.c $(B)/pkt.skel.h $(BUILD)/sgate.skel.h $(GATE_RUN) $(wildcard tests/lib/*.h) $(wildcard include/sgate/*.h)
	$(CC) $(CFLAGS) $< $(GATE_RUN) -o $@ $(LIBBPF) -lm

FLOOD_LIB := tests/lib/percpu.c tests/lib/dtls_hello.c tests/lib/packet.c
$(B)/flood: bench/flood.c $(B)/flood.skel.h $(FLOOD_LIB) $(wildcard tests/lib/*.h)
	$(CC) $(CFLAGS) $< $(FLOOD_LIB) -o $@ $(LIBBPF)

$(B)/client: bench/client.c | $(B)
	$(CC) $(CFLAGS) $< -o $@ -lm

$(B)/server: bench/server.c | $(B)
	$(CC) $(CFLAGS) $< -o $@

$(B)/dtls_server: bench/dtls_server.c | $(B)
	$(CC) $(CFLAGS) $< -o $@ -lssl -lcrypto
