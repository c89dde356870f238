#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sgate.ko selftests, run inside the VM as root (TAP).  The host's console
# check (selftests/vm/run.sh) adds: no WARNING, BUG, Oops or panic.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP"
KO=$TOP/kmod/sgate.ko
NL=$TOP/build/nl_test
FUZZ=${SGATE_NL_FUZZ:-100000}
. "$TOP/tests/lib/tap.sh"

echo "TAP version 13"
echo "# kernel $(uname -r)"
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd	# a bare devtmpfs lacks it
# The kernel autoloads modules from the initramfs root, which has none:
# load what the tests need from the host root instead.
modprobe -a veth sch_ingress cls_bpf 2>/dev/null

check "sgate.ko inserts" insmod "$KO"
check "module BTF at /sys/kernel/btf/sgate" test -e /sys/kernel/btf/sgate
check "kfuncs registered (no 'missing module BTF' in dmesg)" sh -c '! dmesg | grep -q "missing module BTF"'
check "kfuncs in the module's BTF" sh -c 'bpftool btf dump file /sys/kernel/btf/sgate | grep -q "bpf_sgate_xdp_cookie_make"'
check "DTLS kfuncs in the module's BTF" sh -c 'bpftool btf dump file /sys/kernel/btf/sgate | grep -q "bpf_sgate_xdp_dtls_cookie_check"'
check "genl family registered" sh -c 'grep -q . /sys/module/sgate/refcnt'

sub "netlink" "$NL"
sub "netlink unprivileged" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$NL" --unpriv
sub "netlink user-namespace root" unshare --user --map-root-user --net "$NL" --userns
sub "netlink timer" "$NL" --timer
sub "netlink fuzz" "$NL" --fuzz "$FUZZ"
# The same classes for callers the policy refuses (EPERM where it must).
sub "netlink fuzz unprivileged" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$NL" --fuzz 20000
sub "netlink fuzz user-namespace root" unshare --user --map-root-user --net "$NL" --fuzz 20000

# Key bytes are in no file the module exposes.
# The kernel's rule behind the slot program, on a kernel that runs
# extensions (the host's may refuse them): a dispatcher's slot takes
# sgate_xdp_slot and refuses sgate_xdp_skb.  A skip here is a failure.
check "slot program: a dispatcher slot takes it and refuses the full program" \
	sh -c '"$1" >"$2" 2>&1; rc=$?; cat "$2"; [ $rc = 0 ] && ! grep -q SKIPPED "$2"' sh \
	"$TOP/build/test_fixed_frame_prog" /tmp/slot_prog.out

check "no key material under /sys/module/sgate" sh -c '! grep -rqs . /sys/module/sgate/parameters/key 2>/dev/null'

# The gate in module mode, end to end between two namespaces.
if [ -x "$TOP/build/sgate" ]; then
	# The full program, and its hand-off in metadata, in module mode; this
	# kernel refuses it in libxdp 1.3.1's dispatcher slots (the slot
	# program's runs are below).
	SGATE_TEST_XDP_HOOK=alone sub "e2e module mode" "$TOP/tests/e2e/test_gate.sh"
	sub "module mode" "$TOP/selftests/sgate/test_module_mode.sh"
	sub "dtls, module mode" "$TOP/selftests/sgate/test_dtls_module.sh"
	sub "vlan, module mode" "$TOP/selftests/sgate/test_vlan.sh" native alone
	sub "vlan, module mode, generic XDP" "$TOP/selftests/sgate/test_vlan.sh" generic alone
	sub "vlan, module mode, XDP hook shared" "$TOP/selftests/sgate/test_vlan.sh" native shared
	# Real drivers on the NIC pairs selftests/run-vm.sh gives the VM: the
	# full program alone, and virtio_net also in libxdp's dispatcher.
	for drv in virtio_net vmxnet3 e1000; do
		sub "nic $drv, module mode" "$TOP/selftests/sgate/test_nic.sh" "$drv" alone
	done
	sub "nic virtio_net, module mode, XDP hook shared" "$TOP/selftests/sgate/test_nic.sh" virtio_net shared
	# A real neighbour, xdp-filter, in libxdp's dispatcher: this kernel
	# runs freplace programs, which the host's may refuse.
	sub "xdp neighbours, module mode" "$TOP/tests/e2e/test_xdp_neighbours.sh"
else
	not_ok "e2e module mode: build/sgate missing"
fi

check "rmmod after every gate is gone" rmmod sgate
sub "module cycles" "$TOP/selftests/sgate/test_module_cycle.sh"
check "insert/remove 20 times" sh -c 'for i in $(seq 20); do insmod '"$KO"' && rmmod sgate || exit 1; done'

echo "1..$n"
echo "selftests: $((n - fail)) passed, $fail failed"
[ "$fail" = 0 ]
