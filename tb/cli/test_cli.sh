#!/bin/sh
# The mmusim command's behaviour: outputs, exit status 0 / 1 (bad input) / 2 (bad command line),
# and messages that say what and where; and the other command-line tools' (scripts/capture-trace.sh,
# and tlm_platform where SystemC builds it).   test_cli.sh MMUSIM_BINARY SOURCE_DIR [TLM_PLATFORM]
set -u
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
# expect STATUS PATTERN ARGS...: run mmusim ARGS, check the status and that the output matches.
expect() {
    want=$1 pattern=$2
    shift 2
    out=$("$bin" "$@" 2>&1)
    got=$?
    if [ "$got" != "$want" ] || ! printf '%s' "$out" | grep -qE -- "$pattern"; then
        echo "FAIL: $(basename "$bin") $*: status $got (want $want); output:"
        printf '%s\n' "$out" | head -5
        failures=$((failures + 1))
    else
        echo "ok: $(basename "$bin") $* -> $got"
    fi
}
trace=$src/tb/traces/chase.lackey.gz
printf 'R 1000\nW 2000\nX 3000\n' > "$tmp/t.txt"
printf 'R 1000\nR 10zz0\n' > "$tmp/bad.txt"
printf '{"stlb": {"ways": "many"}}' > "$tmp/bad.json"
printf 'R 1000\nR 800000000000\n' > "$tmp/nc.txt"
printf '{"walkers": 1, "miss_entries": 1, "hit_under_miss": false}' > "$tmp/blocking.json"

# chase has 2 fetches that cross a page: 55790 instructions, 55792 ITLB lookups
expect 0 'ITLB +55792 +55776'            run "$trace"
expect 0 '"walks": 11200'                run --json "$trace"
expect 0 '"merged_misses": 54'           run --json "$trace"
expect 0 '"walks": 11210'                run --json --config "$tmp/blocking.json" "$trace"
expect 0 '^references,instructions'      run --csv "$trace"
expect 0 'references 3, instructions 1'  run "$tmp/t.txt"
expect 0 'references 3, instructions 1'  run --format text - < "$tmp/t.txt"
expect 0 '"stlb.entries": 256'           config --preset embedded --set stlb.entries=256 --dump
expect 0 'usage: mmusim run'             run --help
expect 1 'bad.txt:2: address is not a hexadecimal' run "$tmp/bad.txt"
expect 0 'bad records skipped: 1'        run --skip-bad "$tmp/bad.txt"
expect 1 'missing.gz: cannot open'       run "$tmp/missing.gz"
expect 2 'unknown option --bogus'        run --bogus "$trace"
expect 2 "unknown key 'nosuch'"          run --set nosuch=1 "$trace"
expect 2 'stlb.ways: .0. is not a whole number from 1 to 1024' run --set stlb.ways=0 "$trace"
expect 2 'not a multiple of 7 ways'      run --set stlb.ways=7 "$trace"
expect 2 "preset 'fast' is unknown"      run --preset fast "$trace"
expect 2 "bad.json: stlb.ways: 'many'"   run --config "$tmp/bad.json" "$trace"
expect 2 'give at least one trace'       run
expect 0 '70039 references to'           convert "$trace" "$tmp/c.bin"
expect 0 'ITLB +55792 +55776'            run "$tmp/c.bin"
# non-canonical addresses are bad records for run and convert alike
expect 1 'nc.txt:2: address 0x800000000000 is not canonical' convert "$tmp/nc.txt" "$tmp/nc.bin"
expect 1 'nc.txt:2: address 0x800000000000 is not canonical' run "$tmp/nc.txt"
expect 0 'bad records skipped: 1'        run --skip-bad "$tmp/nc.txt"
# hostile input: NULs, empty, cut-off xz, a name contradicting the content, a truncated stream
head -c 100 /dev/zero > "$tmp/zeros.txt"
expect 1 'cannot tell the trace format'  run "$tmp/zeros.txt"
expect 1 'zeros.txt:1: NUL byte in column 1' run --format text "$tmp/zeros.txt"
: > "$tmp/empty.lackey"
expect 1 'empty.lackey: empty trace'     run "$tmp/empty.lackey"
printf '\3757zXZ' > "$tmp/cut.xz"
expect 1 'cut.xz: truncated xz stream'   run "$tmp/cut.xz"
printf ' L 1000,8\n' > "$tmp/a.champsim"
expect 1 'name says champsim but the content is lackey' run "$tmp/a.champsim"
gzip -dc "$trace" | head -c 200000 | gzip -c | head -c 10000 > "$tmp/cut.lackey.gz"
expect 1 'truncated gzip stream'         run --skip-bad "$tmp/cut.lackey.gz"
printf 'R 1000\nR \033[2J\377\n' > "$tmp/raw.txt"
expect 1 'R \\x1b\[2J\\xff'              run "$tmp/raw.txt"
# convert never harms its input: the same file (also through a link) is refused; a failed
# conversion leaves an existing output as it was; output compressed by its name; - is stdout
cp "$trace" "$tmp/same.lackey.gz"; ln -s same.lackey.gz "$tmp/link.lackey.gz"
expect 2 'same file'                     convert "$tmp/same.lackey.gz" "$tmp/same.lackey.gz"
expect 2 'same file'                     convert "$tmp/same.lackey.gz" "$tmp/link.lackey.gz"
expect 2 'same file'                     convert "$tmp/link.lackey.gz" "$tmp/./same.lackey.gz"
if cmp -s "$trace" "$tmp/same.lackey.gz"; then echo "ok: input intact"; else
    echo "FAIL: convert damaged its input"; failures=$((failures + 1)); fi
