#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# End-to-end: sgate under 'ip netns exec' and in a container (TAP).
#
# ip netns exec gives its command a private mount namespace with /sys
# remounted, so no bpf filesystem at /sys/fs/bpf.  Every command must work
# there, the gate must outlive that namespace, and the host (nsenter --net)
# must see and manage it.  In a container (a mount and a PID namespace of its
# own) whose /sys/fs/bpf is not the host's, attach is refused with the cause
# and the fix; with the host's bpf filesystem bind-mounted in and named by
# --pin-root, the gate outlives the container and the host manages it.
set -u
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/tap.sh"

PORT=8080
LOG=$(mktemp -d /tmp/sgate-netnsexec.XXXXXX)
HOSTBPF=$LOG/hostbpf
cleanup() {
	netns_down
	rm -rf "$LOG"
}
trap cleanup EXIT

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP end-to-end tests need root"
	exit 0
fi
for f in "$SGATE" "$BUILD/echo"; do
	[ -e "$f" ] || { echo "Bail out! $f missing: run make all tests"; exit 1; }
done
if [ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" != bpf_fs ]; then
	echo "1..0 # SKIP the host has no bpf filesystem at /sys/fs/bpf"
	exit 0
fi
netns_up || { echo "Bail out! cannot create namespaces and veth"; exit 1; }
S "$BUILD/echo" server "$PORT" >/dev/null 2>&1 &
wait_listen "$PORT" || { echo "Bail out! server did not start"; exit 1; }

X() { ip netns exec "$SNS" "$SGATE" "$@"; }
cookie=$(S python3 -c 'import socket; s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); print(int.from_bytes(s.getsockopt(socket.SOL_SOCKET, 71, 8), "little"))')
PINS=/sys/fs/bpf/sgate/$cookie/$SDEV
host_guards() { S "$SGATE" status >"$LOG/host_status" 2>&1 && grep -q "^$SDEV\$" "$LOG/host_status" && [ -e "$PINS/tc_link" ]; }
handshakes() {
	local out
	out=$(C timeout 10 "$BUILD/echo" client "$SADDR" "$PORT" 3 2>&1)
	echo "$out" | grep -q "^summary ok=3 fail=0"
}

ip netns exec "$SNS" sh -c '[ "$(stat -f -c %T /sys/fs/bpf)" != bpf_fs ]'
verdict $? "ip netns exec shows no bpf filesystem at /sys/fs/bpf (the case at hand)"

# 1. Every command under ip netns exec; each run's mount namespace ends
# with it.
X attach "$SDEV" --ports "$PORT" >"$LOG/attach.out" 2>&1
verdict $? "attach under ip netns exec" "$(cat "$LOG/attach.out")"
host_guards
verdict $? "the gate outlives ip netns exec: the host sees it, pinned in its bpf filesystem" \
	"$(S "$SGATE" status 2>&1)" "$(ls "$PINS" 2>&1)"
before=$(gate_stat cookie_valid)
handshakes && [ "$(gate_stat cookie_valid)" -ge $((before + 3)) ]
verdict $? "handshakes complete through the gate, verified by it"
out=$(X status 2>&1) && echo "$out" | grep -q "^$SDEV\$" && echo "$out" | grep -q "xdp: *native"
verdict $? "status under ip netns exec shows the gate" "$out"
out=$(X stats "$SDEV" --json 2>&1) &&
	echo "$out" | python3 -c 'import json, sys; d = json.load(sys.stdin); sys.exit(0 if d[sys.argv[1]]["cookie_valid"] >= 3 else 1)' "$SDEV"
verdict $? "stats under ip netns exec reads the gate's counters" "$out"
serial=$(key_serial)
out=$(X rotate 2>&1) && [ "$(key_serial)" = $((serial + 1)) ]
verdict $? "rotate under ip netns exec; the host sees the new key ring" "$out" "serial $serial -> $(key_serial)"
out=$(X keys "$SDEV" 2>&1) && echo "$out" | grep -q "serial $((serial + 1))"
verdict $? "keys under ip netns exec lists the ring" "$out"
handshakes
verdict $? "handshakes still complete after the rotation"
out=$(X detach "$SDEV" 2>&1) && ! S "$SGATE" status 2>&1 | grep -q "^$SDEV\$" && [ ! -e "$PINS" ] &&
	! S ip link show dev "$SDEV" | grep -q "prog/xdp"
verdict $? "detach under ip netns exec removes the gate, as the host sees it" "$out" "$(S "$SGATE" status 2>&1)"

# 2. A gate the host made, managed under ip netns exec, and the other way.
S "$SGATE" attach "$SDEV" --ports "$PORT" >"$LOG/attach.out" 2>&1 &&
	X status 2>&1 | grep -q "^$SDEV\$" && X detach "$SDEV" >/dev/null 2>&1 && [ ! -e "$PINS" ]
verdict $? "a gate attached from the host is seen and detached under ip netns exec" "$(cat "$LOG/attach.out")"
X attach "$SDEV" --ports "$PORT" >"$LOG/attach.out" 2>&1 && S "$SGATE" detach "$SDEV" >/dev/null 2>&1 &&
	[ ! -e "$PINS" ]
verdict $? "a gate attached under ip netns exec is detached from the host" "$(cat "$LOG/attach.out")"

# 3. A container: mount and PID namespaces of its own, the network namespace
# joined with nsenter; the host's bpf filesystem unmounted, or covered.
in_container() {
	unshare --mount --propagation private --pid --fork --mount-proc \
		sh -c "$1 && exec nsenter --net=/run/netns/$SNS $SGATE ${2:-} attach $SDEV --ports $PORT"
}
for hide in "umount /sys/fs/bpf" "mount -t tmpfs tmpfs /sys/fs/bpf"; do
	in_container "$hide" >"$LOG/container.out" 2>&1
	rc=$?
	[ $rc = 1 ] && grep -q "bind-mount the host's bpf filesystem into the container" "$LOG/container.out" &&
		grep -q -- "--pin-root" "$LOG/container.out" && ! host_guards &&
		! S ip link show dev "$SDEV" | grep -q "prog/xdp"
	verdict $? "in a container where '$hide' hides the host's bpf filesystem, attach is refused, naming the fix; nothing attached" \
		"exit $rc: $(cat "$LOG/container.out")"
done
# The fix it names: the host's bpf filesystem bind-mounted into the container.
mkdir -p "$HOSTBPF"
in_container "mount --bind /sys/fs/bpf $HOSTBPF && mount -t tmpfs tmpfs /sys/fs/bpf" \
	"--pin-root $HOSTBPF/sgate" >"$LOG/container.out" 2>&1
verdict $? "in a container given the host's bpf filesystem, attach with --pin-root works" \
	"$(cat "$LOG/container.out")"
host_guards && handshakes
verdict $? "the gate outlives the container: the host sees it, handshakes complete" \
	"$(S "$SGATE" status 2>&1)"
check "the host detaches the container's gate" S "$SGATE" detach "$SDEV"

echo "1..$n"
echo "netns-exec: $pass passed, $fail failed"
[ "$fail" = 0 ]
