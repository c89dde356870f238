#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sgate.ko inserted and removed while traffic flows (TAP), in the VM; the
# module is not loaded when this starts, nor when it ends.
#
# 1. A map-mode gate serves real clients while the module is inserted and
#    removed CYCLES times.  The gate's program never calls the module, but
#    the module's init and exit (kfunc and BTF registration, the generic
#    netlink family, per-netns rings, the timer, RCU) run beside it, and
#    the agent must keep treating the gate as the map-mode gate it is:
#    rotate writes the map ring whether or not the module is there.
# 2. A module-mode gate cannot outlive its module (rmmod is refused while
#    its programs hold the kfuncs), so each cycle is: insert, attach,
#    connect, try rmmod under traffic (refused), detach, remove.  A fresh
#    module each time must make and check cookies at once, and detach must
#    release it.
# The harness (selftests/vm/run.sh) fails the run on any WARNING, BUG or
# Oops on the console; the guest panics on warnings.
#
#   SGATE_MODULE_CYCLES       insert/remove cycles under the map-mode gate (4)
#   SGATE_MODULE_MODE_CYCLES  module-mode attach/detach cycles (2)
set -u
. "$(dirname "$0")/../../tests/lib/netns.sh"
. "$(dirname "$0")/../../tests/lib/tap.sh"
KO=$TOP/kmod/sgate.ko
PORT=8080
CYCLES=${SGATE_MODULE_CYCLES:-4}
MODE_CYCLES=${SGATE_MODULE_MODE_CYCLES:-2}
LOG=$(mktemp -d /tmp/sgate-modcycle.XXXXXX)
cleanup() {
	rm -f "$LOG/run"
	netns_down
	wait 2>/dev/null
	[ -e /sys/module/sgate ] && rmmod sgate 2>/dev/null
	rm -rf "$LOG"
}
trap cleanup EXIT

echo "TAP version 13"
[ -e /sys/module/sgate ] && { echo "Bail out! sgate.ko is loaded: this test starts without it"; exit 1; }
[ -r "$KO" ] || { echo "Bail out! $KO missing"; exit 1; }
netns_up || { echo "Bail out! cannot create namespaces"; exit 1; }
S "$BUILD/echo" server "$PORT" >"$LOG/server.out" 2>&1 &
wait_listen "$PORT" || { echo "Bail out! echo server did not start"; exit 1; }

key_mode() { S "$SGATE" status | awk -v d="$SDEV" '$1 == d { f = 1; next } /^[^ ]/ { f = 0 } f && $1 == "key" && $2 == "mode:" { print $3; exit }'; }
# One counter of this gate (stats' text: no python3, slow in the VM).
# Verified final ACKs: with metadata, or without (the slot program).
valid_count() { S "$SGATE" stats "$SDEV" | awk '$1 == "cookie_valid" || $1 == "cookie_valid_no_meta" { v += $2 } END { print v + 0 }'; }
# Real clients in batches of 5 until told to stop.
traffic_start() {
	touch "$LOG/run"
	: >"$LOG/traffic.out"
	(
		while [ -e "$LOG/run" ]; do
			C "$BUILD/echo" client "$SADDR" "$PORT" 5 100 >>"$LOG/traffic.out" 2>&1
		done
	) &
	traffic=$!
}
traffic_stop() {
	rm -f "$LOG/run"
	wait "$traffic"
	oks=$(sed -n 's/.*ok=\([0-9]*\) fail=.*/\1/p' "$LOG/traffic.out" | awk '{s+=$1} END {print s+0}')
	fails=$(sed -n 's/.*fail=\([0-9]*\).*/\1/p' "$LOG/traffic.out" | awk '{s+=$1} END {print s+0}')
}

echo "# setup: ${SECONDS} s"
# 1. A map-mode gate, the module coming and going.
t1=$SECONDS
if ! out=$(S "$SGATE" attach "$SDEV" --ports "$PORT" 2>&1); then
	echo "Bail out! attach failed: $out"
	exit 1
fi
mode0=$(key_mode)
serial0=$(key_serial)
valid0=$(valid_count)
traffic_start
bad=()
for i in $(seq 1 "$CYCLES"); do
	insmod "$KO" || { bad+=("cycle $i: insmod failed"); break; }
	if [ "$i" = 1 ] || [ "$i" = "$CYCLES" ]; then
		[ "$(key_mode)" = map ] || bad+=("cycle $i: status says key mode '$(key_mode)' with the module loaded")
	fi
	S "$SGATE" rotate "$SDEV" >"$LOG/rotate.out" 2>&1 || bad+=("cycle $i: rotate: $(cat "$LOG/rotate.out")")
	rmmod sgate || { bad+=("cycle $i: rmmod failed"); break; }
done
traffic_stop
serial1=$(key_serial)
valid=$(( $(valid_count) - valid0 ))
verdict "$([ ${#bad[@]} = 0 ] && [ "$mode0" = map ] && [ "${serial1:-0}" -ge $(( ${serial0:-0} + CYCLES )) ]; echo $?)" \
	"map-mode gate: sgate.ko inserted and removed $CYCLES times; the agent kept to map mode and rotated the map ring each time (serial $serial0 -> $serial1)" \
	"${bad[@]}"
verdict "$([ "$oks" -ge 3 ] && [ "$fails" = 0 ] && [ "$valid" -ge "$oks" ]; echo $?)" \
	"map-mode gate: $oks connections through it meanwhile, $fails failed, cookie_valid +$valid" \
	"$(grep -v 'fail=0' "$LOG/traffic.out" | tail -n3)"
S "$SGATE" detach "$SDEV" >/dev/null
echo "# map-mode cycles: $((SECONDS - t1)) s"

# 2. Module-mode gates, detached and attached between loads.
t1=$SECONDS
bad=()
for i in $(seq 1 "$MODE_CYCLES"); do
	insmod "$KO" || { bad+=("cycle $i: insmod failed"); break; }
	if ! out=$(S "$SGATE" attach "$SDEV" --ports "$PORT" 2>&1); then
		bad+=("cycle $i: attach: $out")
		rmmod sgate
		break
	fi
	[ "$(key_mode)" = module ] || bad+=("cycle $i: key mode '$(key_mode)', not module")
	valid0=$(valid_count)
	traffic_start
	sleep 0.3
	rmmod sgate 2>/dev/null && { bad+=("cycle $i: rmmod succeeded under a module-mode gate"); insmod "$KO"; }
	sleep 0.3
	traffic_stop
	valid=$(( $(valid_count) - valid0 ))
	{ [ "$oks" -ge 1 ] && [ "$fails" = 0 ] && [ "$valid" -ge "$oks" ]; } ||
		bad+=("cycle $i: $oks connections, $fails failed, cookie_valid +$valid")
	S "$SGATE" detach "$SDEV" >/dev/null || bad+=("cycle $i: detach failed")
	rmmod sgate || { bad+=("cycle $i: rmmod refused after detach"); break; }
done
verdict "$([ ${#bad[@]} = 0 ]; echo $?)" \
	"module-mode gate, $MODE_CYCLES cycles: insert, attach, connect, rmmod refused under traffic, detach, remove" \
	"${bad[@]}"
echo "# module-mode cycles: $((SECONDS - t1)) s"
verdict "$([ ! -e /sys/module/sgate ]; echo $?)" "sgate.ko is not loaded at the end"

echo "1..$n"
[ "$fail" = 0 ]
