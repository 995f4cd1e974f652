#!/bin/sh
# Install what `make bench` needs beyond the build: Lua 5.4 (headers and library) for the
# Lua peer, pkg-config for its flags, valgrind for `make bench-callgrind`.
set -e
missing=""
command -v pkg-config >/dev/null 2>&1 || missing="$missing pkg-config"
command -v valgrind >/dev/null 2>&1 || missing="$missing valgrind"
dpkg -s liblua5.4-dev >/dev/null 2>&1 || missing="$missing liblua5.4-dev"
[ -z "$missing" ] && exit 0
echo "bench deps: installing$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq $missing >/dev/null
