#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Rotation stalled across an epoch boundary (TAP).  With a 2 s key period,
# 'sgate rotate' is held for 3 s (build/stopat) at its first map update, the
# step between its clock read and the flip of the key selector, and then at
# the flip itself, so an epoch boundary passes while it stands still.  A handshake whose SYN-ACK is made
# after that boundary but before the flip, with its final ACK after the
# flip, must still make a connection; and the ring the rotation leaves must
# be the one the rule gives for the epoch it was published in: its new key
# still pending, taking over at the next epoch.
set -u
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/tap.sh"

PORT=8080
PERIOD=2
STALL_MS=3000
pass=0 fail=0 n=0
LOG=$(mktemp -d /tmp/sgate-stall.XXXXXX)

verdict() { if [ "$1" = 0 ]; then ok "$2"; else not_ok "$2" "${@:3}"; fi; }

cleanup() { netns_down; wait 2>/dev/null; rm -rf "$LOG"; }
trap cleanup EXIT

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP rotation stall tests need root"
	exit 0
fi
for f in "$SGATE" "$BUILD/echo" "$BUILD/rawsend" "$BUILD/stopat"; do
	[ -x "$f" ] || { echo "Bail out! $f missing: run make all tests"; exit 1; }
done
netns_up || { echo "Bail out! cannot create namespaces and veth"; exit 1; }
S "$BUILD/echo" server "$PORT" >"$LOG/server.out" 2>&1 &
wait_listen "$PORT" || { echo "Bail out! echo server did not start"; exit 1; }
S "$SGATE" attach "$SDEV" --ports "$PORT" --key-period "$PERIOD" >"$LOG/attach.out" 2>&1 ||
	{ echo "Bail out! attach failed: $(cat "$LOG/attach.out")"; exit 1; }
echo "TAP version 13"
smac=$(mac_of S "$SDEV")

# Stalls rotate at its K-th map update (BPF_MAP_UPDATE_ELEM, bpf() command
# 2): the 1st writes the new ring into the idle slot, the 2nd flips the
# selector, so that the flip itself lands after the boundary.
stalled_rotation() {
	local k=$1 what=$2 rc r check
	S "$BUILD/stopat" bpf:2 "$k" "$STALL_MS" -- "$SGATE" rotate "$SDEV" >"$LOG/rotate.out" 2>&1 &
	local rotate=$!
	for _ in $(seq 100); do
		grep -q '^stalled' "$LOG/rotate.out" && break
		sleep 0.05
	done
	# The rotation waited out the guard window before reading the clock,
	# so the next boundary is at most one period minus the guard away:
	# past it, well before the stall ends.
	sleep 2.1
	C "$BUILD/rawsend" "$CDEV" "$smac" "$CADDR" "$SADDR" "$PORT" handshake 1500 >"$LOG/hs.out" 2>&1 &
	local hs=$!
	wait "$rotate"
	rc=$?
	S "$SGATE" keys "$SDEV" --json >"$LOG/keys.json" 2>&1
	wait "$hs"

	verdict "$([ $rc = 0 ] && grep -q '^stalled' "$LOG/rotate.out"; echo $?)" \
		"rotate stalled ${STALL_MS} ms at $what still completes" \
		"exit $rc: $(tr '\n' ' ' <"$LOG/rotate.out")"

	r=$(sed -n 's/^result=//p' "$LOG/hs.out")
	verdict "$([ "$r" = established ]; echo $?)" \
		"stalled at $what: a SYN-ACK made after the boundary during the stall, its ACK after the flip: established" \
		"result: ${r:-none}; $(tr '\n' ' ' <"$LOG/hs.out")" "rotate: $(tr '\n' ' ' <"$LOG/rotate.out")"

	# The new key is m[0] (id 0), newest first.
	check=$(python3 -c '
import json, sys
g = next(iter(json.load(open(sys.argv[1])).values()))
new = next(k for k in g["keys"] if k["id"] == 0)
print("ok" if new["first_epoch"] == g["epoch"] + 1 and new["state"] == "pending" else
      "epoch %d, new key from %d (%s)" % (g["epoch"], new["first_epoch"], new["state"]))' "$LOG/keys.json" 2>&1)
	verdict "$([ "$check" = ok ]; echo $?)" \
		"stalled at $what: the published ring is the rule's for the epoch of its publication (new key pending)" \
		"$check" "$(cat "$LOG/keys.json")"
}

stalled_rotation 1 "the write of the new ring"
stalled_rotation 2 "the flip of the key selector"

echo "1..$n"
echo "rotation stall: $pass passed, $fail failed"
[ "$fail" = 0 ]
