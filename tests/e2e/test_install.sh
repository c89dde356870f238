#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make install and make uninstall into a DESTDIR: the tree they leave, the
# unit pointing at the installed agent, the operator's configuration kept,
# and the installed agent running (TAP).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib/tap.sh"

command -v scdoc >/dev/null || { echo "1..0 # SKIP scdoc missing (apt-get install scdoc; make deps installs it)"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
version=$(cat "$TOP/VERSION")

# inst DESTDIR [VAR=VALUE...] TARGET: make TARGET quietly; its output in $tmp/log.
inst() {
	local dest=$1
	shift
	make -C "$TOP" --no-print-directory -s DESTDIR="$dest" "$@" >"$tmp/log" 2>&1
}

# The files under @1, with their modes, one a line.
tree() { (cd "$1" && find . -type f -printf '%m %P\n' | sort); }

echo "TAP version 13"

d=$tmp/opt
inst "$d" PREFIX=/opt/sgate install
verdict $? "make install PREFIX=/opt/sgate DESTDIR=..." "$(tail -n 5 "$tmp/log")"

want="644 etc/sgate/sgate.conf
644 opt/sgate/lib/systemd/system/sgate.service
644 opt/sgate/share/bash-completion/completions/sgate
644 opt/sgate/share/man/man5/sgate.conf.5
644 opt/sgate/share/man/man8/sgate.8
755 opt/sgate/sbin/sgate"
got=$(tree "$d")
[ "$got" = "$want" ]
verdict $? "the installed tree: agent, unit, configuration, man pages, completion" "got:" $got

out=$("$d/opt/sgate/sbin/sgate" --version 2>&1)
[[ $out == "sgate $version "* ]]
verdict $? "the installed sgate runs: --version says $version (VERSION)" "got: $out"

unit=$d/opt/sgate/lib/systemd/system/sgate.service
exec_lines=$(grep '^Exec' "$unit")
# Every program path ending in /sgate on an Exec line.
agents=$(grep -o '[^ =]*/sgate\( \|$\)' <<<"$exec_lines" | sed 's/^[-@:+!]*//; s/ $//' | sort -u)
grep -q "^ExecStart=/opt/sgate/sbin/sgate run" <<<"$exec_lines" && [ "$agents" = /opt/sgate/sbin/sgate ]
verdict $? "the unit's Exec lines run the installed agent" "$exec_lines"

cmp -s "$TOP/service/sgate.conf" "$d/etc/sgate/sgate.conf"
verdict $? "the default configuration is service/sgate.conf"

grep -q '^\.TH "sgate" "8"' "$d/opt/sgate/share/man/man8/sgate.8" &&
	grep -q '^\.TH "sgate.conf" "5"' "$d/opt/sgate/share/man/man5/sgate.conf.5"
verdict $? "the man pages are roff with their sections" "$(grep -m1 '^\.TH' "$d/opt/sgate/share/man/man8/sgate.8")"

if command -v man >/dev/null; then
	out=$(MANWIDTH=80 man --warnings -l "$d/opt/sgate/share/man/man8/sgate.8" 2>&1 >/dev/null)
	[ -z "$out" ]
	verdict $? "man renders sgate(8) without a warning" "$out"
fi

out=$(bash -c '. "$1" && complete -p sgate' _ "$d/opt/sgate/share/bash-completion/completions/sgate" 2>&1)
[[ $out == "complete -F "* ]]
verdict $? "the installed completion registers for sgate" "got: $out"

echo "# the operator's line" >>"$d/etc/sgate/sgate.conf"
inst "$d" PREFIX=/opt/sgate install &&
	tail -n 1 "$d/etc/sgate/sgate.conf" | grep -q "the operator's line"
verdict $? "install again keeps an edited configuration" "$(tail -n 5 "$tmp/log")"

inst "$d" PREFIX=/opt/sgate uninstall
got=$(tree "$d")
[ "$got" = "644 etc/sgate/sgate.conf" ] && grep -q "kept" "$tmp/log"
verdict $? "uninstall removes all but the edited configuration, and says so" "left:" $got "$(cat "$tmp/log")"

# However the unit names the agent, the installed unit runs the installed
# one; other programs and the configuration's directory are placed too.
cat >"$tmp/forms.service" <<'UNIT'
[Service]
ExecStartPre=-/usr/bin/sgate run --check-config --config /etc/sgate/sgate.conf
ExecStart=sgate run --config /etc/sgate/sgate.conf
ExecReload=/bin/kill -HUP $MAINPID
ExecStopPost=/usr/lib/sgate/sgate-helper
ExecStop=@/usr/sbin/sgate stop
UNIT
cat >"$tmp/forms.want" <<'UNIT'
[Service]
ExecStartPre=-/opt/sgate/sbin/sgate run --check-config --config /opt/etc/sgate/sgate.conf
ExecStart=/opt/sgate/sbin/sgate run --config /opt/etc/sgate/sgate.conf
ExecReload=/bin/kill -HUP $MAINPID
ExecStopPost=/usr/lib/sgate/sgate-helper
ExecStop=@/opt/sgate/sbin/sgate stop
UNIT
d=$tmp/forms
inst "$d" PREFIX=/opt/sgate SYSCONFDIR=/opt/etc UNIT_SRC="$tmp/forms.service" install &&
	diff -u "$tmp/forms.want" "$d/opt/sgate/lib/systemd/system/sgate.service" >"$tmp/diff"
verdict $? "the unit's Exec lines: a path or a bare name become the installed agent" "$(cat "$tmp/log" "$tmp/diff")"

printf '[Service]\nExecStart=/usr/bin/other-daemon\n' >"$tmp/other.service"
! inst "$tmp/other" UNIT_SRC="$tmp/other.service" install && grep -q "no ExecStart running" "$tmp/log"
verdict $? "a unit whose ExecStart runs no sgate is refused, naming the cause" "$(cat "$tmp/log")"

d=$tmp/default
inst "$d" install
[ -x "$d/usr/local/sbin/sgate" ] &&
	grep -q '^ExecStart=/usr/local/sbin/sgate run' "$d/usr/local/lib/systemd/system/sgate.service"
verdict $? "PREFIX defaults to /usr/local" "$(tree "$d")"

inst "$d" uninstall
got=$(tree "$d")
[ -z "$got" ] && [ ! -e "$d/etc/sgate" ]
verdict $? "uninstall after an untouched install leaves no file" "left:" $got

echo "1..$n"
echo "install: $pass passed, $fail failed"
[ "$fail" = 0 ]
