# SPDX-License-Identifier: GPL-2.0
# A throwaway pair of network namespaces joined by veth, the gate on the
# server's side (sourced): for the end-to-end tests, the module's selftests,
# the demo and the benchmarks.
#
#   client ns  $CDEV 10.77.0.1 fd77::1  <-- veth -->  $SDEV 10.77.0.2 fd77::2  server ns
#
# Commands run in a namespace through nsenter, which keeps the host's mount
# namespace; sgate under `ip netns exec` is tests/e2e/test_netns_exec.sh's.

TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
SGATE=${SGATE:-$BUILD/sgate}
ID=${ID:-$$}
SNS=sgS$ID
CNS=sgC$ID
SDEV=sgs$ID
CDEV=sgc$ID
SADDR=10.77.0.2
CADDR=10.77.0.1
SADDR6=fd77::2
CADDR6=fd77::1

S() { nsenter --net=/run/netns/"$SNS" "$@"; }
C() { nsenter --net=/run/netns/"$CNS" "$@"; }

netns_up() {
	ip netns add "$SNS" || return 1
	ip netns add "$CNS" || return 1
	ip link add "$SDEV" netns "$SNS" type veth peer name "$CDEV" netns "$CNS" || return 1
	netns_addresses
	# veth delivers XDP_TX frames only to a peer that runs XDP itself.
	C ip link set dev "$CDEV" xdp obj "$BUILD/xdp_pass.bpf.o" sec xdp || return 1
	netns_settle
}

# netns_up_devs CLIENT_DEV SERVER_DEV: the same pair of namespaces around two
# devices that already exist, e.g. emulated NICs wired back to back in the
# VM; they are moved in and renamed $CDEV and $SDEV.  Deleting the
# namespaces (netns_down) gives them back to the initial one.
netns_up_devs() {
	local i
	ip netns add "$SNS" || return 1
	ip netns add "$CNS" || return 1
	ip link set dev "$1" netns "$CNS" || return 1
	C ip link set dev "$1" name "$CDEV" || return 1
	ip link set dev "$2" netns "$SNS" || return 1
	S ip link set dev "$2" name "$SDEV" || return 1
	netns_addresses
	# A NIC negotiates its link after it comes up.
	for i in $(seq 100); do
		# (/sys under nsenter is still the initial namespace's.)
		C ip -br link show dev "$CDEV" | grep -q ' UP ' &&
			S ip -br link show dev "$SDEV" | grep -q ' UP ' && break
		sleep 0.1
	done
	netns_settle
}

netns_addresses() {
	S ip link set lo up
	C ip link set lo up
	S ip addr add "$SADDR/16" dev "$SDEV"
	C ip addr add "$CADDR/16" dev "$CDEV"
	S ip addr add "$SADDR6/64" dev "$SDEV" nodad
	C ip addr add "$CADDR6/64" dev "$CDEV" nodad
	S ip link set "$SDEV" up
	C ip link set "$CDEV" up
}

# Let neighbour discovery settle before anything is measured.
netns_settle() {
	C ping -c1 -W2 "$SADDR" >/dev/null 2>&1
	C ping -6 -c1 -W2 "$SADDR6" >/dev/null 2>&1
	return 0
}

netns_down() {
	S "$SGATE" detach "$SDEV" >/dev/null 2>&1
	ip netns pids "$SNS" 2>/dev/null | xargs -r kill 2>/dev/null
	ip netns pids "$CNS" 2>/dev/null | xargs -r kill 2>/dev/null
	ip netns del "$SNS" 2>/dev/null
	ip netns del "$CNS" 2>/dev/null
	return 0
}

# MAC address of a device in a namespace.
mac_of() { "$1" cat /sys/class/net/"$2"/address 2>/dev/null || "$1" ip -br link show "$2" | awk '{print $3}'; }

# A TcpExt counter (e.g. SyncookiesSent) or Tcp counter (e.g. OutRsts) in ns.
tcpext() { "$1" awk -v k="$2" '/^TcpExt:/ { if (!h) { split($0, n); h = 1 } else { split($0, v); for (i in n) if (n[i] == k) print v[i] } }' /proc/net/netstat; }
tcpsnmp() { "$1" awk -v k="$2" '/^Tcp:/ { if (!h) { split($0, n); h = 1 } else { split($0, v); for (i in n) if (n[i] == k) print v[i] } }' /proc/net/snmp; }

# The serial of the key ring this device's gate uses: its map ring
# ("keyring:") or, in module mode, sgate.ko's ring ("module ring:").
# status lists every gate in the netns: read this device's lines only.
key_serial() { S "$SGATE" status | awk -v d="$SDEV" '$1 == d { f = 1; next } /^[^ ]/ { f = 0 } f && /^ *(keyring|module ring): *serial / { sub(/.*serial /, ""); sub(/,.*/, ""); print; exit }'; }

# One gate counter, from the agent's JSON.
gate_stat() {
	S "$SGATE" stats "$SDEV" --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
dev = next(iter(d.values())) if sys.argv[2] not in d else d[sys.argv[2]]
print(dev[sys.argv[1]])' "$1" "$SDEV"
}

# Window scale the gate keeps for a client that offered ws (cookie.h).
ws_rounded() {
	local ws=$1
	if [ "$ws" -ge 10 ]; then echo 10
	elif [ "$ws" -ge 8 ]; then echo 8
	elif [ "$ws" -ge 6 ]; then echo 6
	else echo none; fi
}

# Wait until a TCP port listens in the server namespace.
wait_listen() {
	local i
	for i in $(seq 50); do
		S ss -Hltn "sport = :$1" | grep -q LISTEN && return 0
		sleep 0.1
	done
	return 1
}
