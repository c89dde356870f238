#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The gate's two halves on their hooks (TAP).  Resetting the device's tc
# setup (tc qdisc del ... clsact / ingress) must not take the TC half, a
# link the gate owns, away: real clients still complete handshakes through
# the gate.  A half taken away behind sgate's back -- the TC link detached
# by another tool; the XDP hook cleared, the gate's program unloaded from
# libxdp's dispatcher, or the pin of its slot's link removed -- must make
# 'sgate status' say so, with the fix, and exit 11; 'sgate detach' then
# still cleans up everything.
set -u
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/tap.sh"

PORT=8080
pass=0 fail=0 n=0
LOG=$(mktemp -d /tmp/sgate-links.XXXXXX)
TCX_LINKS=$TOP/tests/tools/tcx_links.py

verdict() { if [ "$1" = 0 ]; then ok "$2"; else not_ok "$2" "${@:3}"; fi; }

cleanup() { netns_down; rm -rf "$LOG"; }
trap cleanup EXIT

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP gate link tests need root"
	exit 0
fi
for f in "$SGATE" "$BUILD/echo"; do
	[ -x "$f" ] || { echo "Bail out! $f missing: run make all tests"; exit 1; }
done
netns_up || { echo "Bail out! cannot create namespaces and veth"; exit 1; }
S "$BUILD/echo" server "$PORT" >"$LOG/server.out" 2>&1 &
wait_listen "$PORT" || { echo "Bail out! echo server did not start"; exit 1; }
echo "TAP version 13"

attach() { S "$SGATE" attach "$SDEV" --ports "$PORT" --key-period 5 >"$LOG/attach.out" 2>&1; }
# The pin directory of this device's gate.
gate_dir() { find /sys/fs/bpf/sgate -mindepth 2 -maxdepth 2 -name "$SDEV" 2>/dev/null | head -n1; }
# The link id status reports on a line ("xdp:" or "tc ingress:").
link_id() { S "$SGATE" status 2>/dev/null | sed -n "s/^  $1 *.*link id \([0-9]*\).*/\1/p"; }
# Nothing of a gate left: no XDP program, no tcx link, no pins, no status.
clean() {
	! S ip -d link show "$SDEV" | grep -q 'prog/xdp' &&
		[ -z "$(S "$TCX_LINKS" "$SDEV")" ] &&
		[ -z "$(gate_dir)" ] &&
		! S "$SGATE" status 2>/dev/null | grep -q "$SDEV"
}
# A real connection, handed to the stack by the gate's TC half.
through_gate() {
	local before
	before=$(gate_stat tc_handoff)
	C "$BUILD/echo" client "$SADDR" "$PORT" 2 >"$LOG/client.out" 2>&1 || return 1
	[ "$(gate_stat tc_handoff)" -gt "$before" ]
}

attach || { echo "Bail out! attach failed: $(cat "$LOG/attach.out")"; exit 1; }
S "$SGATE" status >"$LOG/status.out" 2>&1
rc=$?
verdict "$([ $rc = 0 ] && grep -q '^  tc ingress:   tcx, prog id' "$LOG/status.out" &&
	[ -n "$(S "$TCX_LINKS" "$SDEV")" ]; echo $?)" \
	"attach puts the TC half on the device's tcx hook; status exits 0" \
	"exit $rc" "$(cat "$LOG/status.out")"

# 1. Another tool resets tc on the device.
S tc qdisc del dev "$SDEV" clsact 2>/dev/null
S tc qdisc del dev "$SDEV" ingress 2>/dev/null
S tc qdisc add dev "$SDEV" clsact && S tc qdisc del dev "$SDEV" clsact
verdict "$(through_gate; echo $?)" \
	"after 'tc qdisc del dev DEV clsact' and 'ingress', a real client still connects through the gate" \
	"$(tail -n3 "$LOG/client.out")"

# 2. The TC link detached behind sgate's back.
bpftool link detach id "$(link_id 'tc ingress:')" 2>"$LOG/bpftool.out"
S "$SGATE" status >"$LOG/status.out" 2>&1
rc=$?
verdict "$([ $rc = 11 ] && grep -q '^  tc ingress:   DETACHED' "$LOG/status.out" &&
	grep -q "^  BROKEN: .*TC half.*'sgate detach $SDEV', then attach again" "$LOG/status.out"; echo $?)" \
	"TC link detached by another tool: status says so, with the fix, and exits 11" \
	"exit $rc" "$(cat "$LOG/bpftool.out" "$LOG/status.out")"
