#!/bin/sh
# The lockstep regression of one RTL configuration (one ctest test per configuration and bench):
#   regress.sh BENCH_BINARY LACKEY_TRACE [cosim|systemc] [PERCENT]
# cosim (the Verilator harness, the default): directed scenarios on two memory profiles,
# constrained-random runs on every memory profile (one with bus errors), and a lackey trace:
# about 440,000 translations. systemc (the SystemC bench, slower per cycle): directed scenarios,
# constrained-random runs on a stalling and a custom memory with bus errors, and the trace:
# about 140,000.
# PERCENT (default 100) scales the random and trace runs' request counts, for the configurations
# whose Verilated model is slow (rtl/configs.txt: `quarter`).
# Seeds are fixed so that CI is repeatable; COSIM_SEED=N shifts them all by N to explore. Each
# run prints its seed and replay command.
set -eu
bin=$1
trace=$2
suite=${3:-cosim}
percent=${4:-100}
base=${COSIM_SEED:-0}
n() { echo $(($1 * percent / 100)); }
run() {
    echo "+ $(basename "$bin") $*"
    "$bin" "$@"
}
case $suite in
cosim)
    run --stim directed --mem fixed --seed $((base + 1))
    run --stim directed --mem slow --seed $((base + 2))
    run --stim random --mem fixed --seed $((base + 11)) --requests $(n 100000)
    run --stim random --mem slow --seed $((base + 12)) --requests $(n 80000)
    run --stim random --mem bursty --seed $((base + 13)) --requests $(n 80000)
    run --stim random --mem fast --seed $((base + 14)) --requests $(n 80000)
    run --stim random --mem errors --seed $((base + 16)) --requests $(n 40000)
    # A memory slow enough that every walker of the largest configurations (champsim: 16) is
    # busy at once.
    run --stim random --mem lat=100-300 --seed $((base + 17)) --requests $(n 20000)
    run --stim "trace:$trace" --mem fixed --seed $((base + 15)) --requests $(n 100000)
    ;;
systemc)
    run --stim directed --mem fixed --seed $((base + 21))
    run --stim random --mem bursty --seed $((base + 22)) --requests $(n 60000)
    run --stim random --mem lat=4-40,stall=20,burst=8,err=20 --seed $((base + 23)) --requests $(n 30000)
    run --stim "trace:$trace" --mem slow --seed $((base + 24)) --requests $(n 50000)
    ;;
*)
    echo "regress.sh: unknown suite '$suite' (cosim or systemc)" >&2
    exit 2
    ;;
esac
