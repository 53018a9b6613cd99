#!/bin/sh
# The installed model works from another project's build (ctest test install_package):
#   test_install.sh BUILD_DIR SOURCE_DIR WITH_TLM(ON|OFF)
# installs BUILD_DIR into a staging prefix, moves the prefix elsewhere (the package must find
# itself where it is, not where it was installed), then builds examples/quickstart.c (and, with
# TLM, examples/tlm/tlm_quickstart.cpp) out of tree against it, once through find_package(mmusim)
# and once through pkg-config, and runs them. Nothing is written outside a temporary folder.
# MMUSIM_EXTRA_FLAGS (e.g. the sanitizers the installed libraries were built with) are added to
# every compile and link.
set -u
extra=${MMUSIM_EXTRA_FLAGS:-}
build=$1
src=$2
tlm=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}
ok() {
    echo "ok: $*"
}
# run_example NAME BINARY PATTERN: runs it, checks its output.
run_example() {
    if out=$("$2" 2>&1) && printf '%s\n' "$out" | grep -q "$3"; then
        ok "$1 prints '$3'"
    else
        fail "$1 does not print '$3'; its output:"
        printf '%s\n' "$out" | head -5
    fi
}

if ! cmake --install "$build" --prefix "$tmp/staged" > "$tmp/install.log" 2>&1; then
    fail "cmake --install $build --prefix $tmp/staged:"
    tail -5 "$tmp/install.log"
    exit 1
fi
mv "$tmp/staged" "$tmp/moved"
prefix=$tmp/moved
# Nothing installed may name the staging prefix, the build or the source tree.
if grep -rlI -e "$tmp/staged" -e "$build" -e "$src" "$prefix" > "$tmp/leaks"; then
    fail "installed files name the staging prefix, the build or the source tree:"
    cat "$tmp/leaks"
else
    ok "no installed file names the staging prefix, the build or the source tree"
fi
libdir=$(dirname "$(find "$prefix" -name mmusim.pc)")
libdir=$(dirname "$libdir")

# 1. CMake: find_package(mmusim) with the moved prefix.
if cmake -S "$src/tb/install/consumer" -B "$tmp/cmake" -DCMAKE_PREFIX_PATH="$prefix" \
        -DMMUSIM_EXAMPLES="$src/examples" -DWITH_TLM="$tlm" -DCMAKE_C_FLAGS="$extra" \
        -DCMAKE_CXX_FLAGS="$extra" -DCMAKE_EXE_LINKER_FLAGS="$extra" > "$tmp/cmake.log" 2>&1 &&
    cmake --build "$tmp/cmake" >> "$tmp/cmake.log" 2>&1; then
    ok "find_package(mmusim) builds the examples"
    run_example "cmake: quickstart" "$tmp/cmake/quickstart" "0x109150, answered in cycle 179"
    [ "$tlm" = ON ] && run_example "cmake: tlm_quickstart" "$tmp/cmake/tlm_quickstart" \
        "0x109150 after 179 ns"
else
    fail "find_package(mmusim) build:"
    tail -15 "$tmp/cmake.log"
fi
# Without SystemC, asking for mmusim::tlm fails and says why.
if [ "$tlm" != ON ]; then
    if cmake -S "$src/tb/install/consumer" -B "$tmp/notlm" -DCMAKE_PREFIX_PATH="$prefix" \
            -DMMUSIM_EXAMPLES="$src/examples" -DWITH_TLM=ON > "$tmp/notlm.log" 2>&1; then
        fail "find_package(mmusim COMPONENTS tlm) succeeds in an install without SystemC"
    elif grep -q "installed without SystemC" "$tmp/notlm.log"; then
        ok "find_package(mmusim COMPONENTS tlm) says the install has no SystemC"
    else
        fail "find_package(mmusim COMPONENTS tlm) fails without saying why:"
        tail -10 "$tmp/notlm.log"
    fi
fi

# 2. pkg-config: mmusim.pc and mmusim-tlm.pc with the moved prefix.
export PKG_CONFIG_PATH="$libdir/pkgconfig"
cc=${CC:-cc}
cxx=${CXX:-c++}
# shellcheck disable=SC2046 # the flags are words
if $cc -std=c11 -Wall -Wextra -Werror $extra $(pkg-config --cflags mmusim) -o "$tmp/qs" \
        "$src/examples/quickstart.c" $(pkg-config --libs mmusim) 2> "$tmp/cc.log"; then
    ok "pkg-config mmusim builds quickstart.c"
    run_example "pkg-config: quickstart" "$tmp/qs" "0x109150, answered in cycle 179"
else
    fail "pkg-config mmusim build (flags: $(pkg-config --cflags --libs mmusim 2>&1)):"
    tail -10 "$tmp/cc.log"
fi
if [ "$tlm" = ON ]; then
    # shellcheck disable=SC2046
    if $cxx -std=c++17 $extra $(pkg-config --cflags mmusim-tlm) -o "$tmp/tlmqs" \
            "$src/examples/tlm/tlm_quickstart.cpp" $(pkg-config --libs mmusim-tlm) \
            2> "$tmp/cxx.log"; then
        ok "pkg-config mmusim-tlm builds tlm_quickstart.cpp"
        run_example "pkg-config: tlm_quickstart" "$tmp/tlmqs" "0x109150 after 179 ns"
    else
        fail "pkg-config mmusim-tlm build (flags: $(pkg-config --cflags --libs mmusim-tlm 2>&1)):"
        tail -10 "$tmp/cxx.log"
    fi
fi
[ "$failures" -eq 0 ] && echo "install_package: all passed" || echo "install_package: $failures failed"
[ "$failures" -eq 0 ]
