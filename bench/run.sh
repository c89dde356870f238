#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `sudo make bench`: every benchmark, one run, then the report.
#
#   1. per-packet cost with BPF_PROG_RUN          (bench/pktcost)
#   2. SYN and ACK floods through a veth pair      (bench/flood)
#   3. a legitimate client under a stepped flood   (bench/client, bench/server)
#   4. DTLS ClientHello floods: the gate's HelloVerifyRequests against
#      OpenSSL's DTLSv1_listen()                    (bench/flood, bench/dtls_server)
#
# Raw results go to build/bench/results/, the report to
# Documentation/benchmarks.md and Documentation/bench-*.png (bench/report.py).
# Every flood is bounded in packets and seconds and stays inside namespaces
# this script creates and deletes; nothing outside them is changed.
#
# Environment: BENCH_QUICK=1 for a short smoke run (fewer rounds and steps,
# report written to build/bench/ only); BENCH_PARTS="1 4" runs just those
# parts (the report then has only their sections).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
. tests/lib/netns.sh

B=$BUILD/bench
R=$B/results
F=$B/flood
PORT=8080
DPORT=4433		# the DTLS server's UDP port
BACKLOG=64		# the server's listen backlog, every setup
GEN_CPU=0		# the outside: flood generator, legitimate client
RX_CPU=1		# the server: its veth's receive work, stack, echo server
SPOOF=10.78.0.0		# flood sources: random addresses in this /16
LADDR=10.79.0.2		# the legitimate client
LGW=10.79.0.1
CLIENT_RATE=200		# legitimate connections per second
CLIENT_SECONDS=2.5
CLIENT_TIMEOUT_MS=2000
FLOOD_SECONDS=1.5	# part 2, per measurement
PACED_RATE=200000	# part 2, SYNs/s for the cost per SYN
HELLO_PACED_RATE=20000	# part 4, ClientHellos/s for the cost per ClientHello
FLOOD_MAX_PACKETS=100000000
ROUNDS=3		# part 2, interleaved
PKT_ROUNDS=21		# part 1, interleaved
STEPS="0 100000 300000 1000000 2000000 max"	# part 3, SYNs/s
SETUPS=(sgate cookies2 cookies1 stateful synproxy)
OUT_DOC=Documentation
if [ -n "${BENCH_QUICK:-}" ]; then
	ROUNDS=1
	PKT_ROUNDS=3
	STEPS="0 200000 max"
	OUT_DOC=$B/quick
fi
PY=/usr/bin/python3
CELL=0
PIN=
DTLS_PID=

