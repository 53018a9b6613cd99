"""Builds the package with the model's shared library inside it (pyproject.toml holds the rest).

The library comes from $MMUSIM_BUILD_DIR, a CMake build of this repository that has built the
target mmusim_handle; without it, from a build made here with CMake (the model's C compiler,
jansson, zlib and liblzma are needed: scripts/setup.sh installs them).  With
MMUSIM_USE_SYSTEM_LIBRARY=1 nothing is bundled and the package loads an installed
libmmusim_handle.so (or $MMUSIM_LIBRARY) at run time."""
import os
import shutil
import subprocess
import tempfile

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
LIBRARY = "libmmusim_handle.so"


def built_library():
    build = os.environ.get("MMUSIM_BUILD_DIR")
    if build:
        path = os.path.join(build, LIBRARY)
        if not os.path.isfile(path):
            raise SystemExit("MMUSIM_BUILD_DIR=%s has no %s: run `cmake --build %s --target "
                             "mmusim_handle` first" % (build, LIBRARY, build))
        return path, None
    source = os.path.dirname(HERE)
    if not os.path.isfile(os.path.join(source, "CMakeLists.txt")):
        raise SystemExit("no mmusim source tree above %s: set MMUSIM_BUILD_DIR to a build of "
                         "mmusim, or MMUSIM_USE_SYSTEM_LIBRARY=1" % HERE)
    tmp = tempfile.mkdtemp(prefix="mmusim-python-")
    for cmd in (["cmake", "-S", source, "-B", tmp, "-DBUILD_TESTING=OFF",
                 "-DCMAKE_BUILD_TYPE=Release"],
                ["cmake", "--build", tmp, "--target", "mmusim_handle", "-j2"]):
        if subprocess.run(cmd).returncode != 0:
            raise SystemExit("building %s failed: %s" % (LIBRARY, " ".join(cmd)))
    return os.path.join(tmp, LIBRARY), tmp


class BuildWithLibrary(build_py):
    def run(self):
        super().run()
        if os.environ.get("MMUSIM_USE_SYSTEM_LIBRARY") == "1":
            return
        path, tmp = built_library()
        try:
            target = os.path.join(self.build_lib, "mmusim")
            os.makedirs(target, exist_ok=True)
            shutil.copy2(path, os.path.join(target, LIBRARY))
        finally:
            if tmp:
                shutil.rmtree(tmp, ignore_errors=True)


setup(cmdclass={"build_py": BuildWithLibrary})