printf 'keep' > "$tmp/old.bin"
expect 1 'bad.txt:2: address'            convert "$tmp/bad.txt" "$tmp/old.bin"
if [ "$(cat "$tmp/old.bin")" = keep ] && [ -z "$(ls "$tmp" | grep tmp-)" ]; then
    echo "ok: failed convert left the old output and no temporary file"; else
    echo "FAIL: failed convert changed the output or left a temporary file"; failures=$((failures + 1)); fi
expect 0 '70039 references to'           convert "$trace" "$tmp/c.bin.xz"
# ChampSim's instruction records: what the format cannot hold is said, and the trace runs
expect 0 '55790 instructions; left out: 0 loads beyond 4 and 0 stores beyond 2 in an instruction, 1 accesses before the first fetch, 0 at address 0, 0 PCIDs; 2 page-crossing accesses keep their first page only' \
    convert --to champsim "$trace" "$tmp/c.champsim.xz"
expect 0 '"references": 70038,'          run --json "$tmp/c.champsim.xz"
# The champsim preset's walks are bounded by its 16 miss-queue entries, as ChampSim's by its
# STLB's 16 MSHRs: the chase's misses keep 16 walks in flight at once.
expect 0 '"walks_peak": 16,'             run --preset champsim --json "$tmp/c.champsim.xz"
expect 2 "walkers: '17' is not a whole number from 1 to 16" run --set walkers=17 "$trace"
# 5-level paging: 0x800000000000 is canonical in 57 bits; one at a time, the second walk finds
# the PML5E of the first in its cache; an address beyond 57 bits is still refused.
expect 0 '"psc_hit_rate": \{"pml5e": 0.500000, "pml4e": 0.000000' \
    run --set la57=on --config "$tmp/blocking.json" --json "$tmp/nc.txt"
expect 0 'hit rate PML5E 50.00% PML4E 0.00%' run --set la57=on --config "$tmp/blocking.json" "$tmp/nc.txt"
printf 'R 1000\nR 100000000000000\n' > "$tmp/nc57.txt"
expect 1 'nc57.txt:2: address 0x100000000000000 is not canonical \(bits 63:56' \
    run --set la57=on "$tmp/nc57.txt"
expect 2 "la57: 'maybe' is not on or off" run --set la57=maybe "$trace"
# Protection keys: PKRU's AD bit of key 0 (every study page's) makes the read and the write of
# t.txt fault, not its fetch.
expect 0 '"faults": 2,'                  run --set pke=on --set pkru=1 --json "$tmp/t.txt"
expect 0 '"faults": 0,'                  run --set pke=off --set pkru=1 --json "$tmp/t.txt"
expect 0 '"pkru": 3,'                    config --set smep=on --set pkru=0x3 --dump
# 1 GiB pages: the chase's two 1 GiB regions, the DTLB's 1 GiB array and the ITLB's 2 MiB
# fractions; without pdpe1gb the study is refused.
expect 0 '"pages_mapped_1g": 2,'         run --set pages=1g --json "$trace"
expect 0 'hits_2m": 55789, "hits_1g": 0' run --set pages=1g --json "$trace"
expect 0 'pages mapped 4K 0 / 2M 0 / 1G 2' run --set pages=1g "$trace"
expect 1 'pages=1g asks for 1 GiB pages, which pdpe1gb=off leaves out' \
    run --set pages=1g --set pdpe1gb=off "$trace"
