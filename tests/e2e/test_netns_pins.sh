#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Pins and namespace identity (TAP).  Gates are pinned under the network
# namespace's cookie, which is never reused, so a namespace made after one
# was deleted is never told its device is already guarded; and the pins a
# deleted namespace left (its devices, and so its gates' links, went with
# it) are removed by the next attach or status run anywhere.
set -u
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/tap.sh"

pass=0 fail=0 n=0
NS_A=sgNa$$ NS_B=sgNb$$ NS_C=sgNc$$
DEV=sgn$$
LOG=$(mktemp -d /tmp/sgate-netns.XXXXXX)
LINK_IFINDEX=$TOP/tests/tools/link_ifindex.py

verdict() { if [ "$1" = 0 ]; then ok "$2"; else not_ok "$2" "${@:3}"; fi; }

in_ns() { local ns=$1; shift; nsenter --net=/run/netns/"$ns" "$@"; }
# A namespace with a veth pair, DEV up in it.
ns_with_device() {
	ip netns add "$1" &&
		in_ns "$1" ip link add "$DEV" type veth peer name "${DEV}p" &&
		in_ns "$1" ip link set "$DEV" up && in_ns "$1" ip link set "${DEV}p" up
}
guard() { in_ns "$1" "$SGATE" attach "$DEV" --ports 8080 --xdp-mode generic >"$LOG/attach.out" 2>&1; }
cookie_of() { in_ns "$1" python3 -c 'import socket; s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); print(int.from_bytes(s.getsockopt(socket.SOL_SOCKET, 71, 8), "little"))'; }
# The pin directory of DEV's gate in namespace $1 (as that namespace's sgate sees it).
gate_dir_of() { find /sys/fs/bpf/sgate -mindepth 2 -maxdepth 2 -name "$DEV" -newer "$LOG/mark.$1" 2>/dev/null | head -n1; }
# Waits until the namespace's teardown has taken the device from the TC
# link.  (The XDP half, in the device's XDP hook, goes with the device.)
wait_links_dead() {
	local i
	for i in $(seq 100); do
		[ "$("$LINK_IFINDEX" "$1/tc_link" 2>/dev/null)" = 0 ] && return 0
		sleep 0.05
	done
	return 1
}

