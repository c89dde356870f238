#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Bad operator input (TAP): every argument of every command malformed in
# turn -- ports, device names, numbers out of range, unknown flags, missing
# values, stray words, a bad pin root.  Each must exit with its documented
# status and a message that names what is wrong, and change nothing: with a
# gate attached its programs, filters, pins, config and keys stay byte for
# byte as they were; with none, the device stays clean.
set -u
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/tap.sh"

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP the agent's input checks need root"
	exit 0
fi
[ -x "$SGATE" ] || { echo "Bail out! $SGATE missing"; exit 1; }
command -v bpftool >/dev/null || { echo "Bail out! bpftool missing (make deps)"; exit 1; }
NOTBPF=$(mktemp -d /tmp/sgate-notbpf.XXXXXX)
trap 'netns_down; rm -rf "$NOTBPF"' EXIT
netns_up || { echo "Bail out! cannot create namespaces"; exit 1; }
echo "TAP version 13"

D=$SDEV
LONG=0123456789abcdef	# 16 characters: one more than a device name takes

# Everything a command could change, as text.
state() {
	local dir m
	S ip -d link show "$D" | grep -o 'prog/xdp id [0-9]*'
	S tc qdisc show dev "$D"
	S tc filter show dev "$D" ingress
	S "$TOP/tests/tools/tcx_links.py" "$D"
	dir=$(find /sys/fs/bpf/sgate -mindepth 2 -maxdepth 2 -name "$D" 2>/dev/null)
	echo "pins: $(ls "$dir" 2>/dev/null | tr '\n' ' ')"
	[ -e "$dir/keys" ] && for m in config keys key_sel; do
		echo "map dump pinned $dir/$m"
	done | bpftool batch file - | md5sum
	S sysctl -n net.ipv4.tcp_syncookies
}

# bad STATUS PATTERN ARG...: sgate ARG... exits STATUS, says PATTERN, and
# leaves state() as it was.
# The state after one case is the state before the next.
STATE=
bad() {
	local want=$1 pattern=$2 before after out rc
	shift 2
	before=${STATE:-$(state)}
	out=$(S "$SGATE" "$@" 2>&1)
	rc=$?
	after=$(state)
	STATE=$after
	local name="sgate $(printf '%q ' "$@")"
	if [ "$rc" != "$want" ]; then
		not_ok "$name: exit $want" "exit $rc: $out"
	elif ! echo "$out" | grep -qiE -e "$pattern"; then
		not_ok "$name: message names '$pattern'" "$out"
	elif [ "$before" != "$after" ]; then
		not_ok "$name: nothing changed" "before: $before" "after: $after"
	else
		ok "$name -> $want: $(echo "$out" | head -n1 | cut -c8-90)"
	fi
}