expect 2 "pages: 'huge' is not a page-size policy \(4k, 2m, 1g, mixed, map\)" run --set pages=huge "$trace"
expect 0 '"la57": true'                  config --preset champsim --dump
expect 0 '"pml5e": '                     run --preset champsim --json "$trace"
expect 2 'write binary or champsim'      convert --to lackey "$trace" "$tmp/c.lackey"
if xz -t "$tmp/c.bin.xz" 2>/dev/null; then echo "ok: .xz output is xz"; else
    echo "FAIL: .xz output is not xz"; failures=$((failures + 1)); fi
expect 0 'ITLB +55792 +55776'            run "$tmp/c.bin.xz"
( b=$(realpath "$bin") && t=$(realpath "$trace") && cd "$tmp" && "$b" convert "$t" - > stdout.bin 2>/dev/null )
if [ ! -e "$tmp/-" ] && [ "$(head -c 8 "$tmp/stdout.bin")" = MMUTRC01 ]; then
    echo "ok: convert to - writes standard output"; else
    echo "FAIL: convert to - did not write standard output"; failures=$((failures + 1)); fi
if command -v script > /dev/null; then   # binary to a terminal is refused
    if script -qec "$(realpath "$bin") convert $(realpath "$trace") -" /dev/null 2>&1 |
       grep -q 'standard output is a terminal'; then echo "ok: convert refuses a terminal"; else
        echo "FAIL: convert wrote binary to a terminal"; failures=$((failures + 1)); fi
fi
# an access across a page boundary is translated on both pages; a bad size is a bad record
printf ' L 0ffc,8\n L 2000,8\n' > "$tmp/cross.lackey"
expect 0 'page-crossing accesses 1'      run "$tmp/cross.lackey"
expect 0 'DTLB +3 +0 +3'                 run "$tmp/cross.lackey"
expect 0 '"page_crossing_accesses": 1'   run --json "$tmp/cross.lackey"
# one at a time, the second page of the crossing is an L1 hit in the 2 MiB page; with requests
# in flight it is presented while the first walks, and walks itself (another 4 KiB page)
expect 0 'DTLB +3 +2 +1'                 run --set pages=2m --config "$tmp/blocking.json" "$tmp/cross.lackey"
expect 0 'DTLB +3 +0 +3'                 run --set pages=2m "$tmp/cross.lackey"
printf ' L 0ffc,99999999999999999999\n' > "$tmp/huge.lackey"
expect 1 'huge.lackey:1: size is not a number from 1 to 4096' run "$tmp/huge.lackey"
printf ' L 0ffc,x\n' > "$tmp/nsize.lackey"
expect 1 'nsize.lackey:1: expected ",size"' run "$tmp/nsize.lackey"
expect 0 'results in'                    sweep --jobs 1 --vary stlb.entries=96 --out "$tmp/deep/er/dir" "$trace"
expect 0 'results in'                    sweep --jobs 1 --vary stlb.entries=96:192:*2 --vary pages=4k,2m --out "$tmp/s1" "$trace" "$tmp/t.txt"
expect 0 'results in'                    sweep --jobs 2 --vary stlb.entries=96:192:*2 --vary pages=4k,2m --out "$tmp/s2" "$trace" "$tmp/t.txt"
if cmp -s "$tmp/s1/sweep.csv" "$tmp/s2/sweep.csv" && [ "$(wc -l < "$tmp/s1/sweep.csv")" -eq 9 ] &&
   [ -s "$tmp/s1/hit_rate.png" ] && [ -s "$tmp/s1/mpki.svg" ] && [ -s "$tmp/s1/report.md" ]; then
    echo "ok: sweep output identical with 1 and 2 jobs, 8 rows, plots and report written"
else
    echo "FAIL: sweep outputs differ or are missing"; failures=$((failures + 1))
