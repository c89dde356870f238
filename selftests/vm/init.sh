#!/bin/busybox sh
# shellcheck shell=dash
# /init of the sgate test VM (see Documentation/selftests-vm.md).
#
# Runs as PID 1 from a tiny initramfs built by mkinitramfs.sh: loads the 9p
# modules, mounts the host's root read-only over virtio-9p, puts writable tmpfs
# and the kernel's pseudo file systems on it, mounts the project tree read-write
# at its host path, chroots into the host root and runs the command that
# run.sh placed in /sgate-vm/ (a second cpio archive appended per run).  Then it
# prints the exit marker, syncs and powers off.  busybox stays PID 1 throughout.

/bin/busybox --install -s /bin
PATH=/bin
export PATH

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1

R=/mnt/root
TOKEN=none

say() { echo "sgate-vm: $*"; }

# Setup failed: say why on one line run.sh recognises, and power off.  No exit
# marker is printed, so the host reports the run as a harness failure.
die() {
	echo "SGATE-VM-INIT-FAILED: $* (run=$TOKEN)"
	sync
	poweroff -f
	sleep 10
}

# Per-run settings written by run.sh: WORK, CWD, TOKEN.  The command itself is
# /sgate-vm/cmd, a shell script, so its arguments survive any quoting.
[ -r /sgate-vm/config ] || die "no /sgate-vm/config in the initramfs (run through run.sh)"
# shellcheck source=/dev/null
. /sgate-vm/config
[ -r /sgate-vm/cmd ] || die "no /sgate-vm/cmd in the initramfs"

# Loading order computed on the host (modprobe --show-depends); empty when 9p
# is built into the kernel.
if [ -r /sgate-vm/modules ]; then
	while read -r ko; do
		[ -n "$ko" ] || continue
		name=${ko##*/}
		name=${name%.ko}
		[ -d "/sys/module/$(echo "$name" | tr - _)" ] && continue
		insmod "$ko" || die "insmod $ko failed"
	done </sgate-vm/modules
fi

mkdir -p $R
# msize: 512000 is the most the virtio transport takes; fewer, larger trips.
mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=512000 hostroot $R ||
	die "cannot mount the host root (9p tag hostroot)"

mount -t proc proc $R/proc || die "mount proc"
mount -t sysfs sysfs $R/sys || die "mount sysfs"
mount -t devtmpfs devtmpfs $R/dev || die "mount devtmpfs"
mkdir -p $R/dev/pts $R/dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts $R/dev/pts || die "mount devpts"
mount -t tmpfs -o mode=1777 tmpfs $R/dev/shm || die "mount /dev/shm"
# Mounting over directories of a read-only 9p mount works: only the mount
# point must exist, and the host root has these.
for d in tmp var/tmp; do
	[ -d "$R/$d" ] || continue
	mount -t tmpfs -o mode=1777 tmpfs "$R/$d" || die "mount tmpfs on /$d"
done
mount -t tmpfs -o mode=755 tmpfs $R/run || die "mount tmpfs on /run"
mkdir -p $R/run/lock $R/run/netns
mount -t bpf -o mode=700 bpf $R/sys/fs/bpf || die "mount bpffs on /sys/fs/bpf"
mount -t cgroup2 cgroup2 $R/sys/fs/cgroup || die "mount cgroup2"
mount -t debugfs debugfs $R/sys/kernel/debug || say "no debugfs"
mount -t tracefs tracefs $R/sys/kernel/tracing 2>/dev/null || true

# Guest kernel modules shipped in the initramfs (mkinitramfs.sh --modules-root)
# when the host root has no /lib/modules/<version> for this kernel: show them
# at /lib/modules/<version> inside the read-only root by covering
# /lib/modules with a tmpfs holding bind mounts of what was there plus ours.
KVER=$(uname -r)
if [ -d "/lib/modules/$KVER" ] && [ ! -d "$R/lib/modules/$KVER" ]; then
	mkdir -p /hostmods
	mount --bind $R/lib/modules /hostmods || die "bind /lib/modules"
	mount -t tmpfs -o mode=755 tmpfs $R/lib/modules || die "tmpfs on /lib/modules"
	for m in /hostmods/*; do
		[ -d "$m" ] || continue
		mkdir "$R/lib/modules/${m##*/}"
		mount --bind "$m" "$R/lib/modules/${m##*/}"
	done
	mkdir -p "$R/lib/modules/$KVER"
	mount --bind "/lib/modules/$KVER" "$R/lib/modules/$KVER" || die "bind shipped modules"
fi

# The project tree, read-write, at the same absolute path as on the host.
# (A tree under /tmp or another tmpfs gets its mount point made here.)
[ -d "$R$WORK" ] || mkdir -p "$R$WORK" 2>/dev/null ||
	die "$WORK does not exist in the host root"
mount -t 9p -o trans=virtio,version=9p2000.L,rw,cache=mmap,msize=512000 work "$R$WORK" ||
	die "cannot mount the work tree (9p tag work) at $WORK"

hostname sgate-vm
ip link set lo up || say "cannot bring lo up"

mkdir -p $R/run/sgate-vm
cp /sgate-vm/cmd $R/run/sgate-vm/cmd

# Show every kernel message (warnings included) from here on; boot ran quiet.
echo 7 >/proc/sys/kernel/printk

read -r up _ </proc/uptime
echo "SGATE-VM-START uptime=$up run=$TOKEN"
# The command runs in a mount namespace of its own where the host root is
# moved onto / (as switch_root does), not merely chrooted into: the kernel
# refuses user namespaces to a chrooted process, and the tests need them.
# This shell, PID 1, keeps the initramfs and powers off afterwards.
# shellcheck disable=SC2016  # $1 and $2 are expanded by the inner shell
unshare -m /bin/sh -c 'cd "$1" && mount --move . / && exec chroot . /usr/bin/env -i \
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root TERM=dumb LANG=C.UTF-8 SGATE_VM=1 \
	/bin/sh -c "cd \"\$1\" && exec /bin/sh /run/sgate-vm/cmd" sh "$2"' sh "$R" "$CWD" </dev/null
rc=$?
read -r up _ </proc/uptime
sync
echo
echo "SGATE-VM-EXIT=$rc uptime=$up run=$TOKEN"
sync
poweroff -f
sleep 10
