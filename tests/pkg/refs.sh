#!/bin/sh
# refs.sh — nothing in the repository points outside it: no path into a sibling
# `shared` folder or an absolute path of the machine it was written on (the contract is
# docs/QUERY.md, the notices are policies/notices/), and every notice a policy names as
# its source is there.  Run by tests/run.sh.
set -u
cd "$(dirname "$0")/../.." || exit 2
fails=0
# the patterns are spelled so that this file does not match them
out=$(grep -rnI --exclude-dir=.git --exclude=.git --exclude-dir=build \
        -e '[.][.]/shared' -e '/wor[k]/' -e '/hom[e]/' . 2>/dev/null)
[ -z "$out" ] || { echo "FAIL: references outside the repository:"; echo "$out"; fails=1; }
for p in policies/*.pol; do
  src=$(sed -n 's|^# Source: \(notices/[^ ]*\.txt\).*|\1|p' "$p")
  [ -n "$src" ] || { echo "FAIL: $p names no source notice (# Source: notices/NAME.txt)"; fails=1; continue; }
  [ -s "policies/$src" ] || { echo "FAIL: $p: policies/$src is missing"; fails=1; }
done
[ "$fails" -eq 0 ] || exit 1
echo "refs: no reference outside the repository; every policy's notice is in policies/notices/"