fi
expect 2 'point stlb.entries=100'        sweep --vary stlb.entries=100,192 --out "$tmp/s3" "$trace"
expect 2 'a range is FROM:TO'            sweep --vary stlb.entries=192:96:*2 --out "$tmp/s3" "$trace"
expect 2 'give one or two --vary'        sweep "$trace"

# check NAME CONDITION...: a test of files a command wrote (CONDITION is a shell command).
check() {
    name=$1
    shift
    if "$@"; then echo "ok: $name"; else echo "FAIL: $name"; failures=$((failures + 1)); fi
}
# Sweeps: --set and --vary are checked together, point by point; a bad point says which.
# The README's examples' configurations.
expect 0 'policy mixed'                  run --set stlb.entries=512 --set stlb.ways=8 --set stlb.repl=plru --set pages=mixed "$trace"
expect 0 'results in'                    sweep --jobs 2 --set stlb.entries=1024 --vary stlb.ways=4,8,16 --out "$tmp/w1" "$trace"
expect 2 'point stlb.ways=4, pages=4k: stlb: 1536 entries / 4 ways' sweep --vary stlb.ways=4,8 --vary pages=4k,2m --out "$tmp/w0" "$trace"
expect 2 'point stlb.ways=8: stlb: 1000 entries / 8 ways = 125 sets' sweep --set stlb.entries=1000 --vary stlb.ways=8 --out "$tmp/w0" "$trace"
expect 2 '--vary stlb.ways is given twice' sweep --vary stlb.ways=4 --vary stlb.ways=8 --out "$tmp/w0" "$trace"
expect 2 'at most two keys'              sweep --vary stlb.ways=4 --vary pages=4k --vary pcid=on --out "$tmp/w0" "$trace"
expect 2 '--vary needs a value'          sweep "$trace" --vary
expect 2 'standard input .-. cannot be swept' sweep --vary stlb.entries=96 --out "$tmp/w0" - < "$tmp/t.txt"
expect 2 'is given twice'                sweep --vary stlb.entries=96 --out "$tmp/w0" "$trace" "$trace"
check 'no folder written for a refused sweep' test ! -e "$tmp/w0"
# A trace without instructions: MPKI has no value; the table says -, the plot says so, the sweep
# completes (gnuplot stops on a plot with no point at all).
printf 'R 1000\nW 2000\nR 3000\n' > "$tmp/noinstr.txt"
expect 0 't.txt|noinstr.txt +96 +0.00 +0.00 +- ' sweep --vary stlb.entries=96,192 --out "$tmp/w2" "$tmp/noinstr.txt"
check 'a figure of no value: no-data plot' grep -q "no data: the traces have no instructions" "$tmp/w2/plot.gp"
check 'a figure of no value: nan in sweep.csv' grep -q ',nan,' "$tmp/w2/sweep.csv"
# report.md records how the sweep was made; sweep.csv has no column twice.
check 'report: command line, --set, preset, version, date' grep -q 'sweep --jobs 2 --set stlb.entries=1024 --vary stlb.ways=4,8,16' "$tmp/w1/report.md"
check 'report: --set values' grep -q '^- `--set`: `stlb.entries=1024`$' "$tmp/w1/report.md"
check 'report: preset and configuration file' grep -q '^- Preset: skylake (the default)$' "$tmp/w1/report.md"
check 'report: version' grep -qE '^- mmusim version: [0-9a-z.-]+$' "$tmp/w1/report.md"
check 'report: date' grep -qE '^- Date: 20[0-9][0-9]-[01][0-9]-[0-3][0-9] [0-9:]{8} UTC$' "$tmp/w1/report.md"
expect 0 'results in'                    sweep --preset champsim --vary pages=4k,2m --out "$tmp/w2" "$trace"
check 'sweep.csv: no column twice with --vary pages' test -z "$(head -1 "$tmp/w2/sweep.csv" | tr , '\n' | sort | uniq -d)"
check 'report: a preset' grep -q '^- Preset: champsim$' "$tmp/w2/report.md"
# Traces of one file name in two folders are told apart everywhere.
mkdir -p "$tmp/d/a" "$tmp/d/b"
cp "$trace" "$tmp/d/a/x.gz"
cp "$src/tb/traces/ls.lackey.gz" "$tmp/d/b/x.gz"
expect 0 '^b/x.gz  +96 '                 sweep --vary stlb.entries=96 --out "$tmp/w3" "$tmp/d/a/x.gz" "$tmp/d/b/x.gz" "$tmp/t.txt"
check 'same file names: CSV rows' test "$(cut -d, -f1 "$tmp/w3/sweep.csv" | tr '\n' ' ')" = "trace a/x.gz b/x.gz t.txt "
check 'same file names: legend' grep -q "title 'b/x.gz'" "$tmp/w3/plot.gp"
# A failed sweep leaves the folder's earlier results as they were, and no files of its own.
cp -r "$tmp/w3" "$tmp/w3.before"
expect 1 'bad.txt, stlb.entries=192: .*bad.txt:2' sweep --vary stlb.entries=96,192 --out "$tmp/w3" "$trace" "$tmp/bad.txt"
check 'a failed sweep keeps the earlier results' diff -r "$tmp/w3.before" "$tmp/w3"
expect 1 'some runs failed'              sweep --vary stlb.entries=96 --out "$tmp/w4" "$tmp/bad.txt"
check 'a failed sweep writes nothing' test -z "$(ls -A "$tmp/w4")"
out=$(PATH=/nonexistent "$bin" sweep --vary stlb.entries=96 --out "$tmp/w3" "$trace" 2>&1)
check 'a sweep whose plots fail keeps the earlier results' sh -c '[ $1 -eq 1 ] && printf "%s" "$2" | grep -q "is gnuplot installed" && diff -r "$3.before" "$3"' sh $? "$out" "$tmp/w3"
expect 0 'results in'                    sweep --vary stlb.entries=96,192 --out "$tmp/w3" "$trace"
check 'a new sweep replaces every file' test "$(grep -c 'x.gz' "$tmp/w3/report.md" "$tmp/w3/plot.gp" "$tmp/w3/sweep.csv" | cut -d: -f2 | tr '\n' ' ')" = "0 0 0 "
# An output folder that cannot be written is found before any run starts.
expect 1 '--out /proc/self: cannot write in it' sweep --vary stlb.entries=96 --out /proc/self "$tmp/missing.gz"
expect 1 '--out .*/t.txt/out: cannot create' sweep --vary stlb.entries=96 --out "$tmp/t.txt/out" "$tmp/missing.gz"
long=$(printf '%0500d' 0)
expect 1 'a folder.s path of at most 400 characters' sweep --vary stlb.entries=96 --out "$tmp/$long" "$trace"
# --json and --csv: a sweep writes its figures in that form; run takes one of them.
expect 0 '^trace,stlb.entries,references' sweep --csv --vary stlb.entries=96 --out "$tmp/w5" "$trace"
check 'sweep --csv prints sweep.csv' sh -c '"$1" sweep --csv --vary stlb.entries=96 --out "$2/w5" "$3" 2>/dev/null | cmp -s - "$2/w5/sweep.csv"' sh "$bin" "$tmp" "$trace"
expect 0 '"trace": "chase.lackey.gz", "stlb.entries": 96, "references": 70039' sweep --json --vary stlb.entries=96 --out "$tmp/w5" "$trace"
if command -v python3 > /dev/null; then
    check 'sweep --json is JSON' sh -c '"$1" sweep --json --vary stlb.entries=96,192 --vary pages=4k,2m --out "$2/w5" "$3" "$4" 2>/dev/null | python3 -c "import json,sys; assert len(json.load(sys.stdin)) == 8"' sh "$bin" "$tmp" "$trace" "$tmp/t.txt"
