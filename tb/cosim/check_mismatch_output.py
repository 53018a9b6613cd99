#!/usr/bin/env python3
"""Checks what a co-simulation mismatch leaves a person: one replay command that runs as printed,
and a waveform with its GTKWave view.

    check_mismatch_output.py BUILD_DIR [systemc]

Builds the Verilator harness (or, with "systemc", the SystemC bench) on a fault-injected RTL (inject_faults.py's lru-wrong-victim), runs
it from a scratch folder with the binary given by a relative path, and checks that:
  1. the replay command is printed exactly once, and run as printed from that folder reproduces
     the mismatch on the same cycle;
  2. the automatic waveform is in the source tree's waves/ (its full path printed), with a view
     next to it (.gtkw) whose marker, as GTKWave itself (headless) opens it, is on the mismatch
     cycle (1 ns a cycle: cycle N at N ns; in the SystemC bench at N + 1.5 ns);
  3. the FST covers cycles after the mismatch cycle.
Exits 1 saying which check failed.
"""
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import inject_faults  # noqa: E402

TOP = inject_faults.TOP
FAULT = "lru-wrong-victim"
PS_PER_CYCLE = 1000


def fail(msg):
    sys.exit("check_mismatch_output.py: FAIL: " + msg)


def fst_last_time(fst):
    """The last time stamp of an FST (fst2vcd)."""
    r = subprocess.run(["fst2vcd", fst], capture_output=True, text=True)
    if r.returncode:
        fail("fst2vcd %s: %s" % (fst, r.stderr.strip()))
    times = [int(l[1:]) for l in r.stdout.splitlines() if re.fullmatch(r"#\d+", l)]
    if not times:
        fail("%s has no time stamps" % fst)
    return times[-1]


def main():
    if len(sys.argv) not in (2, 3) or (len(sys.argv) == 3 and sys.argv[2] != "systemc"):
        sys.exit(__doc__)
    inject_faults.BUILD = os.path.abspath(sys.argv[1])
    systemc = len(sys.argv) == 3
    program = "sc_rtl_inject" if systemc else "cosim_inject"
    # the dump's time of cycle N's start, in ps
    at = (lambda n: n * PS_PER_CYCLE + 1500) if systemc else (lambda n: n * PS_PER_CYCLE)
    name, fname, orig, bad, config = next(f for f in inject_faults.FAULTS if f[0] == FAULT)
    work = tempfile.mkdtemp(prefix="mmusim-mismatch-")
    try:
        rtl = os.path.join(work, "rtl")
        shutil.copytree(os.path.join(TOP, "rtl"), rtl)
        path = os.path.join(rtl, fname)
        src = open(path).read()
        open(path, "w").write(src.replace(orig, bad))
        binary = inject_faults.build(rtl, config, work, systemc)
        if not binary:
            fail("the fault-injected harness did not build")
        user = os.path.join(work, "elsewhere")  # the folder the user runs from
        os.mkdir(user)
        rel = os.path.relpath(binary, user)
        seed = 1
        args = ["--stim", "directed", "--seed", str(seed)]
        r = subprocess.run([rel] + args, cwd=user, capture_output=True, text=True, timeout=600)
        out = r.stdout + r.stderr
        print(out)
        m = re.search(r"MISMATCH .* cycle (\d+):", r.stderr)
        if r.returncode != 1 or not m:
            fail("the faulty RTL gave exit %d without a MISMATCH line" % r.returncode)
        cycle = int(m.group(1))
        replays = re.findall(r"replay: (.*)", out)
        if len(replays) != 1:
            fail("the replay command is printed %d times, not once" % len(replays))
        # 1. runnable as printed, from the folder the user ran from
        rr = subprocess.run(replays[0] + " --no-auto-wave", shell=True, cwd=user,
                            capture_output=True, text=True, timeout=600)
        m2 = re.search(r"MISMATCH .* cycle (\d+):", rr.stderr)
        if rr.returncode != 1 or not m2 or int(m2.group(1)) != cycle:
            fail("the replay command %r run from %s did not reproduce the mismatch on cycle %d "
                 "(exit %d): %s" % (replays[0], user, cycle, rr.returncode, rr.stderr[-300:]))
        # 2. the waveform in the source tree's waves/, its view with the marker on the cycle
        fst = os.path.join(TOP, "waves", "mismatch-%s-seed%d.fst" % (program, seed))
        gtkw = fst[:-4] + ".gtkw"
        if fst not in out or not os.path.exists(fst):
            fail("no waveform %s (printed in full)" % fst)
        if os.path.exists(os.path.join(user, "waves")):
            fail("a waves/ folder was made where the bench was run")
        if gtkw not in out or not os.path.exists(gtkw):
            fail("no view %s printed and written" % gtkw)
        view = open(gtkw).read()
        if ('[dumpfile] "%s"' % fst) not in view:
            fail("%s does not open %s" % (gtkw, fst))
        mk = re.search(r"^\*-?[\d.]+ (\d+)", view, re.M)
        if not mk or int(mk.group(1)) != at(cycle):
            fail("%s: marker %s, not on cycle %d (%d)" % (gtkw, mk and mk.group(1), cycle,
                                                          at(cycle)))
        tcl = os.path.join(work, "marker.tcl")
        with open(tcl, "w") as f:
            f.write('puts "MARKER [gtkwave::getMarker]"\ngtkwave::/File/Quit\n')
        g = subprocess.run(["xvfb-run", "-a", "gtkwave", "-S", tcl, gtkw], cwd=user,
                           capture_output=True, text=True, timeout=120)
        shown = re.search(r"^MARKER (\d+)", g.stdout, re.M)
        if not shown or int(shown.group(1)) != at(cycle):
            fail("GTKWave opened %s with the marker at %s, not %d: %s"
                 % (gtkw, shown and shown.group(1), at(cycle), g.stderr[-300:]))
        # 3. cycles after the mismatch
        last = fst_last_time(fst)
        if last < at(cycle + 2):
            fail("%s ends at %d, not after cycle %d" % (fst, last, cycle))
        print("check_mismatch_output.py: PASS: mismatch on cycle %d; replay reproduces it; "
              "view %s marks %d; FST runs to %d" % (cycle, gtkw, at(cycle), last))
    finally:
        shutil.rmtree(work)
        inject_faults.remove_caches()
        for f in ("fst", "gtkw"):
            p = os.path.join(TOP, "waves", "mismatch-%s-seed1.%s" % (program, f))
            if os.path.exists(p):
                os.remove(p)


if __name__ == "__main__":
    main()
