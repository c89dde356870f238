#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `sudo make demo` from a clean copy of the tree (TAP): the first command a
# new user types must build everything it needs itself, which a tree with a
# build/ from earlier runs would hide.
set -u
. "$(dirname "$0")/../lib/tap.sh"
TOP=$(cd "$(dirname "$0")/../.." && pwd)

if ! git -C "$TOP" rev-parse --git-dir >/dev/null 2>&1; then
	echo "1..0 # SKIP not a git checkout: cannot tell the tree's own files from built ones"
	exit 0
fi
COPY=$(mktemp -d /tmp/sgate-demo.XXXXXX)
trap 'rm -rf "$COPY"' EXIT
# The tracked files and new ones not ignored: never build/.
(cd "$TOP" && git ls-files -z --cached --others --exclude-standard |
	xargs -0 sh -c 'dest=$1; shift; for f; do [ -e "$f" ] && cp --parents -P -- "$f" "$dest"; done; :' \
		_ "$COPY")
[ -d "$COPY/build" ] && { echo "Bail out! the clean copy has a build/"; exit 1; }

FLOOD_PACKETS=20000 FLOOD_SECONDS=3 make -C "$COPY" demo >"$COPY/demo.log" 2>&1
rc=$?
verdict $rc "make demo in a clean copy exits 0" "$(tail -n 20 "$COPY/demo.log")"
grep -q "summary ok=50 fail=0" "$COPY/demo.log"
verdict $? "the demo's client completed 50 of 50 connections during the flood" \
	"$(grep summary "$COPY/demo.log")"
answered=$(awk '$1 == "syn_answered" { print $2 }' "$COPY/demo.log")
[ "${answered:-0}" -ge 1000 ]
verdict $? "the gate answered the flood's SYNs at XDP (syn_answered ${answered:-none})"
grep -Eq "TcpExtSyncookiesSent: +0 " "$COPY/demo.log"
verdict $? "the kernel made no SYN cookie of its own" "$(grep Syncookies "$COPY/demo.log")"
echo "1..$n"
echo "demo: $pass passed, $fail failed"
[ "$fail" = 0 ]
