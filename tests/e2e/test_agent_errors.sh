#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The agent's refusals: each names its cause, has its own exit status, and
# leaves nothing half-applied (TAP).
set -u
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/tap.sh"

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP the agent's checks need root"
	exit 0
fi
[ -x "$SGATE" ] || { echo "Bail out! $SGATE missing"; exit 1; }
trap netns_down EXIT
netns_up || { echo "Bail out! cannot create namespaces"; exit 1; }

# expect NAME STATUS PATTERN -- COMMAND...: exit status and message.
expect() {
	local name=$1 want=$2 pattern=$3 out rc
	shift 4
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" = "$want" ] && echo "$out" | grep -qiE "$pattern"; then
		ok "$name (exit $want)"
	else
		not_ok "$name" "exit $rc, wanted $want; output: $out"
	fi
}

# Nothing of a gate left on the server device.
clean() {
	! S ip -d link show "$SDEV" | grep -q 'prog/xdp' &&
		[ -z "$(S "$TOP/tests/tools/tcx_links.py" "$SDEV")" ] &&
		! S "$SGATE" status | grep -q "$SDEV"
}

echo "TAP version 13"
expect "unknown option" 2 "unknown|usage" -- S "$SGATE" attach "$SDEV" --ports 80 --bogus
expect "port 0" 2 "port" -- S "$SGATE" attach "$SDEV" --ports 0
expect "port 65536" 2 "port" -- S "$SGATE" attach "$SDEV" --ports 65536
expect "empty port list" 2 "port" -- S "$SGATE" attach "$SDEV" --ports ,
expect "reversed range" 2 "port|range" -- S "$SGATE" attach "$SDEV" --ports 90-80
expect "mss out of range" 2 "mss" -- S "$SGATE" attach "$SDEV" --ports 80 --mss 99
expect "key period out of range" 2 "period" -- S "$SGATE" attach "$SDEV" --ports 80 --key-period 1
expect "no ports" 2 "ports" -- S "$SGATE" attach "$SDEV"
expect "no such device" 4 "no such device|does not exist|$SDEV-x" -- S "$SGATE" attach "$SDEV-x" --ports 80
expect "not root" 3 "root" -- S setpriv --reuid=65534 --regid=65534 --clear-groups "$SGATE" attach "$SDEV" --ports 80
expect "another XDP program on the device" 6 "xdp" -- C "$SGATE" attach "$CDEV" --ports 80
S sysctl -qw net.ipv4.tcp_syncookies=0
expect "tcp_syncookies=0" 8 "tcp_syncookies" -- S "$SGATE" attach "$SDEV" --ports 80
S sysctl -qw net.ipv4.tcp_syncookies=1
if clean; then ok "every refusal left the device untouched"; else not_ok "a refusal left something behind"; fi
expect "detach of an unguarded device" 9 "not|guard" -- S "$SGATE" detach "$SDEV"
expect "stats of an unguarded device" 9 "not|guard" -- S "$SGATE" stats "$SDEV"
S "$SGATE" attach "$SDEV" --ports 80 >/dev/null || not_ok "attach"
expect "attach twice" 5 "already" -- S "$SGATE" attach "$SDEV" --ports 80
S "$SGATE" detach "$SDEV" >/dev/null
if clean; then ok "detach leaves the device as it was"; else not_ok "detach left something behind"; fi

echo "1..$n"
echo "agent-errors: $pass passed, $fail failed"
[ "$fail" = 0 ]
