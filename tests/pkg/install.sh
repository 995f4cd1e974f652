#!/bin/sh
# install.sh — `make install` into a temporary prefix (and once more under DESTDIR), the
# embedding examples built from that copy through pkg-config (`make examples`), their
# answers compared with `polc quote` of the installed polc for every resident of
# examples/embed/roster.csv on every bundled policy and several dates, then `make
# uninstall`, which must leave no file of ours.  Run by tests/run.sh; exit 1 on a failure.
#
# BUILD is the build folder (default build); make is called with B=$BUILD, so under
# `make asan` the sanitized library is the one installed (LDFLAGS reaches the examples).
set -u
cd "$(dirname "$0")/../.." || exit 2
BUILD=${BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
# a nested make must not use the jobserver of a `make -j check` that runs us
mk() { env -u MAKEFLAGS -u MFLAGS make --no-print-directory -s B="$BUILD" "$@"; }

# ---- make install -------------------------------------------------------------------
mk install PREFIX="$prefix" >"$tmp/log" 2>&1 || { cat "$tmp/log"; echo "FAIL: make install"; exit 1; }
for f in bin/polc include/pol.h lib/libpol.so.1.0.0 lib/libpol.a lib/pkgconfig/pol.pc \
         share/man/man1/polc.1; do
  [ -f "$prefix/$f" ] && [ ! -L "$prefix/$f" ] || fail "make install: no file $f"
done
for f in include/pol.h lib/libpol.so.1.0.0 lib/libpol.a lib/pkgconfig/pol.pc share/man/man1/polc.1; do
  [ "$(stat -c %a "$prefix/$f" 2>/dev/null)" = 644 ] || fail "make install: $f is not mode 644"
done
[ "$(readlink "$prefix/lib/libpol.so.1")" = libpol.so.1.0.0 ] || fail "lib/libpol.so.1 is not a link to libpol.so.1.0.0"
[ "$(readlink "$prefix/lib/libpol.so")" = libpol.so.1 ] || fail "lib/libpol.so is not a link to libpol.so.1"
[ -x "$prefix/bin/polc" ] || fail "bin/polc is not executable"
cmp -s api/pol.h "$prefix/include/pol.h" || fail "include/pol.h differs from api/pol.h"

# ---- pkg-config ---------------------------------------------------------------------
pc() { PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config "$@"; }
[ "$(pc --modversion pol)" = 1.0.0 ] || fail "pkg-config --modversion pol: $(pc --modversion pol 2>&1)"
[ "$(pc --cflags pol | sed 's/ *$//')" = "-I$prefix/include" ] || fail "pkg-config --cflags pol: $(pc --cflags pol 2>&1)"
[ "$(pc --libs pol | sed 's/ *$//')" = "-L$prefix/lib -lpol" ] || fail "pkg-config --libs pol: $(pc --libs pol 2>&1)"
static=$(pc --static --libs pol)
for l in -lpol -ljansson -lffi -lxxhash; do
  case " $static " in *" $l "*) ;; *) fail "pkg-config --static --libs pol lacks $l: $static" ;; esac
done
[ "$(pc --variable=libdir pol)" = "$prefix/lib" ] || fail "pol.pc libdir is not $prefix/lib"

# ---- DESTDIR and LIBDIR: files under DESTDIR, paths inside them without it ----------------
mk install PREFIX=/opt/pol LIBDIR=/opt/pol/lib64 DESTDIR="$tmp/dest" >"$tmp/log" 2>&1 || { cat "$tmp/log"; fail "make install DESTDIR"; }
dpc=$tmp/dest/opt/pol/lib64/pkgconfig/pol.pc
[ -f "$tmp/dest/opt/pol/lib64/libpol.so.1.0.0" ] || fail "DESTDIR: no opt/pol/lib64/libpol.so.1.0.0 under DESTDIR"
grep -qx 'prefix=/opt/pol' "$dpc" 2>/dev/null || fail "DESTDIR: pol.pc does not say prefix=/opt/pol"
grep -qx 'libdir=/opt/pol/lib64' "$dpc" 2>/dev/null || fail "LIBDIR: pol.pc does not say libdir=/opt/pol/lib64"
if grep -q "$tmp/dest" "$dpc" 2>/dev/null; then fail "DESTDIR leaks into pol.pc"; fi
mk uninstall PREFIX=/opt/pol LIBDIR=/opt/pol/lib64 DESTDIR="$tmp/dest" >"$tmp/log" 2>&1 || fail "make uninstall DESTDIR"
left=$(find "$tmp/dest" ! -type d)
[ -z "$left" ] || fail "make uninstall DESTDIR left: $left"

