#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The gate on a real driver (TAP): two emulated NICs of one model, wired back
# to back by the VM harness (selftests/vm/run.sh --nic-pair), one in the
# client's namespace, one in the server's; the gate on the server's NIC.
#
#   test_nic.sh DRIVER [HOOK]
#     DRIVER  virtio_net | vmxnet3 | e1000 | e1000e
#     HOOK    alone (the default): the full program holds the XDP hook;
#             shared: libxdp's dispatcher, where a kernel that refuses the
#             full program in its slots gets the slot program, and TC
#             verifies each cookie again
#
# Native XDP, except on e1000 and e1000e, which have none (generic XDP).
# The last "#" line sums up the figures Documentation/drivers.md publishes.
set -u
. "$(dirname "$0")/../../tests/lib/netns.sh"
. "$(dirname "$0")/../../tests/lib/tap.sh"

DRIVER=${1:?usage: test_nic.sh DRIVER [alone|shared]}
HOOK=${2:-alone}
case $DRIVER in
e1000 | e1000e) MODE=generic ;;
*) MODE=native ;;
esac
PORT=8080
CLIENTS=5		# connections per address family
FORGED=1000
FLOOD=20000		# SYNs, sent within FLOOD_S seconds at most
FLOOD_S=10
LOG=$(mktemp -d /tmp/sgate-nic.XXXXXX)
cleanup() { netns_down; rm -rf "$LOG"; }
trap cleanup EXIT
declare -A fig

echo "TAP version 13"
skip_all() {
	echo "ok 1 - $DRIVER # SKIP $*"
	echo "1..1"
	exit 0
}

# nic SIDE: the NIC of DRIVER whose MAC ends in SIDE (01 client, 02 server;
# the MAC plan of selftests/vm/lib.sh).
nic() {
	local d drv
	for d in /sys/class/net/*; do
		drv=$(readlink -f "$d/device/driver" 2>/dev/null) || continue
		[ "${drv##*/}" = "$DRIVER" ] || continue
		case $(cat "$d/address") in
		52:54:00:5e:*:"$1") echo "${d##*/}"; return 0 ;;
		esac
	done
	return 1
}

for f in "$SGATE" "$BUILD/echo" "$BUILD/rawsend"; do
	[ -x "$f" ] || { echo "Bail out! $f missing: run make all tests"; exit 1; }
done
modprobe "$DRIVER" 2>"$LOG/modprobe.out" ||
	skip_all "cannot load $DRIVER: $(cat "$LOG/modprobe.out")"
modprobe -a sch_ingress cls_bpf 2>/dev/null
cdev=$(nic 01) && sdev=$(nic 02) ||
	skip_all "no pair of $DRIVER NICs in this VM (selftests/vm/run.sh --nic-pair MODEL adds one)"
netns_up_devs "$cdev" "$sdev" || { echo "Bail out! cannot move $cdev and $sdev into namespaces"; exit 1; }
echo "# $DRIVER: client $cdev -> $CDEV, server $sdev -> $SDEV"

S "$BUILD/echo" server "$PORT" >"$LOG/server.out" 2>&1 &
wait_listen "$PORT" || { echo "Bail out! echo server did not start"; exit 1; }

syncookies_sent() { S nstat -asz TcpExtSyncookiesSent | awk '$1 == "TcpExtSyncookiesSent" { print $2 }'; }
accepted() { grep -c '^info side=server' "$LOG/server.out"; }
# Packets a device in namespace $1 received (/proc/net is the namespace's;
# /sys under nsenter is not).
# /proc/net/dev: "NAME: BYTES PACKETS ...", the colon touching a long BYTES.
rx_packets() { "$1" awk -v d="$2" '{ sub(/:/, " ") } $1 == d { print $3 }' /proc/net/dev; }
nonzero_stats() { S "$SGATE" stats "$SDEV" | grep -v ' 0$'; }

