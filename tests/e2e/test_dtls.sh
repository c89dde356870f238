#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# End-to-end DTLS (TAP): unmodified clients (openssl s_client, gnutls-cli)
# through the gate to tests/tools/dtls_echo, over IPv4 and IPv6, and a
# bounded flood of spoofed ClientHellos that never reaches the server.
set -u
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/tap.sh"

PORT=4433
FLOOD=2000
skip=0
LOG=$(mktemp -d /tmp/sgate-dtls.XXXXXX)

cleanup() { netns_down; rm -rf "$LOG"; }
trap cleanup EXIT

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP end-to-end tests need root"
	exit 0
fi
/usr/bin/python3 -c 'import scapy' 2>/dev/null || { echo "1..0 # SKIP scapy is missing: apt-get install -y python3-scapy"; exit 0; }
for tool in openssl gnutls-cli; do
	command -v "$tool" >/dev/null || { echo "1..0 # SKIP $tool is missing: apt-get install -y libssl-dev gnutls-bin"; exit 0; }
done
for f in "$SGATE" "$BUILD/dtls_echo" "$BUILD/xdp_pass.bpf.o"; do
	[ -e "$f" ] || { echo "Bail out! $f missing: run make all tests"; exit 1; }
done

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
	-subj /CN=sgate-dtls-test -keyout "$LOG/key.pem" -out "$LOG/cert.pem" >/dev/null 2>&1 ||
	{ echo "Bail out! cannot make a test certificate"; exit 1; }

netns_up || { echo "Bail out! cannot create namespaces and veth"; exit 1; }
# SGATE_TEST_XDP_HOOK: --xdp-hook for the attach (the VM suite's module mode
# run uses "alone", as for test_gate.sh).
S "$SGATE" attach "$SDEV" --dtls-ports "$PORT" ${SGATE_TEST_XDP_HOOK:+--xdp-hook "$SGATE_TEST_XDP_HOOK"} \
	>"$LOG/attach.out" 2>&1 ||
	{ cat "$LOG/attach.out"; echo "Bail out! attach --dtls-ports failed"; exit 1; }
S "$BUILD/dtls_echo" "$SADDR" "$PORT" "$LOG/cert.pem" "$LOG/key.pem" >"$LOG/echo4.out" 2>&1 &
S "$BUILD/dtls_echo" "$SADDR6" "$PORT" "$LOG/cert.pem" "$LOG/key.pem" >"$LOG/echo6.out" 2>&1 &
for i in $(seq 50); do
	grep -q listening "$LOG/echo4.out" && grep -q listening "$LOG/echo6.out" && break
	sleep 0.1
done

# The newest client line of an echo server's log.
last_client() { grep '^client ' "$1" | tail -n1; }
clients() { grep -c '^client ' "$1"; }

# One handshake and one echoed line; $1 the client, $2 the address.
exchange() {
	local client=$1 addr=$2 log=$LOG/echo4.out word out n hvr
	[ "${addr#*:}" != "$addr" ] && log=$LOG/echo6.out
	word=ping-$client-$RANDOM
	n=$(clients "$log")
	hvr=$(gate_stat dtls_hvr_sent)
	case $client in
	openssl)
		out=$( (echo "$word"; sleep 1) | C timeout 10 openssl s_client -dtls1_2 -quiet \
			-connect "$( [ "${addr#*:}" != "$addr" ] && echo "[$addr]" || echo "$addr"):$PORT" 2>&1) ;;
	gnutls)
		out=$( (echo "$word"; sleep 1) | C timeout 10 gnutls-cli --udp --insecure \
			--port "$PORT" "$addr" 2>&1) ;;
	esac
	echo "$out" | grep -q "^$word" || { echo "no echo of $word:"; echo "$out" | tail -n 8; return 1; }
	[ "$(clients "$log")" -gt "$n" ] || { echo "the server saw no client"; return 1; }
	last_client "$log"
	# The gate answered the first ClientHello; the server read only the
	# one with the gate's cookie, and checked it with the gate's keys.
	last_client "$log" | grep -q 'after 1 ClientHellos, gate keys yes' || return 1
	[ "$(gate_stat dtls_hvr_sent)" -gt "$hvr" ] || { echo "dtls_hvr_sent did not move"; return 1; }
	[ "$(gate_stat dtls_cookie_valid)" -gt 0 ] || { echo "dtls_cookie_valid is 0"; return 1; }
}

