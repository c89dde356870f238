#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make vm-check`: build sgate.ko, boot Debian's kernel in QEMU, run the
# selftests inside (TAP).  A missing piece is a loud SKIP, never a pass.
set -u
cd "$(dirname "$0")/.."
if ! command -v qemu-system-x86_64 >/dev/null; then
	echo "1..0 # SKIP qemu-system-x86_64 is not installed (make deps installs it)"
	exit 0
fi
if ! ls /lib/modules/6.12*/build/Makefile >/dev/null 2>&1 && [ ! -f "/lib/modules/$(uname -r)/build/Makefile" ]; then
	echo "1..0 # SKIP no kernel headers to build sgate.ko (make deps installs linux-headers-6.12-amd64)"
	exit 0
fi
if ! out=$(make -C kmod 2>&1); then
	echo "not ok 1 - sgate.ko builds"
	echo "$out" | tail -n 20 | sed 's/^/#   /'
	exit 1
fi
make -s build/nl_test >/dev/null || { echo "Bail out! cannot build build/nl_test"; exit 1; }
# One boot for every test: the NIC pairs for selftests/sgate/test_nic.sh cost
# nothing until a test loads their drivers.  QEMU's multiqueue virtio-net
# needs a network namespace (selftests/vm/run.sh): without one that pair is
# left out and its test says SKIP.
nics=(--nic-pair vmxnet3 --nic-pair e1000)
if [ ! -c /dev/net/tun ]; then
	echo "# no virtio-net pair: no /dev/net/tun for QEMU's multiqueue tap"
elif unshare --net true 2>/dev/null || unshare --user --map-root-user --net true 2>/dev/null; then
	nics=(--nic-pair virtio-net-pci,queues=2 "${nics[@]}")
else
	echo "# no virtio-net pair: cannot make a network namespace (run as root)"
fi
selftests/vm/run.sh --timeout "${SGATE_VM_TIMEOUT:-2400}" "${nics[@]}" -- selftests/sgate/run_guest.sh
rc=$?
if [ $rc = 77 ]; then
	echo "1..0 # SKIP the VM could not run (see the SKIP line above)"
	exit 0
fi
exit $rc
