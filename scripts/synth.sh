#!/bin/sh
# Synthesizes mmu_top with Yosys (generic cells), checks that there are no latches, and prints the
# cell and flip-flop counts:
#   scripts/synth.sh [NAME | PARAM=VALUE ...]
# NAME is a configuration of rtl/configs.txt (default: the default one); PARAM=VALUE pairs set
# mmu_top's parameters directly. The sources are rtl/mmu.f's.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/setup.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -n "${SYNTH_DEBUG:-}" ] && trap - EXIT && echo "synth: work in $work" >&2
case "${1:-default}" in
*=*) params=$(printf '%s\n' "$@") ;;
*) params=$("$top/scripts/mmu-config" params "${1:-default}") ;;
esac
chparam=$(printf '%s\n' "$params" | awk -F= 'NF == 2 {printf " -set %s %s", $1, $2}')
sources=$(grep '\.sv$' "$top/rtl/mmu.f" | sed "s|^|$top/|" | tr '\n' ' ')
cat > "$work/synth.ys" <<YS
read_verilog -sv -I$top/rtl $sources
${chparam:+chparam$chparam mmu_top}
hierarchy -check -top mmu_top
synth -flatten
select -assert-none t:\$dlatch t:\$_DLATCH_*
tee -o $work/stat.txt stat
YS
yosys -q -l "$work/synth.log" "$work/synth.ys"
cells=$(grep -m1 "Number of cells:" "$work/stat.txt" | awk '{print $4}')
ffs=$(grep -E '^ +[$]_[A-Z]*DFF[A-Z0-9_]* +[0-9]+' "$work/stat.txt" | awk '{s += $2} END {print s + 0}')
echo "synth: mmu_top ${*:-default}: $cells cells, $ffs flip-flops, no latches"
