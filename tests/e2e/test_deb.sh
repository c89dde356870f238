#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make deb, then the packages in a clean root: the files of sgate and
# sgate-dkms unpacked (dpkg -x) into an empty directory, plus only the shared
# libraries the agent loads, each of which must come from a package its
# Depends names; there, in a chroot, `sgate --version` and the unit's
# configuration check run.  The module source from the package builds with
# dkms against the installed 6.12 headers, and lintian finds no error or
# warning (TAP).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib/tap.sh"

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP the clean root is a chroot, which needs root"
	exit 0
fi
for tool in dpkg-buildpackage dh dh_dkms lintian; do
	command -v $tool >/dev/null ||
		{ echo "1..0 # SKIP $tool missing (apt-get install dpkg-dev debhelper dh-dkms lintian; make deps installs them)"; exit 0; }
done
version=$(cat "$TOP/VERSION")
arch=$(dpkg --print-architecture)
debs=$TOP/build/deb
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root

echo "TAP version 13"

check "make deb" make -C "$TOP" --no-print-directory deb
agent_deb=$debs/sgate_${version}_$arch.deb
dkms_deb=$debs/sgate-dkms_${version}_all.deb
if [ ! -f "$agent_deb" ] || [ ! -f "$dkms_deb" ]; then
	echo "Bail out! no $agent_deb or $dkms_deb"
	exit 1
fi

mkdir -p "$root"
dpkg -x "$agent_deb" "$root" && dpkg -x "$dkms_deb" "$root"
verdict $? "both packages unpack into an empty root"

missing=""
for f in usr/sbin/sgate lib/systemd/system/sgate.service etc/sgate/sgate.conf \
	 usr/share/man/man8/sgate.8.gz usr/share/man/man5/sgate.conf.5.gz \
	 usr/share/bash-completion/completions/sgate usr/src/sgate-$version/dkms.conf \
	 usr/src/sgate-$version/kmod/Kbuild usr/src/sgate-$version/include/sgate/abi.h; do
	[ -e "$root/$f" ] || missing="$missing $f"
done
[ -z "$missing" ]
verdict $? "the packages hold the agent, unit, configuration, man pages, completion and module source" "missing:$missing"

conffiles=$(dpkg-deb --ctrl-tarfile "$agent_deb" | tar -xOf - ./conffiles 2>/dev/null)
[ "$conffiles" = /etc/sgate/sgate.conf ]
verdict $? "/etc/sgate/sgate.conf is a conffile: an upgrade keeps the operator's edits" "conffiles: $conffiles"

grep -q '^ExecStart=/usr/sbin/sgate ' "$root/lib/systemd/system/sgate.service"
verdict $? "the unit runs /usr/sbin/sgate" "$(grep '^Exec' "$root/lib/systemd/system/sgate.service")"

# The agent's shared libraries, copied in from this host.  Those it names
# itself (NEEDED) must come from packages in its Depends; theirs are their
# packages' business.
depends=$(dpkg-deb -f "$agent_deb" Depends)
libs=$(ldd "$root/usr/sbin/sgate" | grep -o '/[^ ]*')
for lib in $libs; do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done
undeclared=""
for soname in $(readelf -d "$root/usr/sbin/sgate" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
	lib=$(grep -m1 "/$soname\$" <<<"$libs")
	owner=""
	for path in "$lib" "$(readlink -f "$lib")"; do
		for variant in "$path" "${path#/usr}" "/usr${path#/usr}"; do
			owner=$(dpkg -S "$variant" 2>/dev/null | head -n 1 | cut -d: -f1)
			[ -n "$owner" ] && break 2
		done
	done
	[[ ", $depends," == *", $owner "* || ", $depends," == *", $owner,"* ]] ||
		undeclared="$undeclared $soname(${owner:-no package})"
done
[ -z "$undeclared" ]
verdict $? "every library the agent names comes from a package in its Depends" "not declared:$undeclared" "Depends: $depends"

out=$(chroot "$root" /usr/sbin/sgate --version 2>&1)
[[ $out == "sgate $version "* ]]
verdict $? "in the clean root: sgate --version says $version" "got: $out"

# The unit's configuration check needs the daemon's run command.
if chroot "$root" /usr/sbin/sgate --help 2>/dev/null | grep -q '^  run '; then
	out=$(chroot "$root" /usr/sbin/sgate run --check-config --config /etc/sgate/sgate.conf 2>&1)
	verdict $? "in the clean root: sgate run --check-config accepts the packaged configuration" "$out"
else
	ok "in the clean root: the packaged configuration passes sgate run --check-config # SKIP this sgate has no run command"
fi

kbuild=$(ls -d /lib/modules/6.12*/build 2>/dev/null | head -n 1)
if command -v dkms >/dev/null && [ -n "$kbuild" ]; then
	kver=$(basename "$(dirname "$kbuild")")
	mkdir -p "$tmp/dkms" "$tmp/installed"
	args=(-m sgate -v "$version" --sourcetree "$root/usr/src" --dkmstree "$tmp/dkms" --installtree "$tmp/installed")
	out=$(export mok_signing_key=$tmp/mok.key mok_certificate=$tmp/mok.pub
	      dkms add "${args[@]}" 2>&1 && dkms build "${args[@]}" -k "$kver" 2>&1)
	verdict $? "sgate-dkms's source builds with dkms for $kver" "$(tail -n 8 <<<"$out")"
else
	ok "sgate-dkms's source builds with dkms # SKIP no dkms or no 6.12 kernel headers"
fi

out=$(lintian --display-info --pedantic --display-experimental --fail-on error,warning "$debs"/sgate_"${version}"_"$arch".changes 2>&1)
verdict $? "lintian: no error, no warning" "$out"
grep '^[IPX]: ' <<<"$out" | sed 's/^/# lintian left: /'

echo "1..$n"
echo "deb: $pass passed, $fail failed"
[ "$fail" = 0 ]
