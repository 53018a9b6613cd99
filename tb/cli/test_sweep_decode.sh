#!/bin/sh
# mmusim sweep --decode once (a trace read once, its records fed to every point's study in
# threads) gives what --decode each (a process a point, reading the trace itself) gives: the same
# sweep.csv and table byte for byte, or the same failed runs with the same messages.  Over the
# bundled traces, two axes (pages=4k,mixed and an STLB size), limits in the middle of a batch, a
# text trace with PCIDs, bad lines with and without skip_bad (before and after a limit), corrupt
# streams, a study that fails on its own, points that cannot share a decode (format, skip_bad),
# groups of points (--decode-group) and 1 or 2 threads.
#   test_sweep_decode.sh MMUSIM_BINARY SOURCE_DIR
set -u
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
n=0

# same NAME SWEEP-ARGS...: the sweep with --decode each, then with --decode once and --jobs 1, --jobs 2
# and --decode-group 2; each once run's exit status, standard output, standard error and
# sweep.csv must equal each's.
same() {
    name=$1
    shift
    n=$((n + 1))
    "$bin" sweep --decode each --out "$tmp/e$n" "$@" > "$tmp/e$n.out" 2> "$tmp/e$n.err"
    want=$?
    for how in "--jobs 1" "--jobs 2" "--jobs 2 --decode-group 2"; do
        # shellcheck disable=SC2086 # $how is words
        "$bin" sweep --decode once $how --out "$tmp/o$n" "$@" > "$tmp/o$n.out" 2> "$tmp/o$n.err"
        got=$?
        sed -i "s|$tmp/o$n|DIR|" "$tmp/o$n.out" "$tmp/o$n.err"
        sed "s|$tmp/e$n|DIR|" "$tmp/e$n.out" > "$tmp/e$n.cmp"
        sed "s|$tmp/e$n|DIR|" "$tmp/e$n.err" > "$tmp/e$n.cmperr"
        if [ "$got" != "$want" ] || ! cmp -s "$tmp/e$n.cmp" "$tmp/o$n.out" ||
           ! cmp -s "$tmp/e$n.cmperr" "$tmp/o$n.err" ||
           { [ -e "$tmp/e$n/sweep.csv" ] && ! cmp -s "$tmp/e$n/sweep.csv" "$tmp/o$n/sweep.csv"; }
        then
            echo "FAIL: $name ($how): --decode once differs from --decode each (status $got, want $want)"
            diff "$tmp/e$n.cmp" "$tmp/o$n.out" | head -5
            diff "$tmp/e$n.cmperr" "$tmp/o$n.err" | head -5
            [ -e "$tmp/e$n/sweep.csv" ] && diff "$tmp/e$n/sweep.csv" "$tmp/o$n/sweep.csv" | head -5
            failures=$((failures + 1))
        else
            echo "ok: $name ($how): status $got, same output"
        fi
        rm -rf "$tmp/o$n"
    done
}
# expect_status NAME STATUS: the last sweep's status for --decode each was STATUS (a test that
# compares two failures must fail, a test of figures must succeed).
expect_status() {
    if [ "$want" != "$2" ]; then
        echo "FAIL: $1: --decode each gave status $want, not $2"; head -3 "$tmp/e$n.err"
        failures=$((failures + 1))
    fi
}

chase=$src/tb/traces/chase.lackey.gz
# The bundled traces, two axes, a limit that ends inside a batch (many batches of 16384).
same 'bundled traces, pages x stlb.entries, limit' --set limit=150001 \
    --vary pages=4k,mixed --vary stlb.entries=48,1536 \
    "$src/traces/sort.lackey.xz" "$src/traces/gzip.lackey.xz" "$chase"
expect_status 'bundled traces' 0
# The limit as an axis: points of one decode stop at different records (0: the whole trace).
same 'limit varied' --vary limit=1,16384,16385,40000,0 --vary stlb.entries=48,1536 "$chase"
expect_status 'limit varied' 0

# The binary format (read as packed words where they lie), and a word of type 3 (not an access)
# after record 30000: points that reach it fail with the same message.
"$bin" convert "$chase" "$tmp/chase.bin" > /dev/null
same 'binary trace, limits' --vary limit=1,16384,16385,40000,0 --vary stlb.entries=48,1536 \
    "$tmp/chase.bin"
expect_status 'binary trace' 0
{ head -c $((8 + 8 * 30000)) "$tmp/chase.bin"; printf '\000\020\000\000\000\000\000\140'
  tail -c +$((8 + 8 * 30000 + 1)) "$tmp/chase.bin"; } > "$tmp/badword.bin"
