#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# End-to-end: --xdp-mode auto, the default (TAP).  It takes native XDP where
# the driver has it (veth) and generic where it has none (a bridge, whose
# driver has no XDP of its own), and says which; native asked for on such a
# device is refused with the way out.
set -u
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/tap.sh"

PORT=8080
BR=sgb$ID
LOG=$(mktemp -d /tmp/sgate-xdpmode.XXXXXX)
cleanup() {
	S "$SGATE" detach "$BR" >/dev/null 2>&1
	netns_down
	rm -rf "$LOG"
}
trap cleanup EXIT

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP end-to-end tests need root"
	exit 0
fi
[ -e "$SGATE" ] || { echo "Bail out! $SGATE missing: run make all"; exit 1; }
netns_up || { echo "Bail out! cannot create namespaces and veth"; exit 1; }

# xdp: line of the status block of device $1.
status_xdp() { S "$SGATE" status | awk -v d="$1" '$1 == d { f = 1; next } /^[^ ]/ { f = 0 } f && /^ *xdp:/'; }

S "$SGATE" attach "$SDEV" --ports "$PORT" >"$LOG/veth.out" 2>&1
verdict $? "attach with the default mode on veth" "$(cat "$LOG/veth.out")"
grep -q "XDP native (auto)" "$LOG/veth.out"
verdict $? "auto takes native XDP on veth, and says so" "$(cat "$LOG/veth.out")"
status_xdp "$SDEV" | grep -q "native"
verdict $? "status shows native on veth" "$(status_xdp "$SDEV")"
check "detach veth" S "$SGATE" detach "$SDEV"

# Each mode runs its own XDP program: handshakes complete in both.
S "$BUILD/echo" server "$PORT" >/dev/null 2>&1 &
server=$!
wait_listen "$PORT" || { echo "Bail out! server did not start"; exit 1; }
for mode in native generic; do
	S "$SGATE" attach "$SDEV" --ports "$PORT" --xdp-mode $mode >"$LOG/$mode.veth" 2>&1
	out=$(C timeout 10 "$BUILD/echo" client "$SADDR" "$PORT" 3 2>&1)
	handoff=$(gate_stat tc_handoff)
	echo "$out" | grep -q "^summary ok=3 fail=0" && [ "$handoff" = 3 ]
	verdict $? "handshakes complete through the gate in $mode mode" \
		"$(cat "$LOG/$mode.veth")" "$out" "tc_handoff: $handoff"
	S "$SGATE" detach "$SDEV" >/dev/null 2>&1
done
kill "$server" && wait "$server" 2>/dev/null

if ! S ip link add "$BR" type bridge 2>"$LOG/br.err"; then
	echo "# SKIP: cannot create a bridge device, no device without native XDP to try: $(cat "$LOG/br.err")"
	echo "1..$n # SKIP the half on a device without native XDP (no bridge support)"
	exit 0
fi
S ip link set "$BR" up
if S ip link set dev "$BR" xdpdrv obj "$BUILD/xdp_pass.bpf.o" sec xdp 2>/dev/null; then
	S ip link set dev "$BR" xdpdrv off
	echo "# SKIP: this kernel's bridge has native XDP; no device without it to try"
	echo "1..$n # SKIP the half on a device without native XDP"
	exit 0
fi

S "$SGATE" attach "$BR" --ports "$PORT" --xdp-mode native >"$LOG/native.out" 2>&1
rc=$?
[ $rc != 0 ] && grep -q "has no native XDP: use --xdp-mode generic" "$LOG/native.out" &&
	! S test -e "/sys/fs/bpf/sgate/$(S python3 -c 'import socket; s = socket.socket(); print(int.from_bytes(s.getsockopt(socket.SOL_SOCKET, 71, 8), "little"))')/$BR"
verdict $? "--xdp-mode native on a bridge is refused, naming the way out, nothing left" \
	"exit $rc: $(cat "$LOG/native.out")"

S "$SGATE" attach "$BR" --ports "$PORT" >"$LOG/auto.out" 2>&1
verdict $? "attach with the default mode on a bridge" "$(cat "$LOG/auto.out")"
grep -q "XDP generic (auto)" "$LOG/auto.out"
verdict $? "auto falls back to generic XDP on a bridge, and says so" "$(cat "$LOG/auto.out")"
status_xdp "$BR" | grep -q "generic"
verdict $? "status shows generic on the bridge" "$(status_xdp "$BR")"
check "detach the bridge" S "$SGATE" detach "$BR"

S "$SGATE" attach "$BR" --ports "$PORT" --xdp-mode generic >"$LOG/generic.out" 2>&1 &&
	grep -q "XDP generic," "$LOG/generic.out"
verdict $? "--xdp-mode generic takes generic, not labelled auto" "$(cat "$LOG/generic.out")"
check "detach the bridge again" S "$SGATE" detach "$BR"

echo "1..$n"
echo "xdp_mode: $pass passed, $fail failed"
[ "$fail" = 0 ]
