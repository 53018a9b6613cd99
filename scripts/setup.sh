#!/bin/sh
# Installs the Debian packages mmusim needs (Debian bookworm).  As root it
# runs apt-get; otherwise it prints the command to run and fails.  It does
# nothing when everything is already installed.
set -eu

PACKAGES="build-essential cmake pkg-config libcmocka-dev \
verilator libsystemc-dev gtkwave iverilog yosys \
liblzma-dev zlib1g-dev libjansson-dev python3 xvfb xauth valgrind xz-utils gnuplot-nox clang-format \
munge slurmctld slurmd slurm-client lcov"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
    echo "mmusim: missing Debian packages:$missing" >&2
    echo "mmusim: run as root:  $cmd" >&2
    exit 1
fi
echo "mmusim: installing$missing" >&2
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
