#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The gate beside other programs on its hooks (TAP).
#
# tcx: another tool's tcx program on the same device, attached before or
# after the gate, sees its traffic while real clients complete handshakes
# through the gate, and stays when the gate is detached.
#
# XDP: a program that cannot share the hook (attached alone, without
# libxdp's dispatcher, or in the other mode) is refused with the choices
# named, leaving the device untouched.  xdp-filter (xdp-tools), a real
# neighbour in libxdp's dispatcher, attached before or after the gate:
# it drops the source it is told to, the gate still answers and completes
# the handshakes of the others, and detaching either leaves the other
# working.  Where the kernel refuses the gate's full program in the slots
# of an older libxdp's dispatcher (Linux >= 6.13 and 6.12 stable, libxdp
# < 1.5.5, as in Debian 12), the gate runs its slot program there, and the
# same tests hold.  Where the kernel cannot run libxdp's dispatcher at all
# (no freplace programs: too old, or kernel lockdown), they say SKIP.
#
# xdp-filter keeps one set of maps for the whole host (under
# /sys/fs/bpf/xdp-filter): the test blocks only an address of its own
# namespaces, and unloads the filter from its device when done.
set -u
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/tap.sh"

PORT=8080
LOG=$(mktemp -d /tmp/sgate-neighbours.XXXXXX)
TCX_LINKS=$TOP/tests/tools/tcx_links.py
TCX_COUNT=$BUILD/tcx_count
# The neighbour tcx programs' pins: outside the gate's pin root.
TCX_PINS=/sys/fs/bpf/sgate-test-tcx-$ID
# A second client address, the one xdp-filter is told to drop.
BLOCKED=10.77.0.3

cleanup() {
	S xdp-filter unload "$SDEV" >/dev/null 2>&1
	netns_down
	rm -rf "$TCX_PINS" "$LOG"
}
trap cleanup EXIT

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP XDP neighbour tests need root"
	exit 0
fi
for t in xdp-filter xdp-loader; do
	command -v "$t" >/dev/null || { echo "1..0 # SKIP $t missing (Debian: apt-get install xdp-tools)"; exit 0; }
done
for f in "$SGATE" "$BUILD/echo" "$BUILD/rawsend" "$TCX_COUNT" "$BUILD/tcx_count.bpf.o" "$BUILD/xdp_pass.bpf.o"; do
	[ -e "$f" ] || { echo "Bail out! $f missing: run make all tests"; exit 1; }
done
netns_up || { echo "Bail out! cannot create namespaces and veth"; exit 1; }
C ip addr add "$BLOCKED/16" dev "$CDEV"
S "$BUILD/echo" server "$PORT" >"$LOG/server.out" 2>&1 &
wait_listen "$PORT" || { echo "Bail out! echo server did not start"; exit 1; }
mkdir -p "$TCX_PINS"
echo "TAP version 13"

attach() { S "$SGATE" attach "$SDEV" --ports "$PORT" --key-period 5 "$@" >"$LOG/attach.out" 2>&1; }
detach() { S "$SGATE" detach "$SDEV" >"$LOG/detach.out" 2>&1; }
smac=$(mac_of S "$SDEV")
# One raw handshake from SRC: "established" if the SYN was answered and
# the final ACK made a connection, "no SYN-ACK" if the SYN got no answer.
handshake() {
	local r
	r=$(C "$BUILD/rawsend" "$CDEV" "$smac" "$1" "$SADDR" "$PORT" handshake 0 2>&1 | sed -n 's/^result=//p')
	echo "${r:-no SYN-ACK}"
}
# A real client connection; handed to the stack by the gate's TC half,
# from XDP's metadata or verified by TC itself (the slot program).
handoffs() { echo $(($(gate_stat tc_handoff) + $(gate_stat tc_verified_handoff))); }
through_gate() {
	local before
	before=$(handoffs)
	C "$BUILD/echo" client "$SADDR" "$PORT" 2 >"$LOG/client.out" 2>&1 || return 1
	[ "$(handoffs)" -gt "$before" ]
}
# Nothing of the gate left: no gate pins, no status, no gate program in
# the XDP hook.  (Neighbours may stay.)
gate_gone() {
	[ -z "$(find /sys/fs/bpf/sgate -mindepth 2 -maxdepth 2 -name "$SDEV" 2>/dev/null)" ] &&
		! S "$SGATE" status 2>/dev/null | grep -q "$SDEV" &&
		! S bpftool net show dev "$SDEV" 2>/dev/null | grep -q sgate_xdp &&
		! S xdp-loader status "$SDEV" 2>/dev/null | grep -q sgate_xdp
}
tcx_neighbour() { S "$TCX_COUNT" attach "$SDEV" "$BUILD/tcx_count.bpf.o" "$TCX_PINS/$1"; }
tcx_seen() { "$TCX_COUNT" read "$TCX_PINS/$1"; }
tcx_link_id() { bpftool link show pinned "$TCX_PINS/$1/link" 2>/dev/null | sed -n 's/^\([0-9]*\):.*/\1/p'; }

