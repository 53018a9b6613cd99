#!/bin/sh
# Formats the C and C++ sources with clang-format 14 (Debian bookworm's), by
# the .clang-format files: the top one for C, one in each C++ folder.
#   scripts/format.sh           reformat the tree in place
#   scripts/format.sh --check   list unformatted files and fail (the suite's test "format")
# Exits 77 (ctest: skipped) when clang-format 14 is missing: another version
# formats differently, so it could not tell a formatted tree from one that is not.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cf=""
for c in clang-format-14 clang-format; do
    if command -v "$c" >/dev/null 2>&1 && "$c" --version | grep -q 'version 14\.'; then
        cf=$c
        break
    fi
done
if [ -z "$cf" ]; then
    echo "format: clang-format 14 not found; skipped (scripts/setup.sh installs it: apt-get install clang-format)" >&2
    exit 77
fi
cd "$top"
if [ -d .git ] || git rev-parse --git-dir >/dev/null 2>&1; then
    files=$(git ls-files '*.c' '*.h' '*.cpp' '*.hpp')
else
    files=$(find include model study tb tlm examples -name '*.c' -o -name '*.h' -o -name '*.cpp' -o -name '*.hpp')
fi
if [ "${1:-}" = "--check" ]; then
    bad=0
    for f in $files; do
        if ! "$cf" --style=file "$f" | cmp -s - "$f"; then
            echo "format: $f is not formatted; its changes:" >&2
            "$cf" --style=file "$f" | diff -u "$f" - | head -n 20 >&2 || true
            bad=$((bad + 1))
        fi
    done
    if [ "$bad" -ne 0 ]; then
        echo "format: $bad file(s) not formatted; run scripts/format.sh" >&2
        exit 1
    fi
    echo "format: $(echo "$files" | wc -l) files formatted"
else
    # shellcheck disable=SC2086
    "$cf" --style=file -i $files
fi
