#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# DTLS in module key mode, in the VM (TAP): tests/e2e/test_dtls.sh with
# sgate.ko loaded, so the gate's cookies are made and checked by the module's
# DTLS kfuncs and the echo server takes the gate's word for them.  Inserts
# sgate.ko when it is not loaded yet (a run of this script alone), and then
# removes it again.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
KO=$TOP/kmod/sgate.ko
inserted=0

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root and a kernel that loads modules (run it in the VM)"
	exit 0
fi
if [ ! -e /sys/module/sgate ]; then
	[ -e "$KO" ] || { echo "Bail out! $KO missing: make -C kmod"; exit 1; }
	modprobe -a veth sch_ingress cls_bpf 2>/dev/null
	insmod "$KO" || { echo "Bail out! cannot insert $KO"; exit 1; }
	inserted=1
fi
# The full program, alone in the hook, as test_gate.sh runs in
# run_guest.sh: the slot program libxdp's dispatcher takes sends each
# HelloVerifyRequest in a frame as long as the ClientHello's (zeroed past the
# reply, bpf/fixed_frame.h), so the flood's byte count then has no margin
# left for the neighbour discovery and ARP frames the namespaces exchange.
SGATE_TEST_KEY_MODE=module SGATE_TEST_XDP_HOOK=alone "$TOP/tests/e2e/test_dtls.sh"
rc=$?
if [ "$inserted" = 1 ] && ! rmmod sgate; then
	echo "Bail out! rmmod sgate failed after the DTLS tests"
	rc=1
fi
exit $rc