fi
expect 2 '--json and --csv: give one of them' run --json --csv "$trace"
expect 2 '--json and --csv: give one of them' sweep --csv --json --vary stlb.entries=96 --out "$tmp/w5" "$trace"
# Progress on a terminal (script(1) gives the sweep one), none otherwise.
if command -v script > /dev/null; then
    out=$(script -qec "'$bin' sweep --jobs 1 --vary stlb.entries=96,192 --out '$tmp/w6' '$trace'" /dev/null 2>&1)
    check 'sweep progress on a terminal' sh -c 'printf "%s" "$1" | grep -q "sweep: 2 of 2 runs done .* s elapsed"' sh "$out"
fi
check 'no progress when not on a terminal' sh -c '! "$1" sweep --vary stlb.entries=96 --out "$2/w6" "$3" 2>&1 | grep -q "runs done"' sh "$bin" "$tmp" "$trace"
# Plots: words for titles and axes, the same in the report; ticks at the swept values; a log x
# axis only for a multiplicative range; a line per value of the second key, labelled key=value.
gp=$tmp/s1/plot.gp
check 'plot titles in words' grep -q "^set title 'DTLB and STLB hit rate vs STLB entries'$" "$gp"
check 'plot of the average latency' grep -q "^set output 'latency.png'$" "$gp"
check 'x ticks at the swept values' grep -q "^set xtics ('96' 96, '192' 192)$" "$gp"
check 'a line per value of the second key' grep -q "title 'chase.lackey.gz STLB, pages=2m'" "$gp"
check 'the legend says which TLB' grep -q "title 'chase.lackey.gz DTLB, pages=4k'" "$gp"
check 'no log x axis for two values' sh -c '! grep -q "^set logscale x" "$1"' sh "$gp"
check 'log x axis for a multiplicative range' grep -q '^set logscale x' "$tmp/w1/plot.gp"
expect 0 'results in'                    sweep --vary mem_latency=10:30:+10 --out "$tmp/w7" "$trace"
check 'a title without the unit, the axis with it' sh -c 'grep -q "^set title .Average translation latency vs walker memory latency.$" "$1" && grep -q "^set xlabel .walker memory latency (cycles).$" "$1"' sh "$tmp/w7/plot.gp"
check 'no log x axis for an additive range' sh -c '! grep -q "^set logscale x" "$1"' sh "$tmp/w7/plot.gp"
check 'x ticks of words' grep -q "^set xtics ('4k' 0, '2m' 1)$" "$tmp/w2/plot.gp"
# The y scale of the plot written to NAME.png, from plot.gp: log or linear.
yscale() { awk -v f="set output '$2.png'" '$0 == f {on = 1} on && /logscale y/ {print ($1 == "set") ? "log" : "linear"; exit}' "$1"; }
check 'log y axis for MPKI spanning decades' test "$(yscale "$tmp/w3.before/plot.gp" mpki)" = log
check 'linear y axis for MPKI within a decade' test "$(yscale "$tmp/w1/plot.gp" mpki)" = linear
# The README's sweep: on the chase, the stall falls from about 9,000 cycles per kilo-instruction
# (one walker) to about 20 (8 walkers, 16 entries).
expect 0 'results in'                    sweep --set miss_entries=16 --vary walkers=1,8 --out "$tmp/w8" "$trace"
check 'log y axis for the stall spanning decades' test "$(yscale "$tmp/w8/plot.gp" stall)" = log
check 'hit rates on a linear y axis' test "$(yscale "$tmp/w8/plot.gp" hit_rate)" = linear
check 'linear y axis for a latency within a decade' test "$(yscale "$tmp/w7/plot.gp" latency)" = linear
check 'a plot of the memory references per walk' sh -c 'grep -q "^set output .walk_refs.png.$" "$1" && [ -s "$2/walk_refs.png" ] && [ -s "$2/walk_refs.svg" ]' sh "$tmp/w7/plot.gp" "$tmp/w7"
for d in s1 w1 w2 w3 w7; do
    check "$d: the report names each plot as plot.gp draws it" sh -c '
        n=0
        for what in title xlabel ylabel; do
            grep "^set $what " "$1/plot.gp" | sed "s/^set $what .\(.*\).$/\1/" > "$1/$what.txt"
        done
        [ "$(wc -l < "$1/title.txt")" -eq 10 ] || exit 1  # five plots, PNG and SVG
        paste -d "|" "$1/title.txt" "$1/xlabel.txt" "$1/ylabel.txt" | head -5 | while IFS="|" read -r t x y; do
            grep -qxF "### $t" "$1/report.md" && grep -qxF "x axis: $x; y axis: $y. [SVG]($(sed -n "s/^set output .\(.*\)\.svg.$/\1/p" "$1/plot.gp" | sed -n "$((n + 1))p").svg)" "$1/report.md" || exit 1
            n=$((n + 1))
        done' sh "$tmp/$d"