want() { case " ${BENCH_PARTS:-1 2 3 4} " in *" $1 "*) return 0 ;; esac; return 1; }
say() { printf '\n== %s\n' "$*" >&2; }
die() { echo "bench: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (sudo make bench)"
[ "$(nproc)" -ge 2 ] || die "needs two CPUs: one for the generator, one for the server"
if ! [ -x "$PY" ] || ! "$PY" -c 'import matplotlib' 2>/dev/null; then
	die "needs Debian's python3-matplotlib (make deps installs it)"
fi
make -s -f bench/bench.mk || die "cannot build the benchmark programs"
for f in "$SGATE" "$BUILD/xdp_pass.bpf.o" "$B/pktcost" "$F" "$B/client" "$B/server" "$B/dtls_server"; do
	[ -e "$f" ] || die "$f missing: run make bench (it builds what the runner needs)"
done
if [ -z "$(mount -t bpf 2>/dev/null)" ]; then
	mount -t bpf bpf /sys/fs/bpf || die "cannot mount bpffs"
fi
rm -rf "$R"
mkdir -p "$R" "$OUT_DOC"

L() { nsenter --net=/run/netns/"$LNS" "$@"; }

cell_down() {
	[ -n "$PIN" ] || return 0
	# Devices deleted here, not by the namespaces' deferred cleanup, so
	# their XDP programs leave the kernel's XDP dispatcher (48 programs
	# at most) before the next cell attaches its own.
	S "$SGATE" detach "$SDEV" >/dev/null 2>&1
	ip netns pids "$CNS" 2>/dev/null | xargs -r kill 2>/dev/null
	C ip link del "$CDEV" 2>/dev/null
	C ip link del "sgm$ID" 2>/dev/null
	C ip link del "sgd$ID" 2>/dev/null
	netns_down
	ip netns pids "$LNS" 2>/dev/null | xargs -r kill 2>/dev/null
	ip netns del "$LNS" 2>/dev/null
	rm -rf "$PIN"
	PIN=
	DTLS_PID=
}
trap 'cell_down' EXIT
trap 'cell_down; exit 130' INT TERM

# A fresh pair of namespaces for one measurement, set up as $1:
#   sgate     the gate on the server's veth (tcp_syncookies=1, as it needs)
#   cookies2  the kernel alone, tcp_syncookies=2 (always cookies)
#   cookies1  the kernel alone, tcp_syncookies=1 (cookies once the queue is full)
#   stateful  the kernel alone, tcp_syncookies=0: the SYN queue is all there is
#   synproxy  netfilter SYNPROXY in front of the port, tcp_syncookies=1
#   harness   XDP_DROP on the server's veth: what the test bed itself costs
#   reflect   a trivial XDP_TX reflector there: the bed plus sending replies
#   dtls_sgate    the gate guarding $DPORT for DTLS (and $PORT), with
#                 bench/dtls_server bound behind it
#   dtls_openssl  bench/dtls_server alone: OpenSSL answers every ClientHello
# Every setup but sgate has the counting XDP program on the server's veth
# (veth needs one there to take XDP frames; it also counts what arrives).
#
#   legit ns  $LADDR --veth--  client ns  --veth--  server ns $SADDR
#   (client)                   (generator; both    (server)
#                               reach the server through one CPU map queue)
cell_up() {
	local setup=$1
	CELL=$((CELL + 1))
	ID=$$x$CELL
	SNS=sgS$ID CNS=sgC$ID SDEV=sgs$ID CDEV=sgc$ID LNS=sgL$ID
	PIN=/sys/fs/bpf/sgbench-$ID
	mkdir -p "$PIN" || return 1
	netns_up || return 1
	S ip route add "$SPOOF/16" via "$CADDR" dev "$SDEV" || return 1
	C "$F" count-attach "$CDEV" "$PIN/sink" "$SPOOF" || return 1
	C "$F" hop-setup "$CDEV" "$RX_CPU" "$PIN/cpus" || return 1
	# An idle veth pair that holds the generator's program (flood.c).
	C ip link add sgd$ID type veth peer name sge$ID || return 1
	# The legitimate client's own namespace, routed through the client ns;
	# its frames join the flood's queue (flood legit-attach).  Checksums
	# in full: a partial one would not survive the XDP redirect.
	ip netns add "$LNS" || return 1
	ip link add sgl$ID netns "$LNS" type veth peer name sgm$ID netns "$CNS" || return 1
	L ip link set lo up
	L ip addr add "$LADDR/24" dev sgl$ID
	L ip link set sgl$ID up
	L ethtool -K sgl$ID tx off >/dev/null 2>&1
	C ip addr add "$LGW/24" dev sgm$ID
	C ip link set sgm$ID up
	C sysctl -qw net.ipv4.ip_forward=1
	L ip route add default via "$LGW" || return 1
	S ip route add "${LADDR%.*}.0/24" via "$CADDR" dev "$SDEV" || return 1
	C "$F" legit-attach sgm$ID "$PIN/cpus" "$RX_CPU" "$(mac_of C "$CDEV")" \
		"$(mac_of S "$SDEV")" || return 1
	L ping -c1 -W2 "$LGW" >/dev/null 2>&1
	case $setup in
	sgate)
		S sysctl -qw net.ipv4.tcp_syncookies=1
		S "$SGATE" attach "$SDEV" --ports "$PORT" >/dev/null || return 1 ;;
	dtls_sgate)
		S sysctl -qw net.ipv4.tcp_syncookies=1
		S "$SGATE" attach "$SDEV" --ports "$PORT" --dtls-ports "$DPORT" \
			>/dev/null || return 1 ;;
	dtls_openssl)
		S "$F" count-attach "$SDEV" "$PIN/tap" || return 1 ;;
	cookies2|cookies1|stateful|synproxy)
		local sc=1
		[ "$setup" = cookies2 ] && sc=2
		[ "$setup" = stateful ] && sc=0
		S sysctl -qw net.ipv4.tcp_syncookies=$sc
		S "$F" count-attach "$SDEV" "$PIN/tap" || return 1 ;;
	harness)
		S "$F" count-attach "$SDEV" "$PIN/tap" 10.77.0.0 || return 1 ;;
	reflect)
		S "$F" count-attach "$SDEV" "$PIN/tap" reflect || return 1 ;;
	*)
		return 1 ;;
	esac
	if [ "$setup" = synproxy ]; then
		# The usual SYNPROXY recipe: SYNs untracked, SYNPROXY answers
		# them and checks the final ACK, invalid packets dropped.
		S sysctl -qw net.netfilter.nf_conntrack_tcp_loose=0 || return 1
		S iptables -t raw -A PREROUTING -i "$SDEV" -p tcp --dport "$PORT" \
			--syn -j CT --notrack || return 1
		S iptables -A INPUT -i "$SDEV" -p tcp --dport "$PORT" -m conntrack \
			--ctstate INVALID,UNTRACKED -j SYNPROXY --sack-perm \
			--timestamp --wscale 7 --mss 1460 || return 1
		S iptables -A INPUT -i "$SDEV" -p tcp --dport "$PORT" -m conntrack \
			--ctstate INVALID -j DROP || return 1
	fi
	S taskset -c "$RX_CPU" "$B/server" "$PORT" "$BACKLOG" >/dev/null 2>&1 &
	wait_listen "$PORT"
	DTLS_PID=
	case $setup in
	dtls_*)
		# Not through S(): $! is to be the server itself (nsenter and
		# taskset exec it), which dtls_stop signals.
		nsenter --net=/run/netns/"$SNS" taskset -c "$RX_CPU" \
			"$B/dtls_server" "$SADDR" "$DPORT" >"$R/dtls_server.out" 2>&1 &
		DTLS_PID=$!
		local i
		for ((i = 0; i < 50; i++)); do
			grep -q '^listening' "$R/dtls_server.out" 2>/dev/null && return 0
			sleep 0.1
		done
		return 1 ;;
	esac
}

