"""Tests of the Python package (python/mmusim), run by tb/python/run_tests.sh in a virtual
environment where `pip install` put it: the model through ctypes, translations checked against
the page tables the test wrote, requests in flight, control operations, a memory served from
Python, and studies equal to `mmusim run --json`.

    python3 test_mmusim.py SOURCE_DIR BUILD_DIR [-v] [--seed N]
"""
import json
import os
import random
import re
import subprocess
import sys
import unittest

import mmusim

SOURCE = BUILD = None
SEED = None
# The keys of section 8's MMU, one request at a time.
BLOCKING = {"walkers": 1, "miss_entries": 1, "hit_under_miss": False}


class Configuration(unittest.TestCase):
    def test_keys_in_every_form(self):
        for m in (mmusim.Mmu({"preset": "embedded", "stlb": {"entries": 64}}),
                  mmusim.Mmu("preset=embedded, stlb.entries=64"),
                  mmusim.Mmu(preset="embedded", stlb__entries=64)):
            c = m.config()
            self.assertEqual(c["stlb.entries"], 64)
            m.close()

    def test_preset_first_in_both_forms(self):
        # The preset applies before the other keys wherever it is written.
        self.assertEqual(mmusim.Mmu("stlb.entries=96 preset=skylake").config()["stlb.entries"],
                         96)
        self.assertEqual(mmusim.Mmu({"stlb.entries": 96, "preset": "skylake"})
                         .config()["stlb.entries"], 96)

    def test_rtl_parameters(self):
        with mmusim.Mmu.from_rtl_params("StlbEntries=16 StlbWays=2 Walkers=1", 9) as m:
            c = m.config()
            self.assertEqual((c["stlb.entries"], c["walkers"], c["mem_latency"]), (16, 1, 9))
        with self.assertRaisesRegex(mmusim.MmusimError, "NoSuchParam"):
            mmusim.Mmu.from_rtl_params("NoSuchParam=3")

    def test_errors_name_the_key(self):
        cases = [("stlb.entriez=4", "stlb.entriez"), ("stlb.entries=banana", "stlb.entries"),
                 ("stlb.ways=7", "stlb"), ("{\"walkers\": ", "configuration:"),
                 ("preset=nosuch", "nosuch"), ("walkers", "key=value")]
        for text, word in cases:
            with self.assertRaises(mmusim.MmusimError, msg=text) as cm:
                mmusim.Mmu(text)
            self.assertIn(word, str(cm.exception), text)


class Translation(unittest.TestCase):
    def setUp(self):
        self.m = mmusim.Mmu(preset="skylake")

    def tearDown(self):
        self.m.close()

    def test_walk_then_hits(self):
        m = self.m
        pa = m.alloc_frame()
        m.map(0x400000, pa, "4k", mmusim.PTE_RW)
        m.load_cr3()
        r = m.translate(0x400123, "write")
        self.assertEqual((r.paddr, r.size, r.fault, r.source, r.level),
                         (pa + 0x123, "4k", "none", "walk", 1))
        self.assertGreater(r.resp_cycle, r.accept_cycle + 20)  # a walk reads memory
        r2 = m.translate(0x400ff8, "read")
        self.assertEqual((r2.paddr, r2.source, r2.resp_cycle - r2.accept_cycle),
                         (pa + 0xff8, "l1", 1))
        # The walk set A and D in the leaf (the write).
        s = m.stats()
        self.assertEqual((s["dtlb"]["hits"], s["dtlb"]["misses"], s["walks"]), (1, 1, 1))
        self.assertEqual(s["references"], 2)

    def test_large_pages(self):
        m = self.m
        m.map(0x40000000, 0x80000000, "1g", mmusim.PTE_RW)
        m.map(0x200000, 0x600000, "2m", mmusim.PTE_RW)
        m.load_cr3()
        r = m.translate(0x40000000 + 0x3456789, "read")
        self.assertEqual((r.paddr, r.size, r.level), (0x80000000 + 0x3456789, "1g", 3))
        r = m.translate(0x2abcde, "fetch")
        self.assertEqual((r.paddr, r.size, r.level), (0x6abcde, "2m", 2))

    def test_faults_and_error_codes(self):
        m = self.m
        m.map(0x1000, m.alloc_frame(), "4k", 0)                       # read-only, supervisor
        m.map(0x2000, m.alloc_frame(), "4k", mmusim.PTE_US | mmusim.PTE_NX)
        m.load_cr3()
        cases = [(0x9000, "read", False, "not-present", 0x0),
                 (0x1000, "write", False, "write-protect", 0x3),
                 (0x1000, "read", True, "user-supervisor", 0x5),
                 (0x2000, "fetch", True, "nx", 0x15),
                 (0x0000800000000000, "read", False, "non-canonical", 0x0)]
        for va, access, user, fault, ec in cases:
            r = m.translate(va, access, user=user)
            self.assertEqual((r.fault, r.error_code, r.paddr, r.size), (fault, ec, 0, None),
                             hex(va))
            self.assertFalse(r.ok)

    def test_bad_requests_raise(self):
        with self.assertRaises(mmusim.MmusimError):
            self.m.translate(0x1000, "execute")
        with self.assertRaises(mmusim.MmusimError):
            self.m.map(0x1001, 0x5000, "4k")                         # not aligned
        with self.assertRaises(mmusim.MmusimError):
            self.m.map(0x1000, 0x5000, "3k")
        self.m.translate(0x1000, cycle=1000)
        with self.assertRaisesRegex(mmusim.MmusimError, "cycle"):
            self.m.translate(0x1000, cycle=10)                       # time goes forward
        with self.assertRaises(mmusim.MmusimError):
            self.m.invpcid(7)

    def test_invalidation(self):
        m = self.m
        m.map(0x5000, m.alloc_frame(), "4k", mmusim.PTE_RW)
        m.load_cr3()
        m.translate(0x5000)
        self.assertEqual(m.translate(0x5000).source, "l1")
        m.invlpg(0x5000)
        self.assertEqual(m.translate(0x5000).source, "walk")
        m.flush_all()
        self.assertEqual(m.translate(0x5000).source, "walk")
        m.unmap(0x5000)
        m.invlpg(0x5000)
        self.assertEqual(m.translate(0x5000).fault, "not-present")

    def test_protection_keys_and_smap(self):
        m = self.m
        m.map(0x7000, m.alloc_frame(), "4k", mmusim.PTE_RW | mmusim.PTE_US |
              (3 << mmusim.PTE_PKEY_SHIFT))
        m.load_cr3()
        self.assertEqual(m.translate(0x7000, "write", user=True).fault, "none")
        m.set_protection(pke=True, pkru=0b10 << 6)                   # key 3: no writes
        r = m.translate(0x7000, "write", user=True)
        self.assertEqual((r.fault, r.error_code & 0x20), ("pk", 0x20))
        m.set_protection(smap=True)
        self.assertEqual(m.translate(0x7000, "read").fault, "smap")
        m.set_protection(smap=True, ac=True)
        self.assertEqual(m.translate(0x7000, "read").fault, "none")