# 1. tcx: a neighbour there before the gate, one added after it.
tcx_neighbour first || echo "# the first tcx neighbour did not attach"
attach || echo "# attach failed: $(cat "$LOG/attach.out")"
seen0=$(tcx_seen first)
verdict "$(through_gate && [ "$(tcx_seen first)" -gt "$seen0" ]; echo $?)" \
	"tcx: with another tool's tcx program there before it, the gate completes real handshakes and the other program sees the traffic" \
	"$(cat "$LOG/attach.out" "$LOG/client.out")" "first saw $seen0 -> $(tcx_seen first)"
tcx_neighbour second || echo "# the second tcx neighbour did not attach"
seen0=$(tcx_seen second)
verdict "$(through_gate && [ "$(tcx_seen second)" -gt "$seen0" ]; echo $?)" \
	"tcx: with another tcx program added after the gate, real handshakes still complete and it sees the traffic" \
	"$(tail -n3 "$LOG/client.out")" "second saw $seen0 -> $(tcx_seen second)"
detach
links=$(S "$TCX_LINKS" "$SDEV" | sort | tr '\n' ' ')
want=$(printf '%s\n' "$(tcx_link_id first)" "$(tcx_link_id second)" | sort | tr '\n' ' ')
seen0=$(tcx_seen first)
C "$BUILD/echo" client "$SADDR" "$PORT" 1 >"$LOG/client.out" 2>&1
verdict "$([ "$links" = "$want" ] && [ "$(tcx_seen first)" -gt "$seen0" ] && gate_gone; echo $?)" \
	"tcx: detach removes the gate's link only; both other tcx programs stay and keep seeing traffic" \
	"tcx links $links, wanted $want" "$(cat "$LOG/client.out")" "first saw $seen0 -> $(tcx_seen first)" \
	"gate gone: $(gate_gone && echo yes || echo no)" "$(cat "$LOG/detach.out")"
