#!/usr/bin/env python3
"""The README's examples, run as written (ctest test readme_examples).

    test_readme.py SOURCE_DIR BUILD_DIR

Every line of every ```sh block of README.md is a command (a trailing "# comment" is dropped,
a line ending in a backslash goes on on the next). Each runs with sh from a scratch copy of the
source root: its entries are links to the source's, except build/, a link to BUILD_DIR, and
waves/ and results/, real folders, so that nothing a command writes lands in the source tree.
scripts/mmusim runs BUILD_DIR's mmusim (MMUSIM_BUILD_DIR) instead of building build/.

A command passes if it exits 0. A command is skipped, and listed with the reason, if it matches
one of the SKIP markers below, if it runs a build/ program that this build does not have, or if
it names an input file that does not exist (a placeholder such as a.xz). The run fails if any
command fails, or if no command ran at all.

Two more checks keep the README's other examples from drifting: the ```c block is the code of
examples/quickstart.c (comments and spacing aside), and a block after a line
"<!-- output of: COMMAND -->" holds lines that COMMAND prints, in order ("..." stands for any).
"""
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile

# (pattern of a command, why it is not run here). Each is listed in the output when it applies.
SKIP = [
    (r"^scripts/test\b", "the whole test suite, which this test is part of (about 17 minutes)"),
    (r"^scripts/coverage\b", "a coverage build and the whole co-simulation regression under it "
     "(about 20 minutes)"),
    (r"^scripts/regress-long\b", "the long regression (minutes to hours)"),
    (r"^scripts/formal\b", "the formal proofs, which run in the suite as their own tests "
     "(label formal)"),
    (r"ctest -L coverage", "the co-simulation regression of every configuration, which runs in "
     "the suite as its own tests (labels cosim, systemc, coverage)"),
    (r"^gtkwave\b", "opens GTKWave's window"),
    (r"^tb/cocotb/run\.sh\b", "the cocotb bench, which runs in the suite as its own tests (label "
     "cocotb)"),
    (r"^tb/dpi/run\.sh\b", "the DPI-C bench, which runs in the suite as its own tests (label dpi)"),
    (r"-m venv|pip install", "makes a virtual environment and installs the Python package into "
     "it, as the python_package test does (label python)"),
    (r"^build/(cosim|sc_rtl)_",
     "an RTL bench: needs the Verilator build and runs in its own tests (labels cosim, systemc); "
     "README_EXAMPLES_RTL=1 runs it here where it is built"),
]
# Options whose value is a file or folder a command writes, not one it reads.
OUTPUT_OPTIONS = {"--out", "--wave"}
# What an input file's name looks like: a trace, a configuration, a page map, a waveform.
FILE_LIKE = re.compile(r"\.(xz|gz|json|txt|bin|lackey|champsim|map|fst|gtkw|csv)$")
HANG_GUARD_SECONDS = 600  # not a timing check: a command that hangs fails instead of blocking


def blocks(readme):
    """(info string, text, line number, the line before the block) of each fenced block."""
    out, lines, i = [], readme.split("\n"), 0
    while i < len(lines):
        m = re.match(r"^```(\S*)\s*$", lines[i])
        if not m:
            i += 1
            continue
        start = i
        i += 1
        body = []
        while i < len(lines) and not lines[i].startswith("```"):
            body.append(lines[i])
            i += 1
        before = lines[start - 1] if start > 0 else ""
        out.append((m.group(1), body, start + 1, before))
        i += 1
    return out


def commands(body, first_line):
    """The commands of a sh block: (line number, command)."""
    out, pending, at = [], "", 0
    for n, line in enumerate(body):
        line = re.sub(r"(^|\s)#.*$", "", line).rstrip()
        if not pending:
            at = first_line + 1 + n
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = (pending + line).strip()
        pending = ""
        if line:
            out.append((at, line))
    return out


