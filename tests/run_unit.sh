#!/bin/sh
# Runs the GoogleTest binary and records its counts for tests/summary.sh.
# usage: run_unit.sh UNIT_BINARY RESULT_FILE
bin=$1 out=$2
log=$out.log
"$bin" --gtest_brief=1 2>&1 | tee "$log"
status=$?
passed=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
failed=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
skipped=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
# A crash prints no counts: count it as a failure, never as a pass.
[ -n "$passed" ] || { passed=0; failed=${failed:-1}; }
echo "unit ${passed:-0} ${failed:-0} ${skipped:-0}" > "$out"
[ "${failed:-0}" = 0 ]
