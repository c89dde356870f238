#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# End-to-end: the gate answers only for its own host (TAP).
#
#   client 10.78.1.1 --veth-- 10.78.1.2 router 10.78.2.2 --veth-- 10.78.2.1 backend
#                           (gate on rt0,                    (echo server :80)
#                            ip_forward on, its own
#                            echo server on 0.0.0.0:80)
#
# The router forwards the client's SYNs for the backend, and DNATs its port
# 8080 to the backend's 80, as a container host publishes a port; both must
# pass untouched although port 80 and 8080 are protected and the router
# listens on 0.0.0.0:80.  A protected port with no listener keeps the
# kernel's RST; a frame sent to another MAC address is not the host's.
set -u
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/tap.sh"

RNS=sgR$ID BNS=sgB$ID
RDEV=srt$ID			# the router's side facing the client: the gate
RDEV2=srb$ID BDEV=sbk$ID
CADDR=10.78.1.1 RADDR=10.78.1.2 RADDR2=10.78.2.2 BADDR=10.78.2.1
LOG=$(mktemp -d /tmp/sgate-own.XXXXXX)

R() { nsenter --net=/run/netns/"$RNS" "$@"; }
B() { nsenter --net=/run/netns/"$BNS" "$@"; }

cleanup() {
	R "$SGATE" detach "$RDEV" >/dev/null 2>&1
	for ns in "$CNS" "$RNS" "$BNS"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$LOG"
}
trap cleanup EXIT

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP end-to-end tests need root"
	exit 0
fi
for f in "$SGATE" "$BUILD/echo" "$BUILD/rawsend" "$BUILD/xdp_pass.bpf.o"; do
	[ -e "$f" ] || { echo "Bail out! $f missing: run make all tests"; exit 1; }
done

topology_up() {
	ip netns add "$CNS" && ip netns add "$RNS" && ip netns add "$BNS" || return 1
	ip link add "$CDEV" netns "$CNS" type veth peer name "$RDEV" netns "$RNS" || return 1
	ip link add "$RDEV2" netns "$RNS" type veth peer name "$BDEV" netns "$BNS" || return 1
	C ip addr add "$CADDR/24" dev "$CDEV"
	R ip addr add "$RADDR/24" dev "$RDEV"
	R ip addr add "$RADDR2/24" dev "$RDEV2"
	B ip addr add "$BADDR/24" dev "$BDEV"
	for x in "C $CDEV" "R $RDEV" "R $RDEV2" "B $BDEV"; do
		set -- $x
		$1 ip link set lo up
		$1 ip link set "$2" up
	done
	C ip route add default via "$RADDR"
	B ip route add default via "$RADDR2"
	R sysctl -qw net.ipv4.ip_forward=1
	R iptables -t nat -A PREROUTING -i "$RDEV" -p tcp --dport 8080 \
		-j DNAT --to-destination "$BADDR:80" || return 1
	# With NAT loaded the kernel drops the request socket the gate hands
	# over (Documentation/datapath.md, "NAT"): the router's own protected
	# port is exempt from connection tracking, as the document advises.
	R iptables -t raw -A PREROUTING -d "$RADDR" -p tcp --dport 80 -j NOTRACK || return 1
	# veth delivers XDP_TX frames only to a peer that runs XDP itself.
	C ip link set dev "$CDEV" xdp obj "$BUILD/xdp_pass.bpf.o" sec xdp || return 1
	C ping -c1 -W2 "$BADDR" >/dev/null 2>&1
	return 0
}
topology_up || { echo "Bail out! cannot build the client/router/backend namespaces"; exit 1; }
R "$BUILD/echo" server 80 >"$LOG/router.out" 2>&1 &
B "$BUILD/echo" server 80 >"$LOG/backend.out" 2>&1 &
for ns in R B; do
	for i in $(seq 50); do
		$ns ss -Hltn "sport = :80" | grep -q LISTEN && break
		sleep 0.1
	done
done

rstat() {
	R "$SGATE" stats "$RDEV" --json | python3 -c '
import json, sys
print(json.load(sys.stdin)[sys.argv[2]][sys.argv[1]])' "$1" "$RDEV"
}
served() { grep -c '^info side=server' "$1"; }

