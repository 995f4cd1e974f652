#!/bin/sh
# tests/fuzz/run.sh BUILD SECONDS JOBS HARNESS... — `make fuzz`: seed a corpus per harness
# (BUILD/fuzz/corpus/H, kept between runs) and run each fuzzer for SECONDS, JOBS at a time.
# A crash is saved as BUILD/fuzz/crashes/H/crash-*; copy it to tests/fuzz/regress/H/ once
# the bug is fixed, so that `make check` replays it.  Ends with one line per harness
# (executions, seconds, corpus size) and exits 1 if any harness found something.
set -u
cd "$(dirname "$0")/../.." || exit 2
B=$1 SECONDS_EACH=$2 JOBS=$3
FUZZ_TIMEOUT=${FUZZ_TIMEOUT:-30}
shift 3
F=$B/fuzz
mkdir -p "$F/corpus" "$F/crashes" "$F/logs"
touch "$F/run-started" # crashes of this run are the ones newer than this

seed() { # seed H FILE...: copy files into the corpus of H (names by content)
  h=$1
  shift
  mkdir -p "$F/corpus/$h"
  for f in "$@"; do
    [ -f "$f" ] || continue
    cp "$f" "$F/corpus/$h/seed-$(cksum <"$f" | cut -d' ' -f1)"
  done
}

for h in "$@"; do
  case $h in
  policy)
    # (not the check tests of combination limits: seconds each in check, minutes instrumented)
    seed policy policies/*.pol examples/patterns/*.pol tests/bad/*.pol \
      $(ls tests/check/*.pol | grep -v /coverage-) ;;
  polb)
    for p in policies/*.pol examples/patterns/*.pol $(ls tests/check/*.pol | grep -v /coverage-); do
      n=$(basename "$p" .pol)
      "$B/polc" compile "$p" -o "$F/corpus/polb-$n.polb" >/dev/null 2>&1 || continue
      seed polb "$F/corpus/polb-$n.polb"
      rm -f "$F/corpus/polb-$n.polb"
    done ;;
  resident)
    # every resident of the CLI tests on every bundled policy (byte 0 picks the policy)
    i=0
    grep -ho "'{[^']*}'" tests/cli/*.args | sort -u | tr -d "'" >"$F/residents"
    while read -r json; do
      k=$((i % 12))
      printf "\\$(printf %03o "$k")2025-11-10\n%s" "$json" >"$F/resident.tmp"
      seed resident "$F/resident.tmp"
      i=$((i + 1))
    done <"$F/residents"
    rm -f "$F/resident.tmp" "$F/residents" ;;
  esac
  [ -d "tests/fuzz/seeds/$h" ] && seed "$h" "tests/fuzz/seeds/$h"/*
  [ -d "tests/fuzz/regress/$h" ] && seed "$h" "tests/fuzz/regress/$h"/*
  mkdir -p "$F/corpus/$h"
done

run() { # run H: one fuzzer for SECONDS_EACH, its log in F/logs/H.log
  h=$1
  dict=""
  [ -f "tests/fuzz/$h.dict" ] && dict="-dict=tests/fuzz/$h.dict"
  mkdir -p "$F/crashes/$h"
  # Fork mode: a timeout (an input slower than FUZZ_TIMEOUT s, instrumented ~15x slower
  # than -O2) or running out of 2 GiB is saved and reported, and fuzzing goes on; a crash
  # (sanitizer report, broken invariant) is saved and stops the run.
  "$F/fuzz_$h" -fork=1 -ignore_timeouts=1 -ignore_ooms=1 -max_total_time="$SECONDS_EACH" \
    -timeout="$FUZZ_TIMEOUT" -rss_limit_mb=2048 -max_len=65536 $dict \
    -artifact_prefix="$F/crashes/$h/" "$F/corpus/$h" >"$F/logs/$h.log" 2>&1
  echo $? >"$F/logs/$h.status"
}

running=0
for h in "$@"; do
  run "$h" &
  running=$((running + 1))
  if [ "$running" -ge "$JOBS" ]; then
    wait
    running=0
  fi
done
wait

rc=0
for h in "$@"; do
  st=$(cat "$F/logs/$h.status")
  # fork mode's last progress line: "#EXECS: cov: … exec/s: … oom/timeout/crash: A/B/C time: Ns"
  last=$(grep -E '^#[0-9]+: cov:' "$F/logs/$h.log" | tail -n 1)
  execs=$(printf '%s' "$last" | sed -n 's/^#\([0-9]*\):.*/\1/p')
  otc=$(printf '%s' "$last" | sed -n 's/.*oom\/timeout\/crash: \([0-9\/]*\).*/\1/p')
  secs=$(printf '%s' "$last" | sed -n 's/.* time: \([0-9]*\)s.*/\1/p')
  corpus=$(ls "$F/corpus/$h" | wc -l)
  crashes=$(find "$F/crashes/$h" -newer "$F/run-started" \( -name 'crash-*' -o -name 'leak-*' \) | wc -l)
  line="${execs:-?} executions in ${secs:-?} s, corpus $corpus, oom/timeout/crash ${otc:-?}"
  if [ "$st" = 0 ] && [ "$crashes" = 0 ]; then
    echo "fuzz $h: clean, $line"
  else
    echo "fuzz $h: FOUND (exit $st), $line; see $F/logs/$h.log and $F/crashes/$h/"
    grep -m3 -E 'ERROR|invariant|SUMMARY' "$F/logs/$h.log" | sed 's/^/    /'
    rc=1
  fi
done
exit $rc
