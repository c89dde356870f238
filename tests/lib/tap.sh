# SPDX-License-Identifier: GPL-2.0
# TAP results for the shell suites (sourced): the end-to-end tests in
# tests/e2e/ and the module's selftests in selftests/sgate/.  Results are
# numbered as they come; a failure's details follow as "#" lines.  A suite
# prints its plan, "1..$n", at the end.
n=0 pass=0 fail=0 skipped=0

ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n - $1"; }
# skip NAME REASON: TAP's "ok ... # SKIP", counted as skipped, never passed.
skip() { n=$((n + 1)); skipped=$((skipped + 1)); echo "ok $n - $1 # SKIP $2"; }
not_ok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "#   $l"; done; }

# verdict STATUS NAME [DETAIL]...: ok when STATUS is 0.
verdict() { if [ "$1" = 0 ]; then ok "$2"; else not_ok "$2" "${@:3}"; fi; }

# check NAME COMMAND...: ok when COMMAND succeeds; else its last lines.
check() {
	local name=$1 tap_out
	shift
	tap_out=$(mktemp)
	if "$@" >"$tap_out" 2>&1; then ok "$name"; else not_ok "$name" "$(tail -n 15 "$tap_out")"; fi
	rm -f "$tap_out"
}

# sub NAME COMMAND...: a TAP-speaking program; its lines become ours,
# renumbered.  A program that reports no test at all, or fails without
# saying what, is a failure.
sub() {
	local name=$1 line tap_out rc seen=0
	shift
	tap_out=$(mktemp)
	"$@" >"$tap_out" 2>&1
	rc=$?
	while IFS= read -r line; do
		case "$line" in
		"ok "*) seen=1; ok "$name: ${line#ok * - }" ;;
		"not ok "*) seen=1; not_ok "$name: ${line#not ok * - }" ;;
		"Bail out!"*) seen=1; not_ok "$name: $line" ;;
		"#"*) echo "$line" ;;
		esac
	done <"$tap_out"
	if [ $seen = 0 ] || { [ $rc != 0 ] && ! grep -q '^not ok\|^Bail' "$tap_out"; }; then
		not_ok "$name: exit $rc" "$(tail -n 12 "$tap_out")"
	fi
	rm -f "$tap_out"
}
