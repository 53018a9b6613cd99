#!/usr/bin/env python3
"""scripts/fcov-report on functional coverage files written here (ctest test fcov_report): bins
merged over runs (counts summed, the runs that hit each listed), a bin declared by one run only
still required, an empty bin and an illegal combination each failing --check, a bad file refused
with its name and line, and the HTML page written.

    test_fcov_report.py SOURCE_DIR
"""
import os
import subprocess
import sys
import tempfile


def write(d, name, run, bins):
    with open(os.path.join(d, name), "w", encoding="utf-8") as f:
        f.write(f"# mmusim functional coverage 1\nrun {run}\n")
        f.writelines(f"bin {b} {c}\n" for b, c in bins)


def report(top, *args):
    r = subprocess.run([os.path.join(top, "scripts/fcov-report"), *args], capture_output=True,
                       text=True)
    return r.returncode, r.stdout + r.stderr


def main():
    top = os.path.realpath(sys.argv[1])
    failures = []

    def expect(what, ok, out):
        if not ok:
            failures.append(f"{what}:\n{out}")

    with tempfile.TemporaryDirectory() as d:
        good, bad = os.path.join(d, "good"), os.path.join(d, "bad")
        os.mkdir(good)
        os.mkdir(bad)
        write(good, "a.fcov", "cosim_tiny --seed 1", [("pte.l1.p.set.leaf", 3),
                                                      ("fault.nx.l1", 0), ("evict.stlb.lru", 1)])
        write(good, "b.fcov", "cosim_plru --seed 2", [("pte.l1.p.set.leaf", 2),
                                                      ("fault.nx.l1", 5), ("evict.stlb.plru", 4)])
        html = os.path.join(d, "r.html")
        rc, out = report(top, "--check", "--html", html, good)
        expect("all bins hit passes --check", rc == 0, out)
        expect("bins and runs counted", "functional coverage of 2 runs: 4/4 bins hit" in out, out)
        expect("groups", "  pte                1/1     100.0%" in out, out)
        page = open(html, encoding="utf-8").read() if os.path.exists(html) else ""
        expect("HTML: a bin's summed count and its runs",
               "<td>pte.l1.p.set.leaf</td><td>5</td><td>2</td>" in page
               and "cosim_tiny --seed 1<br>cosim_plru --seed 2" in page, page[-2000:])

        # One run did not hit its bin, another declared one nobody hit, a legality rule broke.
        write(bad, "a.fcov", "cosim_tiny --seed 1", [("pte.l1.p.set.leaf", 3),
                                                     ("fault.nx.l1", 0)])
        write(bad, "b.fcov", "cosim_fifo --seed 3", [("evict.stlb.fifo", 0),
                                                     ("illegal.pte.l4.p.set.leaf", 2)])
        rc, out = report(top, "--check", bad)
        expect("empty bins fail --check", rc == 1, out)
        expect("empty bins named", "empty bins (2):\n  fault.nx.l1\n  evict.stlb.fifo\n" in out,
               out)
        expect("illegal named with its first run",
               "  illegal.pte.l4.p.set.leaf: 2 times, first in cosim_fifo --seed 3" in out, out)
        rc, out = report(top, bad)
        expect("without --check the report exits 0", rc == 0, out)

        broken = os.path.join(d, "broken.fcov")
        with open(broken, "w", encoding="utf-8") as f:
            f.write("# mmusim functional coverage 1\nrun x\nbin pte.l1 many\n")
        rc, out = report(top, broken)
        expect("a bad line is refused with file and line",
               rc == 2 and f"{broken}:3: cannot read 'bin pte.l1 many'" in out, out)
        rc, out = report(top, os.path.join(d, "none"))
        expect("a missing input is refused", rc == 2 and "fcov-report:" in out, out)

    if failures:
        print("fcov_report FAIL:\n" + "\n".join(failures))
        return 1
    print("fcov_report: PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