rm -rf "${TCX_PINS:?}"/*

# 2. XDP programs that cannot share the hook.
S ip link set dev "$SDEV" xdpdrv obj "$BUILD/xdp_pass.bpf.o" sec xdp
out=$(S "$SGATE" attach "$SDEV" --ports "$PORT" 2>&1)
rc=$?
verdict "$([ $rc = 6 ] && echo "$out" | grep -q 'not through libxdp' &&
	echo "$out" | grep -q "xdp-loader load $SDEV" && echo "$out" | grep -q "xdpdrv off" &&
	[ -z "$(S "$TCX_LINKS" "$SDEV")" ] && gate_gone; echo $?)" \
	"a program attached alone in native mode: attach refuses (exit 6), names both choices (load it through libxdp, or remove it), leaves the device untouched" \
	"exit $rc: $out"
S ip link set dev "$SDEV" xdpdrv off
S ip link set dev "$SDEV" xdpgeneric obj "$BUILD/xdp_pass.bpf.o" sec xdp
out=$(S "$SGATE" attach "$SDEV" --ports "$PORT" --xdp-mode native 2>&1)
rc=$?
verdict "$([ $rc = 6 ] && echo "$out" | grep -q 'generic mode' &&
	echo "$out" | grep -q -- '--xdp-mode generic' && gate_gone; echo $?)" \
	"a program in generic mode and the gate asked for native: attach refuses (exit 6) and names --xdp-mode generic" \
	"exit $rc: $out"
S ip link set dev "$SDEV" xdpgeneric off

# 3. xdp-filter, a real neighbour in libxdp's dispatcher.  Can this kernel
# run the dispatcher?
attach
gate_slot=$(S "$SGATE" status 2>/dev/null | grep -c '^  xdp: .*, libxdp dispatcher, run priority')
detach
if [ "$gate_slot" = 0 ]; then
	reason="this kernel cannot run libxdp's dispatcher (it refuses freplace programs: too old, or kernel lockdown)"
	for t in "xdp-filter first, gate second" "the hand-off path of the program in the slot" "both do their job" \
		"detaching the gate leaves xdp-filter working" \
		"gate first, xdp-filter second" "both do their job (gate first)" \
		"unloading xdp-filter leaves the gate working" "detach then leaves the hook empty"; do
		skip "$t" "$reason"
	done
	echo "1..$n"
	echo "xdp neighbours: $pass passed, $fail failed, $skipped skipped"
	[ "$fail" = 0 ]
	exit
fi
S xdp-filter load -m native "$SDEV" >"$LOG/filter.out" 2>&1
S xdp-filter ip "$BLOCKED" -m src >>"$LOG/filter.out" 2>&1

# status's XDP lines: "xdp:" and the programs before and after the gate.
xdp_lines() { S "$SGATE" status 2>&1 | grep -E '^  xdp( before| after)?:'; }
# Both do their job: xdp-filter drops $BLOCKED before the gate sees it;
# the gate answers and completes the handshakes of $CADDR.
both_work() {
	local answered0 r1
	answered0=$(gate_stat syn_answered)
	r1=$(handshake "$BLOCKED")
	[ "$(gate_stat syn_answered)" = "$answered0" ] || { echo "the gate answered $BLOCKED"; return 1; }
	# The others: real clients (their stack retransmits; rawsend's probe
	# waits 600 ms, which a loaded emulated VM can exceed).
	[ "$r1" = "no SYN-ACK" ] && through_gate && [ "$(gate_stat syn_answered)" -gt "$answered0" ] ||
		{ echo "blocked: $r1; client: $(tail -n 3 "$LOG/client.out")"; return 1; }
}

attach
rc=$?
verdict "$([ $rc = 0 ] && grep -q 'libxdp.s dispatcher.*run priority 60; after xdpfilt' "$LOG/attach.out" &&
	xdp_lines | grep -q '^  xdp:          native, prog id [0-9]* (sgate_xdp\(_slot\)\?), libxdp dispatcher, run priority 60' &&
	xdp_lines | grep -q '^  xdp before:   xdpfilt_' &&
	S xdp-loader status "$SDEV" | grep -q sgate_xdp; echo $?)" \
	"xdp-filter first, gate second: attach joins the dispatcher at run priority 60, after xdp-filter" \
	"exit $rc: $(cat "$LOG/filter.out" "$LOG/attach.out")" "$(xdp_lines)" "$(S xdp-loader status "$SDEV")"
# The full program where the kernel takes it in the dispatcher's slot; the
# slot program, and TC verification, where it does not.
S "$SGATE" status >"$LOG/status.out" 2>&1
if grep -q '(sgate_xdp_slot)' "$LOG/status.out"; then
	verdict "$(grep -q "^  hand-off:     TC verifies each cookie again (the gate's program in libxdp's dispatcher writes no metadata)" "$LOG/status.out"; echo $?)" \
		"the hand-off path of the program in the slot: sgate_xdp_slot, TC verifies (this kernel refuses the full program in libxdp $(dpkg-query -W -f='${Version}' libxdp1 2>/dev/null)'s slots)" \
		"$(cat "$LOG/status.out")"
else
	verdict "$(grep -q '(sgate_xdp)' "$LOG/status.out" && grep -q '^  hand-off:     XDP metadata' "$LOG/status.out"; echo $?)" \
		"the hand-off path of the program in the slot: sgate_xdp, XDP metadata (this kernel takes it in the dispatcher)" \
		"$(cat "$LOG/status.out")"
fi
out=$(both_work 2>&1)
verdict $? "both do their job: xdp-filter drops $BLOCKED before the gate, the gate completes the handshakes of $CADDR" "$out"
detach
# Without the gate, the stack answers; rawsend's own stack resets what the
# stack answers, so a real client stands for $CADDR.
r1=$(handshake "$BLOCKED")
verdict "$(gate_gone && S xdp-loader status "$SDEV" | grep -q xdpfilt_ && [ "$r1" = "no SYN-ACK" ] &&
	C "$BUILD/echo" client "$SADDR" "$PORT" 2 >"$LOG/client.out" 2>&1; echo $?)" \
	"detaching the gate leaves xdp-filter working: it still drops $BLOCKED; $CADDR connects" \
	"blocked: $r1" "$(cat "$LOG/client.out" "$LOG/detach.out")" "$(S xdp-loader status "$SDEV")"
S xdp-filter unload "$SDEV" >>"$LOG/filter.out" 2>&1

attach
rc=$?
S xdp-filter load -m native "$SDEV" >>"$LOG/filter.out" 2>&1
S xdp-filter ip "$BLOCKED" -m src >>"$LOG/filter.out" 2>&1
verdict "$([ $rc = 0 ] && xdp_lines | grep -q '^  xdp before:   xdpfilt_' &&
	S "$SGATE" status >/dev/null 2>&1; echo $?)" \
	"gate first, xdp-filter second: the filter joins the dispatcher and runs before the gate; status exits 0" \
	"exit $rc: $(cat "$LOG/attach.out" "$LOG/filter.out")" "$(xdp_lines)"
out=$(both_work 2>&1)
verdict $? "both do their job (gate first): xdp-filter drops $BLOCKED, the gate completes the handshakes of $CADDR" "$out"
S xdp-filter unload "$SDEV" >>"$LOG/filter.out" 2>&1
answered0=$(gate_stat syn_answered)
r1=$(handshake "$BLOCKED")
verdict "$(S "$SGATE" status >"$LOG/status.out" 2>&1 && ! grep -q '^  xdp before:' "$LOG/status.out" &&
	[ "$r1" = established ] && [ "$(gate_stat syn_answered)" -gt "$answered0" ] && through_gate; echo $?)" \
	"unloading xdp-filter leaves the gate working: it now answers $BLOCKED too; status exits 0" \
	"from $BLOCKED: $r1" "$(cat "$LOG/status.out")"
detach
verdict "$(gate_gone && ! S ip -d link show "$SDEV" | grep -q 'prog/xdp'; echo $?)" \
	"detach then leaves the hook empty: libxdp removes the dispatcher with its last program" \
	"$(cat "$LOG/detach.out")" "$(S xdp-loader status "$SDEV")"

echo "1..$n"
echo "xdp neighbours: $pass passed, $fail failed, $skipped skipped"
[ "$fail" = 0 ]