# connect_to NAME ADDR PORT: a client connection; which server took it.
connect_to() {
	local name=$1 addr=$2 port=$3 b0 r0 b1 r1
	b0=$(served "$LOG/backend.out") r0=$(served "$LOG/router.out")
	C "$BUILD/echo" client "$addr" "$port" 1 >"$LOG/client.out" 2>&1
	local rc=$?
	sleep 0.3
	b1=$(served "$LOG/backend.out") r1=$(served "$LOG/router.out")
	echo "$rc $((b1 - b0)) $((r1 - r0))"
}

read -r rc b r <<<"$(connect_to plain "$BADDR" 80)"
[ "$rc" = 0 ] && [ "$b" = 1 ] && [ "$r" = 0 ]
verdict $? "without the gate, the client reaches the backend through the router" "rc=$rc backend+$b router+$r" "$(cat "$LOG/client.out")"

R "$SGATE" attach "$RDEV" --ports 80,81,8080 >"$LOG/attach.out" 2>&1 ||
	{ echo "Bail out! attach failed: $(cat "$LOG/attach.out")"; exit 1; }

n0=$(rstat pass_not_local)
read -r rc b r <<<"$(connect_to fwd "$BADDR" 80)"
[ "$rc" = 0 ] && [ "$b" = 1 ] && [ "$r" = 0 ] && [ "$(rstat pass_not_local)" -gt "$n0" ]
verdict $? "with the gate, a SYN for the backend's port 80 is forwarded, though the router listens on 0.0.0.0:80" \
	"rc=$rc backend+$b router+$r pass_not_local $n0 -> $(rstat pass_not_local)" "$(cat "$LOG/client.out")"

n0=$(rstat pass_no_listener)
read -r rc b r <<<"$(connect_to dnat "$RADDR" 8080)"
[ "$rc" = 0 ] && [ "$b" = 1 ] && [ "$r" = 0 ] && [ "$(rstat pass_no_listener)" -gt "$n0" ]
verdict $? "with the gate, the router's DNAT'd port 8080 reaches the backend" \
	"rc=$rc backend+$b router+$r pass_no_listener $n0 -> $(rstat pass_no_listener)" "$(cat "$LOG/client.out")"

v0=$(rstat cookie_valid)
read -r rc b r <<<"$(connect_to own "$RADDR" 80)"
[ "$rc" = 0 ] && [ "$b" = 0 ] && [ "$r" = 1 ] && [ "$(rstat cookie_valid)" -gt "$v0" ]
verdict $? "the router's own port 80 is still served through the gate" \
	"rc=$rc backend+$b router+$r cookie_valid $v0 -> $(rstat cookie_valid)" "$(cat "$LOG/client.out")"

# Without the gate the kernel refuses at once; so must it with the gate.
refused=$(C timeout 5 python3 -c '
import socket, sys
s = socket.socket()
s.settimeout(4)
try:
    s.connect((sys.argv[1], 81))
    s.send(b"x")
    print("connected")
except ConnectionRefusedError:
    print("refused")
except Exception as e:
    print(type(e).__name__)' "$RADDR")
[ "$refused" = refused ]
verdict $? "a protected port with no listener is refused by the kernel's RST, not answered" "connect(): $refused"

smac=$(mac_of R "$RDEV")
a0=$(rstat syn_answered) n0=$(rstat pass_not_local)
C "$BUILD/rawsend" "$CDEV" 02:00:00:00:00:42 "$CADDR" "$RADDR" 80 synflood 100 5 >/dev/null 2>&1
sleep 0.3
[ "$(rstat syn_answered)" = "$a0" ] && [ $(($(rstat pass_not_local) - n0)) -ge 100 ]
verdict $? "SYNs sent to another MAC address are not answered" \
	"syn_answered $a0 -> $(rstat syn_answered), pass_not_local $n0 -> $(rstat pass_not_local)"

echo "1..$n"
echo "ownership: $pass passed, $fail failed"
[ "$fail" = 0 ]
