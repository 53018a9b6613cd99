#!/usr/bin/env python3
"""Copies SOURCE_DIR/rtl to TREE/rtl and writes one of inject_faults.py's faults into the copy,
as its line replaced (the cocotb and DPI-C benches' fault tests: tb/cocotb/run.sh,
tb/dpi/run.sh).

    apply_fault.py SOURCE_DIR TREE NAME

Exits 1 with a message for an unknown fault, or a line that is not in its file exactly once.
"""
import os
import shutil
import sys


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    src, root, name = sys.argv[1:4]
    sys.path.insert(0, os.path.join(src, "tb", "cosim"))
    import inject_faults
    fault = [f for f in inject_faults.FAULTS if f[0] == name]
    if not fault:
        sys.exit("apply_fault: no fault named %s in tb/cosim/inject_faults.py" % name)
    _, file, original, faulty = fault[0][:4]
    shutil.rmtree(os.path.join(root, "rtl"), ignore_errors=True)
    shutil.copytree(os.path.join(src, "rtl"), os.path.join(root, "rtl"))
    path = os.path.join(root, "rtl", file)
    text = open(path).read()
    if text.count(original) != 1:
        sys.exit("apply_fault: fault %s: its line is in %s %d times, not once"
                 % (name, file, text.count(original)))
    with open(path, "w") as f:
        f.write(text.replace(original, faulty))
    print("fault %s applied to %s" % (name, path))


if __name__ == "__main__":
    main()
