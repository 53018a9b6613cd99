#!/usr/bin/env python3
"""A property that does not hold must end in a counterexample (ctest test formal_counterexample):
scripts/formal --expect-fail broken proves formal/mmu_formal.sv's a_broken_never_answers, which
is wrong, and must report FAILED with a VCD trace in which
  - every port of mmu_top that waves/mmu.gtkw shows is present, under TOP.mmu_top as in the
    co-simulation's dumps (so the view opens it), and
  - the trace shows the response the property says never comes (resp_valid_o = 1) in its
    next-to-last step (a clocked assertion sees a cycle's values at the edge that ends it).

    test_counterexample.py SOURCE_DIR OUT_DIR
"""
import os
import re
import subprocess
import sys


def vcd_signals(path):
    """{full name: [values by time]} of a VCD file."""
    scope, ids, names, values = [], {}, {}, {}
    time = 0
    with open(path) as f:
        for line in f:
            w = line.split()
            if not w:
                continue
            if w[0] == "$scope":
                scope.append(w[2])
            elif w[0] == "$upscope":
                scope.pop()
            elif w[0] == "$var":
                ids.setdefault(w[3], []).append(".".join(scope + [w[4]]))
            elif w[0].startswith("#"):
                time = int(w[0][1:])
            else:
                m = re.match(r"b([01xz]+) (\S+)|([01xz])(\S+)", line.strip())
                if m:
                    v, i = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
                    for n in ids.get(i, []):
                        values.setdefault(n, []).append((time, v))
    for i, ns in ids.items():
        for n in ns:
            names[n] = values.get(n, [])
    return names


def main():
    top, out = sys.argv[1], sys.argv[2]
    r = subprocess.run([os.path.join(top, "scripts", "formal"), "--expect-fail", "--out", out,
                        "broken"], capture_output=True, text=True)
    print(r.stdout + r.stderr, end="")
    failures = []
    if r.returncode != 0 or "formal broken   FAILED" not in r.stdout:
        failures.append("the wrong property was not refuted with a counterexample")
    vcd = os.path.join(out, "broken", "trace.vcd")
    if not os.path.exists(vcd) or not os.path.exists(vcd[:-4] + ".gtkw"):
        failures.append("no trace.vcd and trace.gtkw in " + os.path.dirname(vcd))
    else:
        sigs = vcd_signals(vcd)
        ports = [s for s in (l.strip() for l in open(os.path.join(top, "waves", "mmu.gtkw")))
                 if re.match(r"TOP\.mmu_top\.\w+_[io](\[|$)", s)]
        missing = [p for p in ports if re.sub(r"\[.*", "", p) not in sigs]
        if not ports or missing:
            failures.append("ports of waves/mmu.gtkw missing from the trace: %s" % missing)
        resp = sigs.get("TOP.mmu_top.resp_valid_o", [])
        if len(resp) < 2 or resp[-2][1] != "1":
            failures.append("no resp_valid_o = 1 before the failing edge: %s" % resp[-3:])
        else:
            print("counterexample: %d steps, %d ports of the view present, response at the end"
                  % (len(resp), len(ports)))
    if failures:
        print("formal_counterexample FAIL:\n  " + "\n  ".join(failures))
        return 1
    print("formal_counterexample: PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
