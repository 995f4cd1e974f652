#!/bin/sh
# callgrind.sh — `make bench-callgrind`: executed instructions (callgrind's Ir), which do
# not move with the machine's load as wall time does.  Per quote: each path of bench.c
# counted inside its pass function only (--toggle-collect), over one pass of N residents.
# Per policy: `polc compile` and `polc check`, whole process.
set -eu
POLC=${POLC:-build/polc}
BENCH=${BENCH:-build/bench/bench}
N=${N:-4096}
OUT=build/bench
mkdir -p "$OUT"

# ir FUNCTION CMD...: instructions executed inside FUNCTION (and what it calls)
ir() {
  fn=$1
  shift
  valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.out" \
    --toggle-collect="$fn" "$@" >/dev/null 2>"$OUT/callgrind.err" ||
    { cat "$OUT/callgrind.err" >&2; exit 1; }
  awk '/^(summary|totals):/ { print $2; exit }' "$OUT/callgrind.out"
}
# all CMD...: instructions of the whole process
all() {
  valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.out" "$@" \
    >/dev/null 2>"$OUT/callgrind.err" || true
  awk '/^(summary|totals):/ { print $2; exit }' "$OUT/callgrind.out"
}

echo "instructions per quote (callgrind Ir inside the pass, $N residents of the generated roster)"
hand=$(ir pass_hand "$BENCH" --only hand --quotes "$N" policies/*.pol)
per() { awk -v i="$1" -v n="$N" -v h="$hand" -v name="$2" \
  'BEGIN { printf "  %-40s %10.0f Ir %9.2fx\n", name, i / n, i / h }'; }
per "$hand" "hand C, pingshun-2026"
per "$(ir pass_lua "$BENCH" --only lua --quotes "$N" policies/*.pol)" "Lua 5.4, pingshun-2026"
for p in policies/*.pol; do
  per "$(ir pass_typed "$BENCH" --only "$p" --quotes "$N" policies/*.pol)" \
    "polc typed API, $(basename "$p" .pol)"
done
per "$(ir pass_json "$BENCH" --only json --quotes "$N" policies/*.pol)" \
  "polc JSON API (in+out), pingshun-2026"

echo
echo "instructions per process (callgrind Ir, whole process), and in plan_build: the"
echo "decision structure, built on a program's first context (here by one polc quote)"
printf "  %-28s %14s %14s %14s\n" "policy" "polc compile" "plan_build" "polc check"
for p in policies/*.pol; do
  c=$(all "$POLC" compile "$p" -o "$OUT/x.polb")
  y=$(basename "$p" .pol)
  y=${y##*-}
  b=$(ir plan_build "$POLC" quote "$p" --resident '{"birth_date":"1980-01-01"}' \
    --date "$((y - 1))-11-10")
  k=$(all "$POLC" check "$p")
  printf "  %-28s %14s %14s %14s\n" "$(basename "$p" .pol)" "$c" "$b" "$k"
done
