#!/bin/sh
# Install the Debian build dependencies that are missing: flex, bison, libffi-dev,
# libcmocka-dev, libjansson-dev, libxxhash-dev (the .polb checksum), pkg-config, groff-base
# (the man page test), python3-jsonschema (SARIF validation in `make check`), jq (the batch
# tests compare JSON with it), libcsv-dev (the batch tests read CSV with it beside polc's own
# reader) (and valgrind for `make valgrind`).
# `deps.sh fuzz` also installs clang with libFuzzer and the sanitizer runtimes (make fuzz);
# `deps.sh coverage` gcovr (make coverage).
set -e
missing=""
case "${1:-}" in
  fuzz)
    command -v clang >/dev/null 2>&1 || missing="$missing clang"
    # libFuzzer's runtime is only recommended by clang: name it where it is missing
    f=$(command -v clang >/dev/null 2>&1 && clang -print-file-name=libclang_rt.fuzzer-x86_64.a)
    [ -n "$f" ] && [ -f "$f" ] || missing="$missing libclang-rt-dev" ;;
  coverage) command -v gcovr >/dev/null 2>&1 || missing="$missing gcovr" ;;
esac
command -v flex >/dev/null 2>&1 || missing="$missing flex"
command -v bison >/dev/null 2>&1 || missing="$missing bison"
command -v pkg-config >/dev/null 2>&1 || missing="$missing pkg-config"
command -v groff >/dev/null 2>&1 || missing="$missing groff-base"   # tests/pkg/man.sh
command -v jq >/dev/null 2>&1 || missing="$missing jq"   # tests/batch/compare.test.sh
for p in libffi-dev libcmocka-dev libjansson-dev libxxhash-dev python3-jsonschema libcsv-dev; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq $missing >/dev/null
