#!/bin/sh
# regold.sh NAME... — rewrite tests/cli/NAME.out and .status from the current build/polc.
# Review `git diff tests/cli` before committing: a golden is only as right as its review.
set -u
cd "$(dirname "$0")/.." || exit 2
POLC=${POLC:-build/polc}
for n in "$@"; do
  a=tests/cli/$n.args
  eval "set -- $(cat "$a")"
  "$POLC" "$@" > "tests/cli/$n.out" 2>&1
  echo $? > "tests/cli/$n.status"
done
