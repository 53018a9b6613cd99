# What the scripts that run mmusim beside another simulator built outside this tree share
# (bench_vs_dinero.sh, validate_vs_champsim.sh); sourced, with $mmusim set.

# beside_check NAME WHAT ARGS...: ARGS must be the other tool's binary, then traces. Without a
# binary it says why and exits 0 (the tool is not part of mmusim); without a trace, or without
# mmusim built, it exits 2.
beside_check() {
    name=$1 what=$2
    shift 2
    if [ $# -lt 1 ] || [ ! -x "$1" ]; then
        echo "$name: skipped: give the path of $what (built outside the tree), then the traces" >&2
        exit 0
    fi
    [ $# -ge 2 ] || { echo "$name: give at least one trace" >&2; exit 2; }
    [ -x "$mmusim" ] || { echo "$name: $mmusim not built" >&2; exit 2; }
}

# mmusim_misses TLB FILE: the misses of TLB (itlb, dtlb or stlb) in mmusim's --json output.
mmusim_misses() {
    sed -n "s/.*\"$1\": {\"lookups\": [0-9]*, \"hits\": [0-9]*, \"misses\": \([0-9]*\).*/\1/p" "$2"
}

# mmusim_dirty FILE: the dirty re-walks in mmusim's --json output.
mmusim_dirty() {
    sed -n 's/.*"dirty_rewalks": \([0-9]*\).*/\1/p' "$1"
}
