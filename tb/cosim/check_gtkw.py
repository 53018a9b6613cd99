#!/usr/bin/env python3
"""Checks that the GTKWave view (waves/mmu.gtkw) still shows every signal it names.

    check_gtkw.py BENCH_BINARY...

For each bench (the Verilator harness cosim_default and the SystemC bench sc_rtl_default, whose
waveforms name the RTL's signals alike), dumps a short waveform of the directed scenarios, then:
  1. reads the dump's signal list (fst2vcd) and checks that every signal the save file names,
     with its bit range, is in it, and that every translate-filter file it names exists;
  2. opens dump and save file in GTKWave itself, headless (xvfb-run), with a Tcl script that
     lists the displayed signals, and checks that none was dropped.
Exits 1 listing what is missing, so that the view never goes silently empty when the RTL changes.
"""
import os
import re
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def gtkw_signals(path):
    """The signals a save file names, the filter files, and which filter each signal uses."""
    sigs, filters, filtered = [], [], {}
    current = None
    for line in open(path):
        line = line.rstrip("\n")
        if line.startswith("@"):
            current = None
        elif line.startswith("^"):
            current = line.split(None, 1)[1]
            filters.append(current)
        elif line and line[0] not in "-[*":
            sigs.append(line)
            if current:
                filtered[line] = current
    return sigs, sorted(set(filters)), filtered


def unlabelled_arrays(path):
    """The TLB sub-arrays' hit signals that share their innermost group with another: each must
    be under a group naming its array (DTLB 4K, DTLB 2M, ...), not all read as lk_hit_o."""
    groups, under = [], {}
    flags = 0
    for line in open(path):
        line = line.rstrip("\n")
        if line.startswith("@"):
            flags = int(line[1:], 16)
        elif line.startswith("-"):
            if flags & 0x800000:
                groups.append(line[1:])
            elif flags & 0x1000000 and groups:
                groups.pop()
        elif line.endswith(".lk_hit_o"):
            under.setdefault(groups[-1] if groups else "", []).append(line)
    return ["%s share the group %r" % (", ".join(s), g) for g, s in under.items() if len(s) > 1]


def filter_names(path):
    names = set()
    for line in open(os.path.join(TOP, path)):
        w = line.split(None, 1)
        if len(w) == 2 and not w[0].startswith("#"):
            names.add(w[1].strip())
    return names


def dump_signals(fst):
    """The dump's signal names with their bit ranges, and its last time stamp."""
    vcd = subprocess.run(["fst2vcd", fst], capture_output=True, text=True, check=True).stdout
    stamps = re.findall(r"^#(\d+)$", vcd, re.M)
    scope, names = [], set()
    for line in vcd.splitlines():
        w = line.split()
        if not w:
            continue
        if w[0] == "$scope":
            scope.append(w[2])
        elif w[0] == "$upscope":
            scope.pop()
        elif w[0] == "$var":
            name = ".".join(scope + [w[4]])
            rng = w[5] if len(w) > 6 and w[5].startswith("[") else ""
            # GTKWave names a one-bit vector [N:N] name[N]
            one = re.fullmatch(r"\[(\d+):\1\]", rng)
            names.add(name + ("[%s]" % one.group(1) if one else rng))
        elif w[0] == "$enddefinitions":
            break
    return names, int(stamps[-1]) if stamps else 0


def check(binary, gtkw):
    """The problems the view has with this bench's waveform."""
    sigs, filters, filtered = gtkw_signals(gtkw)
    work = tempfile.mkdtemp(prefix="mmusim-gtkw-")
    fst = os.path.join(work, "directed.fst")
    subprocess.run([binary, "--stim", "directed", "--quiet", "--wave", fst], check=True,
                   stdout=subprocess.DEVNULL)
    have, end = dump_signals(fst)
    problems = ["signal not in the dump: " + s for s in sigs if s not in have]
    problems += ["filter file missing: " + f for f in filters
                 if not os.path.exists(os.path.join(TOP, f))]

    tcl = os.path.join(work, "list.tcl")
    with open(tcl, "w") as f:
        # Whatever fails in the script, GTKWave must quit: an error is reported, not a hang.
        f.write("if {[catch {\n")
        f.write('foreach s [gtkwave::getDisplayedSignals] { puts "SHOWN $s" }\n')
        # Sample every filtered signal through the run: it must show names, not numbers.
        for t in range(end // 400, end, max(1, end // 12)):
            f.write("gtkwave::setMarker %d\n" % t)
            for sig in filtered:
                esc = sig.replace("[", "\\[").replace("]", "\\]")
                f.write('puts "VALUE %s [gtkwave::getTraceValueAtMarkerFromName %s]"\n'
                        % (esc, esc))
        f.write('} err]} { puts "TCLERROR $err" }\n')
        f.write("gtkwave::/File/Quit\n")
    r = subprocess.run(["xvfb-run", "-a", "gtkwave", "-S", tcl, fst, gtkw], cwd=TOP,
                       capture_output=True, text=True, timeout=120)
    shown = [l[6:].strip() for l in r.stdout.splitlines() if l.startswith("SHOWN ")]
    problems += ["GTKWave script: " + l[9:] for l in r.stdout.splitlines()
                 if l.startswith("TCLERROR ")]
    if not shown:
        problems.append("GTKWave showed nothing (exit %d): %s" % (r.returncode, r.stderr[-500:]))
    else:
        problems += ["GTKWave did not show: " + s for s in sigs if s not in shown]
    untranslated = {}
    for l in r.stdout.splitlines():
        if l.startswith("VALUE "):
            parts = l.split()
            sig, val = parts[1], " ".join(parts[2:])
            if val and val not in filter_names(filtered[sig]):
                untranslated.setdefault(sig, val)
    problems += ["%s shows %r, not a name from %s" % (s, v, filtered[s])
                 for s, v in untranslated.items()]

    name = os.path.basename(binary)
    for p in problems:
        print("check_gtkw: %s: %s" % (name, p))
    print("check_gtkw: %s: %d signals and %d filters in %s; %d shown by GTKWave, %d of them by "
          "name; %s" % (name, len(sigs), len(filters), os.path.relpath(gtkw, TOP), len(shown),
                        len(filtered), "OK" if not problems else "%d problems" % len(problems)))
    return problems


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    gtkw = os.path.join(TOP, "waves", "mmu.gtkw")
    problems = ["check_gtkw: lk_hit_o signals without their array's label: " + p
                for p in unlabelled_arrays(gtkw)]
    for p in problems:
        print(p)
    problems += [p for binary in sys.argv[1:] for p in check(binary, gtkw)]
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
