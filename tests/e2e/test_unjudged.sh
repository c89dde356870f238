#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# End-to-end: a segment the gate cannot judge never reaches a protected
# listener (TAP).  The server's own stack is the oracle.  Each class of frame
# (tests/tools/craft.py) is sent to a listening port twice: with the gate,
# where the stack must not see it (Tcp InSegs and OutRsts stay, no request
# socket appears), then with no gate, where the stack must take it in
# (InSegs moves), which proves the class is real TCP and the first check
# could fail.
set -u
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/tap.sh"

PORT=8080
COUNT=20
CRAFT=(/usr/bin/python3 "$TOP/tests/tools/craft.py")
# Sources no namespace has: the gate's SYN-ACKs to them are dropped by the
# client's stack, which then sends no RST back.
SRC4=10.77.9.9 SRC6=fd77::99
# (An IPv6 first fragment without the whole TCP header the stack discards
# itself, RFC 7112: no class to test.)
CLASSES="syn-ext5 syn-ext9 syn-frag ack-frag"
LOG=$(mktemp -d /tmp/sgate-unjudged.XXXXXX)

cleanup() { netns_down; rm -rf "$LOG"; }
trap cleanup EXIT

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP end-to-end tests need root"
	exit 0
fi
if ! /usr/bin/python3 -c 'import scapy' 2>/dev/null; then
	echo "1..0 # SKIP python3-scapy is not installed (make deps installs it)"
	exit 0
fi
for f in "$SGATE" "$BUILD/echo" "$BUILD/xdp_pass.bpf.o"; do
	[ -e "$f" ] || { echo "Bail out! $f missing: run make all tests"; exit 1; }
done
netns_up || { echo "Bail out! cannot create namespaces and veth"; exit 1; }
S "$BUILD/echo" server "$PORT" >"$LOG/server.out" 2>&1 &
wait_listen "$PORT" || { echo "Bail out! echo server did not start"; exit 1; }
smac=$(mac_of S "$SDEV")

send() {
	local src=$SRC4 dst=$SADDR
	case $1 in syn-ext* | syn6-*) src=$SRC6 dst=$SADDR6 ;; esac
	C "${CRAFT[@]}" "$CDEV" "$smac" "$src" "$dst" "$PORT" "$1" "$COUNT"
	sleep 0.5
}
syn_recv() { S ss -Htn state syn-recv | wc -l; }

S "$SGATE" attach "$SDEV" --ports "$PORT" >/dev/null || { echo "Bail out! attach failed"; exit 1; }
for cls in $CLASSES; do
	in0=$(tcpsnmp S InSegs) rst0=$(tcpsnmp S OutRsts) req0=$(syn_recv)
	send "$cls"
	in1=$(tcpsnmp S InSegs) rst1=$(tcpsnmp S OutRsts) req1=$(syn_recv)
	[ "$in1" = "$in0" ] && [ "$rst1" = "$rst0" ] && [ "$req1" -le "$req0" ]
	verdict $? "with the gate, $COUNT of $cls never reach the stack" \
		"InSegs +$((in1 - in0)), OutRsts +$((rst1 - rst0)), SYN_RECV $req0 -> $req1" \
		"$(S "$SGATE" stats "$SDEV" | grep -v ' 0$')"
done
S "$SGATE" detach "$SDEV" >/dev/null

for cls in $CLASSES; do
	in0=$(tcpsnmp S InSegs)
	send "$cls"
	in1=$(tcpsnmp S InSegs)
	[ $((in1 - in0)) -ge "$COUNT" ]
	verdict $? "without the gate, the stack takes $cls in (the class is real TCP)" \
		"InSegs +$((in1 - in0)), expected at least $COUNT"
done

echo "1..$n"
echo "unjudged: $pass passed, $fail failed"
[ "$fail" = 0 ]