# bench/dtls_server's last words: its counters (cell_counters reads them).
dtls_stop() {
	[ -n "$DTLS_PID" ] || return 0
	kill -TERM "$DTLS_PID" 2>/dev/null
	wait "$DTLS_PID" 2>/dev/null
	DTLS_PID=
}

# The counters of one cell, as key=value words; $1 is its setup.
cell_counters() {
	local k
	C "$F" count-read "$PIN/sink" | sed 's/\([a-z_]*\)=/sink_\1=/g' | tr '\n' ' '
	[ -e "$PIN/tap" ] && S "$F" count-read "$PIN/tap" | sed 's/\([a-z_]*\)=/tap_\1=/g' | tr '\n' ' '
	case $1 in
	dtls_*)
		sed -n '1p;$p' "$R/dtls_server.out" | sed 's/\([a-z_]*\)=/ossl_\1=/g' | tr '\n' ' ' ;;
	esac
	for k in InSegs OutSegs OutRsts; do printf 'tcp_%s=%s ' "$k" "$(tcpsnmp S "$k")"; done
	for k in SyncookiesSent SyncookiesRecv SyncookiesFailed ListenDrops ListenOverflows TCPReqQFullDrop; do
		printf 'tcpext_%s=%s ' "$k" "$(tcpext S "$k")"
	done
	if [ "${1#dtls_}" = sgate ] && S "$SGATE" stats "$SDEV" --json >"$R/gate.json" 2>/dev/null; then
		"$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
