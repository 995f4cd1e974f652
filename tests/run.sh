#!/bin/sh
# tests/run.sh — the whole test suite; `make check` runs it.  Ends with one summary line.
#
#   build/tests/test_*        cmocka unit tests (scanner, parser, checker, codegen, VM, ...)
#   polc test                 every inline example of policies/ and examples/patterns/
#   tests/cli/NAME.args       a polc command line (shell words, run from the repo root);
#                             NAME.out is its exact stdout+stderr, NAME.status its exit status
#   tests/bad/NAME.pol        a malformed policy; NAME.err is the exact stderr of
#                             `polc compile`, which must exit 2
#   tests/docs/blocks_test.py every code block of README.md and docs/*.md that is a
#                             policy compiles and passes its examples (`pol`), or is
#                             marked a fragment (`pol-fragment [FILE]`, FILE: its source)
#   tests/editors/grammar_test.py  the Vim and TextMate grammars recognise every token
#                             class of lang/lexer.l on every bundled policy
#   tests/pkg/*.sh            the installable library: exports and soname, make install,
#                             the examples built through pkg-config, the man page, no
#                             reference outside the repository (one test each)
#   tests/batch/*.test.sh     scripts (run with POLC) that exit non-zero on a failure
#   tests/fuzz/regress/H/     inputs that once broke fuzz harness H (and seeds/H/), replayed
#                             through it without libFuzzer (BUILD/fuzz/replay_H)
#   tests/fuzz/corpora.sh     every harness has regression inputs, all tracked by git
#   BUILD/fuzz/oom            allocation-failure injection (tests/fuzz/oom.c): every
#                             operation on a bundled policy, and check alone on every
#                             policy of tests/check with every allocation failing in turn
#
# POLC=path/to/polc selects the binary (default build/polc); BUILD the unit-test folder.
set -u
cd "$(dirname "$0")/.." || exit 2
POLC=${POLC:-build/polc}
BUILD=${BUILD:-${B:-build}}
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL %s\n' "$1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/    /' | head -40; }

for t in "$BUILD"/tests/test_*; do
  [ -x "$t" ] || continue
  if out=$("$t" 2>&1); then ok; else bad "$t" "$out"; fi
done

for p in policies/*.pol examples/patterns/*.pol; do
  [ -f "$p" ] || continue
  if out=$("$POLC" test "$p" 2>&1); then ok; else bad "polc test $p" "$out"; fi
done

for a in tests/cli/*.args; do
  [ -f "$a" ] || continue
  n=${a%.args}
  eval "set -- $(cat "$a")"
  "$POLC" "$@" >"$tmp/out" 2>&1
  st=$?
  want=$(cat "$n.status" 2>/dev/null || echo 0)
  if [ "$st" != "$want" ]; then
    bad "$a" "exit status $st, expected $want
$(cat "$tmp/out")"
  elif ! diff -u "$n.out" "$tmp/out" >"$tmp/diff" 2>&1; then
    bad "$a" "$(cat "$tmp/diff")"
  else
    ok
  fi
done

for p in tests/bad/*.pol; do
  [ -f "$p" ] || continue
  n=${p%.pol}
  "$POLC" compile "$p" -o "$tmp/x.polb" >"$tmp/out" 2>"$tmp/err"
  st=$?
  if [ "$st" != 2 ]; then
    bad "$p" "exit status $st, expected 2"
  elif ! diff -u "$n.err" "$tmp/err" >"$tmp/diff" 2>&1; then
    bad "$p" "$(cat "$tmp/diff")"
  else
    ok
  fi
done

# the docs' code blocks: every `pol` block passes polc test, excerpts match their files
if out=$(POLC="$POLC" python3 tests/docs/blocks_test.py 2>&1); then ok; else bad "tests/docs/blocks_test.py" "$out"; fi

# editor grammars (editors/): every token class of the lexer on every bundled policy
if out=$(python3 tests/editors/grammar_test.py 2>&1); then ok; else bad "tests/editors/grammar_test.py" "$out"; fi

for s in tests/pkg/*.sh; do
  [ -f "$s" ] || continue
  if out=$(POLC="$POLC" BUILD="$BUILD" sh "$s" 2>&1); then ok; else bad "$s" "$out"; fi
done

# SARIF output against the SARIF 2.1.0 schema (python3-jsonschema from Debian, if present)
if /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
  "$POLC" check --format sarif --verbose policies/*.pol tests/check/*.pol >"$tmp/all.sarif" 2>/dev/null
  if out=$(/usr/bin/python3 tests/sarif/validate.py tests/sarif/sarif-schema-2.1.0.json \
             "$tmp/all.sarif" $(grep -l -- '--format sarif' tests/cli/*.args | sed 's/\.args$/.out/') 2>&1); then
    ok
  else
    bad "SARIF 2.1.0 schema" "$out"
  fi
else
  echo "skip: SARIF schema validation (install python3-jsonschema)"
fi

for t in tests/batch/*.test.sh; do
  [ -f "$t" ] || continue
  if out=$(POLC="$POLC" sh "$t" 2>&1); then ok; else bad "$t" "$out"; fi
done

for r in "$BUILD"/fuzz/replay_*; do
  [ -x "$r" ] || continue
  h=${r##*/replay_}
  set --
  for d in tests/fuzz/regress/"$h" tests/fuzz/seeds/"$h"; do [ -d "$d" ] && set -- "$@" "$d"; done
  [ $# -gt 0 ] || continue
  if out=$(FUZZ_CHECK_ALL=1 "$r" "$@" 2>&1); then ok; else bad "fuzz regressions $h" "$out"; fi
done

# every harness has regression inputs, tracked by git and replayed above
if out=$(BUILD="$BUILD" sh tests/fuzz/corpora.sh 2>&1); then ok; else bad "tests/fuzz/corpora.sh" "$out"; fi

if [ -x "$BUILD/fuzz/oom" ]; then
  if out=$("$BUILD/fuzz/oom" 2>&1); then ok; else bad "allocation-failure injection ($BUILD/fuzz/oom)" "$out"; fi
  # check with every allocation failing in turn (OOM_FULL) on every policy of tests/check
  # (each takes its own path of check), but the coverage-* ones (seconds per run, a run
  # per allocation) and those that do not compile (oom exits 2, saying so)
  for p in tests/check/*.pol; do
    case $p in */coverage-*) continue ;; esac
    out=$(OOM_FULL=1 "$BUILD/fuzz/oom" "$p" check 2>&1)
    case $?:$out in
    0:*) ok ;;
    2:*"does not compile"*) ;;
    *) bad "allocation-failure injection, check: $p" "$out" ;;
    esac
  done
fi

total=$((pass + fail))
echo "tests: $total run, $pass passed, $fail failed"
[ "$fail" -eq 0 ]