# The gate's counters, read once into $LOG/NAME ("counter value" lines);
# one agent run each, which counts in an emulated guest.
snap() { S "$SGATE" stats "$SDEV" | awk 'NF == 2 && $2 ~ /^[0-9]+$/ { print $1, $2 }' >"$LOG/$1"; }
# delta BEFORE AFTER COUNTER
delta() {
	local a b
	a=$(awk -v k="$3" '$1 == k { print $2 }' "$LOG/$1")
	b=$(awk -v k="$3" '$1 == k { print $2 }' "$LOG/$2")
	echo $((${b:-0} - ${a:-0}))
}

# The XDP attach mode the kernel reports: 1 driver (native), 2 generic.
xdp_mode() {
	S ip -j link show dev "$SDEV" | python3 -c '
import json, sys
print(json.load(sys.stdin)[0].get("xdp", {}).get("mode", 0))'
}

S "$SGATE" attach "$SDEV" --ports "$PORT" --xdp-mode "$MODE" --xdp-hook "$HOOK" >"$LOG/attach.out" 2>&1
rc=$?
want=1
[ "$MODE" = native ] || want=2
got=$(xdp_mode)
fig[xdp]=$MODE fig[hook]=$HOOK
# The gate's program as status names it: sgate_xdp, sgate_xdp_skb, or in a
# dispatcher that refuses those, sgate_xdp_slot.
program=$(S "$SGATE" status 2>/dev/null | sed -n 's/^  xdp: .*prog id [0-9]* (\([a-z_]*\)).*/\1/p')
fig[program]=$program
case $HOOK in
alone) S "$SGATE" status 2>/dev/null | grep -q '^  xdp: .*alone in the hook' ;;
*) S "$SGATE" status 2>/dev/null | grep -q '^  xdp: .*libxdp dispatcher' ;;
esac
placed=$?
[ $rc = 0 ] && [ "$got" = "$want" ] && [ $placed = 0 ]
verdict $? "attach in $MODE XDP mode, hook $HOOK: program $program" "exit $rc, kernel XDP mode $got (want $want)" \
	"$(cat "$LOG/attach.out")" "$(S "$SGATE" status 2>&1)"
[ $rc = 0 ] || { echo "Bail out! attach failed"; exit 1; }
fig[queues]=$(S ethtool -l "$SDEV" 2>/dev/null | awk '/Current hardware settings/ { c = 1 } c && /^Combined:/ { print $2; exit }')

# handshakes FAMILY ADDR: real clients through the gate; then whether the
# gate's counters tell the same story as the clients.
handshakes() {
	local fam=$1 addr=$2 acc0 out ok syn val hand meta acc sc
	snap "$fam.0"
	acc0=$(accepted)
	# A connection whose final ACK the gate drops hangs until the client's
	# 5 s read timeout: 5 connections stay well inside 60 s.
	out=$(C timeout 60 "$BUILD/echo" client "$addr" "$PORT" "$CLIENTS" 2>&1)
	sleep 0.2
	ok=$(echo "$out" | sed -n 's/.*summary ok=\([0-9]*\).*/\1/p')
	ok=${ok:-0}
	snap "$fam.1"
	# Verified at XDP with metadata, or (no metadata room) at XDP and again
	# at TC: either path, each verified ACK handed off once.
	syn=$(delta "$fam.0" "$fam.1" syn_answered)
	meta=$(delta "$fam.0" "$fam.1" cookie_valid_no_meta)
	val=$(($(delta "$fam.0" "$fam.1" cookie_valid) + meta))
	hand=$(($(delta "$fam.0" "$fam.1" tc_handoff) + $(delta "$fam.0" "$fam.1" tc_verified_handoff)))
	acc=$(($(accepted) - acc0)) sc=$(syncookies_sent)
	fig[$fam]="$ok/$CLIENTS"
	fig[no_meta_$fam]=$meta
	[ "$ok" = "$CLIENTS" ]
	verdict $? "$fam: $CLIENTS clients complete handshakes through the gate and echo data" \
		"clients: $out" "syn_answered +$syn, verified +$val (no metadata +$meta), handed off +$hand" \
		"$(nonzero_stats)"
	# Every client connection the server accepted was a verified final
	# ACK handed off (an ACK sent twice is verified and handed off twice);
	# every client SYN was answered at XDP; the stack made no cookie.
	[ "$acc" = "$ok" ] && [ "$val" -ge "$ok" ] && [ "$hand" = "$val" ] &&
		[ "$syn" -ge "$CLIENTS" ] && [ "$sc" = 0 ]
	verdict $? "$fam: the gate's counters agree with the clients" \
		"clients ok $ok, server accepted $acc" \
		"syn_answered +$syn, verified +$val, handed off +$hand, TcpExtSyncookiesSent $sc"
}
handshakes ipv4 "$SADDR"
handshakes ipv6 "$SADDR6"

