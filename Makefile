# sgate — top-level build.  `sudo make demo` and `sudo make check` are the two
# commands a fresh Debian 12 machine needs; both install what is missing.

CLANG      ?= clang
CC         ?= gcc
CXX        ?= g++
BPFTOOL    ?= bpftool
BUILD      := build
ARCH       := $(shell uname -m | sed 's/x86_64/x86/; s/aarch64/arm64/')
MULTIARCH  := $(shell $(CC) -print-multiarch 2>/dev/null)

BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
	      -I$(BUILD) -Iinclude -I/usr/include/$(MULTIARCH)
CFLAGS     ?= -O2 -g
CFLAGS     += -Wall -Wextra -Werror -Iinclude -I$(BUILD)
CXXFLAGS   ?= -O2 -g
CXXFLAGS   += -std=c++20 -Wall -Wextra -Werror -Iinclude -I$(BUILD)
LIBBPF     := $(shell pkg-config --libs libbpf 2>/dev/null || echo -lbpf -lelf -lz)

# The version of the agent and the packages: written only in VERSION.
VERSION    := $(shell cat VERSION)
CXXFLAGS   += -DSGATE_VERSION='"$(VERSION)"'

BPF_OBJS   := $(BUILD)/sgate.bpf.o
SKELS      := $(BUILD)/sgate.skel.h

# Every Debian package the build, the tests and the demo need.
DEB_PKGS := clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev pkg-config \
	    gcc g++ make libcmocka-dev libsodium-dev iproute2 ethtool \
	    iptables python3 python3-scapy gcc-multilib libnl-genl-3-dev \
	    libnl-route-3-dev nlohmann-json3-dev libsystemd-dev libtomlplusplus-dev \
	    libcpp-httplib-dev prometheus libssl-dev gnutls-bin libxdp-dev xdp-tools
# The man pages (scdoc), the DKMS build, make deb and the check of its packages.
DEB_PKGS += scdoc dkms dpkg-dev debhelper dh-dkms lintian debootstrap
# sgate.ko and the VM that runs its selftests (this host's kernel has no
# modules): Debian's 6.12 kernel, its headers, pahole for module BTF, QEMU.
DEB_PKGS_VM := linux-image-6.12-amd64 linux-headers-6.12-amd64 dwarves \
	       qemu-system-x86 busybox-static libmnl-dev kmod xz-utils
# The benchmarks' plots (sudo make bench).
DEB_PKGS_BENCH := python3-matplotlib

.PHONY: all deps check demo clean vm-check

all: $(BPF_OBJS) $(SKELS) $(BUILD)/sgate

$(BUILD):
	mkdir -p $@

# Types of the running kernel; the gate needs >= 6.9 to run, and its
# bpf_tcp_req_attrs to build.
$(BUILD)/vmlinux.h: | $(BUILD)
	@test -r /sys/kernel/btf/vmlinux || { echo "error: /sys/kernel/btf/vmlinux missing: this kernel has no BTF (CONFIG_DEBUG_INFO_BTF=y is needed)" >&2; exit 1; }
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp
	@grep -q 'struct bpf_tcp_req_attrs {' $@.tmp || { echo "error: this kernel ($$(uname -r)) lacks bpf_sk_assign_tcp_reqsk(); sgate needs Linux >= 6.9" >&2; rm -f $@.tmp; exit 1; }
	mv $@.tmp $@

$(BUILD)/%.bpf.o: bpf/%.bpf.c $(BUILD)/vmlinux.h $(wildcard bpf/*.h include/sgate/*.h) | $(BUILD)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $*_bpf > $@

include user/Makefile.inc
include tests/Makefile.inc
include selftests/selftests.mk
include man/man.mk
include install.mk
include kmod/dkms.mk
include debian/deb.mk

deps:
	@missing=""; for p in $(DEB_PKGS) $(DEB_PKGS_VM) $(DEB_PKGS_BENCH); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "Installing:$$missing"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "All build and test packages are installed."; fi

# The demo needs the agent, the echo server and client, rawsend and the
# peer's XDP program (tests/tools/); nothing else of the tests.
demo: deps
	$(MAKE) all $(DEMO_TOOLS)
	./demo/demo.sh

check: deps
	$(MAKE) all tests
	./tests/run-all.sh

# Benchmarks (bench/README.md): about 8 minutes; they report, they never fail
# the tests.  Their programs and raw results go to build/bench/ (built
# output, never committed); the report goes to Documentation/benchmarks.md
# and Documentation/bench-*.png, committed, because it documents what the
# design costs on a named machine and readers should not have to rerun it.
.PHONY: bench
bench: deps
	$(MAKE) all $(PEER_XDP)
	./bench/run.sh

# sgate.ko's selftests in a QEMU VM booting Debian's 6.12 kernel.
vm-check: deps
	$(MAKE) all tests
	./selftests/run-vm.sh

clean:
	rm -rf $(BUILD)
	-$(MAKE) -C kmod clean
