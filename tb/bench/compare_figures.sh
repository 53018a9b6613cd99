#!/bin/sh
# Compares the figures of two mmusim binaries, byte for byte, over the
# configurations that exercise the model's hot path (issue 11): every
# preset, each replacement policy in an L1 and in the STLB, mixed page
# sizes, and two traces sharing one MMU with and without PCIDs; each trace
# as lackey text and in mmusim's binary format (converted by BEFORE).
#
#   tb/bench/compare_figures.sh BEFORE_BIN AFTER_BIN
#
# Run from the top of the tree.  Exit status 0 when every output matches.
set -u
if [ $# -ne 2 ]; then
    echo "usage: $0 BEFORE_BIN AFTER_BIN" >&2
    exit 2
fi
before=$1
after=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
traces="traces/sort.lackey.xz traces/gzip.lackey.xz tb/traces/chase.lackey.gz"
for t in $traces; do
    "$before" convert "$t" "$out/$(basename "$t" | cut -d. -f1).bin" >/dev/null || exit 2
done
traces="$traces $out/sort.bin $out/gzip.bin $out/chase.bin"
fail=0
n=0

check() { # NAME ARGS...
    name=$1
    shift
    n=$((n + 1))
    "$before" run --json "$@" >"$out/before" 2>&1
    rb=$?
    "$after" run --json "$@" >"$out/after" 2>&1
    ra=$?
    if [ $rb -ne $ra ] || ! cmp -s "$out/before" "$out/after"; then
        echo "DIFFERS: $name ($*)"
        diff "$out/before" "$out/after" | head -20
        fail=1
    else
        echo "same:    $name"
    fi
}

for t in $traces; do
    b=$(basename "$t")
    for p in skylake champsim embedded; do
        check "$b $p" --preset "$p" "$t"
    done
    check "$b stlb plru" --set stlb.repl=plru "$t"
    check "$b stlb fifo" --set stlb.repl=fifo "$t"
    check "$b stlb random" --set stlb.repl=random "$t"
    check "$b dtlb_4k fifo" --set dtlb_4k.repl=fifo "$t"
    check "$b dtlb_4k plru" --set dtlb_4k.repl=plru "$t"
    check "$b l1 random" --set dtlb_4k.repl=random --set itlb_4k.repl=random "$t"
    check "$b pages mixed" --set pages=mixed "$t"
    check "$b pages 2m" --set pages=2m "$t"
    check "$b embedded mixed" --preset embedded --set pages=mixed "$t"
done
check "two traces pcid on" --set quantum=1000 traces/gzip.lackey.xz tb/traces/chase.lackey.gz
check "two traces pcid off" --set pcid=off traces/gzip.lackey.xz tb/traces/chase.lackey.gz
check "two traces pcid off q1000" --set pcid=off --set quantum=1000 \
    traces/gzip.lackey.xz tb/traces/chase.lackey.gz
check "two traces mixed" --set pages=mixed --set quantum=777 \
    traces/sort.lackey.xz tb/traces/chase.lackey.gz
check "two binary traces pcid on" --set quantum=1000 "$out/gzip.bin" "$out/chase.bin"
check "binary and lackey q777" --set pages=mixed --set quantum=777 \
    "$out/sort.bin" tb/traces/chase.lackey.gz

if [ $fail -ne 0 ]; then
    echo "compare_figures: outputs differ"
    exit 1
fi
echo "compare_figures: all $n outputs identical"
