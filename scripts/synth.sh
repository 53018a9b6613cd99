#!/bin/sh
# Synthesizes mmu_top with Yosys (generic cells), checks that there are no latches, and prints the
# cell and flip-flop counts:
#   scripts/synth.sh [--sram] [--noshare] [NAME | PARAM=VALUE ...]
# NAME is a configuration of rtl/configs.txt (default: the default one); PARAM=VALUE pairs set
# mmu_top's parameters directly. The sources are rtl/mmu.f's.
# --sram keeps the STLB's way memories (one synchronous read port, one write port each: what an
# SRAM macro replaces) as Yosys $mem_v2 cells instead of mapping them to flip-flops, and prints
# their number and bits; every other array is mapped as without it. Without --sram, a default
# configuration's synthesis takes about 15 GB (docs/PERFORMANCE.md).
# --noshare leaves out synth's SAT-based resource sharing (Yosys's share pass), which alone
# needs over 20 GB on the default configuration with requests in flight: more cells, the same
# flip-flops and memories.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
sram=0
share=""
while :; do
    case "${1:-}" in
    --sram) sram=1 ;;
    --noshare) share=" -noshare" ;;
    *) break ;;
    esac
    shift
done
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
YS
if [ $sram = 1 ]; then
    # synth's own steps, with the STLB way memories left out of memory_map.
    echo "synth -flatten$share -run :fine" >> "$work/synth.ys"
    cat >> "$work/synth.ys" <<'YS'
memory_map t:$mem_v2 n:u_stlb.u_array.g_sram.g_way* %d
opt -fast -full
opt -full
techmap
opt -fast
abc -fast
opt -fast
YS
else
    echo "synth -flatten$share" >> "$work/synth.ys"
fi
cat >> "$work/synth.ys" <<YS
select -assert-none t:\$dlatch t:\$_DLATCH_*
tee -o $work/stat.txt stat
YS
[ $sram = 1 ] && printf '%s\n' "tee -o $work/mem.txt select -list t:\$mem_v2" \
    "write_rtlil $work/out.il" >> "$work/synth.ys"
yosys -q -l "$work/synth.log" "$work/synth.ys"
# A name Yosys does not resolve becomes an undriven wire, and the netlist is wrong without an
# error (Yosys 0.23 resolves a package's enum values in its functions only by scoped names).
if grep -E "is implicitly declared|is used but has no driver" "$work/synth.log" >&2; then
    echo "synth: Yosys read an undeclared or undriven name (above)" >&2
    exit 1
fi
cells=$(grep -m1 "Number of cells:" "$work/stat.txt" | awk '{print $4}')
ffs=$(grep -E '^ +[$]_[A-Z]*DFF[A-Z0-9_]* +[0-9]+' "$work/stat.txt" | awk '{s += $2} END {print s + 0}')
mems=""
if [ $sram = 1 ]; then
    # Each $mem_v2 cell's bits: its WIDTH times its SIZE, read from the netlist.
    n=$(grep -c '^' "$work/mem.txt" || true)
    bits=$(awk '/^ *cell [$]mem_v2 /{m = 1} m && /parameter .WIDTH /{w = $3} m && /parameter .SIZE /{z = $3}
                m && /^ *end$/{b += w * z; m = 0} END {print b + 0}' "$work/out.il")
    mems=", $n SRAM memories of $bits bits"
fi
echo "synth: mmu_top ${*:-default}${share:+ (no resource sharing)}: $cells cells, $ffs flip-flops$mems, no latches"
