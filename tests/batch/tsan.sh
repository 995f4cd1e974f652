#!/bin/sh
# tsan.sh POLC — polc batch --jobs under ThreadSanitizer (`make tsan` builds POLC with
# -fsanitize=thread): rosters with rejects in small blocks and a generated roster, on 2 to 4
# threads; any report fails (exit 66), and the output must equal that of --jobs 1.
set -u
cd "$(dirname "$0")/../.." || exit 2
POLC=${1:-build/tsan/polc}
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 ${TSAN_OPTIONS:-}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sh tests/batch/genroster.sh 20000 15 2025 > "$tmp/gen.csv"
fail=0
run() { # name roster jobs block extra...
  n=$1 r=$2 j=$3 b=$4; shift 4
  "$POLC" batch policies/pingshun-2026.pol "$r" --date-column paid_on --jobs 1 --block-size "$b" "$@" \
    -o "$tmp/$n.1" --summary "$tmp/$n.s1"
  "$POLC" batch policies/pingshun-2026.pol "$r" --date-column paid_on --jobs "$j" --block-size "$b" "$@" \
    -o "$tmp/$n.j" --summary "$tmp/$n.sj"
  st=$?
  if [ "$st" -gt 1 ]; then echo "tsan: $n: exit status $st"; fail=1; fi
  cmp -s "$tmp/$n.1" "$tmp/$n.j" && cmp -s "$tmp/$n.s1" "$tmp/$n.sj" || { echo "tsan: $n: --jobs $j differs"; fail=1; }
}
run bad tests/batch/bad.csv 3 64
run jsonl tests/batch/bad.jsonl 2 160 --format jsonl
run gen "$tmp/gen.csv" 4 4096
[ "$fail" = 0 ] && echo "tsan: polc batch --jobs clean"
exit "$fail"
