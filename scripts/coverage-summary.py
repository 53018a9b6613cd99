#!/usr/bin/env python3
"""Summarizes Verilator coverage data (a .dat file that verilator_coverage --write merged).

    coverage-summary.py COVERAGE.dat SOURCE_DIR

Prints, for each kind of point (line: blocks of statements; branch: each arm of an if or case;
toggle: each bit of a signal going both ways), how many the runs reached, in total and per
file, then every point no run reached, as FILE:LINE KIND WHAT (INSTANCES). A point of a module
is counted once, however many instances and parameterizations of the module have it: reached
if any reached it. Paths are printed relative to SOURCE_DIR.
"""
import collections
import os
import sys


def points(path):
    """Yields (keys, count) for each point of a Verilator coverage file."""
    with open(path, encoding="latin-1") as f:
        for n, line in enumerate(f, 1):
            if not line.startswith("C '"):
                continue
            end = line.rfind("'")
            try:
                count = int(line[end + 1:])
            except ValueError:
                sys.exit(f"{path}:{n}: no count after the point")
            keys = {}
            for pair in line[3:end].split("\x01"):
                if "\x02" in pair:
                    k, v = pair.split("\x02", 1)
                    keys[k] = v
            yield keys, count


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    path, top = sys.argv[1], os.path.realpath(sys.argv[2])
    # (kind, file, line, column, what) -> [reached, instances]
    merged = {}
    for keys, count in points(path):
        page = keys.get("page", "")
        kind = page.split("/", 1)[0].removeprefix("v_") or "other"
        f = os.path.relpath(keys.get("f", "?"), top)
        key = (kind, f, int(keys.get("l", 0)), keys.get("n", ""), keys.get("o", ""))
        entry = merged.setdefault(key, [False, set()])
        entry[0] = entry[0] or count > 0
        entry[1].add(keys.get("h", ""))
    total = collections.Counter()
    hit = collections.Counter()
    per_file = collections.defaultdict(collections.Counter)
    for (kind, f, _, _, _), (reached, _) in merged.items():
        total[kind] += 1
        hit[kind] += reached
        per_file[f][kind + " total"] += 1
        per_file[f][kind + " hit"] += reached
    kinds = sorted(total)
    print("total")
    for k in kinds:
        share = 100 * hit[k] / total[k]
        print(f"  {k:7s} {hit[k]:6d} of {total[k]:6d} points reached ({share:.1f}%)")
    print()
    print("per file (" + ", ".join(kinds) + ": reached of points)")
    for f in sorted(per_file):
        c = per_file[f]
        cells = [f"{c[k + ' hit']}/{c[k + ' total']}" for k in kinds]
        print(f"  {f:28s} " + "  ".join(f"{x:>11s}" for x in cells))
    print()
    missed = sorted(k for k, v in merged.items() if not v[0])
    print(f"not reached ({len(missed)} points)")
    for kind, f, line, _, what in missed:
        inst = sorted(merged[(kind, f, line, _, what)][1])
        where = inst[0] + (f" and {len(inst) - 1} more" if len(inst) > 1 else "")
        print(f"  {f}:{line} {kind} {what} ({where})")


if __name__ == "__main__":
    main()
