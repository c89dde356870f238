#!/bin/sh
# mkinitramfs.sh — build the tiny initramfs of the sgate test VM.
#
#   selftests/vm/mkinitramfs.sh [--kernel IMAGE | --kver VERSION]
#                               [--modules-root DIR] OUT
#
# Contents: a static busybox, the guest kernel's 9p modules (netfs, 9pnet,
# 9pnet_virtio, 9p and whatever modules.dep says they need, decompressed here)
# and /init (init.sh).  The per-run command is not in it: run.sh appends a
# second cpio archive for that.  See Documentation/selftests-vm.md.
#
# --kernel IMAGE     take the kernel version from this bzImage
#                    (default: the newest /boot/vmlinuz-*)
# --kver VERSION     the kernel version (uname -r) directly
# --modules-root DIR the guest kernel's modules are in DIR/lib/modules/VERSION
#                    (e.g. a kernel build's INSTALL_MOD_PATH) instead of
#                    /lib/modules/VERSION; the whole tree is then shipped in the
#                    initramfs and shown at /lib/modules/VERSION in the guest.
# Exit status 77 with a "SKIP:" line when busybox or the modules are missing.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=selftests/vm/lib.sh
. "$here/lib.sh"

usage() {
	sed -n '2,/^set -eu/{/^set -eu/d;s/^# \{0,1\}//;p}' "$0" >&2
	exit 2
}

kernel='' kver='' modroot=''
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) [ $# -ge 2 ] || usage; kernel=$2; shift 2 ;;
	--kver) [ $# -ge 2 ] || usage; kver=$2; shift 2 ;;
	--modules-root) [ $# -ge 2 ] || usage; modroot=$2; shift 2 ;;
	-h | --help) usage ;;
	--) shift; break ;;
	-*) echo "mkinitramfs.sh: unknown option $1" >&2; usage ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || usage
out=$1

if [ -z "$kver" ]; then
	[ -n "$kernel" ] || kernel=$(default_kernel)
	if [ -z "$kernel" ] || [ ! -r "$kernel" ]; then
		skip "no readable kernel image (${kernel:-none in /boot})"
	fi
	kver=$(kernel_version "$kernel")
	[ -n "$kver" ] || { echo "mkinitramfs.sh: cannot read the version of $kernel; pass --kver" >&2; exit 1; }
fi

busybox=$(find_busybox)
[ -n "$busybox" ] || skip "no statically linked busybox (apt-get install busybox-static)"

moddir=${modroot%/}/lib/modules/$kver
[ -f "$moddir/modules.dep" ] || skip "no modules for kernel $kver ($moddir/modules.dep missing)"
command -v modprobe >/dev/null 2>&1 || skip "modprobe (kmod) not installed"

# The 9p modules in loading order, dependencies first.  "builtin" lines are for
# parts built into the kernel: nothing to load.
dflag=
[ -z "$modroot" ] || dflag="-d ${modroot%/}"
# shellcheck disable=SC2086  # dflag is empty or two words
deps=$(modprobe $dflag -S "$kver" --show-depends -a 9pnet_virtio 9p 2>&1) ||
	skip "9p modules for kernel $kver not found: $(echo "$deps" | head -n 1)"

stage=$(mktemp -d "${TMPDIR:-/tmp}/sgate-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$stage/bin" "$stage/dev" "$stage/proc" "$stage/sys" "$stage/mnt/root" \
	"$stage/sgate-vm/ko" "$stage/tmp"
cp "$busybox" "$stage/bin/busybox"
cp "$here/init.sh" "$stage/init"
chmod 755 "$stage/init" "$stage/bin/busybox"

: >"$stage/sgate-vm/modules"
echo "$deps" | while read -r kind path _; do
	[ "$kind" = insmod ] || continue
	name=${path##*/}
	name=${name%.ko*}
	[ -f "$stage/sgate-vm/ko/$name.ko" ] && continue
	case $path in
	*.ko.xz) xz -dc "$path" >"$stage/sgate-vm/ko/$name.ko" ;;
	*.ko.zst) zstd -qdc "$path" >"$stage/sgate-vm/ko/$name.ko" ;;
	*.ko.gz) gzip -dc "$path" >"$stage/sgate-vm/ko/$name.ko" ;;
	*.ko) cp "$path" "$stage/sgate-vm/ko/$name.ko" ;;
	*) echo "mkinitramfs.sh: unexpected module file $path" >&2; exit 1 ;;
	esac
	echo "/sgate-vm/ko/$name.ko" >>"$stage/sgate-vm/modules"
done
echo "$kver" >"$stage/sgate-vm/kver"

if [ -n "$modroot" ]; then
	mkdir -p "$stage/lib/modules"
	cp -a "$moddir" "$stage/lib/modules/"
	# Links into the kernel's build tree would dangle in the guest.
	rm -f "$stage/lib/modules/$kver/build" "$stage/lib/modules/$kver/source"
fi

mkdir -p "$(dirname "$out")"
tmp=$out.tmp.$$
(cd "$stage" && find . | LC_ALL=C sort | "$busybox" cpio -o -H newc -R 0:0 2>/dev/null) |
	gzip -1 >"$tmp"
mv -f "$tmp" "$out"
echo "mkinitramfs.sh: $out for kernel $kver ($(wc -c <"$out") bytes;" \
	"modules: $(sed 's|.*/||; s|\.ko$||' "$stage/sgate-vm/modules" | paste -s -d ' ')$([ -s "$stage/sgate-vm/modules" ] || echo 'none, 9p built in'))"
