#!/bin/sh
# The Python package's test (ctest label python): makes a virtual environment in the build
# folder, installs python/ into it with `pip install` (the library taken from this build:
# MMUSIM_BUILD_DIR), and runs tb/python/test_mmusim.py there, outside the source tree, so that
# the installed package is what is tested.
#   run_tests.sh SOURCE_DIR BUILD_DIR [test_mmusim.py's options]
set -eu
src=$1
build=$2
shift 2
venv=$build/python-venv
rm -rf "$venv" "$build/python-pkg"
# (Debian's python3 for the venv, where the suite's python3 may be another: the package's users
# run the system's.)
py=/usr/bin/python3
[ -x "$py" ] || py=python3
# (--system-site-packages: Debian's setuptools and wheel build the package, offline.)
"$py" -m venv --system-site-packages "$venv"
# A copy of python/: pip builds in place, and the source tree stays clean.
cp -r "$src/python" "$build/python-pkg"
MMUSIM_BUILD_DIR=$build "$venv/bin/pip" install --quiet --no-build-isolation --no-index \
    "$build/python-pkg"
cd "$build"
exec "$venv/bin/python" "$src/tb/python/test_mmusim.py" "$src" "$build" "$@"
