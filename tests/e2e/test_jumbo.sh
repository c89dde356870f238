#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# End-to-end: the gate on a veth pair with a 9000-byte MTU (TAP).  Native XDP
# on veth takes only a frags-aware program at that MTU; segments of a jumbo
# MSS arrive as multi-buffer frames, whose headers are in the linear part and
# whose payload runs on in fragments.  Handshakes complete (IPv4, IPv6) with
# the jumbo MSS, and a bulk transfer passes the gate in jumbo segments.
set -u
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/tap.sh"

PORT=8080
BULK=9090
MTU=9000
BYTES=$((16 << 20))
LOG=$(mktemp -d /tmp/sgate-jumbo.XXXXXX)
servers=()
cleanup() {
	for pid in "${servers[@]}"; do kill "$pid" && wait "$pid"; done 2>/dev/null
	netns_down
	rm -rf "$LOG"
}
trap cleanup EXIT

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP end-to-end tests need root"
	exit 0
fi
for f in "$SGATE" "$BUILD/echo" "$BUILD/xdp_pass.bpf.o"; do
	[ -e "$f" ] || { echo "Bail out! $f missing: run make all tests"; exit 1; }
done
netns_up || { echo "Bail out! cannot create namespaces and veth"; exit 1; }
# A non-frags program on the client's side caps its peer's MTU: swap it for
# the frags-aware one once both ends have the jumbo MTU.
C ip link set dev "$CDEV" xdp off
S ip link set dev "$SDEV" mtu $MTU && C ip link set dev "$CDEV" mtu $MTU ||
	{ echo "Bail out! cannot set MTU $MTU on the veth pair"; exit 1; }
C ip link set dev "$CDEV" xdp obj "$BUILD/xdp_pass.bpf.o" sec xdp.frags ||
	{ echo "Bail out! cannot attach a frags-aware XDP program to the client's veth"; exit 1; }

# Counts what one connection sends, answers the count.
cat >"$LOG/count.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET6)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("::", int(sys.argv[1])))
s.listen(4)
c, _ = s.accept()
n = 0
while True:
    d = c.recv(1 << 20)
    if not d:
        break
    n += len(d)
c.sendall(str(n).encode())
c.close()
PY
cat >"$LOG/send.py" <<'PY'
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=20)
s.sendall(b"x" * int(sys.argv[3]))
s.shutdown(socket.SHUT_WR)
print(s.recv(100).decode())
PY

S "$BUILD/echo" server "$PORT" >"$LOG/echo.out" 2>&1 &
servers+=($!)
S python3 "$LOG/count.py" "$BULK" &
servers+=($!)
wait_listen "$PORT" && wait_listen "$BULK" || { echo "Bail out! servers did not start"; exit 1; }

# Default mode (auto): native on veth.
S "$SGATE" attach "$SDEV" --ports "$PORT,$BULK" >"$LOG/attach.out" 2>&1
verdict $? "attach in native mode at MTU $MTU" "$(cat "$LOG/attach.out")"
grep -q "XDP native" "$LOG/attach.out"
verdict $? "attach reports native XDP" "$(cat "$LOG/attach.out")"
S "$SGATE" status | grep -q "xdp: *native"
verdict $? "status shows native XDP" "$(S "$SGATE" status 2>&1)"
grep -q "MSS $((MTU - 40))/$((MTU - 60))" "$LOG/attach.out"
verdict $? "the gate advertises the jumbo MSS" "$(cat "$LOG/attach.out")"

for addr in "$SADDR" "$SADDR6"; do
	out=$(C timeout 20 "$BUILD/echo" client "$addr" "$PORT" 20 2>&1)
	mss=$(echo "$out" | sed -n 's/.* snd_mss=\([0-9]*\).*/\1/p' | head -1)
	echo "$out" | grep -q "^summary ok=20 fail=0" && [ "${mss:-0}" -gt 4000 ]
	verdict $? "20 handshakes to $addr complete at MTU $MTU, client MSS above a page" "$out"
done

before=$(gate_stat pass_established)
got=$(C timeout 60 python3 "$LOG/send.py" "$SADDR" "$BULK" "$BYTES" 2>&1)
frames=$(($(gate_stat pass_established) - before))
[ "$got" = "$BYTES" ]
verdict $? "$BYTES bytes through the gate in one connection" "server counted: $got"
# The linear part of a veth frame is under a page: segments above it are
# multi-buffer frames, and it takes fewer than BYTES / 4096 of them only if
# most were.
[ "$frames" -gt 0 ] && [ "$frames" -lt $((BYTES / 4096)) ]
verdict $? "the transfer came in jumbo (multi-buffer) frames" \
	"pass_established frames: $frames for $BYTES bytes"

for c in drop_split_headers drop_malformed drop_unjudged cookie_bad_mac drop_internal; do
	v=$(gate_stat "$c")
	[ "$v" = 0 ]
	verdict $? "no frame counted as $c" "$c: $v" "$(S "$SGATE" stats "$SDEV" | grep -v ' 0$')"
done
valid=$(gate_stat cookie_valid)
handoff=$(gate_stat tc_handoff)
[ "$valid" -ge 41 ] && [ "$handoff" = "$valid" ]
verdict $? "every handshake verified at XDP and handed off at TC" \
	"cookie_valid: $valid, tc_handoff: $handoff"

check "detach" S "$SGATE" detach "$SDEV"

echo "1..$n"
echo "jumbo: $pass passed, $fail failed"
[ "$fail" = 0 ]
