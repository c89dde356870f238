#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# End-to-end: GRO/BIG TCP super-packets of an established flow pass the
# gate (TAP).  With IPv6 BIG TCP on the veth pair, the client's stack sends
# segments above 64 KiB, whose IPv6 payload length is 0; the gate in generic
# XDP sees them whole and must pass them, not drop them as malformed.
set -u
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/tap.sh"

PORT=8080
BYTES=$((8 << 20))
LOG=$(mktemp -d /tmp/sgate-bigtcp.XXXXXX)
server=
cleanup() {
	[ -z "$server" ] || { kill "$server"; wait "$server"; } 2>/dev/null
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
if ! S ip link set dev "$SDEV" gro_max_size 185000 gso_max_size 185000 ||
   ! C ip link set dev "$CDEV" gro_max_size 185000 gso_max_size 185000; then
	echo "1..0 # SKIP this kernel or iproute2 has no BIG TCP (gso_max_size above 64 KiB)"
	exit 0
fi

# Counts what one connection sends, answers the count.
cat >"$LOG/server.py" <<'PY'
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
cat >"$LOG/client.py" <<'PY'
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=20)
s.sendall(b"x" * int(sys.argv[3]))
s.shutdown(socket.SHUT_WR)
print(s.recv(100).decode())
PY
S python3 "$LOG/server.py" "$PORT" &
server=$!
wait_listen "$PORT" || { echo "Bail out! server did not start"; exit 1; }
S "$SGATE" attach "$SDEV" --ports "$PORT" --xdp-mode generic >"$LOG/attach.out" 2>&1 ||
	{ echo "Bail out! attach failed: $(cat "$LOG/attach.out")"; exit 1; }

got=$(C timeout 30 python3 "$LOG/client.py" "$SADDR6" "$PORT" "$BYTES")
frames=$(gate_stat pass_established)
malformed=$(gate_stat drop_malformed)
# Frames of at most 64 KiB would need at least BYTES / 65535 of them; a gate
# that drops super-packets makes the client resend in small ones.
if [ "$malformed" = 0 ] && [ "$frames" -ge $((BYTES / 65535)) ]; then
	echo "1..0 # SKIP no frame above 64 KiB reached the gate ($frames frames for $BYTES bytes): BIG TCP not in effect"
	exit 0
fi
[ "$got" = "$BYTES" ] && [ "$malformed" = 0 ]
verdict $? "$BYTES bytes of IPv6 BIG TCP super-packets pass the gate, none dropped as malformed" \
	"server counted: $got; drop_malformed: $malformed" \
	"$(S "$SGATE" stats "$SDEV" | grep -v ' 0$')"

echo "1..$n"
echo "bigtcp: $pass passed, $fail failed"
[ "$fail" = 0 ]
