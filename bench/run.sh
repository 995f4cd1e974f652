#!/bin/sh
# run.sh — `make bench`.  First, how fast `polc check` is, against a baseline measured in
# the same run on the same machine: `polc compile` of the same files (lexing, parsing,
# type checking, code generation and verification — the front end check starts from).
# Then bench/bench.c (build/bench/bench): the agreement of the VM with the hand-written C
# and Lua peers on a generated roster, ns per quote with ratios to the hand C, compile and
# check in process, and `polc batch` rows per second (docs/PERFORMANCE.md).
# BENCH_ARGS adds options to bench.c (e.g. "--repeat 5 --runs 3" for a quick look).
# Each figure is the median wall time of RUNS runs of the whole command, process start
# included, as a reviewer runs it.  Bounds from issue #3: the five bundled policies in
# under 50 ms together, a generated 200-category policy in under 2 s (#17: 1 s); from #17,
# 40 identities chained pairwise with a 4-identity category, completely, in under 2 s.
set -eu
POLC=${POLC:-build/polc}
RUNS=${RUNS:-15}
OUT=build/bench
mkdir -p "$OUT"
sh bench/genpolicy.sh > "$OUT/generated.pol"
sh bench/genchained.sh 40 > "$OUT/chained.pol"

now_ns() { date +%s%N; }

# median_ms CMD...: the median wall time of RUNS runs, in milliseconds (3 decimals)
median_ms() {
  i=0
  : > "$OUT/times"
  while [ $i -lt "$RUNS" ]; do
    t0=$(now_ns)
    "$@" > /dev/null 2>&1 || true
    t1=$(now_ns)
    echo $(( t1 - t0 )) >> "$OUT/times"
    i=$((i + 1))
  done
  sort -n "$OUT/times" | awk '{ v[NR] = $1 } END { printf "%.3f", v[int((NR + 1) / 2)] / 1e6 }'
}

compile_all() { for f in "$@"; do "$POLC" compile "$f" -o "$OUT/x.polb" || return 1; done; }

# row NAME BOUND_MS FILES...
row() {
  name=$1 bound=$2
  shift 2
  base=$(median_ms compile_all "$@")
  chk=$(median_ms "$POLC" check "$@")
  awk -v n="$name" -v b="$base" -v c="$chk" -v bound="$bound" 'BEGIN {
    printf "%-34s %10.2f ms %10.2f ms %8.2fx %8d ms  %s\n", n, b, c, c / b, bound,
           (c < bound ? "ok" : "OVER BOUND")
  }'
}

echo "polc check — median of $RUNS runs; baseline: polc compile of the same files (one process per file)"
printf "%-34s %13s %13s %9s %11s\n" "input" "compile" "check" "ratio" "bound"
row "five bundled policies" 50 policies/*.pol
for f in policies/*.pol; do row "  $(basename "$f" .pol)" 50 "$f"; done
row "generated: 201 categories" 1000 "$OUT/generated.pol"
row "generated: 40 chained identities" 2000 "$OUT/chained.pol"

echo
"${BENCH:-build/bench/bench}" --polc "$POLC" --out "$OUT" ${BENCH_ARGS:-} policies/*.pol
