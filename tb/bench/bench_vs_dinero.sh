#!/bin/sh
# mmusim next to Dinero IV, the trace-driven cache simulator TLB studies have long used as the
# quick tool, on the same traces, with a TLB as Dinero's cache of 4 KiB blocks (entries x 4 KiB,
# the ways as associativity, LRU, 4 KiB pages), in two geometries:
#   single   ITLB 128 entries 8-way and DTLB 64 entries 4-way, no STLB
#   two      the default hierarchy's L1s and a unified STLB of 2048 entries 16-way as Dinero's
#            L2 (Dinero needs a power-of-two size: the default's 1536 x 12 has the same 128 sets;
#            mmusim runs with that STLB too, so that the counts compare)
# For each lackey trace and geometry, the time of each tool (CPU seconds: perf stat's
# task-clock, else user + system from time(1); medians of ROUNDS runs, the tools alternated)
# and both tools' ITLB, DTLB and STLB misses:
#   dinero      dineroIV reading the trace converted to its din format
#   text        mmusim run reading the lackey text
#   binary      mmusim run reading the trace in mmusim's binary format (mmusim convert)
# each for mmusim's `blocking` keys (walkers=1 miss_entries=1 hit_under_miss=off) and for the
# default preset's requests in flight, with the arrays above. Every input is decompressed
# first, so that neither tool pays for xz or gzip. A ratio is Dinero's time over mmusim's:
# above 1, mmusim is the faster. mmusim's DTLB misses include its dirty re-walks (a store to an
# entry whose D bit is clear walks again: column dirty), which a cache simulator has no notion
# of; with the blocking keys, the DTLB misses less the re-walks are Dinero's. With requests in
# flight they also include the merged misses (column merged: a second miss to a page whose
# STLB probe or walk is pending), as hardware counts L1 misses. mmusim's STLB misses are those
# that started a walk (the re-walks among them). Dinero's two-level runs read stores as loads,
# so that its L1s write nothing back into the L2 (a TLB writes nothing back).
#
# Dinero IV is not part of mmusim (its licence allows non-commercial use only): build it
# yourself, outside this tree, and give its binary. Without one this prints why and exits 0.
#   tb/bench/bench_vs_dinero.sh DINERO_BINARY TRACE...      (env ROUNDS, default 5; MMUSIM)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
mmusim=${MMUSIM:-$top/build/mmusim}
rounds=${ROUNDS:-5}
. "$top/tb/bench/beside.sh"
beside_check bench_vs_dinero "a dineroIV binary" "$@"
dinero=$1
shift
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

single="--set itlb_4k.entries=128 --set itlb_4k.ways=8 --set itlb_4k.repl=lru
        --set dtlb_4k.entries=64 --set dtlb_4k.ways=4 --set dtlb_4k.repl=lru
        --set stlb.entries=0 --set pages=4k"
two="--set stlb.entries=2048 --set stlb.ways=16 --set pages=4k"
blocking="--set walkers=1 --set miss_entries=1 --set hit_under_miss=off"
# A TLB as Dinero's cache: 4 KiB blocks, entries x 4 KiB, the ways as associativity, LRU; a
# store allocates as a load does.
dsingle="-informat d -l1-isize 512k -l1-ibsize 4k -l1-iassoc 8 -l1-irepl l
         -l1-dsize 256k -l1-dbsize 4k -l1-dassoc 4 -l1-drepl l -l1-dwalloc a -l1-dwback a"
dtwo="$dsingle -l2-usize 8M -l2-ubsize 4k -l2-uassoc 16 -l2-urepl l"