# Every malformed form of attach's arguments.  Run with the gate attached
# (nothing may change) and without (nothing may appear).
attach_cases() {
	bad 2 "device" attach
	bad 2 "device" attach --ports 80
	bad 2 "ports" attach "$D"
	bad 2 "not a valid network device name" attach "" --ports 80
	bad 2 "not a valid network device name" attach a/b --ports 80
	bad 2 "not a valid network device name" attach "$LONG" --ports 80
	bad 2 "not a valid network device name" attach . --ports 80
	bad 2 "not a valid network device name" attach .. --ports 80
	bad 2 "not a valid network device name" attach "has space" --ports 80
	bad 4 "no network device" attach nosuchdev0 --ports 80
	bad 2 "more than one device" attach "$D" "$D" --ports 80
	bad 2 "needs a value" attach "$D" --ports
	bad 2 "empty port list" attach "$D" --ports ""
	bad 2 "empty port list" attach "$D" --ports=
	bad 2 "empty item" attach "$D" --ports 80,
	bad 2 "empty item" attach "$D" --ports ,80
	bad 2 "empty item" attach "$D" --ports 80,,443
	bad 2 "malformed port 'abc'" attach "$D" --ports abc
	bad 2 "malformed port '8O'" attach "$D" --ports 8O
	bad 2 "malformed port ' 80'" attach "$D" --ports " 80"
	bad 2 "malformed port" attach "$D" --ports 1-
	bad 2 "malformed port" attach "$D" --ports=-5
	bad 2 "port 0 is out of range" attach "$D" --ports 0
	bad 2 "port 0 is out of range" attach "$D" --ports 0-10
	bad 2 "port 65536 is out of range" attach "$D" --ports 65536
	bad 2 "port 65536 is out of range" attach "$D" --ports 1-65536
	bad 2 "port|range" attach "$D" --ports 90-80
	bad 2 "malformed port" attach "$D" --ports 99999999999999999999
	bad 2 "malformed port '0x50'" attach "$D" --ports 0x50
	bad 2 "malformed port '\+80'" attach "$D" --ports +80
	bad 2 "malformed port '80.0'" attach "$D" --ports 80.0
	bad 2 "--ports given twice" attach "$D" --ports 80 --ports 443
	bad 2 "--mss needs a value" attach "$D" --ports 80 --mss
	bad 2 "--mss must be a whole number" attach "$D" --ports 80 --mss abc
	bad 2 "--mss must be a whole number" attach "$D" --ports 80 --mss ""
	bad 2 "--mss 535 is out of range" attach "$D" --ports 80 --mss 535
	bad 2 "--mss 9001 is out of range" attach "$D" --ports 80 --mss 9001
	bad 2 "--mss must be a whole number" attach "$D" --ports 80 --mss -1
	bad 2 "--mss must be a whole number" attach "$D" --ports 80 --mss 1e3
	bad 2 "--mss must be a whole number" attach "$D" --ports 80 --mss 1460.5
	bad 2 "--mss 4294967832 is out of range" attach "$D" --ports 80 --mss 4294967832
	bad 2 "--key-period 0 is out of range" attach "$D" --ports 80 --key-period 0
	bad 2 "--key-period 1 is out of range" attach "$D" --ports 80 --key-period 1
	bad 2 "--key-period 3601 is out of range" attach "$D" --ports 80 --key-period 3601
	bad 2 "--key-period must be a whole number" attach "$D" --ports 80 --key-period 2.5
	bad 2 "--key-period needs a value" attach "$D" --ports 80 --key-period
	bad 2 "--xdp-mode must be 'auto', 'native' or 'generic'" attach "$D" --ports 80 --xdp-mode fast
	bad 2 "--xdp-mode must be 'auto', 'native' or 'generic'" attach "$D" --ports 80 --xdp-mode ""
	bad 2 "--xdp-mode must be 'auto', 'native' or 'generic'" attach "$D" --ports 80 --xdp-mode NATIVE
	bad 2 "unknown option '--json'" attach "$D" --ports 80 --json
	bad 2 "unknown option '--watch'" attach "$D" --ports 80 --watch 1
	bad 2 "unknown option '-x'" attach "$D" --ports 80 -x
	bad 2 "unknown option '--bogus'" attach "$D" --ports 80 --bogus
	bad 2 "more than one device" attach "$D" --ports 80 -- --mss
	bad 2 "--pin-root needs a directory" --pin-root= attach "$D" --ports 80
	bad 1 "not on a bpf filesystem" --pin-root "$NOTBPF" attach "$D" --ports 80
	bad 1 "not on a bpf filesystem" --pin-root /nonexistent/sgate attach "$D" --ports 80
}

# With a gate attached.
S "$SGATE" attach "$D" --ports 8080 --key-period 5 >/dev/null || { echo "Bail out! attach failed"; exit 1; }
STATE=
attach_cases
bad 5 "already guarded" attach "$D" --ports 80
bad 2 "no command" 
bad 2 "unknown command 'bogus'" bogus
bad 2 "unknown option '--bogus'" --bogus
bad 2 "--pin-root needs a value" --pin-root
bad 2 "unknown command 'extra'" --version extra
bad 2 "status takes no device" status extra
bad 2 "unknown option '--watch' for status" status --watch 1
bad 2 "detach needs a device" detach
bad 2 "more than one device" detach "$D" "$D"
bad 2 "not a valid network device name" detach a/b
bad 2 "not a valid network device name" detach "$LONG"
bad 9 "not guarded" detach nosuchdev0
bad 2 "unknown option '--bogus' for detach" detach "$D" --bogus
bad 2 "unknown option '--json' for detach" detach "$D" --json
bad 9 "not guarded" --pin-root "$NOTBPF" detach "$D"
bad 9 "not guarded" rotate nosuchdev0
bad 2 "not a valid network device name" rotate a/b
bad 2 "unknown option '--bogus' for rotate" rotate "$D" --bogus
bad 2 "unknown option '--json' for rotate" rotate "$D" --json
bad 2 "more than one device" rotate "$D" "$D"
bad 9 "not guarded" --pin-root "$NOTBPF" rotate "$D"
bad 2 "--watch 0 is out of range" stats "$D" --watch 0
bad 2 "--watch must be a whole number" stats "$D" --watch -1
bad 2 "--watch must be a whole number" stats "$D" --watch abc
bad 2 "--watch 99999 is out of range" stats "$D" --watch 99999
bad 2 "--watch needs a value" stats "$D" --watch
bad 2 "--json takes no value" stats "$D" --json=1
bad 2 "--watch given twice" stats "$D" --watch 1 --watch 2
bad 9 "not guarded" stats nosuchdev0
bad 2 "unknown option '--watch' for keys" keys "$D" --watch 1
bad 2 "unknown option '--bogus' for keys" keys "$D" --bogus
bad 2 "--json takes no value" keys "$D" --json=yes
bad 9 "not guarded" keys nosuchdev0

# Without one.
S "$SGATE" detach "$D" >/dev/null
STATE=
attach_cases
bad 9 "not guarded" detach "$D"
bad 9 "not guarded" rotate "$D"

echo "1..$n"
echo "agent-input: $pass passed, $fail failed"
[ "$fail" = 0 ]