class InFlight(unittest.TestCase):
    def test_ids_answered_once_as_blocking_would(self):
        """400 random reads and writes of 64 pages, up to 8 in flight under IDs reused once
        answered: each ID is answered once, with what a blocking MMU answers."""
        rng = random.Random(SEED)
        pages = [0x10000000 + i * 0x1000 for i in range(64)]
        with mmusim.Mmu(preset="skylake") as m, mmusim.Mmu(BLOCKING) as ref:
            frames = {va: m.alloc_frame() for va in pages}
            for va in pages:
                for mm in (m, ref):
                    mm.map(va, frames[va], "4k", mmusim.PTE_RW)
            m.load_cr3()
            ref.load_cr3()
            open_ids = {}  # ID -> (address, access)

            def take(responses):
                for r in responses:
                    self.assertIn(r.id, open_ids, "ID %d answered twice, or never asked" % r.id)
                    va, access = open_ids.pop(r.id)
                    want = ref.translate(va, access)
                    self.assertEqual((r.paddr, r.size, r.fault), (want.paddr, want.size,
                                                                  want.fault), hex(va))
                    self.assertEqual(r.paddr, frames[va & ~0xfff] + (va & 0xfff))
            for i in range(400):
                va = rng.choice(pages) + rng.randrange(0, 4096, 8)
                access = rng.choice(["read", "write"])
                ident = rng.randrange(256)
                while ident in open_ids or len(open_ids) >= 8:
                    m.advance(m.next_event)
                    take(iter(m.poll, None))
                    ident = rng.randrange(256)
                open_ids[ident] = (va, access)
                m.issue(va, access, id=ident)
            take(m.drain())
            self.assertEqual((m.outstanding, open_ids), (0, {}))
            s = m.stats()
            self.assertEqual(s["references"], 400)
            self.assertGreater(s["walks"], 0)
            self.assertGreater(s["walks_peak"], 1)  # walks did overlap


