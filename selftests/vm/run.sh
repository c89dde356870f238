#!/bin/bash
# run.sh — run one command as root in a QEMU VM booting a test kernel.
#
#   selftests/vm/run.sh [options] -- COMMAND [ARG]...
#
# The guest's root file system is the host's root, read-only over virtio-9p;
# the project tree is mounted read-write at its host path, so host tools and
# freshly built test programs run unchanged.  The console goes to stdout and
# to the log.  See Documentation/selftests-vm.md.
#
# Options:
#   --timeout SECONDS   kill the VM after this long; a hang (default 600,
#                       or $SGATE_VM_TIMEOUT)
#   --kernel IMAGE      bzImage to boot (default $SGATE_VM_KERNEL, else the
#                       newest /boot/vmlinuz-*)
#   --kver VERSION      its version, if it cannot be read from the image
#   --modules-root DIR  its modules are in DIR/lib/modules/VERSION, not the
#                       host's /lib/modules/VERSION: ship them in the initramfs
#   --append ARGS       extra kernel command line arguments
#   --mem SIZE          guest memory (default 1G)
#   --smp N             guest CPUs (default 2)
#   --log FILE          console log (default build/vm/console.log)
#   --nic-pair MODEL[,queues=N]
#                       two emulated NICs of QEMU model MODEL (virtio-net-pci,
#                       vmxnet3, e1000, e1000e, ...) joined back to back; MACs
#                       52:54:00:5e:PP:01 (client side) and :02 (server side),
#                       PP counting the pairs from 01.  queues=N (virtio-net)
#                       runs QEMU in a network namespace of its own, which
#                       needs root or user namespaces.  Repeatable.
#
# Exit status: COMMAND's own status when the VM ran it and ended cleanly;
# 77 with a "SKIP:" line when QEMU, the kernel, busybox or the 9p modules are
# missing; otherwise one "sgate-vm: FAIL: ..." line and
#   123 kernel crash or warning in the console (panic, BUG:, Oops:, WARNING:)
#   124 hang: the timeout fired
#   122 the guest never reported an exit status (setup failed, died early)
#   121 QEMU failed
# Environment: SGATE_VM_BUILD (cache dir, default build/vm), SGATE_VM_QEMU,
# SGATE_VM_ACCEL (default tcg,thread=multi,tb-size=64), SGATE_VM_BUSYBOX.
set -eu

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=selftests/vm/lib.sh
. "$here/lib.sh"
root=$(cd "$here/../.." && pwd -P)

usage() {
	sed -n '2,/^set -eu/{/^set -eu/d;s/^# \{0,1\}//;p}' "$0" >&2
	exit 2
}

timeout_s=${SGATE_VM_TIMEOUT:-600}
kernel='' kver='' modroot='' append='' mem=1G smp=2 log=''
nics=()
while [ $# -gt 0 ]; do
	case $1 in
	--timeout | --kernel | --kver | --modules-root | --append | --mem | --smp | --log | --nic-pair)
		[ $# -ge 2 ] || usage ;;&
	--timeout) timeout_s=$2; shift 2 ;;
	--kernel) kernel=$2; shift 2 ;;
	--kver) kver=$2; shift 2 ;;
	--modules-root) modroot=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--log) log=$2; shift 2 ;;
	--nic-pair) nics+=("$2"); shift 2 ;;
	-h | --help) usage ;;
	--) shift; break ;;
	-*) echo "run.sh: unknown option $1" >&2; usage ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || usage
case $timeout_s in '' | *[!0-9]*) echo "run.sh: --timeout wants whole seconds" >&2; exit 2 ;; esac

build=${SGATE_VM_BUILD:-$root/build/vm}
log=${log:-$build/console.log}
qemu=${SGATE_VM_QEMU:-qemu-system-x86_64}
accel=${SGATE_VM_ACCEL:-tcg,thread=single,tb-size=64}
cpu=${SGATE_VM_CPU:-max}
read -r -a qextra <<<"${SGATE_VM_QEMU_ARGS:-}"

# ---- requirements: anything missing is a SKIP, never a pass ----------------
command -v "$qemu" >/dev/null 2>&1 || skip "$qemu not found (apt-get install qemu-system-x86)"
command -v timeout >/dev/null 2>&1 || skip "timeout(1) not found (coreutils)"
[ -n "$kernel" ] || kernel=$(default_kernel)
[ -n "$kernel" ] || skip "no kernel image: no /boot/vmlinuz-* and no --kernel"
[ -r "$kernel" ] || skip "kernel image $kernel missing or unreadable"
[ -n "$kver" ] || kver=$(kernel_version "$kernel")
[ -n "$kver" ] || { echo "run.sh: cannot read the version of $kernel; pass --kver" >&2; exit 2; }
"$qemu" -device help 2>/dev/null | grep -q '"virtio-9p-pci"' ||
	skip "$qemu lacks virtio-9p (virtfs) support"

