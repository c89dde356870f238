#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# End-to-end: real clients through the gate between two namespaces (TAP).
set -u
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/tap.sh"

PORT=8080		# protected
OPEN_PORT=9090		# not protected
skip=0
LOG=$(mktemp -d /tmp/sgate-e2e.XXXXXX)


cleanup() { netns_down; rm -rf "$LOG"; }
trap cleanup EXIT

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP end-to-end tests need root"
	exit 0
fi
for f in "$SGATE" "$BUILD/echo" "$BUILD/rawsend" "$BUILD/xdp_pass.bpf.o"; do
	[ -e "$f" ] || { echo "Bail out! $f missing: run make all tests"; exit 1; }
done

netns_up || { echo "Bail out! cannot create namespaces and veth"; exit 1; }
S "$BUILD/echo" server "$PORT" >"$LOG/server.out" 2>&1 &
S "$BUILD/echo" server "$OPEN_PORT" >"$LOG/open.out" 2>&1 &
wait_listen "$PORT" && wait_listen "$OPEN_PORT" || { echo "Bail out! echo servers did not start"; exit 1; }

# SGATE_TEST_XDP_HOOK: --xdp-hook for every attach (the VM suite runs this
# suite with "alone", for the full program and its metadata hand-off).
attach() { S "$SGATE" attach "$SDEV" --ports "$PORT" ${SGATE_TEST_XDP_HOOK:+--xdp-hook "$SGATE_TEST_XDP_HOOK"} "$@"; }

# The option lines both ends printed for the newest connection.
last_info() { grep "^info side=$1" "$2" | tail -n1; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }

t_connect() {
	local fam=$1 addr=$2 out=$LOG/client-$1.out sv cl
	local before_sent before_valid before_hand
	before_sent=$(tcpext S SyncookiesSent)
	before_valid=$(gate_stat cookie_valid)
	before_hand=$(gate_stat tc_handoff)
	C "$BUILD/echo" client "$addr" "$PORT" 1 >"$out" || { cat "$out"; return 1; }
	sleep 0.2
	cl=$(last_info client "$out")
	sv=$(last_info server "$LOG/server.out")
	echo "client: $cl"; echo "server: $sv"
	# Options survive the cookie: the server socket has what was agreed.
	[ "$(echo "$sv" | field opts)" = "sack,ts,ws" ] || { echo "server options"; return 1; }
	[ "$(echo "$sv" | field snd_wscale)" = "$(ws_rounded "$(echo "$cl" | field rcv_wscale)")" ] || { echo "server snd_wscale is not the client's, rounded down"; return 1; }
	[ "$(echo "$sv" | field rcv_wscale)" = "$(echo "$cl" | field snd_wscale)" ] || { echo "window scales disagree"; return 1; }
	# MSS: ours is the MTU's (1460 / 1440), the client's is its offer
	# rounded down to the cookie's table (1460 / 1440); both less the
	# 12 bytes of timestamps.
	local mss=1448; [ "$fam" = ipv6 ] && mss=1428
	[ "$(echo "$cl" | field snd_mss)" = "$mss" ] || { echo "client snd_mss"; return 1; }
	[ "$(echo "$sv" | field snd_mss)" = "$mss" ] || { echo "server snd_mss"; return 1; }
	# The stack never made a cookie of its own; the gate did the work.
	[ "$(tcpext S SyncookiesSent)" = "$before_sent" ] || { echo "kernel sent syncookies"; return 1; }
	[ "$(gate_stat cookie_valid)" -gt "$before_valid" ] || { echo "cookie_valid did not move"; return 1; }
	[ "$(gate_stat tc_handoff)" -gt "$before_hand" ] || { echo "tc_handoff did not move"; return 1; }
	echo "$fam ok"
}

t_no_timestamps() {
	local out=$LOG/client-nots.out sv
	C sysctl -qw net.ipv4.tcp_timestamps=0
	C "$BUILD/echo" client "$SADDR" "$PORT" 1 >"$out"
	local rc=$?
	C sysctl -qw net.ipv4.tcp_timestamps=1
	[ $rc = 0 ] || { cat "$out"; return 1; }
	sleep 0.2
	sv=$(last_info server "$LOG/server.out")
	echo "server: $sv"
	# Without timestamps the kernel's own cookies lose SACK and window
	# scaling; the gate keeps them in the ISN.
	[ "$(echo "$sv" | field opts)" = "sack,ws" ]
}

