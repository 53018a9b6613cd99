#!/bin/sh
# The co-simulation regression of one RTL configuration (one ctest test per configuration):
#   regress.sh COSIM_BINARY LACKEY_TRACE
# Directed scenarios on two memory profiles, constrained-random runs on every memory profile,
# and a lackey trace: about 400,000 translations. Seeds are fixed so that CI is repeatable;
# COSIM_SEED=N shifts them all by N to explore. Each run prints its seed and replay command.
set -eu
bin=$1
trace=$2
base=${COSIM_SEED:-0}
run() {
    echo "+ $(basename "$bin") $*"
    "$bin" "$@"
}
run --stim directed --mem fixed --seed $((base + 1))
run --stim directed --mem slow --seed $((base + 2))
run --stim random --mem fixed --seed $((base + 11)) --requests 100000
run --stim random --mem slow --seed $((base + 12)) --requests 80000
run --stim random --mem bursty --seed $((base + 13)) --requests 80000
run --stim random --mem fast --seed $((base + 14)) --requests 80000
run --stim "trace:$trace" --mem fixed --seed $((base + 15)) --requests 100000