# ---- emulated NIC pairs ------------------------------------------------------
nic_models=() nic_queues=() mq_pairs=()
for spec in "${nics[@]}"; do
	model=${spec%%,*} q=1
	case $spec in
	*,queues=*) q=${spec#*,queues=} ;;
	*,*) echo "run.sh: --nic-pair $spec: the only option is queues=N" >&2; exit 2 ;;
	esac
	case $q in '' | *[!0-9]* | 0) echo "run.sh: --nic-pair $spec: queues wants a number from 1" >&2; exit 2 ;; esac
	"$qemu" -device help 2>/dev/null | grep -q "^name \"$model\"" ||
		skip "$qemu has no NIC model $model (see $qemu -device help)"
	if [ "$q" -gt 1 ]; then
		[ "$model" = virtio-net-pci ] ||
			{ echo "run.sh: --nic-pair $spec: queues=N is for virtio-net-pci only" >&2; exit 2; }
		mq_pairs+=($((${#nic_models[@]} + 1)))
	fi
	nic_models+=("$model")
	nic_queues+=("$q")
done
# QEMU's dgram netdev has no queues; a multiqueue pair is two multiqueue taps
# on a bridge, made in a network namespace that lives only as long as QEMU.
netns=()
if [ ${#mq_pairs[@]} -gt 0 ]; then
	[ -c /dev/net/tun ] || skip "--nic-pair with queues: no /dev/net/tun for QEMU's multiqueue tap"
	command -v unshare >/dev/null 2>&1 || skip "--nic-pair with queues: unshare(1) not found (util-linux)"
	command -v ip >/dev/null 2>&1 || skip "--nic-pair with queues: ip(8) not found (iproute2)"
	if [ "$(id -u)" = 0 ]; then netns=(unshare --net); else netns=(unshare --user --map-root-user --net); fi
	"${netns[@]}" true 2>/dev/null ||
		skip "--nic-pair with queues: cannot make a network namespace (${netns[*]} fails: run as root)"
fi

mkdir -p "$build" "$(dirname "$log")"

# ---- the initramfs, cached per kernel version, rebuilt when stale ----------
initrd=$build/initramfs-$kver.cpio.gz
stamp=$build/initramfs-$kver.inputs
busybox=$(find_busybox)
[ -n "$busybox" ] || skip "no statically linked busybox (apt-get install busybox-static)"
moddep=${modroot%/}/lib/modules/$kver/modules.dep
inputs="busybox=$busybox modules-root=$modroot"
stale=
if [ ! -s "$initrd" ] || [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$inputs" ]; then
	stale=1
else
	for f in "$here/init.sh" "$here/mkinitramfs.sh" "$here/lib.sh" "$busybox" "$moddep"; do
		if [ "$f" -nt "$initrd" ]; then stale=1; fi
	done
fi
if [ -n "$stale" ]; then
	mk=("$here/mkinitramfs.sh" --kver "$kver")
	[ -z "$modroot" ] || mk+=(--modules-root "$modroot")
	rc=0
	"${mk[@]}" "$initrd" || rc=$?
	[ "$rc" -eq 0 ] || exit "$rc" # 77 (SKIP) passes through
	echo "$inputs" >"$stamp"
fi

# ---- the per-run part: a second cpio archive appended to the cached one ----
# It carries the command as a shell script (no command-line length limit, no
# quoting through the kernel command line) and the paths the guest needs.
work=$root
cwd=$(pwd -P)
case $cwd/ in "$work"/*) ;; *) cwd=$work ;; esac
token=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')

run=$(mktemp -d "${TMPDIR:-/tmp}/sgate-vm.XXXXXX")
trap 'rm -rf "$run"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# POSIX single-quoting: 'it'\''s'
shq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

mkdir -p "$run/cpio/sgate-vm"
{
	echo "WORK=$(shq "$work")"
	echo "CWD=$(shq "$cwd")"
	echo "TOKEN=$token"
} >"$run/cpio/sgate-vm/config"
{
	printf 'exec'
	for a in "$@"; do printf ' %s' "$(shq "$a")"; done
	printf '\n'
} >"$run/cpio/sgate-vm/cmd"
(cd "$run/cpio" && find . | LC_ALL=C sort | "$busybox" cpio -o -H newc -R 0:0 2>/dev/null) >"$run/cmd.cpio"
# The kernel looks for the next archive only at a 4-byte boundary.
pad=$(( (4 - $(wc -c <"$initrd") % 4) % 4 ))
{ cat "$initrd"; head -c "$pad" /dev/zero; cat "$run/cmd.cpio"; } >"$run/initrd"

# QEMU's -fsdev options are comma separated; a comma in a path is doubled.
qpath() { printf '%s' "${1//,/,,}"; }

# quiet: boot messages below warning level stay off the console; /init turns
# the console to full verbosity before the command.  printk.time=1: kernel
# lines carry a "[seconds.micros]" stamp, which is how they are told apart
# from the command's own output below.
cmdline="console=ttyS0 panic=-1 oops=panic panic_on_warn=1 printk.time=1 quiet"
[ -z "$append" ] || cmdline="$cmdline $append"

# shellcheck disable=SC2054  # commas belong to QEMU's option syntax
qargs=(
	-M pc -accel "$accel" -cpu "$cpu" -smp "$smp" -m "$mem"
	-nodefaults -display none -no-reboot -serial stdio
	-kernel "$kernel" -initrd "$run/initrd" -append "$cmdline"
	-fsdev "local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap"
	-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot
	-fsdev "local,id=work,path=$(qpath "$work"),security_model=none,multidevs=remap"
	-device virtio-9p-pci,fsdev=work,mount_tag=work
	"${qextra[@]}"
)
for i in "${!nic_models[@]}"; do
	mapfile -t -O "${#qargs[@]}" qargs < <(nic_pair_args $((i + 1)) "${nic_models[$i]}" "${nic_queues[$i]}" "$run")
done
launch=()
if [ ${#netns[@]} -gt 0 ]; then
	nic_tap_setup "${mq_pairs[@]}" >"$run/netns.sh"
	launch=("${netns[@]}" sh "$run/netns.sh")
fi

echo "sgate-vm: kernel $kver, work tree $work, timeout ${timeout_s}s, log $log"
[ ${#nics[@]} -eq 0 ] || echo "sgate-vm: NIC pairs ${nics[*]}"
t0=$(date +%s.%N)
# --foreground: QEMU stays in our process group, so ^C reaches it.
set +e
timeout --foreground -k 10 "$timeout_s" "${launch[@]}" "$qemu" "${qargs[@]}" </dev/null 2>"$run/qemu.err" |
	tee "$log"
st=("${PIPESTATUS[@]}")
set -e
t1=$(date +%s.%N)
qrc=${st[0]}
# QEMU's own messages (start-up errors, "terminating on signal").
sed 's/^/sgate-vm: qemu: /' "$run/qemu.err" >&2

# ---- verdict ----------------------------------------------------------------
clean() { tr -d '\r' <"$log"; }
crash_re='\[ *[0-9]+\.[0-9]+\].*(Kernel panic|BUG:|Oops:|WARNING: CPU|general protection fault)'
crash=$(clean | grep -a -m 1 -E "$crash_re" || true)
initfail=$(clean | grep -a -m 1 -E "^SGATE-VM-INIT-FAILED: .*\(run=($token|none)\)" |
	sed 's/^SGATE-VM-INIT-FAILED: //; s/ (run=[0-9a-f]*)$//' || true)
start=$(clean | grep -a -m 1 "^SGATE-VM-START .*run=$token\$" || true)
exitl=$(clean | grep -a "^SGATE-VM-EXIT=[0-9]* .*run=$token\$" | tail -n 1 || true)

field() { sed -n "s/.*$1=\\([^ ]*\\).*/\\1/p"; }
up0=$(echo "$start" | field uptime)
up1=$(echo "$exitl" | field uptime)
total=$(awk "BEGIN{print $t1 - $t0}")
timing="total $(printf '%.1f' "$total") s"
if [ -n "$up0" ]; then
	timing="boot to command $(printf '%.1f' "$up0") s, $timing"
	[ -z "$up1" ] || timing="command $(awk "BEGIN{printf \"%.1f\", $up1 - $up0}") s, $timing"
fi

fail() {
	echo "sgate-vm: FAIL: $2 ($timing; log $log)"
	exit "$1"
}
if [ -n "$crash" ]; then
	extra=
	[ "$qrc" -ne 124 ] && [ "$qrc" -ne 137 ] || extra=", then hung until the ${timeout_s}s timeout"
	fail 123 "kernel crash: $crash$extra"
fi
if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
	if [ -n "$exitl" ]; then
		fail 124 "hang: the command finished but the VM did not power off within ${timeout_s}s"
	fi
	fail 124 "hang: no result within ${timeout_s}s, QEMU killed"
fi
[ -z "$initfail" ] || fail 122 "guest setup failed: $initfail"
if [ "$qrc" -ne 0 ]; then
	fail 121 "QEMU exited with status $qrc: $(grep -m 1 . "$run/qemu.err" || echo 'no message')"
fi
[ -n "$exitl" ] || fail 122 "no exit marker: the guest ended without reporting the command's status"
rc=${exitl#SGATE-VM-EXIT=}
rc=${rc%% *}
if [ "$rc" -eq 0 ]; then
	echo "sgate-vm: command exited 0 ($timing; log $log)"
else
	echo "sgate-vm: FAIL: command exited $rc ($timing; log $log)"
fi
exit "$rc"
