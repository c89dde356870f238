#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The bash completion (completion/sgate.bash), driven as bash drives it:
# COMP_WORDS and COMP_CWORD set, the function `complete -p` names called,
# COMPREPLY read back (TAP).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
SGATE=${SGATE:-$TOP/build/sgate}
. "$TOP/tests/lib/tap.sh"

[ -x "$SGATE" ] || { echo "Bail out! $SGATE missing: make all"; exit 1; }
. "$TOP/completion/sgate.bash"

echo "TAP version 13"

spec=$(complete -p sgate 2>/dev/null)
func=$(sed -n 's/.* -F \([^ ]*\) .*/\1/p' <<<"$spec")
[ -n "$func" ]
verdict $? "complete -p sgate names a function" "got: '$spec'"
[ -n "$func" ] || { echo "Bail out! no completion function for sgate"; exit 1; }

# completions WORD...: what TAB offers after "sgate WORD...", the last word
# being the one under the cursor; sorted, one a line.
completions() {
	COMP_WORDS=("$SGATE" "$@")
	COMP_CWORD=$#
	COMPREPLY=()
	"$func" sgate "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort
}

# expect NAME WANTED WORD...: the completions are exactly WANTED (words).
expect() {
	local name=$1 want got
	want=$(tr ' ' '\n' <<<"$2" | sed '/^$/d' | sort)
	shift 2
	got=$(completions "$@")
	[ "$got" = "$want" ]
	verdict $? "$name" "wanted: $(echo $want)" "got:    $(echo $got)"
}

# offers NAME 'IN...' 'OUT...' WORD...: every IN word offered, no OUT word.
offers() {
	local name=$1 in=$2 out=$3 got w missing=""
	shift 3
	got=$(completions "$@")
	for w in $in; do grep -qx -- "$w" <<<"$got" || missing="$missing $w"; done
	for w in $out; do grep -qx -- "$w" <<<"$got" && missing="$missing !$w"; done
	[ -z "$missing" ]
	verdict $? "$name" "wrong:$missing" "got: $(echo $got)"
}

devices=$(ls /sys/class/net | tr '\n' ' ')

offers "the commands" "attach detach status rotate stats keys" "" ""
expect "a command's prefix" "attach" at
expect "two commands share a prefix" "stats status" sta
offers "global options before the command" "--pin-root --version --help" "--ports --json" --
expect "attach DEV: the namespace's devices" "$devices" attach ""
expect "a device's prefix" "$(cd /sys/class/net && echo l*)" attach l
offers "attach's options" "--ports --xdp-mode --mss --key-period --pin-root" "--json --watch" attach lo --
offers "after the device, options" "--ports --xdp-mode" "lo" attach lo ""
expect "--xdp-mode's values" "auto native generic" attach lo --xdp-mode ""
expect "--xdp-hook's values" "alone shared" attach lo --xdp-hook ""
expect "a value needing the operator's number: nothing" "" attach lo --ports ""
expect "device after an option's value" "$devices" attach --ports 80 ""
offers "stats' options" "--json --watch" "--ports --xdp-mode" stats --
offers "keys' options" "--json" "--watch --ports" keys --
offers "status takes no device: its options" "--pin-root --help" "lo" status ""
offers "the command after --pin-root DIR" "attach detach status" "" --pin-root /tmp ""
expect "--pin-root's value: directories" "$(compgen -d -- "$TOP/bp" | tr '\n' ' ')" --pin-root "$TOP/bp"

echo "1..$n"
echo "completion: $pass passed, $fail failed"
[ "$fail" = 0 ]
