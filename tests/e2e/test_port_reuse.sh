#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# End-to-end: a client reconnecting from the port of a connection the server
# still holds in TIME_WAIT is served as stock Linux serves it (TAP).  The
# server closes first, so its side of the 4-tuple sits in TIME_WAIT; the
# client's next SYN from the same port must reach that socket, which accepts
# it, instead of drawing a cookie whose final ACK the TIME_WAIT socket would
# swallow.
set -u
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/tap.sh"

PORT=8081
CPORT=45678
LOG=$(mktemp -d /tmp/sgate-reuse.XXXXXX)
server=
cleanup() {
	[ -z "$server" ] || { kill "$server"; wait "$server"; } 2>/dev/null
	netns_down
	rm -rf "$LOG"
}
trap cleanup EXIT

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP end-to-end tests need root"
	exit 0
fi
[ -e "$SGATE" ] || { echo "Bail out! $SGATE missing: run make all"; exit 1; }
netns_up || { echo "Bail out! cannot create namespaces and veth"; exit 1; }

# Accepts connections forever; greets each and closes first.
cat >"$LOG/server.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET6)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("::", int(sys.argv[1])))
s.listen(16)
while True:
    c, _ = s.accept()
    c.sendall(b"hello\n")
    c.close()
PY
# connect from ADDR:CPORT, read the greeting to EOF; prints it or the error.
cat >"$LOG/client.py" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.settimeout(3)
s.bind((sys.argv[1], int(sys.argv[4])))
try:
    s.connect((sys.argv[2], int(sys.argv[3])))
    data = b""
    while True:
        chunk = s.recv(100)
        if not chunk:
            break
        data += chunk
    print(data.decode().strip() or "empty")
except Exception as e:
    print(type(e).__name__)
s.close()
PY
S python3 "$LOG/server.py" "$PORT" &
server=$!
wait_listen "$PORT" || { echo "Bail out! server did not start"; exit 1; }
S "$SGATE" attach "$SDEV" --ports "$PORT" >/dev/null || { echo "Bail out! attach failed"; exit 1; }

first=$(C python3 "$LOG/client.py" "$CADDR" "$SADDR" "$PORT" "$CPORT")
sleep 0.3
tw=$(S ss -Htan state time-wait "( sport = :$PORT and dport = :$CPORT )" | wc -l)
[ "$first" = hello ] && [ "$tw" = 1 ]
verdict $? "a first connection through the gate; the server, which closed first, holds it in TIME_WAIT" \
	"client: $first; TIME_WAIT sockets for the 4-tuple: $tw"

e0=$(gate_stat pass_established)
again=$(C python3 "$LOG/client.py" "$CADDR" "$SADDR" "$PORT" "$CPORT")
[ "$again" = hello ] && [ "$(gate_stat pass_established)" -gt "$e0" ]
verdict $? "reconnecting from the same port at once is served: the SYN went to the TIME_WAIT socket" \
	"client: $again; pass_established $e0 -> $(gate_stat pass_established)" \
	"$(S "$SGATE" stats "$SDEV" | grep -v ' 0$')"

echo "1..$n"
echo "port-reuse: $pass passed, $fail failed"
[ "$fail" = 0 ]