# CPU seconds of a command, its output in $work/out
if perf stat -x, -e task-clock true > /dev/null 2>&1; then perf=1; else perf=0; fi
timed() {
    if [ $perf = 1 ]; then
        perf stat -x, -e task-clock -o "$work/time" "$@" > "$work/out" 2> "$work/err" ||
            { cat "$work/err" >&2; exit 1; }
        awk -F, '$3 == "task-clock" {printf "%.3f", $1 / 1000}' "$work/time"
    else
        /usr/bin/time -f '%U %S' -o "$work/time" "$@" > "$work/out" 2> "$work/err" ||
            { cat "$work/err" >&2; exit 1; }
        awk '{printf "%.2f", $1 + $2}' "$work/time"
    fi
}
median() { tr ' ' '\n' | grep . | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
ratio() {  # Dinero's time over mmusim's, or - when either is below the timer's resolution
    awk -v d="$1" -v t="$2" 'BEGIN {if (d > 0 && t > 0) printf "%.1f", d / t; else printf "-"}'
}
misses() { mmusim_misses "$1" "$work/out"; }
merged() {  # the DTLB's merged misses of mmusim --json in $work/out
    sed -n 's/.*"dtlb": {.*"merged": \([0-9]*\).*/\1/p' "$work/out"
}
dmisses() {  # l1-icache, l1-dcache or l2-ucache demand misses of Dinero in $work/out
    awk -v c="$1" '$1 == c {on = 1} on && $1 == "Demand" && $2 == "Misses" {print $3; exit}' \
        "$work/out"
}

row='%-16s %-6s %-8s %8s %8s %8s %6s %6s %-6s %6s %7s %7s %6s %6s\n'
# shellcheck disable=SC2059 # the format is row's
printf "$row" trace geom keys dinero_s text_s binary_s x_text x_bin tool itlb dtlb stlb dirty \
       merged
for trace in "$@"; do
    name=$(basename "$trace")
    case $trace in
    *.xz) xz -dc "$trace" > "$work/t.lackey" ;;
    *.gz) gzip -dc "$trace" > "$work/t.lackey" ;;
    *) cp "$trace" "$work/t.lackey" ;;
    esac
    # lackey: "I  addr,size" a fetch, " L" a load, " S" a store, " M" a load and a store.
    # din: "2 addr" a fetch, "0 addr" a read, "1 addr" a write.
    awk '$1 == "I" || $1 == "L" || $1 == "S" || $1 == "M" {
             split($2, a, ",")
             if ($1 == "I") print "2", a[1]
             else if ($1 == "S") print "1", a[1]
             else { print "0", a[1]; if ($1 == "M") print "1", a[1] }
         }' "$work/t.lackey" > "$work/single.din"
    sed 's/^1 /0 /' "$work/single.din" > "$work/two.din"
    "$mmusim" convert "$work/t.lackey" "$work/t.bin" > /dev/null 2>&1
    for geom in single two; do
        if [ $geom = single ]; then arrays=$single dargs=$dsingle; else arrays=$two dargs=$dtwo; fi
        for keys in blocking default; do
            if [ $keys = blocking ]; then extra=$blocking; else extra=""; fi
            td="" tt="" tb=""
            r=0
            while [ $r -lt "$rounds" ]; do
                # shellcheck disable=SC2086 # word splitting of the option lists is intended
                td="$td $(timed "$dinero" $dargs < "$work/$geom.din")"
                di=$(dmisses l1-icache)
                dd=$(dmisses l1-dcache)
                ds=$(if [ $geom = two ]; then dmisses l2-ucache; else echo -; fi)
                # shellcheck disable=SC2086
                tt="$tt $(timed "$mmusim" run $arrays $extra --json "$work/t.lackey")"
                # shellcheck disable=SC2086
                tb="$tb $(timed "$mmusim" run $arrays $extra --json "$work/t.bin")"
                mi=$(misses itlb)
                md=$(misses dtlb)
                ms=$(if [ $geom = two ]; then misses stlb; else echo -; fi)
                mr=$(mmusim_dirty "$work/out")
                mm=$(merged)
                r=$((r + 1))
            done
            d=$(echo "$td" | median)
            t=$(echo "$tt" | median)
            b=$(echo "$tb" | median)
            # shellcheck disable=SC2059
            printf "$row" "$name" $geom $keys "$d" "$t" "$b" "$(ratio "$d" "$t")" \
                   "$(ratio "$d" "$b")" mmusim "$mi" "$md" "$ms" "$mr" "$mm"
            # shellcheck disable=SC2059
            printf "$row" "" "" "" "" "" "" "" "" dinero "$di" "$dd" "$ds" "" ""
        done
    done
done
