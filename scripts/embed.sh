#!/bin/sh
# embed.sh NAME FILE: print a C file defining `const char NAME[]` with FILE's bytes.
set -e
printf '/* generated from %s by scripts/embed.sh; do not edit */\n' "$2"
printf 'const char %s[] = {\n' "$1"
od -An -v -tu1 "$2" | sed 's/[0-9][0-9]*/&,/g'
printf '0};\n'