done
expect 2 'unknown command: frobnicate'   frobnicate
expect 2 'usage: mmusim run'             frobnicate
expect 2 'usage: mmusim run'
expect 0 'usage: mmusim run'             --help
for c in run config convert sweep demo; do
    expect 0 "usage: mmusim $c"          $c --help
done
expect 2 'demo: takes no arguments'      demo extra
# A ratio of nothing is "-" (table) or null (JSON), never 0: no data references, no instructions.
printf 'X 1000\nX 2000\n' > "$tmp/fetch.txt"
printf 'R 1000\nW 2000\n' > "$tmp/data.txt"
expect 0 'DTLB +0 +0 +0 +0 +- +0\.000 '   run "$tmp/fetch.txt"
expect 0 'ITLB +0 +0 +0 +0 +- +- '        run "$tmp/data.txt"
expect 0 'walks 2 \(- per kilo-instruction\)' run "$tmp/data.txt"
expect 0 '"itlb": \{"lookups": 0, "hits": 0, "misses": 0, "merged": 0, "hit_rate": null, "mpki": null' run --json "$tmp/data.txt"
expect 0 '"walks_per_kilo_instruction": null' run --json "$tmp/data.txt"
expect 0 '"dtlb": \{"lookups": 0, "hits": 0, "misses": 0, "merged": 0, "hit_rate": null, "mpki": 0\.0' run --json "$tmp/fetch.txt"
# Whole numbers are decimal, leading zeros or not (never octal), or 0x hexadecimal.
expect 0 '"quantum": 100,'               config --set quantum=0100 --dump
expect 0 '"stlb.entries": 768,'          config --set stlb.entries=00768 --dump
expect 0 '"lfsr_seed": 44257,'           config --set lfsr_seed=0xACE1 --dump
expect 2 "quantum: '\+5' is not a whole number" config --set quantum=+5 --dump
expect 2 "quantum: '0x' is not a whole number"  config --set quantum=0x --dump
# Configuration errors exit 2; a configuration file that cannot be read says why.
expect 2 'pages=map needs page_map=FILE' run --set pages=map "$trace"
expect 2 "--config: cannot open $tmp/missing.json: No such file or directory" run --config "$tmp/missing.json" "$trace"
expect 2 "--config: cannot open $tmp: Is a directory" run --config "$tmp" "$trace"

