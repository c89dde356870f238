# shellcheck shell=sh
# Helpers shared by mkinitramfs.sh and run.sh (sourced, not run).

# Exit status meaning "skipped" (automake / kselftest runner convention).
VM_SKIP=77

skip() {
	echo "SKIP: $*"
	exit "$VM_SKIP"
}

# kernel_version IMAGE: the release string (uname -r) of an x86 bzImage, read
# from its setup header: "HdrS" at 0x202, and at 0x20e a pointer (minus 0x200)
# to the version string.  Falls back to file(1).  Prints nothing on failure.
kernel_version() {
	_img=$1
	_magic=$(dd if="$_img" bs=1 skip=514 count=4 2>/dev/null) || _magic=
	if [ "$_magic" = HdrS ]; then
		_off=$(od -An -tu2 -j 526 -N 2 "$_img" 2>/dev/null | tr -d ' ')
		if [ -n "$_off" ] && [ "$_off" -gt 0 ]; then
			dd if="$_img" bs=1 skip=$((_off + 512)) count=128 2>/dev/null |
				tr '\0' '\n' | head -n 1 | cut -d ' ' -f 1
			return 0
		fi
	fi
	if command -v file >/dev/null 2>&1; then
		file -b "$_img" | sed -n 's/.*, version \([^ ,]*\).*/\1/p'
	fi
}

# default_kernel: $SGATE_VM_KERNEL, else the newest /boot/vmlinuz-*.
default_kernel() {
	if [ -n "${SGATE_VM_KERNEL:-}" ]; then
		echo "$SGATE_VM_KERNEL"
		return 0
	fi
	# shellcheck disable=SC2012  # names are plain version strings
	ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1
}

# find_busybox: a statically linked busybox ($SGATE_VM_BUSYBOX, or
# busybox-static's /bin/busybox).  Prints nothing when there is none.
find_busybox() {
	for _bb in ${SGATE_VM_BUSYBOX:-} /bin/busybox /usr/bin/busybox "$(command -v busybox 2>/dev/null)"; do
		if [ -z "$_bb" ] || [ ! -x "$_bb" ]; then continue; fi
		if command -v file >/dev/null 2>&1; then
			case $(file -bL "$_bb") in
			*"statically linked"* | *"static-pie linked"*) ;;
			*) continue ;;
			esac
		elif command -v ldd >/dev/null 2>&1 && ldd "$_bb" >/dev/null 2>&1; then
			continue # ldd succeeds only on dynamic executables
		fi
		echo "$_bb"
		return 0
	done
}

# ---- emulated NICs (run.sh --nic-pair) -------------------------------------
# A pair is two NICs of one QEMU model joined back to back.  In the guest the
# MAC address tells them apart: 52:54:00:5e:PP:01 is the client's side and
# 52:54:00:5e:PP:02 the server's, PP the pair's number (01, 02, ...) in the
# order the pairs were asked for.

# nic_mac PAIR SIDE: SIDE 1 (client) or 2 (server).
nic_mac() {
	printf '52:54:00:5e:%02x:%02x\n' "$1" "$2"
}

# nic_tap PAIR SIDE: the host-side tap of a multiqueue pair (in the VM's
# private network namespace, so the name cannot collide with anyone's).
nic_tap() {
	echo "sgvm$1s$2"
}

# nic_pair_args PAIR MODEL QUEUES DIR: QEMU's arguments for one pair, one a
# line.  One queue: a dgram netdev over two unix datagram sockets in DIR,
# the run's private directory, so parallel runs share nothing, and the
# sender waits for a full receiver instead of dropping.  More queues: dgram
# has no queues, so a multiqueue tap on each side (see nic_tap_setup).
nic_pair_args() {
	_p=$1 _model=$2 _q=$3 _dir=$4
	for _s in 1 2; do
		_o=$((3 - _s))
		if [ "$_q" -gt 1 ]; then
			echo "-netdev"
			echo "tap,id=nic$_p.$_s,ifname=$(nic_tap "$_p" "$_s"),script=no,downscript=no,vhost=off,queues=$_q"
			# One vector per queue each way, plus config and control.
			echo "-device"
			echo "$_model,netdev=nic$_p.$_s,mac=$(nic_mac "$_p" "$_s"),mq=on,vectors=$((2 * _q + 2))"
		else
			echo "-netdev"
			echo "dgram,id=nic$_p.$_s,local.type=unix,local.path=$_dir/nic$_p.$_s,remote.type=unix,remote.path=$_dir/nic$_p.$_o"
			echo "-device"
			echo "$_model,netdev=nic$_p.$_s,mac=$(nic_mac "$_p" "$_s")"
		fi
	done
}

# nic_tap_setup PAIR...: shell commands, run in the VM's private network
# namespace before QEMU starts, that make each pair's two multiqueue taps and
# wire them together with a bridge.  IPv6 is off there so the host side adds
# no packets of its own to the wire.
nic_tap_setup() {
	echo "set -e"
	echo "ip link set lo up"
	echo "echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6"
	for _p in "$@"; do
		echo "ip link add sgvm${_p}br type bridge"
		for _s in 1 2; do
			echo "ip tuntap add dev $(nic_tap "$_p" "$_s") mode tap multi_queue"
			# A flood through a slow guest: queue rather than drop.
			echo "ip link set $(nic_tap "$_p" "$_s") txqueuelen 10000 master sgvm${_p}br up"
		done
		echo "ip link set sgvm${_p}br up"
	done
	echo 'exec "$@"'
}