S "$SGATE" detach "$SDEV" >"$LOG/detach.out" 2>&1
verdict "$(clean; echo $?)" "detach then cleans up the gate with a detached TC half" \
	"$(cat "$LOG/detach.out")"

# The XDP half shares the device's XDP hook through libxdp's dispatcher,
# which holds it in a slot by a freplace link that libxdp pins; where the
# kernel cannot run the dispatcher, libxdp attaches the program alone.
# status finds the gate's program in the hook by the gate's config map.
xdp_prog_id() { S "$SGATE" status 2>/dev/null | sed -n 's/^  xdp: *[a-z]*, prog id \([0-9]*\).*/\1/p'; }
xdp_missing() {
	S "$SGATE" status >"$LOG/status.out" 2>&1
	rc=$?
	[ $rc = 11 ] && grep -q '^  xdp:          MISSING' "$LOG/status.out" &&
		grep -q "^  BROKEN: .*XDP half.*'sgate detach $SDEV', then attach again" "$LOG/status.out" &&
		grep -q '^  tc ingress:   tcx' "$LOG/status.out"
}

# 3. The whole XDP hook cleared by another tool.
attach || echo "attach failed: $(cat "$LOG/attach.out")"
S ip link set dev "$SDEV" xdp off
verdict "$(xdp_missing; echo $?)" \
	"XDP hook cleared by another tool (ip link set dev DEV xdp off): status says the XDP half is missing, with the fix, and exits 11" \
	"exit $rc" "$(cat "$LOG/status.out")"
S "$SGATE" detach "$SDEV" >"$LOG/detach.out" 2>&1
verdict "$(clean; echo $?)" "detach then cleans up the gate missing its XDP half" \
	"$(cat "$LOG/detach.out")"

# 4. The gate's program unloaded by xdp-loader: from its slot in the
# dispatcher, or the hook where it runs alone.
attach || echo "attach failed: $(cat "$LOG/attach.out")"
S xdp-loader unload "$SDEV" --id "$(xdp_prog_id)" >"$LOG/loader.out" 2>&1
verdict "$(xdp_missing; echo $?)" \
	"the gate's program unloaded by xdp-loader: status says the XDP half is missing and exits 11" \
	"exit $rc" "$(cat "$LOG/loader.out" "$LOG/status.out")"
S "$SGATE" detach "$SDEV" >"$LOG/detach.out" 2>&1
verdict "$(clean; echo $?)" "detach then cleans up the gate whose XDP program was unloaded" \
	"$(cat "$LOG/detach.out")"

# 5. libxdp's pin of the slot's link removed: the link dies with it,
# while the pin of the program still names it.  Needs the dispatcher.
attach || echo "attach failed: $(cat "$LOG/attach.out")"
if ! S "$SGATE" status | grep -q '^  xdp: .*, libxdp dispatcher, run priority'; then
	reason="the gate runs alone in the XDP hook here: libxdp's dispatcher cannot run its program ($(sed -n 's/^sgate: note: libxdp.s dispatcher cannot run the gate.s program here (\(.*\)), so .*/\1/p' "$LOG/attach.out"))"
	skip "libxdp's pin of the gate's slot link removed" "$reason"
	skip "detach then cleans up the gate whose slot link is gone" "$reason"
	S "$SGATE" detach "$SDEV" >/dev/null 2>&1
else
	ifindex=$(S ip -o link show "$SDEV" | cut -d: -f1)
	dispatcher=$(S ip -d link show "$SDEV" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p')
	rm -f /sys/fs/bpf/xdp/dispatch-"$ifindex"-"$dispatcher"/prog0-link
	verdict "$(xdp_missing; echo $?)" \
		"libxdp's pin of the gate's slot link removed: status says the XDP half is missing and exits 11" \
		"exit $rc" "$(cat "$LOG/status.out")"
	S "$SGATE" detach "$SDEV" >"$LOG/detach.out" 2>&1
	verdict "$(clean && [ ! -e /sys/fs/bpf/xdp/dispatch-"$ifindex"-"$dispatcher" ]; echo $?)" \
		"detach then cleans up the gate whose slot link is gone, and libxdp's pins of the dispatcher" \
		"$(cat "$LOG/detach.out")"
fi

echo "1..$n"
echo "gate links: $pass passed, $fail failed, $skipped skipped"
[ "$fail" = 0 ]
