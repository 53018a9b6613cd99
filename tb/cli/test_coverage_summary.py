#!/usr/bin/env python3
"""scripts/coverage-summary.py on a small Verilator coverage file written here (ctest test
coverage_summary): points of each kind, one module in two instances (a point is reached if any
instance reached it), and the list of the points no run reached.

    test_coverage_summary.py SOURCE_DIR
"""
import os
import subprocess
import sys
import tempfile


def point(f, line, page, what, hier, count):
    keys = {"f": f, "l": str(line), "n": "5", "page": page, "o": what, "h": hier}
    return "C '" + "".join(f"\x01{k}\x02{v}" for k, v in keys.items()) + f"' {count}\n"


def main():
    top = os.path.realpath(sys.argv[1])
    rtl = os.path.join(top, "rtl")
    data = "# SystemC::Coverage-3\n" + "".join([
        point(f"{rtl}/a.sv", 10, "v_line/a", "block", "TOP.u0", 3),
        point(f"{rtl}/a.sv", 10, "v_line/a", "block", "TOP.u1", 0),   # reached in u0
        point(f"{rtl}/a.sv", 12, "v_line/a", "else", "TOP.u0", 0),
        point(f"{rtl}/a.sv", 12, "v_line/a", "else", "TOP.u1", 0),    # in neither
        point(f"{rtl}/a.sv", 11, "v_branch/a", "if", "TOP.u0", 1),
        point(f"{rtl}/b.sv", 4, "v_toggle/b", "x[0]", "TOP.b", 7),
        point(f"{rtl}/b.sv", 4, "v_toggle/b", "x[1]", "TOP.b", 0),
    ])
    with tempfile.TemporaryDirectory() as d:
        dat = os.path.join(d, "c.dat")
        with open(dat, "w", encoding="latin-1") as f:
            f.write(data)
        out = subprocess.run([sys.executable, os.path.join(top, "scripts/coverage-summary.py"),
                              dat, top], capture_output=True, text=True, check=True).stdout
    want = [
        "  branch       1 of      1 points reached (100.0%)",
        "  line         1 of      2 points reached (50.0%)",
        "  toggle       1 of      2 points reached (50.0%)",
        "not reached (2 points)",
        "  rtl/a.sv:12 line else (TOP.u0 and 1 more)",
        "  rtl/b.sv:4 toggle x[1] (TOP.b)",
    ]
    missing = [w for w in want if w not in out.split("\n")]
    if missing:
        print(out)
        print("coverage_summary FAIL: missing lines:\n" + "\n".join(missing))
        return 1
    print("coverage_summary: PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
