#!/bin/bash
# Delivery rate of mda against Debian's maildrop, same machine, same run.
#
# For 1 KB and 100 KB messages, sequential and parallel: deliveries per
# second into a Maildir on disk, for `mda -m DIR` and for maildrop with a
# filter that says `to "DIR/"`. Both get the message on stdin from the same
# shell loop, so the loop's own cost is in both figures. Prints figures and
# the ratio mda/maildrop; it never fails on a figure.
#
# Note on durability: mda fsyncs the file and then new/ (the rename is
# durable when it returns); maildrop fsyncs the file only.
#
# env: POSTHORN_BIN (folder with mda), BENCH_DIR (default /var/tmp),
#      BENCH_N (deliveries per figure, default 400), BENCH_P (parallel, 8)
set -eu

bin=${POSTHORN_BIN:-$(cd "$(dirname "$0")/../.." && pwd)/build/bin}
mda=$bin/mda
n=${BENCH_N:-400}
p=${BENCH_P:-8}
work=$(mktemp -d "${BENCH_DIR:-/var/tmp}/posthorn-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

for tool in maildrop /usr/bin/time; do command -v $tool >/dev/null || { echo "$tool not installed (make deps)"; exit 1; }; done
[ -x "$mda" ] || { echo "no $mda: run make first"; exit 1; }

make_message() {  # size_in_bytes file
  python3 - "$1" "$2" <<'PY'
import sys
size, path = int(sys.argv[1]), sys.argv[2]
head = ("From: Bench <bench@example.org>\nTo: user@example.org\nSubject: benchmark\n"
        "Message-ID: <bench@example.org>\nDate: Sun, 22 Nov 2026 10:00:00 +0000\n\n")
line = "The quick brown fox jumps over the lazy dog, again and again.\n"
body = (line * (size // len(line) + 1))[: max(0, size - len(head))]
open(path, "w").write(head + body)
PY
}

now() { date +%s.%N; }

# deliver KIND MSG COUNT: COUNT deliveries of MSG by one loop.
deliver() {
  local kind=$1 msg=$2 count=$3 i
  case $kind in
    mda)      for ((i = 0; i < count; i++)); do "$mda" -m "$work/md-mda" < "$msg"; done ;;
    maildrop) for ((i = 0; i < count; i++)); do maildrop "$work/filter" < "$msg"; done ;;
  esac
}

# rate KIND MSG PARALLEL: prints deliveries per second.
rate() {
  local kind=$1 msg=$2 par=$3 start end j
  rm -rf "$work/md-$kind" && mkdir -p "$work/md-$kind"/{tmp,new,cur}
  start=$(now)
  for ((j = 0; j < par; j++)); do deliver "$kind" "$msg" $((n / par)) & done
  wait
  end=$(now)
  local got
  got=$(ls "$work/md-$kind/new" | wc -l)
  [ "$got" = $((n / par * par)) ] || { echo "$kind delivered $got of $((n / par * par))" >&2; exit 1; }
  python3 -c "print('%.0f' % ($got / ($end - $start)))"
}

peak_rss_kb() {  # KIND MSG
  # GNU time's figure includes the pages time itself had before exec (about
  # 1 MB, shown as the /bin/true floor), the same for both programs.
  case $1 in
    mda)      /usr/bin/time -f %M "$mda" -m "$work/md-mda" < "$2" 2>&1 >/dev/null ;;
    maildrop) /usr/bin/time -f %M maildrop "$work/filter" < "$2" 2>&1 >/dev/null ;;
  esac
}

printf 'to "%s/md-maildrop/"\n' "$work" > "$work/filter"
chmod 600 "$work/filter"
make_message 1024 "$work/1k"
make_message 102400 "$work/100k"

echo "mda vs maildrop $(maildrop -v 2>&1 | head -1 | awk '{print $2}'): $n deliveries per figure, parallel = $p, into $work ($(df -T "$work" | awk 'NR==2{print $2}'))"
printf '%-24s %12s %12s %8s\n' "figure" "mda/s" "maildrop/s" "ratio"
for size in 1k 100k; do
  for par in 1 "$p"; do
    a=$(rate mda "$work/$size" "$par")
    b=$(rate maildrop "$work/$size" "$par")
    label="$size $( [ "$par" = 1 ] && echo sequential || echo "parallel x$par")"
    printf '%-24s %12s %12s %8s\n' "$label" "$a" "$b" "$(python3 -c "print('%.2f' % ($a / $b))")"
  done
done
a=$(peak_rss_kb mda "$work/100k"); b=$(peak_rss_kb maildrop "$work/100k")
printf '%-24s %12s %12s %8s   (floor: /bin/true %s KB)\n' "peak RSS 100k (KB)" "$a" "$b" \
  "$(python3 -c "print('%.2f' % ($a / $b))")" "$(/usr/bin/time -f %M /bin/true 2>&1)"

# Start-up: a usage error does no I/O, so this is exec + init alone.
t0=$(now); for ((i = 0; i < 500; i++)); do "$mda" 2>/dev/null || true; done; t1=$(now)
t2=$(now); for ((i = 0; i < 500; i++)); do /bin/true; done; t3=$(now)
python3 -c "print('mda start-up: %.2f ms per run (exec of /bin/true: %.2f ms)' % (($t1-$t0)*2, ($t3-$t2)*2))"