# ---- make examples: built from the installed copy -------------------------------------
ex=$BUILD/examples
rm -rf "$ex"
mk examples EMBED_PREFIX="$prefix" >"$tmp/log" 2>&1 || { cat "$tmp/log"; echo "FAIL: make examples"; exit 1; }
for p in service roster roster-static; do [ -x "$ex/$p" ] || fail "make examples: no $ex/$p"; done
readelf -d "$ex/service" | grep -q 'NEEDED.*\[libpol\.so\.1\]' || fail "service is not linked with libpol.so.1"
readelf -d "$ex/service" | grep -q "R.*PATH.*$prefix/lib" || fail "service has no rpath to $prefix/lib"
if readelf -d "$ex/roster-static" | grep -q 'NEEDED.*libpol'; then fail "roster-static needs libpol.so"; fi
# the shared library they run with is the installed one, not the build's
ldd "$ex/service" 2>/dev/null | grep -q "libpol.so.1 => $prefix/lib/libpol.so.1" || fail "service does not load $prefix/lib/libpol.so.1"

polc=$prefix/bin/polc

# roster.csv -> one resident JSON a line (column kinds are those of the fixture's header)
awk -F, 'NR == 1 { for (i = 2; i <= NF; i++) key[i] = $i; next }
  { out = "{"; ids = ""; sep = ""
    for (i = 2; i <= NF; i++) {
      if ($i == "") continue
      k = key[i]
      if (k ~ /^(birth_date|registered_on|subsidy_registered_on|exited_scheme_on)$/) v = "\"" $i "\""
      else if (k ~ /^(disability_grade|lapsed_years|local_hukou)$/) v = $i
      else { if ($i == "1") ids = ids (ids == "" ? "" : ",") "\"" k "\""; continue }
      out = out sep "\"" k "\":" v; sep = ","
    }
    if (ids != "") out = out sep "\"identities\":[" ids "]"
    print out "}" }' examples/embed/roster.csv >"$tmp/residents.jsonl"
printf '{"birth_date":"1975-03-02","colour":"red"}\n' >>"$tmp/residents.jsonl"

# fen -> yuan as libpol prints it; yuan text -> fen
awk_money='function fen(y,  a, f) { n = split(y, a, "."); f = a[1] * 100
             if (n > 1) f += (length(a[2]) == 1 ? a[2] * 10 : a[2] + 0); return f }
           function yuan(f,  s, c) { s = int(f / 100); c = f % 100
             return c == 0 ? s : c % 10 == 0 ? s "." c / 10 : s "." sprintf("%02d", c) }'