# The other tools (expect runs $bin).
mmusim=$bin
bin=$src/scripts/capture-trace.sh
if command -v valgrind > /dev/null && command -v xz > /dev/null; then
    expect 1 "the command failed with status 1: /bin/false; $tmp/f.lackey.xz not written" \
        "$tmp/f.lackey.xz" /bin/false
    [ -e "$tmp/f.lackey.xz" ] && { echo "FAIL: capture-trace left $tmp/f.lackey.xz"; failures=$((failures + 1)); }
else
    echo "skipped: capture-trace.sh (valgrind or xz is missing: scripts/setup.sh)"
fi
expect 2 'usage: scripts/capture-trace.sh' "$tmp/only-out.xz"
if [ -n "${3:-}" ]; then
    bin=$3
    expect 0 'usage: tlm_platform \[TRACE\]' --help
    expect 2 "one trace at a time: $trace, then $tmp/t.txt" "$trace" "$tmp/t.txt"
    expect 2 'unknown option or missing value: --bogus' --bogus
else
    echo "skipped: tlm_platform (not built: MMUSIM_SYSTEMC=OFF)"
fi
bin=$mmusim
# traces/README.md's reference and page-crossing counts are what mmusim run reports
for t in gzip sort; do
    refs=$(grep "^| \`$t.lackey.xz\`" "$src/traces/README.md" | cut -d'|' -f3 | tr -d ' ,')
    cross=$(grep -o "[0-9,]* in $t" "$src/traces/README.md" | head -1 | cut -d' ' -f1 | tr -d ,)
    out=$("$bin" run "$src/traces/$t.lackey.xz" 2>&1)
    if printf '%s\n' "$out" | grep -q "^references $refs, " &&
       printf '%s\n' "$out" | grep -q "^page-crossing accesses $cross "; then
        echo "ok: traces/README.md's counts of $t ($refs references, $cross crossing) agree"
    else
        echo "FAIL: traces/README.md's counts of $t ($refs, $cross) disagree with mmusim run:"
        printf '%s\n' "$out" | head -2; failures=$((failures + 1))
    fi
done
[ "$failures" -eq 0 ] && echo "cli: all passed" || echo "cli: $failures failed"
[ "$failures" -eq 0 ]
