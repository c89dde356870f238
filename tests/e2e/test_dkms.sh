#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sgate.ko through DKMS: make dkms-source writes a self-contained source tree
# (kmod/dkms.conf), and dkms adds and builds it against the installed 6.12
# headers, in throwaway DKMS, source and install trees.  Build only: nothing
# is installed into any kernel, and this host's kernel has no modules (TAP).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib/tap.sh"

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP dkms needs root"
	exit 0
fi
command -v dkms >/dev/null || { echo "1..0 # SKIP dkms missing (apt-get install dkms; make deps installs it)"; exit 0; }
kbuild=$(ls -d /lib/modules/6.12*/build 2>/dev/null | head -n 1)
[ -n "$kbuild" ] || { echo "1..0 # SKIP no 6.12 kernel headers (apt-get install linux-headers-6.12-amd64)"; exit 0; }
kver=$(basename "$(dirname "$kbuild")")
version=$(cat "$TOP/VERSION")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The module signing key dkms would otherwise make in /var/lib/dkms.
export mok_signing_key=$tmp/mok.key mok_certificate=$tmp/mok.pub
mkdir -p "$tmp/dkms" "$tmp/installed"
dkms_args=(-m sgate -v "$version" --sourcetree "$tmp/root/usr/src" --dkmstree "$tmp/dkms"
	   --installtree "$tmp/installed")
installed_before=$(find "/lib/modules/$kver" -name 'sgate.ko*' | sort)

echo "TAP version 13"

check "make dkms-source DESTDIR=..." make -C "$TOP" --no-print-directory -s dkms-source DESTDIR="$tmp/root"
src=$tmp/root/usr/src/sgate-$version

grep -q "^PACKAGE_VERSION=\"$version\"$" "$src/dkms.conf"
verdict $? "dkms.conf carries the version from VERSION" "$(grep PACKAGE_VERSION "$src/dkms.conf")"

# Every header a source includes in quotes is in the tree itself.
missing=""
for f in "$src"/kmod/*.c "$src"/kmod/*.h; do
	for h in $(sed -n 's/^#include "\(.*\)"/\1/p' "$f"); do
		[ -e "$src/kmod/$h" ] || [ -e "$src/include/$h" ] || missing="$missing $(basename "$f"):$h"
	done
done
[ -z "$missing" ]
verdict $? "the source tree holds every header the module includes" "missing:$missing"

check "dkms add" dkms add "${dkms_args[@]}"
check "dkms build -k $kver" dkms build "${dkms_args[@]}" -k "$kver"

ko=$(find "$tmp/dkms/sgate/$version/$kver" -name 'sgate.ko*' | head -n 1)
[ -n "$ko" ]
verdict $? "dkms keeps the built sgate.ko" "$(find "$tmp/dkms" -maxdepth 4 | head -n 20)"
if [ -n "$ko" ]; then
	case $ko in
	*.xz) xz -dc "$ko" >"$tmp/sgate.ko" ;;
	*.zst) zstd -qdc "$ko" >"$tmp/sgate.ko" ;;
	*.gz) gzip -dc "$ko" >"$tmp/sgate.ko" ;;
	*) cp "$ko" "$tmp/sgate.ko" ;;
	esac
	vermagic=$(modinfo -F vermagic "$tmp/sgate.ko" 2>&1)
	[[ $vermagic == "$kver "* ]]
	verdict $? "the module is built for $kver" "vermagic: $vermagic"
	readelf -S --wide "$tmp/sgate.ko" 2>/dev/null | grep -q ' \.BTF '
	verdict $? "the module has BTF, so its kfuncs register"
fi

out=$(dkms status "${dkms_args[@]}" -k "$kver" 2>/dev/null)
[[ $out == *": built"* ]]
verdict $? "dkms status: built, not installed" "got: $out"

installed_after=$(find "/lib/modules/$kver" -name 'sgate.ko*' | sort)
[ "$installed_after" = "$installed_before" ] && [ -z "$(find "$tmp/installed" -name 'sgate.ko*')" ]
verdict $? "nothing installed into a kernel's module tree" "$installed_after"

check "dkms remove" dkms remove "${dkms_args[@]}" --all

echo "1..$n"
echo "dkms: $pass passed, $fail failed"
[ "$fail" = 0 ]
