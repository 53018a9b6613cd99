#!/bin/sh
# The DPI-C bench (ctest label dpi): tb/dpi/tb_mmu_dpi.sv, a self-checking SystemVerilog bench of
# mmu_top in configuration CONFIG whose scoreboard is the model through dpi/mmusim_dpi_pkg.sv,
# built with Verilator --binary --timing and run.
#   run.sh SOURCE_DIR BUILD_DIR CONFIG [--fault NAME] [PLUSARGS...]
# With --fault, the RTL is a copy with tb/cosim/inject_faults.py's fault NAME in it, and the
# run passes only if the bench reports a mismatch or a failed RTL assertion. MMUSIM_SEED=N
# replays a run (+seed=N); MMUSIM_REQUESTS sets the random requests (+requests, default 3000).
set -eu
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
config=$3
shift 3
fault=""
if [ "${1:-}" = --fault ]; then
    fault=${2:?--fault needs a name}
    shift 2
fi
work=$build/dpi-$config${fault:+-$fault}
rm -rf "$work"
mkdir -p "$work"
root=$src
if [ -n "$fault" ]; then
    root=$work/tree
    python3 "$src/tb/cosim/apply_fault.py" "$src" "$root" "$fault"
fi
params=$("$src/scripts/mmu-config" params "$config")
# tb_params.svh: the configuration for the bench (mmu_top's parameters) and for the model (text).
{
    list=$(printf '%s\n' "$params" | awk -F= 'NF == 2 {printf "%s.%s(%s)", sep, $1, $2; sep = ", "}')
    [ -n "$list" ] && echo "\`define MMU_PARAMS #($list)" || echo "\`define MMU_PARAMS"
    echo "\`define MMU_PARAM_TEXT \"$(printf '%s\n' "$params" | tr '\n' ' ')\""
    get() { v=$(printf '%s\n' "$params" | awk -F= -v n="$1" '$1 == n {print $2}'); echo "${v:-$2}"; }
    echo "\`define MMU_ID_BITS $(get IdBits 8)"
    walkers=$(get Walkers 2)
    tag=1
    [ "$walkers" -gt 2 ] && tag=$(awk -v w="$walkers" 'BEGIN {b = 0; while ((2 ^ b) < w) b++; print b}')
    echo "\`define MMU_TAG_BITS $tag"
    echo "\`define MMU_PA_BITS $(get PaBits 46)"
} > "$work/tb_params.svh"
sources=$(grep '\.sv$' "$root/rtl/mmu.f" | sed "s|^|$root/|")
cd "$work"
seed=${MMUSIM_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
# shellcheck disable=SC2086
if ! verilator --binary --timing -j 2 --top-module tb_mmu_dpi -Mdir obj \
        -Wno-fatal -Wno-PINMISSING --assert +define+MMU_ASSERTIONS \
        +incdir+"$root/rtl" +incdir+"$work" "$root/rtl/lint/verilator.vlt" $sources \
        "$src/dpi/mmusim_dpi_pkg.sv" "$src/tb/dpi/tb_mmu_dpi.sv" "$src/dpi/mmusim_dpi.c" \
        "$src/dpi/mmusim_dpi_bench_memory.c" \
        -CFLAGS "-I$src/include -I$src/study/include -I$src/dpi" \
        -LDFLAGS "$build/libmmusim_handle.so -Wl,-rpath,$build" -o tb_mmu_dpi \
        > build.log 2>&1; then
    echo "dpi bench ($config): the build failed (see $work/build.log)"
    grep -m 10 "%Error\|error:" build.log
    exit 1
fi
status=0
# (A study through the package as well, compared below with the command's: not with a fault.)
trace=$src/traces/sort.lackey.xz
study_keys="preset=champsim limit=300000"
study=""
[ -z "$fault" ] && study="+study=$trace"
obj/tb_mmu_dpi +seed="$seed" ${MMUSIM_REQUESTS:++requests=$MMUSIM_REQUESTS} $study \
    "+study_config=$study_keys" "$@" > run.log 2>&1 || status=$?
grep -E "dpi bench|MISMATCH|%Error|Assertion" run.log | head -12
if [ -n "$fault" ]; then
    # (Caught: a response the scoreboard rejects, or an assertion of the RTL, u_dut's.)
    if [ "$status" -ne 0 ] && grep -q "MISMATCH\|Assertion failed in TOP.tb_mmu_dpi.u_dut" run.log; then
        echo "dpi bench ($config): fault $fault caught"
        exit 0
    fi
    echo "dpi bench ($config): fault $fault NOT caught (see $work/run.log)"
    exit 1
fi
if [ "$status" -ne 0 ] || ! grep -q "dpi bench: PASSED" run.log; then
    echo "dpi bench ($config): FAILED (status $status; see $work/run.log)"
    exit 1
fi
sed -n '/dpi bench: study report follows/,/--- end of report/p' run.log | sed '1d;$d' > study.json
# shellcheck disable=SC2086
"$build/mmusim" run --json $(printf -- '--set %s ' $study_keys | sed 's/--set preset=/--preset /') \
    "$trace" > command.json
if ! cmp -s study.json command.json; then
    echo "dpi bench ($config): the study through DPI-C differs from mmusim run --json:"
    diff study.json command.json | head -10
    exit 1
fi
echo "dpi bench ($config): the study of $(basename "$trace") ($study_keys) equals mmusim run --json"
echo "dpi bench ($config): passed"
