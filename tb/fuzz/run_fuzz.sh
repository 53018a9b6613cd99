#!/bin/sh
# Fuzzes the trace parsers with libFuzzer (clang-14, ASan, UBSan) for SECONDS (default 180):
#   tb/fuzz/run_fuzz.sh [SECONDS]
# The corpus starts from small samples of every format and codec. A crash leaves its input in
# build-fuzz/; add it to tb/unit/test_trace.c as a case.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-180}
out=$top/build-fuzz
mkdir -p "$out/corpus"
# libFuzzer ships with clang's runtime libraries, not with clang itself.
if ! command -v clang-14 >/dev/null 2>&1 ||
    ! ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a >/dev/null 2>&1; then
    echo "run_fuzz: needs clang-14 and its libFuzzer runtime; as root run:" >&2
    echo "  apt-get install -y --no-install-recommends clang-14 libclang-rt-14-dev" >&2
    exit 1
fi
clang-14 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -I"$top/include" -I"$top/study/include" "$top/tb/fuzz/fuzz_trace.c" "$top"/study/trace/*.c \
    -lz -llzma \
    -o "$out/fuzz_trace"
# Seeds: format byte, then content.
printf '\001I  004016f8,3\n L 7ff000a48,8\n M 0421f2b8,4\n' > "$out/corpus/lackey"
printf '\003R 1000\nW 0x2000 5\nX ffffffff81000000 # c\n' > "$out/corpus/text"
printf '\002' > "$out/corpus/champsim"; head -c 128 /dev/urandom >> "$out/corpus/champsim"
printf '\004MMUTRC01\001\000\000\000\000\000\000\040' > "$out/corpus/binary"
printf 'R 1000\nW 2000\n' | gzip -c > "$out/t.gz"; { printf '\000'; cat "$out/t.gz"; } > "$out/corpus/gz"
printf 'I  1000,4\n' | xz -c > "$out/t.xz"; { printf '\000'; cat "$out/t.xz"; } > "$out/corpus/xz"
cd "$out"
./fuzz_trace -max_total_time="$secs" -max_len=4096 -timeout=10 -rss_limit_mb=2048 corpus 2>&1 |
    tail -n 15