t_unprotected() {
	local before
	before=$(gate_stat syn_answered)
	C "$BUILD/echo" client "$SADDR" "$OPEN_PORT" 3 || return 1
	[ "$(gate_stat syn_answered)" = "$before" ] || { echo "gate answered an unprotected SYN"; return 1; }
	[ "$(gate_stat pass_not_protected)" -ge 3 ]
}

t_forged_acks() {
	local smac bad0 stale0 rst0 got rst
	smac=$(mac_of S "$SDEV")
	bad0=$(gate_stat cookie_bad_mac); stale0=$(gate_stat cookie_stale)
	rst0=$(tcpsnmp S OutRsts)
	C "$BUILD/rawsend" "$CDEV" "$smac" "$CADDR" "$SADDR" "$PORT" forgedack 1000 10 || return 1
	sleep 0.5
	got=$(( $(gate_stat cookie_bad_mac) - bad0 + $(gate_stat cookie_stale) - stale0 ))
	rst=$(( $(tcpsnmp S OutRsts) - rst0 ))
	echo "dropped=$got rsts=$rst"
	[ "$got" = 1000 ] && [ "$rst" = 0 ]
}

t_syn54() {
	local smac out with0 without0
	smac=$(mac_of S "$SDEV")
	with0=$(gate_stat syn_answered); without0=$(gate_stat syn_answered_no_mss)
	out=$(C "$BUILD/rawsend" "$CDEV" "$smac" "$CADDR" "$SADDR" "$PORT" syn54 1) || { echo "$out"; return 1; }
	echo "$out"
	case "$out" in
	*"synack ok optlen=0"*) [ "$(gate_stat syn_answered_no_mss)" = $((without0 + 1)) ] ;;
	*"synack ok optlen=4"*) [ "$(gate_stat syn_answered)" = $((with0 + 1)) ] ;;
	*) return 1 ;;
	esac
}

t_flood_with_client() {
	local smac out flood sent answered0 answered sc0 ok
	smac=$(mac_of S "$SDEV")
	answered0=$(gate_stat syn_answered)
	sc0=$(tcpext S SyncookiesSent)
	C "$BUILD/rawsend" "$CDEV" "$smac" "$CADDR" "$SADDR" "$PORT" synflood 200000 8 >"$LOG/flood.out" 2>&1 &
	flood=$!
	out=$(C "$BUILD/echo" client "$SADDR" "$PORT" 50 20)
	wait $flood
	sent=$(sed -n 's/^sent=\([0-9]*\).*/\1/p' "$LOG/flood.out")
	answered=$(( $(gate_stat syn_answered) - answered0 ))
	ok=$(echo "$out" | sed -n 's/.*ok=\([0-9]*\).*/\1/p')
	echo "flood sent=$sent answered=$answered legit: $out"
	[ "$ok" = 50 ] || { echo "legitimate connections failed"; return 1; }
	[ "$(tcpext S SyncookiesSent)" = "$sc0" ] || { echo "kernel fell back to its syncookies"; return 1; }
	# Every SYN that reached the gate was answered (veth may drop some).
	[ "$answered" -ge $((sent * 9 / 10)) ]
}

t_rotate_in_flight() {
	local smac serial0 serial1 accepted0 out
	smac=$(mac_of S "$SDEV")
	serial0=$(key_serial)
	accepted0=$(grep -c '^info side=server' "$LOG/server.out")
	# SYN now, final ACK 2 s later; rotate in between.
	C "$BUILD/rawsend" "$CDEV" "$smac" "$CADDR" "$SADDR" "$PORT" handshake 2000 >"$LOG/rot.out" 2>&1 &
	local hs=$!
	sleep 1
	S "$SGATE" rotate "$SDEV" || return 1
	wait $hs || { cat "$LOG/rot.out"; return 1; }
	cat "$LOG/rot.out"
	sleep 0.5
	serial1=$(key_serial)
	echo "serial $serial0 -> $serial1"
	[ -n "$serial1" ] && [ "$serial1" -gt "$serial0" ] || { echo "rotate did not change the ring"; return 1; }
	[ "$(grep -c '^info side=server' "$LOG/server.out")" = $((accepted0 + 1)) ] || { echo "server accepted no connection"; return 1; }
	# Once the new key has taken over (key period 5 s), it signs and verifies.
	sleep 6
	out=$(C "$BUILD/echo" client "$SADDR" "$PORT" 5) || { echo "$out"; return 1; }
}

