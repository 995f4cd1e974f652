#!/bin/sh
# man.sh — docs/polc.1 renders without a groff warning, has the sections a manual page
# needs, and names every command of `polc --help` and every option of each
# `polc COMMAND --help` (add an option to polc.c, add it to the page).  Run by tests/run.sh.
set -u
cd "$(dirname "$0")/../.." || exit 2
POLC=${POLC:-build/polc}
page=docs/polc.1
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
command -v groff >/dev/null || { echo "FAIL: groff is not installed (scripts/deps.sh installs groff-base)"; exit 1; }

warn=$(groff -k -man -ww -z -Tutf8 "$page" 2>&1)
[ -z "$warn" ] || fail "groff warns: $warn"
# no hyphenation and long lines, so no option name is broken across lines
text=$(groff -k -man -Tutf8 -rHY=0 -rLL=200n -P-cbou "$page" 2>/dev/null)
[ -n "$text" ] || fail "the page renders to nothing"

version=$(sed -n 's/^POL_VERSION *:= *//p' Makefile)
grep -q "^\.TH POLC 1 .*\"polc $version\"" "$page" || fail "the .TH line does not say polc $version (Makefile POL_VERSION)"

for s in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS 'EXIT STATUS' FILES EXAMPLES 'SEE ALSO'; do
  printf '%s\n' "$text" | grep -qx "$s" || fail "no section $s"
done

# options and formats count only where they are explained, not in EXAMPLES
ref=$(printf '%s\n' "$text" | sed -n '/^COMMANDS/,/^EXIT STATUS/p')
cmds=$("$POLC" --help | awk '/^commands:/ { on = 1; next } on && $1 == "polc" { print $2 }')
[ -n "$cmds" ] || fail "polc --help lists no command"
for c in $cmds; do
  # each command has an entry (a line starting with it in COMMANDS) ...
  printf '%s\n' "$ref" | grep -Eq "^ +$c( |$)" || fail "no entry for command '$c'"
  # ... and every option its --help names appears on the page
  for o in $("$POLC" "$c" --help | grep -oE '(^|[ [])--?[a-z][a-z-]*' | sed 's/^[ [] *//' | sort -u); do
    printf '%s\n' "$ref" | grep -q -- "$o\\b" || fail "polc $c: option $o is not on the page"
  done
  # ... and every value of --format
  for f in $("$POLC" "$c" --help | grep -oE -- '--format [a-z|]+' | sed 's/--format //' | tr '|' ' '); do
    printf '%s\n' "$ref" | grep -Eq -- "--format.*\\b$f\\b" || fail "polc $c: --format $f is not on the page"
  done
done
for s in 0 1 2; do
  printf '%s\n' "$text" | sed -n '/^EXIT STATUS/,/^FILES/p' | grep -Eq "^ +$s( |\$)" || fail "EXIT STATUS does not list $s"
done

[ "$fails" -eq 0 ] || exit 1
echo "man: $(echo $cmds | wc -w) commands and their options documented"
