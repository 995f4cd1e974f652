#!/bin/sh
# compare.test.sh — `polc batch` answers equal `polc quote`'s, row by row, on a generated
# roster for every bundled policy (tests/run.sh runs it; POLC selects the binary).
#
# For each policy: a roster of ROWS residents (tests/batch/genroster.sh, fixed seed) as CSV
# and as JSON Lines, with a payment date per row (column paid_on).  Checks:
#   - rows in = answered + rejected (the summary line and the output's own count), and the
#     generated roster has no reject;
#   - CSV and JSON Lines input give the same answers; --jobs 2 with small blocks (many
#     blocks in flight) gives the same bytes as --jobs 1;
#   - the CSV output and the JSON Lines output say the same for every row;
#   - every answer equals the fields of `polc quote` for that resident and date.
set -u
cd "$(dirname "$0")/../.." || exit 2
POLC=${POLC:-build/polc}
ROWS=${ROWS:-200}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
die() { echo "compare: $*"; fail=1; }
proj='{payable, reason, category, individual, funding, worth, benefit_start, benefit_end, waiting_months, waiting_days}'

for spec in changzhi-2024:2023 qinyuan-2025:2024 tunliu-2025:2024 pingshun-2026:2025 shanyin-2026:2025; do
  pol=${spec%%:*}; year=${spec#*:}
  "$POLC" compile "policies/$pol.pol" -o "$tmp/$pol.polb" >/dev/null 2>&1 || { die "$pol: compile"; continue; }
  sh tests/batch/genroster.sh "$ROWS" 20261128 "$year" csv > "$tmp/r.csv"
  sh tests/batch/genroster.sh "$ROWS" 20261128 "$year" jsonl > "$tmp/r.jsonl"

  "$POLC" batch "$tmp/$pol.polb" "$tmp/r.csv" --date-column paid_on --format jsonl \
    -o "$tmp/a.jsonl" --summary "$tmp/a.sum"
  st=$?
  [ "$st" = 0 ] || die "$pol: exit status $st, expected 0: $(cat "$tmp/a.sum")"
  answered=$(wc -l < "$tmp/a.jsonl")
  [ "$answered" = "$ROWS" ] || die "$pol: $answered answers for $ROWS rows"
  grep -q "^polc batch: $tmp/r.csv: $ROWS rows: $ROWS answered (.*), 0 rejected$" "$tmp/a.sum" ||
    die "$pol: summary: $(head -1 "$tmp/a.sum")"

  "$POLC" batch "$tmp/$pol.polb" "$tmp/r.jsonl" --date-column paid_on --format jsonl \
    -o "$tmp/b.jsonl" --summary /dev/null
  # JSON Lines has no header: line n of the JSON roster is line n + 1 of the CSV one
  jq -c '.line += 1' "$tmp/b.jsonl" > "$tmp/b1.jsonl"
  cmp -s "$tmp/a.jsonl" "$tmp/b1.jsonl" || die "$pol: CSV and JSON Lines input differ"

  "$POLC" batch "$tmp/$pol.polb" "$tmp/r.csv" --date-column paid_on --format jsonl \
    --jobs 2 --block-size 512 -o "$tmp/c.jsonl" --summary "$tmp/c.sum"
  cmp -s "$tmp/a.jsonl" "$tmp/c.jsonl" || die "$pol: --jobs 2 output differs"
  cmp -s "$tmp/a.sum" "$tmp/c.sum" || die "$pol: --jobs 2 summary differs"

  "$POLC" batch "$tmp/$pol.polb" "$tmp/r.csv" --date-column paid_on -o "$tmp/a.csv" \
    --summary /dev/null
  srcs=$(head -1 "$tmp/a.csv" | sed 's/^line,payable,reason,category,individual,//; s/,worth,benefit_start,benefit_end,waiting_months,waiting_days$//')
  jqsrc=$(echo "$srcs" | tr ',' '\n' | sed 's/.*/(.funding.&\/\/0)/' | paste -sd, -)
  jq -r "[.line, .payable, (.reason//\"\"), (.category//\"\"), .individual, $jqsrc, .worth, (.benefit_start//\"\"), (.benefit_end//\"\"), .waiting_months, .waiting_days] | map(tostring) | join(\",\")" \
    "$tmp/a.jsonl" > "$tmp/a2.csv"
  tail -n +2 "$tmp/a.csv" | cmp -s - "$tmp/a2.csv" || die "$pol: CSV and JSON Lines output differ"

  # every row through polc quote
  jq -r --arg polc "$POLC" --arg pol "$tmp/$pol.polb" \
    '"\"" + $polc + "\" quote \"" + $pol + "\" --date " + .paid_on + " --resident '"'"'" + (del(.paid_on) | tojson) + "'"'"'"' \
    "$tmp/r.jsonl" > "$tmp/q.sh"
  sh "$tmp/q.sh" 2>"$tmp/q.err" | jq -c "$proj" > "$tmp/q.jsonl"
  [ -s "$tmp/q.err" ] && die "$pol: polc quote failed: $(head -3 "$tmp/q.err")"
  jq -c "$proj" "$tmp/a.jsonl" > "$tmp/a3.jsonl"
  if ! cmp -s "$tmp/q.jsonl" "$tmp/a3.jsonl"; then
    die "$pol: batch and quote differ:"
    diff "$tmp/q.jsonl" "$tmp/a3.jsonl" | head -6
  fi
done
[ "$fail" = 0 ] && echo "compare: batch = quote on $ROWS rows of each of 5 policies"
exit "$fail"
