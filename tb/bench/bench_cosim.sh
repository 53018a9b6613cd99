#!/bin/sh
# Speed of the lockstep benches, the Verilator harness (cosim_<config>) and the SystemC bench
# (sc_rtl_<config>): simulated cycles per second and translations per second, for each
# configuration built, on the same random stimulus and on the chase trace.
#   tb/bench/bench_cosim.sh [BUILD_DIR] [REQUESTS]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build}
n=${2:-100000}
printf '%-16s %-8s %12s %12s %12s %8s\n' config stim cycles Mcycles/s transl/s user_s
for bin in "$build"/cosim_* "$build"/sc_rtl_*; do
    [ -x "$bin" ] || continue
    cfg=${bin##*/}
    for stim in random "trace:$top/tb/traces/chase.lackey.gz"; do
        out=$( { /usr/bin/time -f 'user %U' "$bin" --stim "$stim" --requests "$n" --seed 11 \
                 --mem fixed; } 2>&1 )
        line=$(echo "$out" | grep ' PASS seed=') || { echo "$out" >&2; exit 1; }
        cycles=$(echo "$line" | sed -E 's/.* ([0-9]+) cycles.*/\1/')
        mcps=$(echo "$line" | sed -E 's/.*; ([0-9.]+) Mcycles\/s.*/\1/')
        tps=$(echo "$line" | sed -E 's/.*Mcycles\/s, ([0-9]+) translations\/s.*/\1/')
        user=$(echo "$out" | sed -n 's/^user //p')
        printf '%-16s %-8s %12s %12s %12s %8s\n' "$cfg" "${stim%%:*}" "$cycles" "$mcps" "$tps" "$user"
    done
done