t_status() {
	S "$SGATE" status | grep -q "^  dtls ports: *$PORT\$" || { S "$SGATE" status; return 1; }
	[ "$(S "$SGATE" status --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["gates"][0]["config"]["dtls_ports"])')" = "$PORT" ]
}

check "status shows the DTLS ports" t_status

# The key mode the caller asks for (selftests/sgate/test_dtls_module.sh runs
# these tests in module mode): the cookies are then sgate.ko's.
t_key_mode() {
	S "$SGATE" status | grep -qi "key mode:.*$SGATE_TEST_KEY_MODE" || { S "$SGATE" status; return 1; }
}
[ -n "${SGATE_TEST_KEY_MODE:-}" ] && check "key mode is $SGATE_TEST_KEY_MODE" t_key_mode
check "openssl s_client -dtls1_2 through the gate, IPv4" exchange openssl "$SADDR"
check "openssl s_client -dtls1_2 through the gate, IPv6" exchange openssl "$SADDR6"
check "gnutls-cli --udp through the gate, IPv4" exchange gnutls "$SADDR"
check "gnutls-cli --udp through the gate, IPv6" exchange gnutls "$SADDR6"

# Bytes a device in a namespace has received and sent.
# (/proc/net/dev is the namespace's own; /sys is not remounted by nsenter.)
dev_bytes() { "$1" awk -v d="$2:" -v k="$3" '$1 == d { print (k == "rx" ? $2 : $10) }' /proc/net/dev; }

t_flood() {
	local addr=$1 log=$LOG/echo4.out smac sent rx0 rx1 hvr0 bad0 answered dg0
	[ "${addr#*:}" != "$addr" ] && log=$LOG/echo6.out
	smac=$(mac_of S "$SDEV")
	hvr0=$(gate_stat dtls_hvr_sent)
	bad0=$(gate_stat dtls_hvr_bad_cookie)
	rx0=$(dev_bytes C "$CDEV" rx)
	n0=$(clients "$log")
	sent=$(C "$TOP/tests/tools/dtls_flood.py" "$CDEV" "$smac" "$addr" "$PORT" "$FLOOD") ||
		{ echo "flood failed: $sent"; return 1; }
	sleep 0.5
	rx1=$(dev_bytes C "$CDEV" rx)
	answered=$(( $(gate_stat dtls_hvr_sent) - hvr0 + $(gate_stat dtls_hvr_bad_cookie) - bad0 ))
	echo "flood: $FLOOD ClientHellos, $sent bytes sent; $answered answered, $((rx1 - rx0)) bytes back"
	[ "$answered" -ge "$FLOOD" ] || { echo "the gate answered fewer than the flood"; return 1; }
	[ $((rx1 - rx0)) -le "$sent" ] || { echo "the gate sent more bytes than it received"; return 1; }
	# A legitimate client still completes, and the server read nothing of
	# the flood: its listen loop read one datagram, the client's.
	exchange openssl "$addr" || return 1
	[ "$(clients "$log")" = $((n0 + 1)) ] || { echo "the server accepted other clients"; return 1; }
}

check "spoofed ClientHello flood never reaches the server, IPv4" t_flood "$SADDR"
check "spoofed ClientHello flood never reaches the server, IPv6" t_flood "$SADDR6"

# Without the gate the server fails closed: it issues and checks cookies of
# its own (a key of its own), and clients still complete.
t_no_gate() {
	local out word=ping-alone-$RANDOM
	S "$SGATE" detach "$SDEV" || return 1
	sleep 1.1	# the server looks for its gate at most once a second
	out=$( (echo "$word"; sleep 1) | C timeout 10 openssl s_client -dtls1_2 -quiet \
		-connect "$SADDR:$PORT" 2>&1)
	echo "$out" | grep -q "^$word" || { echo "no echo:"; echo "$out" | tail -n 8; return 1; }
	last_client "$LOG/echo4.out"
	# Its own HelloVerifyRequest, then the ClientHello with its cookie.
	last_client "$LOG/echo4.out" | grep -q 'after 2 ClientHellos, gate keys no'
}

check "without the gate the server checks cookies of its own" t_no_gate

echo "1..$n"
echo "e2e: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
