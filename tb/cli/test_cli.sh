#!/bin/sh
# The mmusim command's behaviour: outputs, exit status 0 / 1 (bad input) / 2 (bad command line),
# and messages that say what and where.   test_cli.sh MMUSIM_BINARY SOURCE_DIR
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
        echo "FAIL: mmusim $*: status $got (want $want); output:"
        printf '%s\n' "$out" | head -5
        failures=$((failures + 1))
    else
        echo "ok: mmusim $* -> $got"
    fi
}
trace=$src/tb/traces/chase.lackey.gz
printf 'R 1000\nW 2000\nX 3000\n' > "$tmp/t.txt"
printf 'R 1000\nR 10zz0\n' > "$tmp/bad.txt"
printf '{"stlb": {"ways": "many"}}' > "$tmp/bad.json"
printf 'R 1000\nR 800000000000\n' > "$tmp/nc.txt"

# chase has 2 fetches that cross a page: 55790 instructions, 55792 ITLB lookups
expect 0 'ITLB +55792 +55776'            run "$trace"
expect 0 '"walks": 11210'                run --json "$trace"
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
expect 0 'DTLB +3 +2 +1'                 run --set pages=2m "$tmp/cross.lackey"
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
expect 2 'usage: mmusim run'             frobnicate
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
