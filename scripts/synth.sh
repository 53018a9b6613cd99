#!/bin/sh
# Synthesizes mmu_top with Yosys (generic cells), checks that there are no latches, and prints the
# cell and flip-flop counts:  scripts/synth.sh [PARAM=VALUE ...]   (default configuration: none)
# e.g. scripts/synth.sh StlbEntries=16 StlbWays=2 Dtlb4kEntries=4 Dtlb4kWays=1
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/setup.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -n "${SYNTH_DEBUG:-}" ] && trap - EXIT && echo "synth: work in $work" >&2
chparam=""
for kv in "$@"; do
    chparam="${chparam}chparam -set ${kv%%=*} ${kv#*=} mmu_top
"
done
cat > "$work/synth.ys" <<YS
read_verilog -sv $(ls "$top"/rtl/*.sv | tr '\n' ' ')
$chparam
hierarchy -check -top mmu_top
synth -flatten
select -assert-none t:\$dlatch t:\$_DLATCH_*
tee -o $work/stat.txt stat
YS
yosys -q -l "$work/synth.log" "$work/synth.ys"
cells=$(grep -m1 "Number of cells:" "$work/stat.txt" | awk '{print $4}')
ffs=$(grep -E '^ +[$]_[A-Z]*DFF[A-Z0-9_]* +[0-9]+' "$work/stat.txt" | awk '{s += $2} END {print s + 0}')
echo "synth: mmu_top ${*:-(default configuration)}: $cells cells, $ffs flip-flops, no latches"
