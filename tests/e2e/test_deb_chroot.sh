#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The packages from `make deb` installed for real: apt-get installs them, with
# their dependencies from Debian's archive and their maintainer scripts, into
# a fresh Debian 12 root (debootstrap --variant=minbase, kept in
# build/deb-root/ for the next run); in a chroot there, `sgate --version` and
# the unit's configuration check run, the unit is not enabled, an edited
# configuration survives a reinstall, and a purge leaves nothing (TAP).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib/tap.sh"

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP debootstrap and chroot need root"
	exit 0
fi
command -v debootstrap >/dev/null ||
	{ echo "1..0 # SKIP debootstrap missing (apt-get install debootstrap; make deps installs it)"; exit 0; }
version=$(cat "$TOP/VERSION")
arch=$(dpkg --print-architecture)
mirror=${SGATE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
agent_deb=$TOP/build/deb/sgate_${version}_$arch.deb
dkms_deb=$TOP/build/deb/sgate-dkms_${version}_all.deb
cache=$TOP/build/deb-root/bookworm-minbase.tar
tmp=$(mktemp -d)
root=$tmp/root
# Nothing is mounted in the root, so removing it cannot reach the host.
trap 'rm -rf "$tmp"' EXIT
in_root() { DEBIAN_FRONTEND=noninteractive chroot "$root" "$@"; }

# The packages of this tree: built here unless make deb just did.
if [ ! -f "$agent_deb" ] || [ ! -f "$dkms_deb" ] ||
	[ -n "$(find "$TOP/user" "$TOP/kmod" "$TOP/include" "$TOP/debian" "$TOP/service" "$TOP/man" \
		"$TOP/completion" "$TOP/VERSION" -newer "$agent_deb" -print -quit)" ]; then
	make -C "$TOP" --no-print-directory deb >"$tmp/deb.log" 2>&1 ||
		{ echo "Bail out! make deb failed: $(tail -n 5 "$tmp/deb.log")"; exit 1; }
fi

if [ ! -f "$cache" ]; then
	mkdir -p "$(dirname "$cache")"
	if ! debootstrap --variant=minbase bookworm "$tmp/base" "$mirror" >"$tmp/debootstrap.log" 2>&1; then
		echo "1..0 # SKIP debootstrap from $mirror failed (offline?): $(tail -n 1 "$tmp/debootstrap.log")"
		exit 0
	fi
	tar -C "$tmp/base" -cf "$cache.tmp" . && mv "$cache.tmp" "$cache"
	rm -rf "$tmp/base"
fi
mkdir -p "$root"
tar -C "$root" -xf "$cache"
if ! in_root apt-get update -qq >"$tmp/update.log" 2>&1; then
	echo "1..0 # SKIP Debian's archive unreachable from the root: $(tail -n 1 "$tmp/update.log")"
	exit 0
fi

echo "TAP version 13"

cp "$agent_deb" "$dkms_deb" "$root/tmp/"
check "apt-get installs sgate and sgate-dkms with their dependencies" \
	in_root apt-get install -y -q --no-install-recommends \
	"/tmp/$(basename "$agent_deb")" "/tmp/$(basename "$dkms_deb")"

status=$(in_root dpkg-query -W -f '${Package} ${Status}\n' sgate sgate-dkms 2>&1)
[ "$(grep -c ' install ok installed$' <<<"$status")" = 2 ]
verdict $? "dpkg: both installed and configured" "$status"

out=$(in_root /usr/sbin/sgate --version 2>&1)
[[ $out == "sgate $version "* ]]
verdict $? "in the root: sgate --version says $version" "got: $out"

if in_root /usr/sbin/sgate --help 2>/dev/null | grep -q '^  run '; then
	out=$(in_root /usr/sbin/sgate run --check-config --config /etc/sgate/sgate.conf 2>&1)
	verdict $? "in the root: sgate run --check-config accepts the installed configuration" "$out"
else
	ok "in the root: the installed configuration passes sgate run --check-config # SKIP this sgate has no run command"
fi

[ -f "$root/lib/systemd/system/sgate.service" ] && [ -f "$root/usr/src/sgate-$version/dkms.conf" ]
verdict $? "the unit and the DKMS tree are in place"

enabled=$(find "$root/etc/systemd/system" -name sgate.service 2>/dev/null)
[ -z "$enabled" ]
verdict $? "installing enables no gate: the unit is not enabled" "$enabled"

dkms_state=$(in_root dkms status -m sgate -v "$version" 2>&1)
[[ $dkms_state == *"sgate/$version"*": added"* ]]
verdict $? "dkms knows sgate $version (added; the root has no kernel to build for)" "got: $dkms_state"

echo "# the operator's line" >>"$root/etc/sgate/sgate.conf"
in_root apt-get install -y -q --reinstall "/tmp/$(basename "$agent_deb")" >"$tmp/reinstall.log" 2>&1 &&
	tail -n 1 "$root/etc/sgate/sgate.conf" | grep -q "the operator's line"
verdict $? "a reinstall keeps the edited configuration" "$(tail -n 5 "$tmp/reinstall.log")"

check "apt-get purge sgate sgate-dkms" in_root apt-get purge -y -q sgate sgate-dkms
left=$(cd "$root" && ls -d usr/sbin/sgate lib/systemd/system/sgate.service etc/sgate \
	"usr/src/sgate-$version" "var/lib/dkms/sgate" 2>/dev/null)
[ -z "$left" ]
verdict $? "the purge leaves nothing of sgate" "left: $left"

echo "1..$n"
echo "deb-chroot: $pass passed, $fail failed"
[ "$fail" = 0 ]
