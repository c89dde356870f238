#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Handshakes through the gate over 802.1Q (TAP).  Runs in the VM: the host
# kernel has no VLAN support.  The client's veth inserts the tag in software
# (tx VLAN offload off), so XDP on the server's veth sees it in the frame,
# while the stack strips it before TC: the hand-off must find the IP header
# again.
set -u
. "$(dirname "$0")/../../tests/lib/netns.sh"
. "$(dirname "$0")/../../tests/lib/tap.sh"

PORT=8080
LOG=$(mktemp -d /tmp/sgate-vlan.XXXXXX)
cleanup() { netns_down; rm -rf "$LOG"; }
trap cleanup EXIT

modprobe 8021q 2>/dev/null
netns_up || { echo "Bail out! cannot create namespaces and veth"; exit 1; }
C ethtool -K "$CDEV" txvlan off >/dev/null 2>&1

# vlan_pair NAME ADDR4 ADDR6 [proto id]...: the same stack of tags on both
# sides, the addresses on the innermost device.
vlan_pair() {
	local name=$1 a4=$2 a6=$3 ns dev lower i
	shift 3
	for ns in S C; do
		if [ $ns = S ]; then lower=$SDEV; else lower=$CDEV; fi
		i=0
		while [ $# -gt $((i * 2)) ]; do
			local args=("$@")
			dev=${ns,,}$name$i$ID
			$ns ip link add link "$lower" name "${dev:0:15}" type vlan \
				proto "${args[$((i * 2))]}" id "${args[$((i * 2 + 1))]}" || return 1
			$ns ip link set "${dev:0:15}" up
			lower=${dev:0:15}
			i=$((i + 1))
		done
		if [ $ns = S ]; then
			$ns ip addr add "$a4.2/24" dev "$lower"
			$ns ip addr add "$a6::2/64" dev "$lower" nodad
		else
			$ns ip addr add "$a4.1/24" dev "$lower"
			$ns ip addr add "$a6::1/64" dev "$lower" nodad
		fi
	done
}
vlan_pair q 10.80.0 fd80 802.1Q 100 || { echo "Bail out! cannot create 802.1Q devices"; exit 1; }

S "$BUILD/echo" server "$PORT" >"$LOG/server.out" 2>&1 &
wait_listen "$PORT" || { echo "Bail out! echo server did not start"; exit 1; }
S "$SGATE" attach "$SDEV" --ports "$PORT" >"$LOG/attach.out" 2>&1 ||
	{ echo "Bail out! attach failed: $(cat "$LOG/attach.out")"; exit 1; }
C ping -c1 -W2 10.80.0.2 >/dev/null 2>&1

through_gate() {
	local name=$1 addr=$2 v0 h0
	v0=$(gate_stat cookie_valid) h0=$(gate_stat tc_handoff)
	C timeout 10 "$BUILD/echo" client "$addr" "$PORT" 3 >"$LOG/client.out" 2>&1
	local rc=$?
	[ $rc = 0 ] && [ "$(gate_stat cookie_valid)" -ge $((v0 + 3)) ] &&
		[ "$(gate_stat tc_handoff)" -ge $((h0 + 3)) ]
	verdict $? "$name: 3 handshakes through the gate, handed off at TC" \
		"client exit $rc: $(tail -n 3 "$LOG/client.out")" \
		"cookie_valid $v0 -> $(gate_stat cookie_valid), tc_handoff $h0 -> $(gate_stat tc_handoff)" \
		"$(S "$SGATE" stats "$SDEV" | grep -v ' 0$')"
}
through_gate "802.1Q, IPv4" 10.80.0.2
through_gate "802.1Q, IPv6" fd80::2

echo "1..$n"
echo "vlan: $pass passed, $fail failed"
[ "$fail" = 0 ]
