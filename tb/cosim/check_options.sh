#!/bin/sh
# Checks the benches' option handling: --help prints the usage and exits 0; a waveform window
# that ends before it starts (--from 100 --to 50) is refused with exit 2 and a reason.
#   check_options.sh BENCH_BINARY...
status=0
for bin in "$@"; do
  out=$("$bin" --help 2>&1); rc=$?
  case "$out" in *usage:*--help*) ;; *) echo "FAIL: $bin --help prints no usage: $out"; status=1 ;; esac
  [ $rc -eq 0 ] || { echo "FAIL: $bin --help exits $rc, not 0"; status=1; }
  out=$("$bin" --from 100 --to 50 --stim directed 2>&1); rc=$?
  [ $rc -eq 2 ] || { echo "FAIL: $bin --from 100 --to 50 exits $rc, not 2"; status=1; }
  case "$out" in *"--from 100 is after --to 50"*) ;; *) echo "FAIL: $bin --from 100 --to 50 gives no reason: $out"; status=1 ;; esac
done
[ $status -eq 0 ] && echo "check_options.sh: PASS: $*"
exit $status