NS_D=sgNd$$ NS_E=sgNe$$ RACE_ROOT=/sys/fs/bpf/sgate-race$$
cleanup() {
	for ns in "$NS_A" "$NS_B" "$NS_C"; do
		in_ns "$ns" "$SGATE" detach "$DEV" >/dev/null 2>&1
		ip netns del "$ns" 2>/dev/null
	done
	in_ns "$NS_D" "$SGATE" --pin-root "$RACE_ROOT" detach "$DEV" >/dev/null 2>&1
	ip netns del "$NS_D" 2>/dev/null
	ip netns del "$NS_E" 2>/dev/null
	rmdir "$RACE_ROOT"/* "$RACE_ROOT" 2>/dev/null
	rm -rf "$LOG"
}
trap cleanup EXIT

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP netns pin tests need root"
	exit 0
fi
[ -x "$SGATE" ] || { echo "Bail out! $SGATE missing: run make all tests"; exit 1; }
echo "TAP version 13"

# 1. Guard DEV in namespace A, then delete A without detaching.
touch "$LOG/mark.A"
ns_with_device "$NS_A" && guard "$NS_A" || { echo "Bail out! cannot guard a device in a new namespace: $(cat "$LOG/attach.out")"; exit 1; }
dir_a=$(gate_dir_of A)
cookie_a=$(cookie_of "$NS_A")
verdict "$([ "$dir_a" = "/sys/fs/bpf/sgate/$cookie_a/$DEV" ]; echo $?)" \
	"the gate is pinned under the namespace's cookie" "pins at '$dir_a', cookie $cookie_a"
ip netns del "$NS_A"
wait_links_dead "$dir_a" || echo "# the links of $dir_a still hold a device"

# 2. A fresh namespace B with a device of the same name: attach must guard
# it, not call it guarded already; and it removes what A left.
touch "$LOG/mark.B"
ns_with_device "$NS_B" || { echo "Bail out! cannot create namespace $NS_B"; exit 1; }
guard "$NS_B"
rc=$?
verdict "$([ $rc = 0 ]; echo $?)" "a fresh namespace guards a device named as one in a deleted namespace" \
	"attach exit $rc: $(cat "$LOG/attach.out")"
verdict "$([ ! -e "$dir_a" ] && grep -q "removed ${dir_a%/*}" "$LOG/attach.out"; echo $?)" \
	"the next attach removed the pins the deleted namespace left" \
	"$(ls -R "${dir_a%/*}" 2>&1 | head -n5)" "$(cat "$LOG/attach.out")"

# 3. Namespace C guarded and deleted; status in B removes its pins and
# leaves B's gate alone.
touch "$LOG/mark.C"
ns_with_device "$NS_C" && guard "$NS_C" || echo "# guarding in $NS_C failed: $(cat "$LOG/attach.out")"
dir_c=$(gate_dir_of C)
dir_b=/sys/fs/bpf/sgate/$(cookie_of "$NS_B")/$DEV
ip netns del "$NS_C"
wait_links_dead "$dir_c" || echo "# the links of $dir_c still hold a device"
in_ns "$NS_B" "$SGATE" status >"$LOG/status.out" 2>&1
rc=$?
verdict "$([ -n "$dir_c" ] && [ ! -e "$dir_c" ] && [ $rc = 0 ] && [ -e "$dir_b/tc_link" ] &&
	grep -q "^$DEV\$" "$LOG/status.out"; echo $?)" \
	"status removes the pins of a deleted namespace, and only those" \
	"status exit $rc; C's pins: '$dir_c'" "$(cat "$LOG/status.out")"

# 4. A directory under the root that holds anything but gate pins is not
# sgate's to remove, whatever its name.
foreign=/sys/fs/bpf/sgate/9$$$$/gate/not-a-pin
mkdir -p "$foreign"
in_ns "$NS_B" "$SGATE" status >"$LOG/status.out" 2>&1
verdict "$([ -d "$foreign" ]; echo $?)" "status leaves alone a directory that holds more than gate pins" \
	"$(cat "$LOG/status.out")"
rm -rf "/sys/fs/bpf/sgate/9$$$$"

# 5. An attach held between making its namespace's directory and taking the
# pin root's lock (build/stopat, at its first flock) while a status run in
# another namespace, holding the lock, removes that directory: empty, it
# belongs to no live gate.  The attach must still guard its device.
SYS_FLOCK=$(python3 -c 'import platform; print({"x86_64": 73, "aarch64": 32}.get(platform.machine(), ""))')
if [ ! -x "$BUILD/stopat" ] || [ -z "$SYS_FLOCK" ]; then
	ok "attach survives a status run removing its fresh namespace directory # SKIP needs build/stopat on x86_64 or arm64"
else
	ns_with_device "$NS_D" && ip netns add "$NS_E"
	in_ns "$NS_D" "$BUILD/stopat" "$SYS_FLOCK" 1 1500 -- "$SGATE" --pin-root "$RACE_ROOT" attach "$DEV" \
		--ports 8080 --xdp-mode generic >"$LOG/race.out" 2>&1 &
	race_pid=$!
	for i in $(seq 50); do grep -q "^stalled at" "$LOG/race.out" && break; sleep 0.1; done
	in_ns "$NS_E" "$SGATE" --pin-root "$RACE_ROOT" status >"$LOG/race-status.out" 2>&1
	wait "$race_pid"
	rc=$?
	verdict "$([ $rc = 0 ] && in_ns "$NS_D" "$SGATE" --pin-root "$RACE_ROOT" status | grep -q "^$DEV\$"; echo $?)" \
		"attach survives a status run removing its fresh namespace directory" \
		"attach exit $rc: $(cat "$LOG/race.out")" "$(cat "$LOG/race-status.out")"
fi

echo "1..$n"
echo "netns pins: $pass passed, $fail failed"
[ "$fail" = 0 ]
