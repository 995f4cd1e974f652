#!/bin/sh
# genroster.sh ROWS SEED YEAR [csv|jsonl] — a roster of ROWS generated residents (fixed
# seed: the same file on every machine; the generator is a Lehmer LCG in awk so that mawk
# and gawk agree), for `polc batch` tests and timings.  YEAR is the year the collection
# period starts: payment dates (column paid_on, for --date-column paid_on) fall in
# YEAR-08-01 .. YEAR+1-07-28.  Keys are the prelude's (every bundled policy accepts them).
#
# Mix: a quarter of residents hold one identity (a twentieth two), a tenth a disability
# grade, half say whether the hukou is local, some lapsed years and registration dates.
set -eu
rows=${1:?rows}; seed=${2:?seed}; year=${3:?year}; fmt=${4:-csv}
exec awk -v rows="$rows" -v seed="$seed" -v year="$year" -v fmt="$fmt" '
function rnd(n) { st = (st * 48271) % 2147483647; return st % n }
function d2(x) { return x < 10 ? "0" x : x }
function date(y, m, d) { return y "-" d2(m) "-" d2(d) }
function somedate(y0, y1) { return date(y0 + rnd(y1 - y0 + 1), 1 + rnd(12), 1 + rnd(28)) }
function paydate(   k, y, m) { k = rnd(12); m = 8 + k; y = year; if (m > 12) { m -= 12; y++ } return date(y, m, 1 + rnd(28)) }
function q(s) { return "\"" s "\"" }
BEGIN {
  st = (seed % 2147483646) + 1
  split("extreme_poverty subsistence_allowance returned_to_poverty unstable_out_of_poverty marginal_poverty sudden_hardship stable_out_of_poverty family_planning_hardship family_planning_household veteran_priority student", id, " ")
  if (fmt == "csv")
    print "birth_date,identities,disability_grade,local_hukou,lapsed_years,registered_on,subsidy_registered_on,exited_scheme_on,paid_on"
  for (i = 0; i < rows; i++) {
    r = rnd(100)
    birth = r < 6 ? somedate(year - 2, year) : r < 20 ? somedate(year - 18, year - 3) : r < 75 ? somedate(year - 59, year - 19) : somedate(1930, year - 60)
    r = rnd(100); ids = ""
    if (r < 25) ids = id[1 + rnd(11)]
    if (r < 5) { other = id[1 + rnd(11)]; if (other != ids) ids = ids ";" other }
    r = rnd(100); grade = r < 10 ? 1 + rnd(4) : ""
    r = rnd(100); hukou = r < 40 ? "true" : r < 50 ? "false" : ""
    r = rnd(100); lapsed = r < 15 ? rnd(6) : ""
    paid = paydate()
    r = rnd(100); reg = r < 20 ? date(year, 8 + rnd(5), 1 + rnd(28)) : ""
    r = rnd(100); sreg = r < 10 ? date(year, 9 + rnd(3), 1 + rnd(28)) : ""
    r = rnd(100); exited = r < 5 ? date(year + rnd(2), 1 + rnd(12), 1 + rnd(28)) : ""
    if (fmt == "csv") {
      print birth "," ids "," grade "," hukou "," lapsed "," reg "," sreg "," exited "," paid
    } else {
      s = "{" q("birth_date") ":" q(birth)
      if (ids != "") { n = split(ids, parts, ";"); s = s "," q("identities") ":["; for (k = 1; k <= n; k++) s = s (k > 1 ? "," : "") q(parts[k]); s = s "]" }
      if (grade != "") s = s "," q("disability_grade") ":" grade
      if (hukou != "") s = s "," q("local_hukou") ":" hukou
      if (lapsed != "") s = s "," q("lapsed_years") ":" lapsed
      if (reg != "") s = s "," q("registered_on") ":" q(reg)
      if (sreg != "") s = s "," q("subsidy_registered_on") ":" q(sreg)
      if (exited != "") s = s "," q("exited_scheme_on") ":" q(exited)
      print s "," q("paid_on") ":" q(paid) "}"
    }
  }
}'
