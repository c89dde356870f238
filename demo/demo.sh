#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`: the gate in a throwaway pair of namespaces.  A bounded SYN
# flood hits a protected echo server while a legitimate client keeps
# connecting; then the counters show who did the work.
set -u
. "$(dirname "$0")/../tests/lib/netns.sh"
PORT=8080
FLOOD_PACKETS=${FLOOD_PACKETS:-300000}
FLOOD_SECONDS=${FLOOD_SECONDS:-8}

[ "$(id -u)" = 0 ] || { echo "demo: run as root (sudo make demo)" >&2; exit 1; }
for tool in "$SGATE" "$BUILD/echo" "$BUILD/rawsend"; do
	[ -x "$tool" ] || { echo "demo: $tool is missing: run 'sudo make demo', which builds it" >&2; exit 1; }
done
trap netns_down EXIT
fail() { echo "demo: $*" >&2; exit 1; }

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "Two namespaces joined by veth: client $CADDR  <->  server $SADDR:$PORT"
netns_up || { echo "demo: cannot create namespaces" >&2; exit 1; }
S "$BUILD/echo" server "$PORT" >/dev/null 2>&1 &
wait_listen "$PORT" || { echo "demo: echo server did not start" >&2; exit 1; }

say "sgate attach $SDEV --ports $PORT"
S "$SGATE" attach "$SDEV" --ports "$PORT" || exit 1
S "$SGATE" status

say "A legitimate client, with no attack"
C "$BUILD/echo" client "$SADDR" "$PORT" 20 10 | grep -v '^info'
[ "${PIPESTATUS[0]}" = 0 ] || fail "the client failed without an attack"

say "SYN flood: up to $FLOOD_PACKETS spoofed SYNs in $FLOOD_SECONDS s, while the client connects 50 times"
smac=$(mac_of S "$SDEV")
C "$BUILD/rawsend" "$CDEV" "$smac" "$CADDR" "$SADDR" "$PORT" synflood "$FLOOD_PACKETS" "$FLOOD_SECONDS" &
flood=$!
C "$BUILD/echo" client "$SADDR" "$PORT" 50 20 | grep -v '^info'
client_rc=${PIPESTATUS[0]}
wait $flood || fail "the flood did not run"
[ "$client_rc" = 0 ] || fail "the client failed during the flood"

say "1000 forged final ACKs (random cookies)"
C "$BUILD/rawsend" "$CDEV" "$smac" "$CADDR" "$SADDR" "$PORT" forgedack 1000 5 ||
	fail "the forged ACKs were not sent"

say "The gate's counters (sgate stats $SDEV)"
S "$SGATE" stats "$SDEV"

say "The server's kernel: half-open sockets and its own cookies"
echo "SYN_RECV sockets now:        $(S ss -Htn state syn-recv | wc -l)"
echo "TcpExtSyncookiesSent:        $(tcpext S SyncookiesSent)   (the kernel never had to make one)"
echo "TcpExtListenOverflows:       $(tcpext S ListenOverflows)"
echo "Tcp OutRsts:                 $(tcpsnmp S OutRsts)   (forged ACKs drew no RST)"

say "sgate detach $SDEV; namespaces removed"
S "$SGATE" detach "$SDEV" || fail "detach failed"
