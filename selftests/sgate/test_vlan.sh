#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Handshakes through the gate over 802.1Q and QinQ (802.1ad + 802.1Q) (TAP).
# Runs in the VM: the host kernel has no VLAN support.  The client's veth
# inserts the tags in software (tx VLAN offload off), so XDP on the server's
# veth sees them in the frame, while the stack strips one tag per device the
# frame crosses: 802.1Q frames are handed off at the veth's TC hook, QinQ
# frames at the 802.1ad device's, where the last tag comes off.
set -u
. "$(dirname "$0")/../../tests/lib/netns.sh"
. "$(dirname "$0")/../../tests/lib/tap.sh"

# $1: the XDP mode to attach in (native, or generic); $2: --xdp-hook
# (alone: the full program, its verdicts handed to TC in metadata; shared:
# libxdp's dispatcher, where a kernel that refuses the full program in its
# slots gets the slot program, and TC verifies).
MODE=${1:-native}
HOOK=${2:-alone}
PORT=8080
LOG=$(mktemp -d /tmp/sgate-vlan.XXXXXX)
cleanup() { netns_down; rm -rf "$LOG"; }
trap cleanup EXIT

modprobe 8021q 2>/dev/null
netns_up || { echo "Bail out! cannot create namespaces and veth"; exit 1; }
C ethtool -K "$CDEV" txvlan off >/dev/null 2>&1
C ethtool -K "$CDEV" tx-vlan-stag-hw-insert off >/dev/null 2>&1

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
vlan_pair qq 10.81.0 fd81 802.1ad 10 802.1Q 20 || { echo "Bail out! cannot create QinQ devices"; exit 1; }

S "$BUILD/echo" server "$PORT" >"$LOG/server.out" 2>&1 &
wait_listen "$PORT" || { echo "Bail out! echo server did not start"; exit 1; }
S "$SGATE" attach "$SDEV" --ports "$PORT" --xdp-mode "$MODE" --xdp-hook "$HOOK" >"$LOG/attach.out" 2>&1 ||
	{ echo "Bail out! attach failed: $(cat "$LOG/attach.out")"; exit 1; }
# The gate's program, as status names it.
program=$(S "$SGATE" status 2>/dev/null | sed -n 's/^  xdp: .*prog id [0-9]* (\([a-z_]*\)).*/\1/p')
C ping -c1 -W2 10.80.0.2 >/dev/null 2>&1
C ping -c1 -W2 10.81.0.2 >/dev/null 2>&1

# Each handshake is handed off exactly once, however many VLAN devices with
# the TC half the final ACK crosses: from XDP's metadata, or verified by TC
# itself (the slot program).
verified() { echo $(($(gate_stat cookie_valid) + $(gate_stat cookie_valid_no_meta))); }
handoffs() { echo $(($(gate_stat tc_handoff) + $(gate_stat tc_verified_handoff))); }
through_gate() {
	local name=$1 addr=$2 v0 h0 d0 v1 h1 d1
	v0=$(verified) h0=$(handoffs) d0=$(gate_stat tc_vlan_defer)
	C timeout 10 "$BUILD/echo" client "$addr" "$PORT" 3 >"$LOG/client.out" 2>&1
	local rc=$?
	v1=$(verified) h1=$(handoffs) d1=$(gate_stat tc_vlan_defer)
	# A final ACK sent twice is verified and handed off twice.
	[ $rc = 0 ] && [ "$v1" -ge $((v0 + 3)) ] && [ $((h1 - h0)) = $((v1 - v0)) ]
	verdict $? "$name: 3 handshakes through the gate, each verified ACK handed off once" \
		"client exit $rc: $(tail -n 3 "$LOG/client.out")" \
		"verified $v0 -> $v1, handed off $h0 -> $h1" \
		"$(S "$SGATE" stats "$SDEV" | grep -v ' 0$')"
	# Only metadata is deferred: without it (the slot program), the lower
	# hook judged nothing, and the VLAN device's hook verifies the ACK.
	case $program/$name in
	sgate_xdp_slot/*) [ "$d1" = "$d0" ] ;;
	*/QinQ*) [ "$d1" -ge $((d0 + 3)) ] ;;
	*) [ "$d1" = "$d0" ] ;;
	esac
	verdict $? "$name: metadata deferred to the VLAN device only with a tag left ($program)" \
		"tc_vlan_defer $d0 -> $d1"
}
through_gate "802.1Q, IPv4" 10.80.0.2
through_gate "802.1Q, IPv6" fd80::2
through_gate "QinQ, IPv4" 10.81.0.2
through_gate "QinQ, IPv6" fd81::2

# status names the VLAN devices the TC half covers, and one made after
# attach as not covered, without calling the gate broken.
S ip link add link "$SDEV" name "sl$ID" type vlan proto 802.1ad id 30
S "$SGATE" status >"$LOG/status.out" 2>&1
rc=$?
covered=$(grep -c "tc on vlan:.*tcx" "$LOG/status.out")
[ $rc = 0 ] && [ "$covered" = 3 ] && grep -q "tc on vlan:   sl$ID: NOT COVERED" "$LOG/status.out"
verdict $? "status: 3 VLAN devices covered, one made later named as not covered" \
	"exit $rc, covered $covered" "$(cat "$LOG/status.out")"

S "$SGATE" detach "$SDEV" >/dev/null 2>&1
left=$(S bpftool net show 2>/dev/null | grep -c sgate_tc)
[ "$left" = 0 ]
verdict $? "detach takes the TC half off every VLAN device" "$(S bpftool net show)"

echo "1..$n"
echo "vlan ($MODE XDP, hook $HOOK): $pass passed, $fail failed"
[ "$fail" = 0 ]