# status names the hand-off path the counters show: XDP metadata, or TC
# verifying again where the driver gives XDP no metadata room (vmxnet3) or
# the gate runs its slot program.
case $DRIVER/$program in
*/sgate_xdp_slot) want="TC verifies each cookie again (the gate's program in libxdp's dispatcher" ;;
vmxnet3/*) want="TC verifies each cookie again (driver vmxnet3" ;;
*) want="XDP metadata" ;;
esac
handoff=$(S "$SGATE" status 2>&1 | sed -n 's/^ *hand-off: *//p')
fig[handoff]=$(case $handoff in XDP*) echo metadata ;; TC*) echo tc-verify ;; *) echo "?" ;; esac)
case $handoff in "$want"*) true ;; *) false ;; esac
verdict $? "status: hand-off by $want" "status says: $handoff"

# Forged final ACKs: every one dropped at XDP, none reaching the stack to
# draw a RST.
snap forged.0
rst0=$(tcpsnmp S OutRsts)
smac=$(mac_of S "$SDEV")
out=$(C "$BUILD/rawsend" "$CDEV" "$smac" "$CADDR" "$SADDR" "$PORT" forgedack "$FORGED" 10 2>&1)
sleep 1
sent=$(echo "$out" | sed -n 's/^sent=\([0-9]*\).*/\1/p')
snap forged.1
dropped=$(($(delta forged.0 forged.1 cookie_bad_mac) + $(delta forged.0 forged.1 cookie_stale)))
rsts=$(($(tcpsnmp S OutRsts) - rst0))
fig[forged]="$dropped/${sent:-0}" fig[rsts]=$rsts
[ "${sent:-0}" = "$FORGED" ] && [ "$dropped" = "$FORGED" ] && [ "$rsts" = 0 ]
verdict $? "$FORGED forged final ACKs dropped at XDP, no RST drawn" \
	"rawsend: $out" "dropped $dropped, server OutRsts +$rsts" "$(nonzero_stats)"

# per_queue_xdp_tx: "QUEUE XDP_TX XDP_TX_DROPS" for each of the server NIC's
# receive queues that has XDP counters (virtio_net's ethtool -S).
per_queue_xdp_tx() {
	S ethtool -S "$SDEV" 2>/dev/null | awk '
		match($1, /^rx(_queue_)?[0-9]+_xdp_tx(_drops)?:$/) {
			q = $1; sub(/^rx(_queue_)?/, "", q); sub(/_.*/, "", q)
			if ($1 ~ /drops:$/) d[q] = $2; else t[q] = $2
		}
		END { for (q in t) print q, t[q], d[q] + 0 }' | sort -n
}

# The driver's own counters that are not 0 and name XDP, drops, errors or a
# full ring: where a frame the gate sent went missing.  ethtool -S prints
# "name: N", and some drivers (vmxnet3) put spaces in the name.
driver_stats() {
	"$1" ethtool -S "$2" 2>/dev/null | awk '
		/xdp|drop|err|full|discard|fail/ && $NF ~ /^[1-9][0-9]*$/ {
			sub(/^ +/, ""); printf "%s; ", $0
		}'
}

