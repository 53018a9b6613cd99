#!/bin/sh
# Captures a memory-reference trace of any command with valgrind lackey, xz-compressed:
#   scripts/capture-trace.sh OUT.lackey.xz COMMAND [ARGS...]
# The command's own output is discarded; valgrind's banner lines are dropped. Run the result
# with: build/mmusim run OUT.lackey.xz. Exit status: 0; 1 if the command fails (its status is
# said, and OUT is not written) or a tool is missing; 2 for a bad command line.
set -eu
if [ $# -lt 2 ]; then
    echo "usage: scripts/capture-trace.sh OUT.lackey.xz COMMAND [ARGS...]" >&2
    exit 2
fi
out=$1
shift
for tool in valgrind xz; do
    command -v "$tool" >/dev/null || { echo "capture-trace: $tool is missing (scripts/setup.sh)" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
valgrind --tool=lackey --trace-mem=yes --log-file="$tmp/trace" "$@" >/dev/null || status=$?
if [ "$status" -ne 0 ]; then
    # valgrind exits with the command's status (or its own, if it could not start the command).
    echo "capture-trace: the command failed with status $status: $*; $out not written" >&2
    exit 1
fi
grep -v '^==' "$tmp/trace" | xz -6 -T0 > "$out"
lines=$(xz -dc "$out" | wc -l)
echo "capture-trace: $out: $lines references of: $*; $(du -h "$out" | cut -f1) compressed"