# status --json: one object on one line, the facts of the text.
t_status_json() {
	S "$SGATE" status --json | python3 -c '
import json, sys
lines = sys.stdin.read().splitlines()
assert len(lines) == 1, lines
j = json.loads(lines[0])
g = [g for g in j["gates"] if g["device"] == sys.argv[1]][0]
assert not g["broken"] and g["damaged"] is None, g
assert g["xdp"]["attached"] and g["tc"]["attached"], g
assert g["config"]["ports"] == sys.argv[2], g["config"]
assert g["handoff"] == "XDP metadata", g["handoff"]
assert g["key_mode"] in ("map", "module"), g
assert isinstance(j["netns_cookie"], int) and j["netns_cookie"] > 0
' "$SDEV" "$PORT"
}

# 256 bytes of IPv6 destination options on every segment: TCP starts at
# byte 310 of the frame, and the gate (XDP and TC) still does the work.
t_ipv6_dstopts() {
	local before_valid before_hand out
	before_valid=$(gate_stat cookie_valid)
	before_hand=$(gate_stat tc_handoff)
	out=$(C python3 - "$SADDR6" "$PORT" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
# One experimental option (0x1e: skip if unknown) of 252 bytes: Linux
# refuses PadN longer than 7 bytes.
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_DSTOPTS,
             bytes([0, 31, 0x1e, 252]) + bytes(252))
s.settimeout(5)
s.connect((sys.argv[1], int(sys.argv[2])))
s.sendall(b"beyond byte 255")
s.shutdown(socket.SHUT_WR)
got = b""
while True:
    d = s.recv(100)
    if not d:
        break
    got += d
print("echo ok" if got == b"beyond byte 255" else "echo bad %r" % got)
EOF
) || { echo "$out"; return 1; }
	echo "$out"
	[ "$out" = "echo ok" ] || return 1
	[ "$(gate_stat cookie_valid)" -gt "$before_valid" ] || { echo "cookie_valid did not move"; return 1; }
	[ "$(gate_stat tc_handoff)" -gt "$before_hand" ] || { echo "tc_handoff did not move"; return 1; }
}

t_detach() {
	S "$SGATE" detach "$SDEV" || return 1
	S ip -d link show "$SDEV" | grep -q 'prog/xdp' && { echo "XDP still attached"; return 1; }
	[ -n "$(S "$TOP/tests/tools/tcx_links.py" "$SDEV")" ] && { echo "TC link still there"; return 1; }
	S "$SGATE" status | grep -q "$SDEV" && { echo "status still lists the device"; return 1; }
	# Without the gate, the stack answers by itself.
	C "$BUILD/echo" client "$SADDR" "$PORT" 2
}

echo "TAP version 13"
if ! attach --key-period 5 >"$LOG/attach.out" 2>&1; then
	echo "Bail out! sgate attach failed: $(cat "$LOG/attach.out")"
	exit 1
fi
check "IPv4 client connects, echoes; options intact; the gate did the work" t_connect ipv4 "$SADDR"
check "IPv6 client connects, echoes; options intact" t_connect ipv6 "$SADDR6"
check "client without timestamps keeps SACK and window scaling" t_no_timestamps
check "unprotected port is left to the stack" t_unprotected
check "1000 forged ACKs dropped at XDP, no RST drawn" t_forged_acks
check "54-byte SYN on veth gets a correct SYN-ACK" t_syn54
check "bounded SYN flood while a legitimate client connects" t_flood_with_client
check "handshake whose SYN-ACK left before rotate completes after it" t_rotate_in_flight
check "IPv6 client with 256 bytes of destination options (TCP beyond byte 255)" t_ipv6_dstopts
check "status --json parses: the gate attached, its settings and hand-off" t_status_json
check "detach removes XDP, TC and pins; the stack serves alone" t_detach

echo "1..$n"
echo "e2e: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
