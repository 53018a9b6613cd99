#!/bin/sh
# Speed of the lockstep benches, the Verilator harness (cosim_<config>) and the SystemC bench
# (sc_rtl_<config>): simulated cycles per second and translations per second, for each
# configuration built, on the same random stimulus and on the chase trace.
#   tb/bench/bench_cosim.sh [BUILD_DIR] [REQUESTS] [CONFIG...]
# CONFIG names binaries (cosim_default, sc_rtl_blocking; all built ones without it). With
# ROUNDS=N in the environment, each run is made N times, the binaries taken in turn within a round
# (so that a noisy machine slows them alike), and the medians printed: Mcycles/s from the
# harness's wall time and from the user time (user_Mc/s), the user time itself (user_s).
# Functional coverage is collected in every run (--fcov, into a temporary folder), as in the
# regressions: issue 23's target is the speed with coverage on.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build}
n=${2:-100000}
[ $# -ge 2 ] && shift 2 || shift $#
rounds=${ROUNDS:-1}
case $rounds in '' | *[!0-9]* | 0) echo "bench_cosim: ROUNDS must be a positive number" >&2; exit 2 ;; esac
bins=""
if [ $# -gt 0 ]; then
    for cfg in "$@"; do
        [ -x "$build/$cfg" ] || { echo "bench_cosim: no $build/$cfg" >&2; exit 2; }
        bins="$bins $build/$cfg"
    done
else
    for bin in "$build"/cosim_* "$build"/sc_rtl_*; do
        [ -x "$bin" ] && [ -f "$bin" ] && bins="$bins $bin"
    done
fi
[ -n "$bins" ] || { echo "bench_cosim: no co-simulation built in $build" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
stims="random trace:$top/tb/traces/chase.lackey.gz"
r=0
while [ "$r" -lt "$rounds" ]; do
    r=$((r + 1))
    for stim in $stims; do
        for bin in $bins; do
            res=$( { /usr/bin/time -f 'user %U' "$bin" --stim "$stim" --requests "$n" --seed 11 \
                     --mem fixed --fcov "$out/run.fcov"; } 2>&1 )
            line=$(echo "$res" | grep ' PASS seed=') || { echo "$res" >&2; exit 1; }
            cycles=$(echo "$line" | sed -E 's/.* ([0-9]+) cycles.*/\1/')
            mcps=$(echo "$line" | sed -E 's/.*; ([0-9.]+) Mcycles\/s.*/\1/')
            tps=$(echo "$line" | sed -E 's/.*Mcycles\/s, ([0-9]+) translations\/s.*/\1/')
            user=$(echo "$res" | sed -n 's/^user //p')
            echo "$cycles $mcps $tps $user" >> "$out/${bin##*/}.${stim%%:*}"
        done
    done
done
# The median of column $2 of file $1 (the lower middle value of an even count).
median() { sort -g -k"$2","$2" "$1" | awk -v k="$2" '{v[NR]=$k} END {print v[int((NR+1)/2)]}'; }
printf '%-16s %-8s %6s %12s %10s %10s %10s %8s\n' config stim runs cycles Mcycles/s user_Mc/s \
    transl/s user_s
for bin in $bins; do
    for stim in $stims; do
        f="$out/${bin##*/}.${stim%%:*}"
        cycles=$(median "$f" 1)
        user=$(median "$f" 4)
        umcps=$(awk -v c="$cycles" -v u="$user" 'BEGIN {printf "%.2f", (u > 0 ? c / u / 1e6 : 0)}')
        printf '%-16s %-8s %6s %12s %10s %10s %10s %8s\n' "${bin##*/}" "${stim%%:*}" "$rounds" \
            "$cycles" "$(median "$f" 2)" "$umcps" "$(median "$f" 3)" "$user"
    done
done
