#!/bin/sh
# mandoc -Tlint over every man page; each clean page is one passed check.
# usage: manlint.sh RESULT_FILE PAGE...
out=$1; shift
passed=0 failed=0
for page in "$@"; do
  if msgs=$(mandoc -Tlint -W warning "$page" 2>&1) && [ -z "$msgs" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "manlint: $page"; echo "$msgs"
  fi
done
echo "manlint $passed $failed 0" > "$out"
echo "manlint: $passed passed, $failed failed"
[ "$failed" = 0 ]
