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

expect 0 'ITLB +55790 +55774'            run "$trace"
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
expect 0 'ITLB +55790 +55774'            run "$tmp/c.bin"
expect 1 'not canonical'                 convert "$tmp/nc.txt" "$tmp/nc.bin"
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
expect 0 'DTLB +0 +0 +0 +- +0\.000 '      run "$tmp/fetch.txt"
expect 0 'ITLB +0 +0 +0 +- +- '           run "$tmp/data.txt"
expect 0 'walks 2 \(- per kilo-instruction\)' run "$tmp/data.txt"
expect 0 '"itlb": \{"lookups": 0, "hits": 0, "misses": 0, "hit_rate": null, "mpki": null' run --json "$tmp/data.txt"
expect 0 '"walks_per_kilo_instruction": null' run --json "$tmp/data.txt"
expect 0 '"dtlb": \{"lookups": 0, "hits": 0, "misses": 0, "hit_rate": null, "mpki": 0\.0' run --json "$tmp/fetch.txt"
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
[ "$failures" -eq 0 ] && echo "cli: all passed" || echo "cli: $failures failed"
[ "$failures" -eq 0 ]