class CallerMemory(unittest.TestCase):
    def test_python_page_tables(self):
        """Page tables written by hand into a dict, walked through the callbacks: the same
        answers, and the same walker accesses, as the handle's own memory gives."""
        mem = {}
        log = []

        def read(pa):
            log.append(("r", pa))
            return mem.get(pa, 0)

        def write(pa, value):
            log.append(("w", pa, value))
            mem[pa] = value
        va, frame = 0x7f0012345000, 0x9000000
        # 4-level tables at 0x1000 (PML4), 0x2000, 0x3000, 0x4000 (PT): P|RW|US.
        tables = [0x1000, 0x2000, 0x3000, 0x4000]
        for level, table in zip((4, 3, 2, 1), tables):
            index = (va >> (12 + 9 * (level - 1))) & 511
            nxt = tables[tables.index(table) + 1] if level > 1 else frame
            mem[table + 8 * index] = nxt | 0x7
        with mmusim.Mmu(preset="skylake") as m:
            m.set_memory(read, write)
            m.load_cr3(0x1000)
            r = m.translate(va + 0x10, "write", user=True)
            self.assertEqual((r.paddr, r.fault), (frame + 0x10, "none"))
            reads = [e for e in log if e[0] == "r"]
            self.assertEqual(len(reads) >= 4, True)
            # The leaf has A and D set now.
            self.assertEqual(mem[0x4000 + 8 * ((va >> 12) & 511)] & 0x60, 0x60)

    def test_exception_in_callback_reaches_caller(self):
        def read(pa):
            raise KeyError("no memory at %#x" % pa)
        with mmusim.Mmu() as m:
            m.set_memory(read, lambda pa, v: None)
            with self.assertRaisesRegex(KeyError, "no memory at 0x"):
                m.translate(0x1000)


class Studies(unittest.TestCase):
    def command(self, trace, *args):
        out = subprocess.run([os.path.join(BUILD, "mmusim"), "run", "--json", *args, trace],
                             capture_output=True, text=True, check=True).stdout
        return json.loads(out)

    def test_run_equals_the_command(self):
        trace = os.path.join(SOURCE, "traces", "sort.lackey.xz")
        for keys, args in (({"preset": "champsim", "pages": "4k"},
                            ["--preset", "champsim", "--set", "pages=4k"]),
                           (dict(BLOCKING, **{"stlb.entries": 768}),
                            ["--set", "walkers=1", "--set", "miss_entries=1", "--set",
                             "hit_under_miss=off", "--set", "stlb.entries=768"])):
            self.assertEqual(mmusim.run(trace, keys), self.command(trace, *args), keys)

    def test_run_errors(self):
        with self.assertRaisesRegex(mmusim.MmusimError, "nosuch.trace"):
            mmusim.run("nosuch.trace")
        with self.assertRaisesRegex(mmusim.MmusimError, "stlb.entries"):
            mmusim.run(os.path.join(SOURCE, "traces", "sort.lackey.xz"), stlb__entries="x")

    def test_sweep_equals_the_command(self):
        traces = [os.path.join(SOURCE, "traces", "sort.lackey.xz"),
                  os.path.join(SOURCE, "tb", "traces", "chase.lackey.gz")]
        rows = mmusim.sweep(traces, vary={"stlb.entries": [96, 768], "walkers": [1, 2]},
                            dataframe=False, limit=200000)
        out = os.path.join(BUILD, "python-sweep")
        cmd = subprocess.run([os.path.join(BUILD, "mmusim"), "sweep", "--json", "--set",
                              "limit=200000", "--vary", "stlb.entries=96,768", "--vary",
                              "walkers=1,2", "--out", out, *traces],
                             capture_output=True, text=True, check=True).stdout
        want = json.loads(cmd)
        self.assertEqual(len(rows), 8)
        self.assertEqual(rows, want)
        self.assertEqual([(r["stlb.entries"], r["walkers"]) for r in rows[:4]],
                         [(96, 1), (96, 2), (768, 1), (768, 2)])
        with self.assertRaises(mmusim.MmusimError):
            mmusim.sweep(traces, vary={"walkers": 2})
        with self.assertRaisesRegex(mmusim.MmusimError, "stlb"):
            mmusim.sweep(traces, vary={"stlb.entries": [100]})

    def test_trace_names(self):
        self.assertEqual(mmusim.study.trace_names(["a/x.gz", "b/x.gz", "c/y.gz"]),
                         ["a/x.gz", "b/x.gz", "y.gz"])


class Readme(unittest.TestCase):
    def test_readme_example_runs(self):
        """The README's Python example, run as written (from the source root)."""
        text = open(os.path.join(SOURCE, "README.md")).read()
        blocks = re.findall(r"```python\n(.*?)```", text, re.S)
        self.assertTrue(blocks, "the README has no ```python block")
        here = os.getcwd()
        os.chdir(SOURCE)
        try:
            for block in blocks:
                scope = {}
                exec(compile(block, "README.md", "exec"), scope)
        finally:
            os.chdir(here)
        table = scope["table"]
        first = table.iloc[0] if hasattr(table, "iloc") else table[0]
        self.assertEqual(first["references"], scope["figures"]["references"])


if __name__ == "__main__":
    SOURCE, BUILD = sys.argv[1], sys.argv[2]
    args = sys.argv[3:]
    if "--seed" in args:
        SEED = int(args[args.index("--seed") + 1])
        del args[args.index("--seed"):args.index("--seed") + 2]
    else:
        SEED = random.SystemRandom().randrange(1 << 32)
    print("test_mmusim: seed %d (replay with --seed %d)" % (SEED, SEED), flush=True)
    unittest.main(argv=[sys.argv[0]] + args)
