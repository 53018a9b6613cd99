#!/bin/bash
# The speed of `mmusim run` on real traces, old binary against new (issue 11's targets):
# the sort trace as lackey text, as mmusim's binary format, xz- and gzip-compressed, with the
# default hierarchy and with a single-level geometry (DTLB 64 entries 4-way, ITLB 128 8-way,
# LRU, 4 KiB pages, no STLB).  Every run is repeated N times, the binaries alternating, and the
# median CPU time (user + system) and wall time of each are printed with the speed-up.
#
#   tb/bench/bench_traces.sh BEFORE_BIN AFTER_BIN [N [COPIES]]
#
# COPIES (default 1) runs the trace that many times over, one copy after the other, so that a
# fast run lasts long enough for /usr/bin/time's hundredths of a second.  Run from the top of
# the tree; writes its inputs into a temporary folder (about 250 MB a copy).
# The machine is shared and noisy: compare medians of one sitting, never figures of two.
set -eu
if [ $# -lt 2 ]; then
    echo "usage: $0 BEFORE_BIN AFTER_BIN [N]" >&2
    exit 2
fi
before=$1
after=$2
n=${3:-5}
copies=${4:-1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for _ in $(seq "$copies"); do xz -dc traces/sort.lackey.xz; done >"$tmp/sort.lackey"
gzip -1 -c "$tmp/sort.lackey" >"$tmp/sort.lackey.gz"
xzin=traces/sort.lackey.xz
if [ "$copies" -gt 1 ]; then
    xz -6 -T2 -c "$tmp/sort.lackey" >"$tmp/sort.lackey.xz"
    xzin=$tmp/sort.lackey.xz
fi
# Converted by the older binary: a format both read (older ones know no page-crossing bit).
"$before" convert "$tmp/sort.lackey" "$tmp/sort.bin" >/dev/null
single="--set stlb.entries=0 --set dtlb_2m.entries=0 --set itlb_2m.entries=0"
single="$single --set dtlb_4k.repl=lru --set itlb_4k.repl=lru"

# median FILE: the median of the numbers in FILE, one a line
median() { sort -n "$1" | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

run() { # NAME ARGS...: the run on both binaries, N times, alternating
    name=$1
    shift
    : >"$tmp/cb"; : >"$tmp/wb"; : >"$tmp/ca"; : >"$tmp/wa"
    for _ in $(seq "$n"); do
        for side in b a; do
            bin=$before
            [ $side = a ] && bin=$after
            /usr/bin/time -f "%e %U %S" -o "$tmp/t" "$bin" run "$@" >/dev/null
            read -r w u s <"$tmp/t"
            echo "$w" >>"$tmp/w$side"
            echo "$u $s" | awk '{print $1 + $2}' >>"$tmp/c$side"
        done
    done
    cb=$(median "$tmp/cb"); ca=$(median "$tmp/ca")
    wb=$(median "$tmp/wb"); wa=$(median "$tmp/wa")
    printf '%-34s cpu %6.2f -> %6.2f s (%5.1fx)   wall %6.2f -> %6.2f s (%5.1fx)\n' "$name" \
        "$cb" "$ca" "$(echo "$cb $ca" | awk '{print $1 / $2}')" \
        "$wb" "$wa" "$(echo "$wb $wa" | awk '{print $1 / $2}')"
}

echo "medians of $n runs each, alternating; $((11000846 * copies)) references"
run "lackey text, default hierarchy" "$tmp/sort.lackey"
# shellcheck disable=SC2086
run "lackey text, single level" $single "$tmp/sort.lackey"
run "binary, default hierarchy" "$tmp/sort.bin"
# shellcheck disable=SC2086
run "binary, single level" $single "$tmp/sort.bin"
run "lackey .xz, default hierarchy" "$xzin"
run "lackey .gz, default hierarchy" "$tmp/sort.lackey.gz"