dev = d.get(sys.argv[2]) or next(iter(d.values()))
print(" ".join("gate_%s=%s" % (k, v) for k, v in dev.items() if isinstance(v, int)), end=" ")' "$R/gate.json" "$SDEV"
	fi
}

flood() {	# RATE PACKETS SECONDS MODE: the generator, pinned, in the client ns
	local smac port=$PORT
	smac=$(mac_of S "$SDEV")
	[ "$4" = hello ] && port=$DPORT
	C taskset -c "$GEN_CPU" "$F" gen "$CDEV" "$smac" "$SPOOF" "$SADDR" "$port" \
		"$4" "$1" "$2" "$3" "$RX_CPU" "$PIN/cpus" "sgd$ID"
}

# ---- 1. per-packet cost ----------------------------------------------------
{
	echo "date=$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
	echo "kernel=$(uname -r)"
	echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
	echo "cpus=$(nproc)"
	echo "hypervisor=$(sed -n 's/^Hypervisor vendor:[[:space:]]*//p' <(lscpu 2>/dev/null))"
	echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)"
	echo "clang=$(clang --version | head -n1)"
	echo "libbpf=$(pkg-config --modversion libbpf 2>/dev/null)"
	echo "commit=$(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet HEAD -- bpf include 2>/dev/null || echo +local)"
	echo "rounds=$ROUNDS pkt_rounds=$PKT_ROUNDS"
	echo "steps=$STEPS"
	echo "paced_rate=$PACED_RATE hello_paced_rate=$HELLO_PACED_RATE dtls_port=$DPORT"
	echo "client_rate=$CLIENT_RATE client_seconds=$CLIENT_SECONDS client_timeout_ms=$CLIENT_TIMEOUT_MS backlog=$BACKLOG"
} >"$R/meta.txt"
T0=$(date +%s)

if want 1; then
say "1. per-packet cost (BPF_PROG_RUN, $PKT_ROUNDS interleaved rounds, CPU $RX_CPU)"
taskset -c "$RX_CPU" "$B/pktcost" "$PKT_ROUNDS" >"$R/pktcost.txt" 2>"$R/pktcost.err" ||
	echo "pktcost failed: $(tail -n 3 "$R/pktcost.err")" >&2
grep -c '^batch' "$R/pktcost.txt" >&2
fi

