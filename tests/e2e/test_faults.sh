#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Faults (TAP): the agent killed with SIGKILL in the middle of its work
# while traffic flows -- during 'stats --watch', at every bpf() call of
# 'rotate', at the steps of 'attach' -- and the gate detached and attached
# under open connections.  The gate must keep answering and validating, a
# restarted agent must find its pinned state and carry on, and nothing a
# killed agent leaves behind may stop 'detach' from cleaning up.
#
#   SGATE_FAULT_FULL=1  also kill attach at every one of its bpf() calls
#                       (about 65; by default it is killed at every step
#                       that changes something, and at 3 bpf() calls)
set -u
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/tap.sh"

PORT=8080
KILLAT=$BUILD/killat
LOG=$(mktemp -d /tmp/sgate-faults.XXXXXX)


cleanup() { rm -f "$LOG/run"; netns_down; wait 2>/dev/null; rm -rf "$LOG"; }
trap cleanup EXIT

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP fault tests need root"
	exit 0
fi
for f in "$SGATE" "$BUILD/echo" "$BUILD/rawsend" "$KILLAT"; do
	[ -x "$f" ] || { echo "Bail out! $f missing: run make all tests"; exit 1; }
done
netns_up || { echo "Bail out! cannot create namespaces and veth"; exit 1; }
S "$BUILD/echo" server "$PORT" >"$LOG/server.out" 2>&1 &
wait_listen "$PORT" || { echo "Bail out! echo server did not start"; exit 1; }
echo "TAP version 13"

attach() { S "$SGATE" attach "$SDEV" --ports "$PORT" --key-period 5 >"$LOG/attach.out" 2>&1; }
smac=$(mac_of S "$SDEV")
# One raw handshake, final ACK at once: "established" if the gate answered
# the SYN and validated the ACK.
handshake() { C "$BUILD/rawsend" "$CDEV" "$smac" "$CADDR" "$SADDR" "$PORT" handshake 0 2>&1 | sed -n 's/^result=//p'; }
# Nothing of a gate left on the server device.
clean() {
	! S ip -d link show "$SDEV" | grep -q 'prog/xdp' &&
		[ -z "$(S "$TOP/tests/tools/tcx_links.py" "$SDEV")" ] &&
		! S "$SGATE" status 2>/dev/null | grep -q "$SDEV" &&
		[ -z "$(find /sys/fs/bpf/sgate -name "$SDEV" 2>/dev/null)" ]
}
# How many calls of a kind a command makes (run to completion under killat).
calls_of() { local c=$1; shift; S "$KILLAT" "$c" 1000000 -- "$@" 2>/dev/null | sed -n 's/^exited 0 after \([0-9]*\) calls$/\1/p'; }

attach || { echo "Bail out! attach failed: $(cat "$LOG/attach.out")"; exit 1; }

# Real clients all through sections 1 and 2, in batches of 10.
touch "$LOG/run"
(
	while [ -e "$LOG/run" ]; do
		C "$BUILD/echo" client "$SADDR" "$PORT" 10 10 >>"$LOG/traffic.out" 2>&1
	done
) &
traffic=$!
sleep 0.5

# 1. stats --watch, killed while it watches.
S "$SGATE" stats "$SDEV" --watch 1 >"$LOG/watch.out" 2>&1 &
watch=$!
sleep 1.5
kill -9 "$watch"
wait "$watch" 2>/dev/null
answered0=$(gate_stat syn_answered)
r=$(handshake)
verdict "$([ "$r" = established ] && grep -q syn_answered "$LOG/watch.out" && [ "$(gate_stat syn_answered)" -gt "$answered0" ]; echo $?)" \
	"stats --watch killed with SIGKILL: the gate answers and validates, stats carries on" \
	"handshake: $r" "$(tail -n3 "$LOG/watch.out")"

# 2. rotate, killed at each of its bpf() calls in turn.
serial0=$(key_serial)
nrot=$(calls_of bpf "$SGATE" rotate "$SDEV")
bad=()
for k in $(seq 1 $((nrot - 1))); do
	out=$(S "$KILLAT" bpf "$k" -- "$SGATE" rotate "$SDEV" 2>&1 | tail -n1)
	[ "$out" = "killed at bpf #$k" ] || { bad+=("k=$k: $out"); continue; }
	S "$SGATE" keys "$SDEV" >"$LOG/keys.out" 2>&1 || bad+=("k=$k: keys failed: $(tail -n1 "$LOG/keys.out")")
	r=$(handshake)
	[ "$r" = established ] || bad+=("k=$k: handshake $r")
done
S "$SGATE" rotate "$SDEV" >/dev/null 2>&1 && rotated=1 || rotated=0
serial1=$(key_serial)
verdict "$([ ${#bad[@]} = 0 ] && [ "${nrot:-0}" -gt 5 ] && [ $rotated = 1 ] && [ "${serial1:-0}" -gt "${serial0:-0}" ]; echo $?)" \
	"rotate killed at each of its $((nrot - 1)) bpf() calls: after each, keys read and a handshake completes; then rotate works (serial $serial0 -> $serial1)" \
	"${bad[@]}"

rm -f "$LOG/run"
wait "$traffic"
oks=$(sed -n 's/.*ok=\([0-9]*\) fail=.*/\1/p' "$LOG/traffic.out" | awk '{s+=$1} END {print s+0}')
fails=$(sed -n 's/.*fail=\([0-9]*\).*/\1/p' "$LOG/traffic.out" | awk '{s+=$1} END {print s+0}')
verdict "$([ "$oks" -gt 20 ] && [ "$fails" = 0 ]; echo $?)" \
	"real clients all through the kills: $oks connections, $fails failed" \
	"$(grep -v 'fail=0' "$LOG/traffic.out" | tail -n3)"

