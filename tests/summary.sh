#!/bin/sh
# Adds up the counts each stage of `make check` left in DIR and prints the
# closing line CI reads: `check: N passed, N failed, N skipped`.
dir=$1
cat "$dir"/unit "$dir"/integration "$dir"/fuzz "$dir"/manlint 2>/dev/null | awk '
  { printf "  %-12s %d passed, %d failed, %d skipped\n", $1, $2, $3, $4; p += $2; f += $3; s += $4; n++ }
  END { if (n < 4) f += 4 - n; printf "check: %d passed, %d failed, %d skipped\n", p, f, s }'
