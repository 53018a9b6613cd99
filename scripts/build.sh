#!/bin/sh
# Configures and builds mmusim: scripts/build.sh [BUILD_DIR [CMAKE_ARGS...]]
# (default build/).  Installs missing packages first (scripts/setup.sh).  MMUSIM_TARGET=NAME
# builds only that target.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/setup.sh"
dir=${1:-$top/build}
[ $# -gt 0 ] && shift
cmake -S "$top" -B "$dir" "$@" >/dev/null
cmake --build "$dir" -j "$(nproc)" ${MMUSIM_TARGET:+--target "$MMUSIM_TARGET"}
