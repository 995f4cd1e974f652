#!/bin/sh
# csv.test.sh — polc batch's CSV reader and libcsv read 100,000 random RFC 4180 records
# (quoted commas, quotes and newlines, CRLF, UTF-8, spaces) alike, field by field.
# csvbench is built beside POLC (make check builds it).
set -u
cd "$(dirname "$0")/../.." || exit 2
POLC=${POLC:-build/polc}
exec "$(dirname "$POLC")/tests/csvbench" diff 100000
