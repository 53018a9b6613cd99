#!/bin/sh
# Installs the Debian packages mmusim needs (Debian bookworm).  As root it
# runs apt-get; otherwise it prints the command to run and fails.  It does
# nothing when everything is already installed.
#
# Then, for the formal proofs (scripts/formal), PyPI's z3-solver in a virtual
# environment of the user's (MMUSIM_TOOLS_VENV, default ~/.cache/mmusim/venv):
# Debian's z3 4.8.12 takes minutes to read the RTL's SMT-LIB definitions that
# this one reads in a fraction of a second (docs/VERIFICATION.md).
set -eu

PACKAGES="build-essential cmake pkg-config libcmocka-dev \
verilator libsystemc-dev gtkwave iverilog yosys \
liblzma-dev zlib1g-dev libjansson-dev python3 xvfb xauth valgrind xz-utils gnuplot-nox clang-format \
munge slurmctld slurmd slurm-client lcov python3-venv ccache"
Z3_SOLVER="z3-solver==4.15.4.0"
VENV=${MMUSIM_TOOLS_VENV:-$HOME/.cache/mmusim/venv}

tools_venv() {
    [ -x "$VENV/bin/z3" ] && "$VENV/bin/pip" show z3-solver 2>/dev/null |
        grep -q "^Version: ${Z3_SOLVER#*==}\$" && return 0
    echo "mmusim: installing $Z3_SOLVER in $VENV (for scripts/formal)" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet "$Z3_SOLVER"
}

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
if [ -z "$missing" ]; then
    tools_venv
    exit 0
fi

cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
    echo "mmusim: missing Debian packages:$missing" >&2
    echo "mmusim: run as root:  $cmd" >&2
    exit 1
fi
echo "mmusim: installing$missing" >&2
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
tools_venv