same 'binary trace, a word of type 3' --vary limit=29999,30000,30001,0 "$tmp/badword.bin"
expect_status 'binary trace, a word of type 3' 1

# A text trace of 100000 records over 3 PCIDs (and none), 4 KiB to 2 MiB strides.
awk 'BEGIN { for (i = 0; i < 100000; i++) {
    t = substr("RWX", i % 3 + 1, 1); a = (i * 7919 % 997) * 4096 + (i % 5) * 2097152;
    p = i % 4; printf "%s %x%s\n", t, a, p ? " " p : "" } }' > "$tmp/pcid.txt"
same 'text trace with PCIDs' --vary stlb.entries=48,1536 --vary pcid=on,off --set limit=70000 \
    "$tmp/pcid.txt"
expect_status 'text trace with PCIDs' 0
# Bad lines (skip_bad): lines 20000 and 50000, limits just before, at and after them.  (sweep.csv
# has no column of bad records: what differs is where the records after a bad line go.)
awk 'NR == 20000 || NR == 50000 { print "R 10zz0"; next } { print }' "$tmp/pcid.txt" > "$tmp/bad.txt"
same 'skip_bad, bad lines before and after limits' --skip-bad \
    --vary limit=19998,19999,20000,49999,0 --vary stlb.entries=48,1536 "$tmp/bad.txt"
expect_status 'skip_bad' 0
# Without skip_bad a bad line fails the points that reach it, with the same message; points
# whose limit is before it succeed (and the sweep as a whole fails).
same 'bad line without skip_bad' --vary limit=19998,19999,0 "$tmp/bad.txt" "$chase"
expect_status 'bad line without skip_bad' 1
# skip_bad varied: two decodes of one trace, one of which fails.
same 'skip_bad varied' --vary skip_bad=off,on --vary stlb.entries=48,96 "$tmp/bad.txt"
expect_status 'skip_bad varied' 1
# format varied: text and auto (the same records) decode apart.
same 'format varied' --vary format=auto,text --vary stlb.entries=48,96 "$tmp/pcid.txt"
expect_status 'format varied' 0
# Corrupt streams: a truncated gzip (an error skip_bad does not pass over) and bytes changed
# inside an xz stream; the points before the damage succeed.
gzip -dc "$chase" | gzip -c | head -c 30000 > "$tmp/cut.lackey.gz"
same 'truncated gzip' --skip-bad --vary limit=1000,0 --vary stlb.entries=48,96 "$tmp/cut.lackey.gz"
expect_status 'truncated gzip' 1
size=$(wc -c < "$src/traces/gzip.lackey.xz")
{ head -c $((size / 2)) "$src/traces/gzip.lackey.xz"; printf 'garbage!'
  tail -c $((size - size / 2 - 8)) "$src/traces/gzip.lackey.xz"; } > "$tmp/bad.lackey.xz"
same 'corrupt xz' --vary limit=1000,0 --vary stlb.entries=48,96 "$tmp/bad.lackey.xz" "$chase"
expect_status 'corrupt xz' 1
# A trace that cannot be opened, and a study that cannot open (its page map is missing) while
# the other points of its decode go on.
same 'missing trace' --vary stlb.entries=48,96 "$tmp/missing.gz" "$chase"
expect_status 'missing trace' 1
printf '0-200000 2m\n' > "$tmp/good.map"
same 'a study fails alone' --set pages=map --vary page_map="$tmp/good.map,$tmp/none.map" \
    --vary stlb.entries=48,96 "$chase"
expect_status 'a study fails alone' 1

# The options: --decode names a mode; --decode-group a number.
"$bin" sweep --decode twice --vary stlb.entries=48 "$chase" > /dev/null 2> "$tmp/opt.err"
if [ $? != 2 ] || ! grep -q -- '--decode twice: give auto, once or each' "$tmp/opt.err"; then
    echo "FAIL: --decode twice accepted"; failures=$((failures + 1)); else echo "ok: --decode twice refused"; fi
"$bin" sweep --decode-group 0 --vary stlb.entries=48 "$chase" > /dev/null 2> "$tmp/opt.err"
if [ $? != 2 ]; then echo "FAIL: --decode-group 0 accepted"; failures=$((failures + 1));
else echo "ok: --decode-group 0 refused"; fi

echo "$failures failures"
[ "$failures" -eq 0 ]
