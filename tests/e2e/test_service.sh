#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# End-to-end: sgate run as a service (TAP).  The config check, readiness
# through sd_notify, key rotation, SIGHUP (a port added in place, a broken
# config refused, a device added and removed) and a restart, all while a
# real client connects throughout: not one connection may fail.
set -u
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/tap.sh"

PORT=8080		# protected from the start
PORT2=8081		# added by SIGHUP
DUMMY=sgd$ID		# a second device, added and removed by SIGHUP (veth: no dummy
			# module may be loadable)
LOG=$(mktemp -d /tmp/sgate-svc.XXXXXX)
CONF=$LOG/sgate.conf
daemon_pid="" notify_pid="" client_pid="" held_pid=""

cleanup() {
	[ -n "$client_pid" ] && kill "$client_pid" 2>/dev/null
	[ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
	[ -n "$notify_pid" ] && kill "$notify_pid" 2>/dev/null
	S "$SGATE" detach "$DUMMY" >/dev/null 2>&1
	netns_down
	rm -rf "$LOG"
}
trap cleanup EXIT

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP end-to-end tests need root"
	exit 0
fi
for f in "$SGATE" "$BUILD/echo" "$BUILD/rawsend" "$BUILD/xdp_pass.bpf.o"; do
	[ -e "$f" ] || { echo "Bail out! $f missing: run make all tests"; exit 1; }
done

netns_up || { echo "Bail out! cannot create namespaces and veth"; exit 1; }
S ip link add "$DUMMY" type veth peer name "sgp$ID" && S ip link set "$DUMMY" up || { echo "Bail out! cannot create a second device"; exit 1; }
S "$BUILD/echo" server "$PORT" >"$LOG/server.out" 2>&1 &
S "$BUILD/echo" server "$PORT2" >"$LOG/server2.out" 2>&1 &
wait_listen "$PORT" && wait_listen "$PORT2" || { echo "Bail out! echo servers did not start"; exit 1; }

# write_conf PORTS WITH_DUMMY DETACH_ON_STOP
write_conf() {
	cat >"$CONF" <<-CONF
	# written by test_service.sh
	key_period = 2
	detach_on_stop = $3

	[device.$SDEV]
	ports = $1
	CONF
	if [ "$2" = 1 ]; then
		printf '\n[device.%s]\nports = [%s]\nxdp_mode = "generic"\n' "$DUMMY" "$PORT" >>"$CONF"
	fi
}

# The daemon's sd_notify messages, one per line, as systemd would get them.
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a") as out:
    while True:
        out.write(s.recv(4096).decode().replace("\n", " ") + "\n")
        out.flush()
' "$LOG/notify.sock" "$LOG/notify.out" &
notify_pid=$!

# wait_for SECONDS COMMAND...: until COMMAND succeeds, at most SECONDS.
wait_for() {
	local i tries=$(($1 * 10))
	shift
	for i in $(seq "$tries"); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

ready_count() { cat "$LOG/notify.out" 2>/dev/null | grep -c 'READY=1'; }
ready_above() { [ "$(ready_count)" -gt "$1" ]; }

# start_daemon: runs sgate run and waits for its next READY=1.  nsenter
# execs it, so $! is the daemon itself (S, a function, would fork a shell).
start_daemon() {
	local before
	before=$(ready_count)
	NOTIFY_SOCKET="$LOG/notify.sock" nsenter --net=/run/netns/"$SNS" \
		"$SGATE" run --config "$CONF" >>"$LOG/daemon.log" 2>&1 &
	daemon_pid=$!
	wait_for 15 ready_above "$before"
}

# hup: SIGHUP, then wait until the daemon says READY=1 again.
hup() {
	local before
	before=$(ready_count)
	kill -HUP "$daemon_pid" && wait_for 15 ready_above "$before"
}

stop_daemon() {
	kill -TERM "$daemon_pid" && wait "$daemon_pid"
	local rc=$?
	daemon_pid=""
	return $rc
}

gate_ports() { S "$SGATE" status | awk -v d="$1" '$1 == d { f = 1; next } /^[^ ]/ { f = 0 } f && /^ *ports:/ { print $2; exit }'; }
# The gate's XDP program id: the same one while the gate is kept, a new one
# when it is attached anew.
xdp_prog() { S "$SGATE" status | awk -v d="$1" '$1 == d { f = 1; next } /^[^ ]/ { f = 0 } f && /^ *xdp:/ { if (match($0, /prog id [0-9]+/)) print substr($0, RSTART + 8, RLENGTH - 8); exit }'; }
same_xdp_prog() { [ -n "$1" ] && [ "$(xdp_prog "$SDEV")" = "$1" ]; }
guarded() { S "$SGATE" status 2>/dev/null | grep -q "^$1\$"; }
serial_above() { [ "$(key_serial)" -gt "$1" ]; }
# held_handshake MS: a handshake whose final ACK leaves MS ms after the
# SYN-ACK came (rawsend), in the background; its result goes to
# $LOG/held.out ("established" once the final ACK made a connection).
held_handshake() {
	C "$BUILD/rawsend" "$CDEV" "$(mac_of S "$SDEV")" "$CADDR" "$SADDR" "$PORT" handshake "$1" \
		>"$LOG/held.out" 2>&1 &
	held_pid=$!
	sleep 0.3	# the SYN-ACK is back: the handshake is in flight
}
held_established() {
	wait "$held_pid"
	grep -q '^result=established' "$LOG/held.out" || { cat "$LOG/held.out"; return 1; }
}
log_has() { grep -q -- "$1" "$LOG/daemon.log"; }

t_check_config() {
	write_conf "[$PORT]" 0 false
	"$SGATE" run --check-config --config "$CONF" || return 1
	printf '[device.%s]\nports = [80,\n  70000]\n' "$SDEV" >"$LOG/bad.conf"
	local out rc
	out=$("$SGATE" run --check-config --config "$LOG/bad.conf" 2>&1)
	rc=$?
	echo "$out"
	[ $rc = 2 ] && echo "$out" | grep -q "bad.conf:3:3: port 70000 is out of range"
}

# The files make install puts in place: the default config passes the check
# as shipped and with its examples uncommented; systemd accepts the unit.
t_shipped_files() {
	"$SGATE" run --check-config --config "$TOP/service/sgate.conf" || return 1
	sed 's/^#\(\[device\|ports\|xdp_mode\|mss\|key_\|metrics\|detach\)/\1/' \
		"$TOP/service/sgate.conf" >"$LOG/example.conf"
	"$SGATE" run --check-config --config "$LOG/example.conf" | grep -q "is valid: eth0, eth1" || return 1
	if command -v scdoc >/dev/null; then
		scdoc <"$TOP/man/sgate.conf.5.scd" >"$LOG/sgate.conf.5" || return 1
	fi
	command -v systemd-analyze >/dev/null || { echo "no systemd-analyze: unit not verified"; return 0; }
	sed "s,/usr/local/sbin/sgate,$SGATE," "$TOP/service/sgate.service" >"$LOG/sgate.service"
	SYSTEMD_LOG_LEVEL=err systemd-analyze verify --man=no "$LOG/sgate.service"
}

# In a mount namespace of its own, a journal socket at the path libsystemd
# sends to; the daemon, with no device to guard, starts and stops once with
# $JOURNAL_STREAM naming its stderr, then once naming something else.
t_journal() {
	cat >"$LOG/journal.sh" <<-'PROBE'
	set -u
	sgate=$1 dir=$2
	mount --make-rprivate / && mkdir -p /run/systemd &&
		mount -t tmpfs tmpfs /run/systemd && mkdir /run/systemd/journal || exit 1
	python3 -c '
	import socket, sys
	s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
	s.bind("/run/systemd/journal/socket")
	open(sys.argv[1] + "/bound", "w").close()
	with open(sys.argv[1] + "/journal.out", "a") as out:
	    while True:
	        out.write(s.recv(65536).decode().replace("\n", "|") + "\n")
	        out.flush()
	' "$dir" &
	listener=$!
	for i in $(seq 50); do [ -e "$dir/bound" ] && break; sleep 0.1; done
	printf '# no device\n' >"$dir/empty.conf"
	for stream in match other; do
		: >"$dir/stderr-$stream"
		js=$(stat -c '%d:%i' "$dir/stderr-$stream")
		[ $stream = other ] && js=1:1
		JOURNAL_STREAM=$js "$sgate" run --config "$dir/empty.conf" 2>>"$dir/stderr-$stream" &
		daemon=$!
		sleep 0.5
		kill -TERM $daemon
		wait $daemon || exit 1
	done
	sleep 0.2
	kill $listener
	PROBE
	mkdir -p "$LOG/journal"
	unshare -m bash "$LOG/journal.sh" "$SGATE" "$LOG/journal" || return 1
	cat "$LOG/journal/journal.out"
	# Under the journal: fields and priorities, nothing on stderr.
	grep -q "^MESSAGE=starting with $LOG/journal/empty.conf: no device|PRIORITY=6|SYSLOG_IDENTIFIER=sgate|SGATE_CONFIG=$LOG/journal/empty.conf|$" "$LOG/journal/journal.out" || return 1
	grep -q "^MESSAGE=stopping on TERM" "$LOG/journal/journal.out" || return 1
	[ ! -s "$LOG/journal/stderr-match" ] || return 1
	# Elsewhere: plain lines on stderr, nothing to the journal.
	[ "$(grep -c MESSAGE= "$LOG/journal/journal.out")" = 2 ] || return 1
	grep -q "^sgate: starting with" "$LOG/journal/stderr-other"
}

t_start() {
	write_conf "[$PORT]" 0 false
	start_daemon || { cat "$LOG/daemon.log"; return 1; }
	cat "$LOG/notify.out"
	grep -q "STATUS=guarding $SDEV" "$LOG/notify.out" || return 1
	[ "$(gate_ports "$SDEV")" = "$PORT" ] || { S "$SGATE" status; return 1; }
	log_has "$SDEV: attached, ports $PORT"
}

t_rotates() {
	local first
	first=$(key_serial)
	echo "serial $first"
	# key_period = 2: a new key every 2 s.
	wait_for 8 serial_above "$((first + 1))"
}

t_hup_port_added() {
	local link before_valid
	link=$(xdp_prog "$SDEV")
	before_valid=$(gate_stat cookie_valid)
	write_conf "[$PORT, $PORT2]" 0 false
	held_handshake 1000
	hup || return 1
	held_established || { echo "the handshake in flight across the SIGHUP was lost"; return 1; }
	[ "$(gate_ports "$SDEV")" = "$PORT-$PORT2" ] || { S "$SGATE" status; return 1; }
	# In place: the same XDP program, so nothing was detached.
	same_xdp_prog "$link" || { echo "XDP program $link replaced"; return 1; }
	log_has "$SDEV: ports now $PORT-$PORT2 (were $PORT)" || return 1
	C "$BUILD/echo" client "$SADDR" "$PORT2" 3 || return 1
	[ "$(gate_stat cookie_valid)" -ge "$((before_valid + 3))" ]
}

t_hup_bad_config() {
	local link
	link=$(xdp_prog "$SDEV")
	printf 'key_period = 2\n\n[device.%s]\nports = [%s]\nmss = 10\n' "$SDEV" "$PORT" >"$CONF"
	hup || return 1
	log_has "the new config is refused, the old one stays: $CONF:5:7: mss 10 is out of range" || { cat "$LOG/daemon.log"; return 1; }
	[ "$(gate_ports "$SDEV")" = "$PORT-$PORT2" ] && same_xdp_prog "$link"
}

t_hup_device_added_removed() {
	write_conf "[$PORT, $PORT2]" 1 false
	hup || return 1
	guarded "$DUMMY" || { S "$SGATE" status; return 1; }
	[ "$(gate_ports "$DUMMY")" = "$PORT" ] || return 1
	write_conf "[$PORT, $PORT2]" 0 false
	hup || return 1
	! guarded "$DUMMY" && guarded "$SDEV" && log_has "$DUMMY: detached"
}

t_restart() {
	local link
	link=$(xdp_prog "$SDEV")
	# Held for less than one key period (2 s), which any cookie outlives.
	held_handshake 1500
	stop_daemon || { echo "exit status $?"; return 1; }
	log_has "the gates stay attached" || return 1
	grep -q STOPPING=1 "$LOG/notify.out" || return 1
	guarded "$SDEV" || { echo "the gate went with the daemon"; return 1; }
	# Down for a moment while the client keeps connecting.
	sleep 0.3
	start_daemon || { cat "$LOG/daemon.log"; return 1; }
	held_established || { echo "the handshake in flight across the restart was lost"; return 1; }
	log_has "$SDEV: adopted the gate already attached, ports $PORT-$PORT2" || return 1
	same_xdp_prog "$link" || return 1
	# The restart must fall within the client's run to prove anything.
	kill -0 "$client_pid" 2>/dev/null || { echo "the client ended before the restart"; return 1; }
}

t_detach_on_stop() {
	write_conf "[$PORT, $PORT2]" 0 true
	hup || return 1
	stop_daemon || return 1
	! guarded "$SDEV" && log_has "the gates were detached"
}

# A gate attached by hand before the daemon starts: adopted with its ports
# changed in place, or attached anew where more than the ports differ.
t_adopt_differing() {
	local link
	write_conf "[$PORT]" 0 false
	S "$SGATE" attach "$SDEV" --ports 9999 --key-period 2 >/dev/null || return 1
	link=$(xdp_prog "$SDEV")
	start_daemon || { cat "$LOG/daemon.log"; return 1; }
	log_has "$SDEV: ports now $PORT (were 9999)" || return 1
	same_xdp_prog "$link" || { echo "re-attached"; return 1; }
	stop_daemon || return 1
	S "$SGATE" detach "$SDEV" >/dev/null || return 1
	S "$SGATE" attach "$SDEV" --ports "$PORT" --xdp-mode generic --key-period 2 >/dev/null || return 1
	link=$(xdp_prog "$SDEV")
	# xdp_mode unset is "auto", which keeps the mode the gate has.
	start_daemon || { cat "$LOG/daemon.log"; return 1; }
	log_has "$SDEV: adopted the gate already attached, ports $PORT" || return 1
	same_xdp_prog "$link" || { echo "re-attached for xdp_mode auto"; return 1; }
	printf 'xdp_mode = "native"\n' >>"$LOG/xdp.conf"
	cat "$CONF" >>"$LOG/xdp.conf"
	mv "$LOG/xdp.conf" "$CONF"
	hup || return 1
	log_has "$SDEV: attaching anew, as the pinned gate differs from the config (XDP generic, the config wants native)" || return 1
	S "$SGATE" status | grep -q "xdp: *native" || return 1
	stop_daemon
}

check "sgate run --check-config accepts a config and names the line of an error" t_check_config
check "the shipped sgate.conf (and its example), sgate.service and sgate.conf(5) are valid" t_shipped_files
check "the log goes to the journal with fields when stderr is its stream" t_journal
check "sgate run attaches the configured device and tells systemd READY=1" t_start
check "the daemon rotates map-mode keys every key period" t_rotates

# A real client from here on, 15 ms apart, over SIGHUPs and a restart.
C "$BUILD/echo" client "$SADDR" "$PORT" 700 15 >"$LOG/client.out" 2>&1 &
client_pid=$!
sleep 1
valid_before=$(gate_stat cookie_valid)

check "SIGHUP adds a port in place: same XDP program, a handshake in flight kept, the new port guarded" t_hup_port_added
check "SIGHUP with a broken config: refused with its line, the old one kept" t_hup_bad_config
check "SIGHUP attaches an added device and detaches a removed one" t_hup_device_added_removed
check "restart (SIGTERM, start): the gate stays, a handshake in flight kept, the new daemon adopts it" t_restart

wait "$client_pid"
client_rc=$?
client_pid=""
verdict "$client_rc" "a client connecting throughout lost no connection: $(tail -n1 "$LOG/client.out")" "$(tail -n3 "$LOG/client.out")"
valid_after=$(gate_stat cookie_valid)
verdict "$([ "$valid_after" -ge "$((valid_before + 100))" ]; echo $?)" \
	"the gate kept verifying cookies throughout ($valid_before -> $valid_after)"

check "detach_on_stop = true: SIGTERM detaches the gates" t_detach_on_stop
check "a pinned gate is adopted: ports changed in place, xdp_mode auto keeps its mode, else attached anew" t_adopt_differing

echo "1..$n"
echo "# daemon log:"
sed 's/^/#   /' "$LOG/daemon.log" | grep -v "keyring serial" | tail -n 20
[ "$fail" = 0 ]