# A bounded SYN flood from random sources: answered at XDP, the stack never
# falls back to its own cookies, and the client's NIC receives the SYN-ACKs
# the gate says it sent.  At this rate an emulated NIC may lose some of them
# on its own (vmxnet3's transmit ring runs full, which its "ring full"
# counter shows, and QEMU's emulation drops more): 95% must arrive.
snap flood.0
crx0=$(rx_packets C "$CDEV")
per_queue_xdp_tx >"$LOG/q0"
C "$BUILD/rawsend" "$CDEV" "$smac" "$CADDR" "$SADDR" "$PORT" synflood "$FLOOD" "$FLOOD_S" >"$LOG/flood.out" 2>&1
sleep 2
sent=$(sed -n 's/^sent=\([0-9]*\).*/\1/p' "$LOG/flood.out")
sent=${sent:-0}
snap flood.1
answered=$(delta flood.0 flood.1 syn_answered) crx=$(($(rx_packets C "$CDEV") - crx0))
sc=$(syncookies_sent)
fig[flood]="$sent" fig[answered]=$answered fig[client_rx]=$crx fig[syncookies]=$sc
[ "$sent" -gt 0 ] && [ "$answered" -ge $((sent * 9 / 10)) ] && [ "$answered" -le "$sent" ] &&
	[ "$crx" -ge $((answered * 95 / 100)) ] && [ "$sc" = 0 ]
verdict $? "SYN flood of $sent answered at XDP (>= 90%), TcpExtSyncookiesSent 0, >= 95% of the SYN-ACKs reached the client" \
	"rawsend: $(cat "$LOG/flood.out")" "syn_answered +$answered, client NIC rx +$crx, TcpExtSyncookiesSent $sc" \
	"server NIC: $(driver_stats S "$SDEV")" "client NIC: $(driver_stats C "$CDEV")" "$(nonzero_stats)"

# virtio-net with several queue pairs: XDP_TX worked on every receive queue
# (the flood's flows are spread over them by the host's flow hash).
if [ "$DRIVER" = virtio_net ]; then
	per_queue_xdp_tx >"$LOG/q1"
	nq=$(wc -l <"$LOG/q1")
	bad=$(join "$LOG/q0" "$LOG/q1" | awk '$4 - $2 <= 0 || $5 - $3 != 0' | wc -l)
	fig[xdp_tx_per_queue]=$(join "$LOG/q0" "$LOG/q1" | awk '{ printf "%s%d", s, $4 - $2; s = "," }')
	[ "$nq" -ge 2 ] && [ "$(wc -l <"$LOG/q0")" = "$nq" ] && [ "$bad" = 0 ]
	verdict $? "XDP_TX from every one of $nq receive queues, no XDP_TX drop" \
		"queue xdp_tx xdp_tx_drops before:" "$(cat "$LOG/q0")" "after:" "$(cat "$LOG/q1")" \
		"$(S ethtool -l "$SDEV")"
fi

S "$SGATE" detach "$SDEV" >"$LOG/detach.out" 2>&1
rc=$?
[ $rc = 0 ] && [ "$(xdp_mode)" = 0 ]
verdict $? "detach takes XDP off the NIC" "exit $rc: $(cat "$LOG/detach.out")"

line="# nic $DRIVER:"
for k in xdp hook program queues ipv4 ipv6 no_meta_ipv4 no_meta_ipv6 handoff forged rsts flood answered client_rx syncookies xdp_tx_per_queue; do
	[ -z "${fig[$k]:-}" ] || line="$line $k=${fig[$k]}"
done
echo "$line"
echo "1..$n"
echo "nic $DRIVER ($MODE XDP, hook $HOOK): $pass passed, $fail failed"
[ "$fail" = 0 ]