# ---- 2. floods ---------------------------------------------------------------
# One round runs every setup once, the order rotated each round.
rotate() {	# N WORDS...: the words, starting at the Nth
	local n=$1 i
	shift
	local a=("$@")
	for ((i = 0; i < ${#a[@]}; i++)); do printf '%s ' "${a[(i + n) % ${#a[@]}]}"; done
}

if want 2; then
say "2. floods, ${FLOOD_SECONDS}s each, $ROUNDS interleaved rounds"
# syn      SYNs as fast as the generator goes: SYN-ACKs answered under overload
# synpaced SYNs at $PACED_RATE/s, which every setup but the stateful one
#          keeps up with: what the receiving CPU spends per SYN
# ack      ACKs with random cookies as fast as the generator goes
for kind in syn synpaced ack; do
	list=("${SETUPS[@]}" harness reflect)
	rate=0 mode=$kind
	[ "$kind" = ack ] && list=("${SETUPS[@]}")
	[ "$kind" = synpaced ] && rate=$PACED_RATE mode=syn
	for ((r = 0; r < ROUNDS; r++)); do
		for s in $(rotate "$r" "${list[@]}"); do
			if ! cell_up "$s"; then
				echo "kind=$kind setup=$s round=$r error=setup" >>"$R/flood.txt"
				cell_down
				continue
			fi
			out=$(flood "$rate" "$FLOOD_MAX_PACKETS" "$FLOOD_SECONDS" "$mode" 2>&1 | tail -n1)
			sleep 0.3
			echo "kind=$kind setup=$s round=$r $out $(cell_counters "$s")" >>"$R/flood.txt"
			printf '%s/%s/%s: %s\n' "$kind" "$s" "$r" "$out" >&2
			cell_down
		done
	done
done
fi

# ---- 4. DTLS ClientHello floods ---------------------------------------------
# hello       ClientHellos without cookie, as fast as the generator goes: the
#             gate's HelloVerifyRequests against OpenSSL's DTLSv1_listen()
#             on the same CPU, counted where they arrive (the client veth)
# hellopaced  ClientHellos at $HELLO_PACED_RATE/s, which both keep up with:
#             what the receiving CPU spends per ClientHello, OpenSSL's
#             process included
if want 4; then
say "4. DTLS ClientHello floods, ${FLOOD_SECONDS}s each, $ROUNDS interleaved rounds"
for kind in hello hellopaced; do
	rate=0
	[ "$kind" = hellopaced ] && rate=$HELLO_PACED_RATE
	for ((r = 0; r < ROUNDS; r++)); do
		for s in $(rotate "$r" dtls_sgate dtls_openssl harness); do
			if ! cell_up "$s"; then
				echo "kind=$kind setup=$s round=$r error=setup" >>"$R/flood.txt"
				cell_down
				continue
			fi
			out=$(flood "$rate" "$FLOOD_MAX_PACKETS" "$FLOOD_SECONDS" hello 2>&1 | tail -n1)
			sleep 0.3
			dtls_stop
			echo "kind=$kind setup=$s round=$r $out $(cell_counters "$s")" >>"$R/flood.txt"
			printf '%s/%s/%s: %s\n' "$kind" "$s" "$r" "$out" >&2
			cell_down
		done
	done
done
fi

# ---- 3. service quality under attack ---------------------------------------
if want 3; then
say "3. legitimate client under a stepped SYN flood: steps $STEPS"
FIG_FLOOD=$(awk -v c="$CLIENT_SECONDS" -v t="$CLIENT_TIMEOUT_MS" 'BEGIN { print 0.5 + c + t / 1000 }')
n=0
for step in $STEPS; do
	for s in $(rotate "$n" "${SETUPS[@]}"); do
		if ! cell_up "$s"; then
			echo "kind=fig1 setup=$s step=$step error=setup" >>"$R/fig1.txt"
			cell_down
			continue
		fi
		gen=
		if [ "$step" != 0 ]; then
			rate=$step packets=$FLOOD_MAX_PACKETS
			[ "$step" = max ] && rate=0
			[ "$rate" != 0 ] && packets=$(awk -v r="$rate" -v s="$FIG_FLOOD" 'BEGIN { printf "%d", r * s }')
			flood "$rate" "$packets" "$FIG_FLOOD" syn >"$R/gen.out" 2>&1 &
			gen=$!
			sleep 0.5
		fi
		# SCHED_FIFO 1: the generator on the same CPU must not delay it.
		cl=$(L taskset -c "$GEN_CPU" chrt -f 1 "$B/client" "$SADDR" "$PORT" "$CLIENT_RATE" \
			"$CLIENT_SECONDS" "$CLIENT_TIMEOUT_MS" 2>&1 | tail -n1)
		fl="sent=0 seconds=0 pps=0"
		if [ -n "$gen" ]; then
			wait "$gen"
			fl=$(tail -n1 "$R/gen.out")
		fi
		echo "kind=fig1 setup=$s step=$step $cl $fl $(cell_counters "$s")" >>"$R/fig1.txt"
		printf 'fig1 %s %s: %s | %s\n' "$s" "$step" "$cl" "$fl" >&2
		cell_down
	done
	n=$((n + 1))
done
fi

echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$R/meta.txt"
echo "seconds=$(($(date +%s) - T0))" >>"$R/meta.txt"

say "report: $OUT_DOC/benchmarks.md"
"$PY" bench/report.py "$R" "$OUT_DOC" || die "report failed"
