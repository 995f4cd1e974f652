#!/bin/sh
# corpora.sh — the regression inputs of every fuzz harness are in git and replayed.
# Run by tests/run.sh (make check); exit 1 on a failure, with one line per problem.
#
# For every harness H (FUZZ_HARNESSES of tests/fuzz/fuzz.mk; tests/fuzz/fuzz_H.c):
#   - tests/fuzz/regress/H/ holds at least one input, and every file in it is tracked by
#     git (two .polb inputs were once lost to a `*.polb` line of .gitignore);
#   - no pattern of .gitignore matches a file there, whatever its name ends in;
#   - BUILD/fuzz/replay_H exists, so that tests/run.sh replays the folder.
# Outside a git work tree (an exported tarball) only the last two are checked.
# BUILD is the build folder (default build).
set -u
cd "$(dirname "$0")/../.." || exit 2
BUILD=${BUILD:-build}
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
git rev-parse --is-inside-work-tree >/dev/null 2>&1 && in_git=1 || in_git=0

harnesses=$(sed -n 's/^FUZZ_HARNESSES *:= *//p' tests/fuzz/fuzz.mk)
[ -n "$harnesses" ] || fail "no FUZZ_HARNESSES in tests/fuzz/fuzz.mk"
for h in $harnesses; do
  dir=tests/fuzz/regress/$h
  [ -f "tests/fuzz/fuzz_$h.c" ] || fail "harness $h: no tests/fuzz/fuzz_$h.c"
  [ -x "$BUILD/fuzz/replay_$h" ] || fail "$BUILD/fuzz/replay_$h is not built: make check would not replay $dir"
  n=0
  for f in "$dir"/* "$dir"/.[!.]*; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    case ${f##*/} in .*) fail "$f: replay.c skips names starting with '.'" ;; esac
    if [ "$in_git" = 1 ] && ! git ls-files --error-unmatch -- "$f" >/dev/null 2>&1; then
      fail "$f is not tracked by git (git add it)"
    fi
  done
  [ "$n" -gt 0 ] || fail "$dir: no regression input"
  if [ "$in_git" = 1 ]; then
    for probe in x x.pol x.polb x.json x.o x.bin; do
      if git check-ignore -q --no-index -- "$dir/$probe"; then
        fail "$dir/$probe would be ignored by git: $(git check-ignore -v --no-index -- "$dir/$probe")"
      fi
    done
  fi
done
[ "$fails" -eq 0 ]
