#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Module mode specifics, in the VM with sgate.ko loaded (TAP): the agent says
# which mode it uses, no map holds a key byte, and the module cannot be
# removed from under a gate that calls its kfuncs.
set -u
. "$(dirname "$0")/../../tests/lib/netns.sh"
. "$(dirname "$0")/../../tests/lib/tap.sh"
trap netns_down EXIT

echo "TAP version 13"
netns_up || { echo "Bail out! cannot create namespaces"; exit 1; }
if ! out=$(S "$SGATE" attach "$SDEV" --ports 8080 2>&1); then
	echo "Bail out! attach failed: $out"
	exit 1
fi
if S "$SGATE" status | grep -qi "key mode:.*module"; then ok "status reports module mode"; else not_ok "status reports module mode" "$(S "$SGATE" status)"; fi

# Every sgate map, dumped: the key ring holds no key byte (all zero).
dir=$(find /sys/fs/bpf/sgate -mindepth 2 -maxdepth 2 -type d -name "$SDEV" | head -n1)
leak=0 maps=0
for m in "$dir"/*; do
	bpftool map show pinned "$m" >/dev/null 2>&1 || continue
	maps=$((maps + 1))
	case "$(basename "$m")" in
	keys) bpftool -j map dump pinned "$m" | python3 -c '
import json, sys
# Only the key fields count: an unused slot is marked by first_epoch ~0.
for e in json.load(sys.stdin):
    for m in e["formatted"]["value"]["m"]:
        if any(m["key"]["k"]):
            sys.exit(1)' || leak=1 ;;
	esac
done
if [ "$maps" -ge 4 ] && [ "$leak" = 0 ]; then ok "no key bytes in any of $maps maps"; else not_ok "no key bytes in the maps" "maps=$maps leak=$leak"; fi

if rmmod sgate 2>/dev/null; then
	not_ok "rmmod refused while a gate uses the kfuncs"
	insmod "$TOP/kmod/sgate.ko"
else
	ok "rmmod refused while a gate uses the kfuncs"
fi
C "$BUILD/echo" client "$SADDR" 8080 1 >/dev/null 2>&1	# no server: RST, fine
S "$SGATE" detach "$SDEV" >/dev/null
ok "detach"
echo "1..$n"
[ "$fail" = 0 ]
