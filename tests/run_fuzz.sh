#!/bin/sh
# Runs each fuzz target over its corpus (tests/fuzz/corpus/NAME) plus RUNS
# seeded mutations; each target that finishes without a crash or a
# sanitizer report is one passed check.
# usage: run_fuzz.sh RESULT_FILE RUNS BINARY...
out=$1 runs=$2; shift 2
passed=0 failed=0
for bin in "$@"; do
  name=$(basename "$bin")
  if "$bin" -runs="$runs" "tests/fuzz/corpus/${name%_fuzzer}"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "fuzz: $name FAILED"
  fi
done
echo "fuzz $passed $failed 0" > "$out"
echo "fuzz: $passed passed, $failed failed"
[ "$failed" = 0 ]
