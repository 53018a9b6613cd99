#!/bin/sh
# The cocotb bench (ctest label cocotb): builds mmu_top in configuration CONFIG with cocotb's
# Verilator flow and runs tb/cocotb/test_mmu_cocotb.py, which scores every response against the
# model through the Python package (this build's libmmusim_handle.so).
#   run.sh SOURCE_DIR BUILD_DIR CONFIG [--fault NAME]
# With --fault, the RTL is a copy with tb/cosim/inject_faults.py's fault NAME in it, and the
# run passes only if the bench reports a mismatch or a failed RTL assertion.
# MMUSIM_SEED=N replays a run; MMUSIM_REQUESTS sets the random requests (default 3000).
set -eu
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
config=$3
fault=""
[ "${4:-}" = --fault ] && fault=${5:?--fault needs a name}
venv=${MMUSIM_COCOTB_VENV:-$HOME/.cache/mmusim/cocotb-venv}
if [ ! -x "$venv/bin/cocotb-config" ]; then
    echo "cocotb bench: no cocotb in $venv: run scripts/setup.sh (it installs it there)" >&2
    exit 1
fi
work=$build/cocotb-$config${fault:+-$fault}
rm -rf "$work"
mkdir -p "$work"
root=$src
if [ -n "$fault" ]; then
    root=$work/tree
    python3 "$src/tb/cosim/apply_fault.py" "$src" "$root" "$fault"
fi
params=$("$src/scripts/mmu-config" params "$config" | tr '\n' ' ')
gflags=$("$src/scripts/mmu-config" verilator "$config")
export PATH="$venv/bin:$PATH"
export PYTHONPATH="$src/tb/cocotb:$src/python"
export MMUSIM_LIBRARY="$build/libmmusim_handle.so"
export MMUSIM_RTL_PARAMS="$params"
export MMUSIM_SOURCE_DIR="$src" MMUSIM_BUILD_DIR="$build"
cd "$work"
status=0
make -f "$src/tb/cocotb/Makefile" RTL_ROOT="$root" RTL_PARAMS="$gflags" > make.log 2>&1 || status=$?
grep -E "cocotb bench|MISMATCH|AssertionError|%Error|FAIL|PASS" make.log | head -20
results=$work/results.xml
failed=1
if [ -f "$results" ] && grep -q "<testcase" "$results" && ! grep -q "<failure\|<error" "$results" &&
    [ "$status" -eq 0 ]; then
    failed=0
fi
if [ -n "$fault" ]; then
    # (Caught: a response the scoreboard rejects, or an assertion of the RTL.)
    if [ "$failed" -eq 1 ] && grep -q "MISMATCH\|Assertion failed in TOP.mmu_top" make.log; then
        echo "cocotb bench ($config): fault $fault caught"
        exit 0
    fi
    echo "cocotb bench ($config): fault $fault NOT caught (see $work/make.log)"
    exit 1
fi
if [ "$failed" -ne 0 ]; then
    echo "cocotb bench ($config): FAILED (make status $status; see $work/make.log)"
    tail -30 make.log
    exit 1
fi
echo "cocotb bench ($config): passed"
