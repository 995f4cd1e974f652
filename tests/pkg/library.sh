#!/bin/sh
# library.sh — libpol.so and the installed libpol.a export exactly the functions api/pol.h
# declares (nothing internal, nothing missing), libpol.so carries its soname and is
# position-independent throughout (no text relocations), and a program links against it.
# Run by tests/run.sh; exit 1 on a failure.
set -u
cd "$(dirname "$0")/../.." || exit 2
BUILD=${BUILD:-build}
CC=${CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

so=$BUILD/libpol.so.1.0.0
for f in "$so" "$BUILD/dist/libpol.a"; do [ -f "$f" ] || { echo "FAIL: no $f (make builds it)"; exit 1; }; done
[ "$(readlink "$BUILD/libpol.so.1")" = libpol.so.1.0.0 ] || fail "$BUILD/libpol.so.1 is not a link to libpol.so.1.0.0"
[ "$(readlink "$BUILD/libpol.so")" = libpol.so.1 ] || fail "$BUILD/libpol.so is not a link to libpol.so.1"
readelf -d "$so" | grep -q 'SONAME.*\[libpol\.so\.1\]' || fail "soname is not libpol.so.1: $(readelf -d "$so" | grep SONAME)"
if readelf -d "$so" | grep -q TEXTREL; then fail "libpol.so has text relocations (an object not built -fPIC)"; fi

# what pol.h declares, read independently of the build's list (pkg/exports.sh)
"$CC" -E -P -std=c11 api/pol.h | grep -v '^[[:space:]]*typedef' | grep -o 'pol_[A-Za-z0-9_]*(' |
  sed 's/($//' | sort -u >"$tmp/declared"
[ "$(wc -l <"$tmp/declared")" -ge 20 ] || fail "found only $(wc -l <"$tmp/declared") functions in pol.h"
nm -D --defined-only "$so" | awk 'NF == 3 { print $3 }' | sed 's/@.*//' | sort -u >"$tmp/so"
nm -g --defined-only "$BUILD/dist/libpol.a" | awk 'NF == 3 { print $3 }' | sort -u >"$tmp/a"
for lib in so a; do
  extra=$(comm -13 "$tmp/declared" "$tmp/$lib" | tr '\n' ' ')
  missing=$(comm -23 "$tmp/declared" "$tmp/$lib" | tr '\n' ' ')
  [ -z "$extra" ] || fail "libpol.$lib exports what pol.h does not declare: $extra"
  [ -z "$missing" ] || fail "libpol.$lib lacks functions pol.h declares: $missing"
done
# the unit tests' archive keeps its internals; the installed one has them all local
nm "$BUILD/dist/libpol.a" | grep -q ' t vm_run$' || fail "dist/libpol.a: vm_run is not a local symbol"

# a program using only pol.h links against libpol.so and runs
cat >"$tmp/t.c" <<'C'
#include <pol.h>
#include <stdio.h>
#include <stdlib.h>
int main(void) {
  int32_t d;
  if (pol_date_parse("2025-11-10", &d) != POL_OK || pol_date_parse("2026-02-30", &d) != POL_EINPUT) return 1;
  pol_program *p = NULL;
  pol_diags *g = NULL;
  const char *src = "category {";
  pol_status st = pol_compile("x.pol", src, 10, &p, &g);
  char *msg = g ? pol_diags_render(g, POL_FMT_TEXT) : NULL;
  printf("%d %s\n", st, msg && *msg ? "diagnosed" : "silent");
  free(msg);
  pol_diags_free(g);
  pol_program_free(p);
  return 0;
}
C
if "$CC" -std=c11 -Wall -Werror -Iapi -o "$tmp/t" "$tmp/t.c" -L"$BUILD" -lpol -Wl,-rpath,"$PWD/$BUILD" ${LDFLAGS:-} 2>"$tmp/err"; then
  out=$("$tmp/t")
  [ "$out" = "2 diagnosed" ] || fail "a bad policy through libpol.so: '$out', expected '2 diagnosed'"
  ldd "$tmp/t" | grep -q "libpol.so.1 => $PWD/$BUILD/libpol.so.1" || fail "the test program did not load $BUILD/libpol.so.1"
else
  fail "linking against libpol.so: $(cat "$tmp/err")"
fi

[ "$fails" -eq 0 ] || exit 1
echo "library: $(wc -l <"$tmp/declared") functions exported by libpol.so and dist/libpol.a, nothing else"
