#!/bin/sh
# demo.sh — quote a few residents on the bundled policies (make demo).
set -e
cd "$(dirname "$0")/.."
POLC=${POLC:-build/polc}
q() {
  printf '\n$ polc quote %s --resident %s --date %s\n' "$1" "$2" "$3"
  "$POLC" quote "$1" --resident "$2" --date "$3" | grep -E '"(category|individual|payable|benefit_start|waiting_months)"|"[a-z_]+": [0-9]' || true
}
q policies/changzhi-2024.pol '{"birth_date":"1980-05-01"}' 2023-11-10
q policies/changzhi-2024.pol '{"birth_date":"1980-05-01"}' 2024-03-10
q policies/pingshun-2026.pol '{"birth_date":"1975-03-02","identities":["subsistence_allowance"],"disability_grade":2}' 2025-11-10
q policies/qinyuan-2025.pol '{"birth_date":"1950-01-01","local_hukou":true,"subsidy_registered_on":"2024-09-20"}' 2024-11-05
q policies/shanyin-2026.pol '{"birth_date":"1990-07-07","lapsed_years":3}' 2026-01-15
q policies/tunliu-2025.pol '{"birth_date":"2001-01-01","disability_grade":1}' 2024-10-10
echo
for p in policies/*.pol; do "$POLC" test "$p" | tail -n 1; done
echo
echo '$ polc check policies/*.pol   (warnings point at real contradictions in the notices)'
"$POLC" check policies/*.pol 2>&1 | grep -E 'error:|warning:' | grep -v 'treated as if' || true
