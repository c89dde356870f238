#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Rotation under load (TAP).  With a 2 s key period, the keys rotate every
# second while a handshake starts every 100 ms; each holds its final ACK for
# a delay from 0 to 5.1 s (rawsend handshake DELAY_MS), then probes with 4
# bytes of data.  A cookie is valid in its epoch and the next one, so a
# handshake whose final ACK reaches the gate within that window must make a
# connection, and one whose ACK comes later must be dropped silently: no
# connection, no RST.  Real clients connect all along and must all succeed.
#
#   SGATE_ROTATION_SECONDS  10 handshakes per second of it, 100 ms apart (default 6)
set -u
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/tap.sh"

PORT=8080
PERIOD=2
DURATION=${SGATE_ROTATION_SECONDS:-6}
DELAYS=(0 300 700 1100 1500 1900 2300 2700 3100 3500 3900 4300 4700 5100)
LOG=$(mktemp -d /tmp/sgate-rot.XXXXXX)


cleanup() { rm -f "$LOG/run"; netns_down; wait 2>/dev/null; [ -n "${SGATE_KEEP_LOG:-}" ] || rm -rf "$LOG"; }
trap cleanup EXIT

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP rotation under load needs root"
	exit 0
fi
for f in "$SGATE" "$BUILD/echo" "$BUILD/rawsend"; do
	[ -x "$f" ] || { echo "Bail out! $f missing: run make all tests"; exit 1; }
done
netns_up || { echo "Bail out! cannot create namespaces and veth"; exit 1; }
S "$BUILD/echo" server "$PORT" >"$LOG/server.out" 2>&1 &
wait_listen "$PORT" || { echo "Bail out! echo server did not start"; exit 1; }
S "$SGATE" attach "$SDEV" --ports "$PORT" --key-period "$PERIOD" >"$LOG/attach.out" 2>&1 ||
	{ echo "Bail out! attach failed: $(cat "$LOG/attach.out")"; exit 1; }
echo "TAP version 13"

smac=$(mac_of S "$SDEV")
serial0=$(key_serial)
bad0=$(gate_stat cookie_bad_mac)
sc0=$(tcpext S SyncookiesSent)
rst0=$(tcpsnmp S OutRsts)
touch "$LOG/run"

# Keys rotate every second for as long as handshakes are under way.
(
	r=0
	while [ -e "$LOG/run" ]; do
		if S "$SGATE" rotate "$SDEV" >/dev/null 2>&1; then r=$((r + 1)); else echo x >>"$LOG/rotate.fail"; fi
		sleep 1
	done
	echo "$r" >"$LOG/rotations"
) &
rotator=$!

# Real clients all along: 20 ms apart.
C "$BUILD/echo" client "$SADDR" "$PORT" $((DURATION * 1000 / 40)) 20 >"$LOG/legit.out" 2>&1 &
legit=$!

