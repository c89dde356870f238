#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sgate(8) (man/sgate.8.scd) keeps up with the agent: every command and
# option the --help texts list, and every exit status of user/exit_status.h,
# has its entry (TAP).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
SGATE=${SGATE:-$TOP/build/sgate}
. "$TOP/tests/lib/tap.sh"

[ -x "$SGATE" ] || { echo "Bail out! $SGATE missing: make all"; exit 1; }
page=$TOP/man/sgate.8.scd

echo "TAP version 13"

commands=$("$SGATE" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p')
[ -n "$commands" ]
verdict $? "sgate --help lists commands"

for command in $commands; do
	grep -q "^\*$command\*" "$page"
	verdict $? "sgate(8) describes the command $command"
done

options=$(for command in "" $commands; do
	"$SGATE" $command --help | sed -n 's/^  \(--[a-z][a-z-]*\).*/\1/p'
done | sort -u)
for option in $options; do
	grep -q "^\*$option\*\|^\*-[a-zA-Z]\*, \*$option\*" "$page"
	verdict $? "sgate(8) describes the option $option"
done

statuses=$(sed -n 's/^\t[a-z_]* = \([0-9]*\),.*/\1/p' "$TOP/user/exit_status.h")
[ -n "$statuses" ]
verdict $? "user/exit_status.h lists exit statuses"
for status in $statuses; do
	grep -q "^\*$status\*$" "$page"
	verdict $? "sgate(8) explains exit status $status"
done

echo "1..$n"
echo "manpage: $pass passed, $fail failed"
[ "$fail" = 0 ]
