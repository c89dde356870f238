#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs every suite `make check` knows and ends with one closing line:
#   check: N passed, N failed, N skipped
# A suite that cannot run says SKIP with its reason; a skip is never a pass.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
passed=0 failed=0 skipped=0
failed_suites=()

note_skip() { skipped=$((skipped + 1)); echo "SKIP: $1"; }

# cmocka suites: count its own verdict lines.
run_cmocka() {
	local prog=$1 out rc p f
	if [ ! -x "$prog" ]; then
		note_skip "$prog was not built"
		failed_suites+=("$prog (missing)")
		failed=$((failed + 1))
		return
	fi
	echo "=== $prog"
	out=$("$prog" 2>&1)
	rc=$?
	echo "$out"
	if [ $rc = 77 ]; then
		note_skip "$prog: $(echo "$out" | grep -m1 SKIP)"
		return
	fi
	p=$(echo "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
	f=$(echo "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
	passed=$((passed + p))
	failed=$((failed + f))
	if [ $rc != 0 ] && [ "$f" = 0 ]; then
		failed=$((failed + 1))	# crashed or failed outside a test
		failed_suites+=("$prog (exit $rc)")
	elif [ "$f" != 0 ]; then
		failed_suites+=("$prog")
	fi
}

# TAP suites: count ok / not ok / # SKIP lines.
run_tap() {
	local script=$1 out rc p f s
	echo "=== $script"
	out=$("$script" 2>&1)
	rc=$?
	echo "$out"
	p=$(echo "$out" | grep -c '^ok .*' ; true)
	s=$(echo "$out" | grep -c '^ok .*# SKIP' ; true)
	f=$(echo "$out" | grep -c '^not ok ' ; true)
	p=$((p - s))
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	if echo "$out" | grep -q '^1\.\.0 # SKIP'; then
		note_skip "$script: $(echo "$out" | sed -n 's/^1\.\.0 # SKIP //p')"
	elif [ $rc != 0 ] && [ "$f" = 0 ]; then
		failed=$((failed + 1))
		failed_suites+=("$script (exit $rc: $(echo "$out" | grep -m1 'Bail out' || echo no TAP verdict))")
	elif [ "$f" != 0 ]; then
		failed_suites+=("$script")
	fi
}

if [ -z "$(mount -t bpf 2>/dev/null)" ]; then
	mount -t bpf bpf /sys/fs/bpf 2>/dev/null || true
fi

for t in "$BUILD"/test_siphash "$BUILD"/test_cookie "$BUILD"/test_dtls_cookie "$BUILD"/test_{cli,gate_config,handoff_path,keys,module,output,service_config,metrics} "$BUILD"/test_xdp_pkt "$BUILD"/test_dtls_pkt "$BUILD"/test_tc_pkt "$BUILD"/test_fixed_frame_prog \
	 "$BUILD"/fuzz_xdp "$BUILD"/test_forgery "$BUILD"/test_forgery_dtls; do
	run_cmocka "$t"
done
for t in tests/e2e/test_*.sh; do
	run_tap "$t"
done
[ -x selftests/run-vm.sh ] && run_tap selftests/run-vm.sh

echo
if [ ${#failed_suites[@]} -gt 0 ]; then
	echo "Failed: ${failed_suites[*]}"
fi
echo "check: $passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