def why_skip(cmd, scratch, build):
    """The reason not to run cmd here, or None."""
    rtl = os.environ.get("README_EXAMPLES_RTL") == "1"
    for pattern, why in SKIP:
        if re.search(pattern, cmd) and not (rtl and "RTL bench" in why):
            return why
    words = shlex.split(cmd)
    m = re.match(r"^build/(\S+)$", words[0])
    if m and not os.path.exists(os.path.join(build, m.group(1))):
        return f"build/{m.group(1)} is not built in {build}"
    for prev, word in zip([""] + words, words):
        path = re.split(r"[=:]", word)[-1]
        if prev in OUTPUT_OPTIONS or not FILE_LIKE.search(path):
            continue
        if not os.path.exists(os.path.join(scratch, path)):
            return f"{path} does not exist (a placeholder name)"
    return None


def scratch_tree(src, build, scratch):
    """The scratch copy of the source root (links, but build/, waves/ and results/)."""
    for name in os.listdir(src):
        if name == ".git" or name.startswith("build") or name in ("waves", "results"):
            continue
        os.symlink(os.path.join(src, name), os.path.join(scratch, name))
    os.symlink(os.path.abspath(build), os.path.join(scratch, "build"))
    os.mkdir(os.path.join(scratch, "waves"))
    waves = os.path.join(src, "waves")
    if os.path.isdir(waves):
        for name in os.listdir(waves):
            os.symlink(os.path.join(waves, name), os.path.join(scratch, "waves", name))


def run(cmd, scratch, build):
    """Runs cmd in a session of its own, so that a command stopped for running too long takes
    everything it started with it."""
    env = dict(os.environ, MMUSIM_BUILD_DIR=os.path.abspath(build))
    p = subprocess.Popen(["sh", "-c", cmd], cwd=scratch, env=env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         start_new_session=True)
    try:
        out, _ = p.communicate(timeout=HANG_GUARD_SECONDS)
        return p.returncode, out
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        return f"still running after {HANG_GUARD_SECONDS} s", out or ""


def code_only(text):
    """C or C++ without comments and spacing."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    return re.sub(r"\s+", "", text)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: test_readme.py SOURCE_DIR BUILD_DIR")
    src, build = sys.argv[1], sys.argv[2]
    with open(os.path.join(src, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    ran = skipped = failed = 0
    with tempfile.TemporaryDirectory(prefix="readme_examples.") as scratch:
        scratch_tree(src, build, scratch)
        for info, body, line, before in blocks(readme):
            where = f"README.md:{line}"
            if info == "sh":
                for at, cmd in commands(body, line):
                    why = why_skip(cmd, scratch, build)
                    if why:
                        print(f"skipped: README.md:{at}: {cmd}\n    because {why}")
                        skipped += 1
                        continue
                    status, out = run(cmd, scratch, build)
                    ran += 1
                    if status == 0:
                        print(f"ok: README.md:{at}: {cmd}")
                    else:
                        failed += 1
                        print(f"FAIL: README.md:{at}: {cmd}: exit status {status}; the output's end:")
                        print("\n".join("    " + l for l in out.rstrip().split("\n")[-15:]))
            elif info == "c":
                with open(os.path.join(src, "examples", "quickstart.c"), encoding="utf-8") as f:
                    ok = code_only("\n".join(body)) in code_only(f.read())
                print(f"{'ok' if ok else 'FAIL'}: {where}: the C example "
                      + ("is examples/quickstart.c" if ok
                         else "differs from examples/quickstart.c beyond comments and spacing"))
                failed += not ok
            m = re.match(r"^<!-- output of: (.*) -->$", before)
            if m and not info:
                status, out = run(m.group(1), scratch, build)
                printed = out.split("\n")
                missing = None
                pos = 0
                for want in body:
                    if want.strip() == "...":
                        continue
                    try:
                        pos = printed.index(want, pos) + 1
                    except ValueError:
                        missing = want
                        break
                ok = status == 0 and missing is None
                failed += not ok
                print(f"{'ok' if ok else 'FAIL'}: {where}: the output of {m.group(1)}"
                      + ("" if ok else f": exit status {status}, no line (in order) '{missing}'"))
    print(f"readme_examples: {ran} ran, {skipped} skipped, {failed} failed")
    if ran == 0:
        print("FAIL: no command of README.md ran: are its ```sh blocks still there?")
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