# policy:date, a date being in a main window, outside days 1-25, or late; "+" also
# compares `eligible`.  polc answers from a .polb it compiled (a process per answer, so the
# .pol is compiled once); the examples compile the .pol themselves.
cases="changzhi-2024:2023-11-10+ changzhi-2024:2024-03-10 qinyuan-2025:2024-11-10+
qinyuan-2025:2025-03-10 tunliu-2025:2024-10-10+ tunliu-2025:2025-03-05
pingshun-2026:2025-11-10+ pingshun-2026:2025-11-27 pingshun-2026:2026-03-10
shanyin-2026:2025-12-10+ shanyin-2026:2026-01-15 shanyin-2026:2026-03-10"
ncase=0
for c in $cases; do
  pol=policies/${c%%:*}.pol
  polb=$tmp/${c%%:*}.polb
  date=${c#*:}
  date=${date%+}
  [ -f "$polb" ] || "$polc" compile "$pol" -o "$polb" 2>/dev/null || fail "polc compile $pol"
  ncase=$((ncase + 1))
  : >"$tmp/answers"
  : >"$tmp/eligible"
  while IFS= read -r r; do
    if "$polc" quote "$polb" --resident "$r" --date "$date" >>"$tmp/answers" 2>"$tmp/e" ||
       [ $? -eq 1 ]; then
      case $c in *+)
        "$polc" eligible "$polb" --resident "$r" --date "$date" >>"$tmp/eligible"
        printf '\n----\n' >>"$tmp/eligible" ;;
      esac
    else
      # polc said "polc quote: MESSAGE" (or "polc quote: POLICY: MESSAGE" for a failed quote)
      m=$(sed -e 's/^polc quote: //' -e "s|^$polb: ||" "$tmp/e" | sed 's/["\\]/\\&/g')
      printf '{"error": "%s"}' "$m" | tee -a "$tmp/eligible" >>"$tmp/answers"
      case $c in *+) printf '\n----\n' >>"$tmp/eligible" ;; esac
    fi
    printf '\n----\n' >>"$tmp/answers"
  done <"$tmp/residents.jsonl"
  # an answer on one line: the indentation after each newline dropped
  join='$0 == "----" { print line; line = ""; next } { sub(/^ +/, ""); line = line $0 }'
  awk "$join" "$tmp/answers" >"$tmp/want.service"
  awk "$join" "$tmp/eligible" >"$tmp/want.eligible"

  # (a) the service loop, JSON API
  "$ex/service" "$pol" "$date" <"$tmp/residents.jsonl" >"$tmp/got" 2>"$tmp/err" || fail "service $pol $date: exit $? $(cat "$tmp/err")"
  diff -u "$tmp/want.service" "$tmp/got" >"$tmp/diff" || { fail "service $pol $date differs from polc quote:"; head -20 "$tmp/diff"; }
  case $c in *+)
    "$ex/service" "$pol" "$date" eligible <"$tmp/residents.jsonl" >"$tmp/got" 2>&1 || fail "service eligible $pol $date: exit $?"
    diff -u "$tmp/want.eligible" "$tmp/got" >"$tmp/diff" || { fail "service eligible $pol $date differs from polc eligible:"; head -20 "$tmp/diff"; } ;;
  esac

  # (b) the roster loop, typed API: expected lines from polc's answers
  sources=$("$polc" schema "$pol" | awk '/^funding sources:/ { on = 1; next } on && NF { print $1 }')
  addons=$(awk '$1 == "addon" { print $2 }' "$pol")
  awk -v sources="$sources" -v addons="$addons" -v ids="$(awk -F, 'NR > 1 { print $1 }' examples/embed/roster.csv)" "$awk_money"'
    BEGIN { ns = split(sources, src, "\n"); na = split(addons, add, "\n"); split(ids, id, "\n"); r = 1
            printf "id,payable,category,individual"; for (s = 1; s <= ns; s++) printf ",%s", src[s]
            for (a = 1; a <= na; a++) printf ",%s,%s_paid_by", add[a], add[a]
            print ",benefit_start,benefit_end" }
    function val(line) { sub(/^[^:]*: */, "", line); sub(/,$/, "", line); gsub(/"/, "", line)
                         return line == "null" ? "" : line }
    /^  "payable"/ { payable = val($0) }
    /^  "category"/ { cat = val($0) }
    /^  "individual"/ { ind = val($0) }
    /^  "funding": \{/ { infund = 1; delete f; next }
    infund && /^  \}/ { infund = 0 }
    infund { k = $1; gsub(/[":]/, "", k); f[k] = val($0) }
    /^  "addons": \[\]/ { delete amt; delete by }
    /^  "addons": \[$/ { delete amt; delete by }
    /^      "addon"/ { cur = val($0) }
    /^      "amount"/ { amt[cur] = val($0) }
    /^      "paid_by"/ { by[cur] = val($0) }
    /^  "benefit_start"/ { bs = val($0) }
    /^  "benefit_end"/ { be = val($0) }
    /^\{"error"/ { r++; next }
    $0 == "----" && payable != "" {
      line = id[r] "," payable "," cat "," ind
      if (payable == "true") tind += fen(ind)
      for (s = 1; s <= ns; s++) { v = (src[s] in f) ? f[src[s]] : 0; line = line "," v
                                  if (payable == "true") tot[s] += fen(v) }
      for (a = 1; a <= na; a++) { if (!(add[a] in amt)) { line = line ",,"; continue }
                                  line = line "," amt[add[a]] "," by[add[a]]
                                  if (payable == "true") atot[a] += fen(amt[add[a]]) }
      print line "," bs "," be
      payable = ""; r++ }
    END { printf "total,,,%s", yuan(tind); for (s = 1; s <= ns; s++) printf ",%s", yuan(tot[s])
          for (a = 1; a <= na; a++) printf ",%s,", yuan(atot[a]); print ",," }
  ' "$tmp/answers" >"$tmp/want.roster"
  for prog in roster roster-static; do
    "$ex/$prog" "$pol" "$date" <examples/embed/roster.csv >"$tmp/got" 2>"$tmp/err"
    st=$?
    # R16 (disability_grade 7) and R17 (2026-02-30) are refused, by name, with exit 1
    [ "$st" = 1 ] || fail "$prog $pol $date: exit $st, expected 1 $(cat "$tmp/err")"
    grep -q '^roster: line 17 (R16): .*disability_grade' "$tmp/err" || fail "$prog: R16 not refused naming disability_grade: $(cat "$tmp/err")"
    grep -q '^roster: line 18 (R17): .*birth_date' "$tmp/err" || fail "$prog: R17 not refused naming birth_date: $(cat "$tmp/err")"
    [ "$(wc -l <"$tmp/err")" -eq 2 ] || fail "$prog $pol $date: other lines refused: $(cat "$tmp/err")"
    diff -u "$tmp/want.roster" "$tmp/got" >"$tmp/diff" || { fail "$prog $pol $date differs from polc quote:"; head -20 "$tmp/diff"; }
  done
done
[ "$ncase" -ge 12 ] || fail "only $ncase cases ran"

# ---- the complete example of docs/EMBEDDING.md, built the way it says ------------------
awk '/^```c$/ { on = 1; b = ""; next }
     /^```$/ && on { on = 0; if (b ~ /quote1[.]c/) { printf "%s", b; exit } }
     on { b = b $0 "\n" }' docs/EMBEDDING.md >"$tmp/quote1.c"
want='subsistence_allowance (低保人员): individual 8000 fen, medical assistance 32000 fen, from day 20454'
tr '\n' ' ' <docs/EMBEDDING.md | sed 's/  */ /g' | grep -qF "It prints \`$want\`" || fail "docs/EMBEDDING.md does not say the example prints: $want"
if ${CC:-cc} -std=c11 -Wall -Wextra -Werror -o "$tmp/quote1" "$tmp/quote1.c" $(pc --cflags --libs pol) \
     -Wl,-rpath,"$prefix/lib" ${LDFLAGS:-} 2>"$tmp/err"; then
  got=$("$tmp/quote1" policies/pingshun-2026.pol 2>&1)
  [ "$got" = "$want" ] || fail "the example of docs/EMBEDDING.md printed '$got'"
else
  fail "the example of docs/EMBEDDING.md does not build: $(cat "$tmp/err")"
fi

# ---- make uninstall -----------------------------------------------------------------
mk uninstall PREFIX="$prefix" >"$tmp/log" 2>&1 || fail "make uninstall"
left=$(find "$prefix" ! -type d)
[ -z "$left" ] || fail "make uninstall left: $left"

[ "$fails" -eq 0 ] || exit 1
echo "install: $ncase policy/date cases, service, roster and roster-static agree with polc"
