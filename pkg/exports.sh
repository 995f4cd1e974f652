#!/bin/sh
# exports.sh CC HEADER — the functions HEADER declares, one name a line: every `pol_x(`
# in the preprocessed header (comments gone, so usage examples in comments do not count).
# A declaration is written `type pol_name(args)` with no space before the parenthesis;
# `typedef pol_status (*fn)(...)` has one, and lines starting with `typedef` (a function
# type `typedef int pol_fn(...)`) are skipped: neither declares a function.  The build links
# libpol.so with exactly these names global (tests/pkg/library.sh checks the result).
set -e
[ $# -eq 2 ] || { echo "usage: exports.sh CC HEADER" >&2; exit 2; }
$1 -E -P -std=c11 "$2" | grep -v '^[[:space:]]*typedef' | grep -o 'pol_[A-Za-z0-9_]*(' |
  sed 's/($//' | sort -u
