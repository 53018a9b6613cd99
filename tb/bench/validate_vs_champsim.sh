#!/bin/sh
# mmusim's TLB counts next to ChampSim's on the same traces. Each lackey (or other) trace is
# converted to ChampSim's instruction records (mmusim convert --to champsim, which says what the
# format cannot hold); ChampSim runs it in its default configuration (champsim_config.json: ITLB
# and DTLB 16 sets x 4 ways, STLB 128 x 12, LRU, 4 KiB pages) with no warm-up for as many
# instructions as it holds, and mmusim runs the same converted trace with `--preset champsim
# --set pages=4k`, one request at a time (walkers=1 miss_entries=1 hit_under_miss=off: the
# functional counts) and with the preset's requests in flight.
#
# Columns: each TLB's misses. ChampSim counts as a miss every access that misses, a second
# miss to a page already missing (MSHR_MERGE) included; `champsim-merges` takes those out,
# which is what mmusim's blocking run counts. ChampSim fetches by blocks, so its ITLB sees
# fewer lookups than mmusim's one per instruction, but the pages it misses are the same. ChampSim
# has no A/D bits: mmusim's STLB misses include its dirty re-walks (column dirty; a store to an
# entry with D clear walks again), which `mmusim-dirty` takes out. ChampSim's out-of-order core
# reorders accesses, so its DTLB and STLB counts differ a little from the trace order's.
#
# ChampSim is not part of mmusim: build it yourself, outside this tree, from its public source
# (it needs Debian's libfmt-dev, nlohmann-json3-dev and libcli11-dev) and give its binary.
# Without one this prints why and exits 0.
#   tb/bench/validate_vs_champsim.sh CHAMPSIM_BINARY TRACE...        (env MMUSIM)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
mmusim=${MMUSIM:-$top/build/mmusim}
. "$top/tb/bench/beside.sh"
beside_check validate_vs_champsim "a ChampSim binary" "$@"
champsim=$1
shift
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
keys="--preset champsim --set pages=4k"
blocking="--set walkers=1 --set miss_entries=1 --set hit_under_miss=off"

misses() { mmusim_misses "$1" "$work/out"; }
cs() {  # TLB (ITLB, DTLB or STLB) of ChampSim's report: misses and MSHR merges
    awk -v t="cpu0->cpu0_$1" '$1 == t && $2 == "TOTAL" {print $8, $10; exit}' "$work/champsim"
}

row='%-16s %-16s %8s %8s %8s %6s\n'
# shellcheck disable=SC2059 # the format is row's
printf "$row" trace counts itlb dtlb stlb dirty
for trace in "$@"; do
    name=$(basename "$trace")
    "$mmusim" convert --to champsim "$trace" "$work/t.champsim.xz" 2> "$work/convert"
    instructions=$(sed -n 's/.*: \([0-9]*\) instructions;.*/\1/p' "$work/convert")
    "$champsim" --warmup-instructions 0 --simulation-instructions "$instructions" \
        "$work/t.champsim.xz" > "$work/champsim" 2>&1 ||
        { cat "$work/champsim" >&2; exit 1; }
    ci=$(cs ITLB) cd=$(cs DTLB) cst=$(cs STLB)
    # shellcheck disable=SC2059
    printf "$row" "$name" champsim "${ci% *}" "${cd% *}" "${cst% *}" ""
    # shellcheck disable=SC2059
    printf "$row" "" champsim-merges $((${ci% *} - ${ci#* })) $((${cd% *} - ${cd#* })) \
           $((${cst% *} - ${cst#* })) ""
    for run in blocking default; do
        if [ $run = blocking ]; then extra=$blocking; else extra=""; fi
        # shellcheck disable=SC2086 # word splitting of the option lists is intended
        "$mmusim" run $keys $extra --json "$work/t.champsim.xz" > "$work/out"
        dirty=$(mmusim_dirty "$work/out")
        # shellcheck disable=SC2059
        printf "$row" "" "mmusim $run" "$(misses itlb)" "$(misses dtlb)" "$(misses stlb)" \
               "$dirty"
        if [ $run = blocking ]; then
            # shellcheck disable=SC2059
            printf "$row" "" "mmusim-dirty" "" "" $(($(misses stlb) - dirty)) ""
        fi
    done
    printf '%s\n' "  ($(sed -e 's/^mmusim convert: //' -e "s#$work/##" "$work/convert"))"
done