# A handshake every 100 ms, its final ACK held for the next delay in turn:
# DURATION * 10 of them, however long a loaded machine takes to start them.
pids=()
i=0
while [ $i -lt $((DURATION * 10)) ]; do
	d=${DELAYS[$((i % ${#DELAYS[@]}))]}
	C "$BUILD/rawsend" "$CDEV" "$smac" "$CADDR" "$SADDR" "$PORT" handshake "$d" >"$LOG/hs.$i" 2>&1 &
	pids+=($!)
	i=$((i + 1))
	sleep 0.1
done
wait "${pids[@]}" 2>/dev/null
wait "$legit"
legit_rc=$?
rm -f "$LOG/run"
wait "$rotator"
sleep 0.3

# Judge each handshake by the gate's clock: the cookie's epoch is that of a
# moment between SYN and SYN-ACK, the ACK's that of a moment between sending
# it and 50 ms later.  The gate's coarse clock can stand a tick behind the
# one user space reads (seen on a loaded machine), so the SYN's moment starts
# a tick earlier.  A handshake whose verdict a boundary in one of those
# intervals could change is counted, not judged.
python3 - "$LOG" "$PERIOD" <<'EOF' >"$LOG/judged"
import glob, re, sys, time
log, period = sys.argv[1], int(sys.argv[2]) * 10**9
margin = 50 * 10**6
tick = round(time.clock_getres(6) * 10**9)  # CLOCK_MONOTONIC_COARSE: a jiffy
n = unanswered = inside = outside = boundary = 0
bad = []
for path in sorted(glob.glob(log + "/hs.*")):
    text = open(path).read()
    n += 1
    t = re.search(r"times syn=(\d+) synack=(\d+) ack=(\d+)", text)
    r = re.search(r"result=(\w+)", text)
    if "synack ok" not in text or not t or not r:
        unanswered += 1
        bad.append("%s: %s" % (path.split("/")[-1], " ".join(text.split())))
        continue
    syn, synack, ack = map(int, t.groups())
    made_lo, made_hi = (syn - tick) // period, synack // period
    seen_lo, seen_hi = ack // period, (ack + margin) // period
    delay = re.search(r"after=(\d+)ms", text).group(1)
    if seen_hi - made_lo <= 1:
        inside += 1
        if r.group(1) != "established":
            bad.append("inside the window, delay %s ms: %s" % (delay, r.group(1)))
    elif seen_lo - made_hi >= 2:
        outside += 1
        if r.group(1) != "silent":
            bad.append("outside the window, delay %s ms: %s" % (delay, r.group(1)))
    else:
        boundary += 1
print("handshakes=%d unanswered=%d inside=%d outside=%d boundary=%d" %
      (n, unanswered, inside, outside, boundary))
for b in bad:
    print("bad " + b)
EOF
read -r summary <"$LOG/judged"
echo "# $summary"
get() { echo "$summary" | sed -n "s/.*$1=\([0-9]*\).*/\1/p"; }
total=$(get handshakes) inside=$(get inside) outside=$(get outside)
badlines=$(grep '^bad ' "$LOG/judged")
serial1=$(key_serial)
rotations=$(cat "$LOG/rotations" 2>/dev/null || echo 0)

verdict "$([ "$(get unanswered)" = 0 ] && [ "$total" -ge $((DURATION * 8)) ]; echo $?)" \
	"every one of $total SYNs answered while keys rotated" "$badlines"
verdict "$([ "$inside" -ge $((DURATION * 3)) ] && ! echo "$badlines" | grep -q 'inside the window'; echo $?)" \
	"all $inside handshakes whose final ACK came inside the validity window completed" \
	"$(echo "$badlines" | grep 'inside the window')"
verdict "$([ "$outside" -ge $((DURATION * 2)) ] && ! echo "$badlines" | grep -q 'outside the window'; echo $?)" \
	"all $outside handshakes whose final ACK came after the window failed cleanly (dropped, no RST)" \
	"$(echo "$badlines" | grep 'outside the window')"
verdict "$legit_rc" "real clients during the rotations: $(tail -n1 "$LOG/legit.out")" "$(tail -n3 "$LOG/legit.out")"
verdict "$([ ! -e "$LOG/rotate.fail" ] && [ "$rotations" -ge $((DURATION - 1)) ] && [ "${serial1:-0}" -gt "${serial0:-0}" ]; echo $?)" \
	"$rotations rotations, none failed (key serial $serial0 -> $serial1)"
bad_mac=$(( $(gate_stat cookie_bad_mac) - bad0 ))
verdict "$([ "$(tcpext S SyncookiesSent)" = "$sc0" ] && [ "$bad_mac" -ge "$outside" ] && [ "$(tcpsnmp S OutRsts)" -le $((rst0 + 0)) ]; echo $?)" \
	"the gate did the work: no kernel SYN cookies, no server RST, cookie_bad_mac +$bad_mac"

S "$SGATE" stats "$SDEV" | sed "s/^/# /"
echo "# rotation under load: $total handshakes in ${DURATION} s, keys rotated $rotations times (period ${PERIOD} s): $inside inside the window all completed, $outside after it all dropped without RST, $(get boundary) at an epoch boundary not judged"
echo "1..$n"
echo "rotation-load: $pass passed, $fail failed"
[ "$fail" = 0 ]