# 3. attach, killed at its steps.  Whatever it left must neither break new
# connections (a gate without its TC half would reset them) nor stop
# detach from cleaning up; after detach, attach works.
S "$SGATE" detach "$SDEV" >/dev/null
# Every step that changes something: each mkdir, each pin (BPF_OBJ_PIN),
# each link (BPF_LINK_CREATE: tcx, then XDP), each netlink request; and a
# few bpf() calls while it loads.  SGATE_FAULT_FULL: every bpf() call.
points=()
for c in mkdir bpf:6 bpf:28 sendto; do
	k=$(calls_of "$c" "$SGATE" attach "$SDEV" --ports "$PORT" --key-period 5)
	S "$SGATE" detach "$SDEV" >/dev/null
	for i in $(seq 1 "${k:-0}"); do points+=("$c:$i"); done
done
nbpf=$(calls_of bpf "$SGATE" attach "$SDEV" --ports "$PORT" --key-period 5)
S "$SGATE" detach "$SDEV" >/dev/null
if [ -n "${SGATE_FAULT_FULL:-}" ]; then
	for i in $(seq 1 "$nbpf"); do points+=("bpf:any:$i"); done
else
	points+=(bpf:any:1 bpf:any:20 bpf:any:40)
fi
bad=()
tried=0
for point in "${points[@]}"; do
	c=${point%:*} k=${point##*:}
	[ "$c" = bpf:any ] && c=bpf
	out=$(S "$KILLAT" "$c" "$k" -- "$SGATE" attach "$SDEV" --ports "$PORT" --key-period 5 2>&1 | tail -n1)
	case "$out" in
	"killed at $c #$k") ;;
	"exited 0 after"*)	# finished first: nothing left half done
		S "$SGATE" detach "$SDEV" >/dev/null
		continue ;;
	*)
		bad+=("$point: $out")
		continue ;;
	esac
	tried=$((tried + 1))
	C "$BUILD/echo" client "$SADDR" "$PORT" 1 >"$LOG/conn.out" 2>&1 ||
		bad+=("$point: a new connection failed before detach: $(tail -n1 "$LOG/conn.out")")
	S "$SGATE" status >"$LOG/status.out" 2>&1
	[ $? -lt 128 ] || bad+=("$point: status crashed")
	S "$SGATE" detach "$SDEV" >"$LOG/detach.out" 2>&1
	rc=$?
	{ [ $rc = 0 ] || [ $rc = 9 ]; } || bad+=("$point: detach exit $rc: $(tail -n1 "$LOG/detach.out")")
	grep -q warning "$LOG/detach.out" && bad+=("$point: detach: $(grep warning "$LOG/detach.out")")
	clean || bad+=("$point: something is left after detach: tcx links $(S "$TOP/tests/tools/tcx_links.py" "$SDEV" | tr '\n' ' ')")
done
attach && r=$(handshake) || r="attach failed: $(cat "$LOG/attach.out")"
verdict "$([ ${#bad[@]} = 0 ] && [ "$tried" -gt 10 ] && [ "$r" = established ]; echo $?)" \
	"attach killed at $tried points (each mkdir, pin, link and netlink request; $nbpf bpf() calls in all): new connections still work, detach cleans up, attach then works" \
	"${bad[@]}" "last handshake: $r"

# 4. Connections open across detach and attach.  A: opened before the
# gate, B: through it.  Each exchanges after every change.
S "$SGATE" detach "$SDEV" >/dev/null
cat >"$LOG/client.py" <<'EOF'
import os, socket, sys, time
log, addr, port, name = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
s = socket.create_connection((addr, port), timeout=5)
def exchange(step):
    msg = ("%s-%s" % (name, step)).encode()
    s.sendall(msg)
    got = b""
    while len(got) < len(msg):
        d = s.recv(100)
        if not d:
            break
        got += d
    print("step %s %s" % (step, "ok" if got == msg else "bad %r" % got), flush=True)
for step in range(1, 5):
    while not os.path.exists("%s/go.%d" % (log, step)):
        time.sleep(0.02)
    exchange(step)
EOF
C python3 "$LOG/client.py" "$LOG" "$SADDR" "$PORT" A >"$LOG/A.out" 2>&1 &
ca=$!
sleep 0.3
attach
C python3 "$LOG/client.py" "$LOG" "$SADDR" "$PORT" B >"$LOG/B.out" 2>&1 &
cb=$!
sleep 0.3
valid0=$(gate_stat cookie_valid)
touch "$LOG/go.1"; sleep 0.3			# both, gate attached
S "$SGATE" detach "$SDEV" >/dev/null
touch "$LOG/go.2"; sleep 0.3			# both, gate gone
attach
touch "$LOG/go.3"; sleep 0.3			# both, a new gate
S "$SGATE" detach "$SDEV" >/dev/null
touch "$LOG/go.4"
wait "$ca" "$cb"
verdict "$([ "$(grep -c ' ok$' "$LOG/A.out")" = 4 ] && [ "$(grep -c ' ok$' "$LOG/B.out")" = 4 ]; echo $?)" \
	"connections opened before and through the gate keep working across detach and attach" \
	"A: $(tr '\n' ' ' <"$LOG/A.out")" "B: $(tr '\n' ' ' <"$LOG/B.out")"
echo "1..$n"
echo "faults: $pass passed, $fail failed"
[ "$fail" = 0 ]
