"""The cocotb bench of mmu_top: Python coroutines drive the RTL's request, control and memory
ports, and every response is scored against the model through the Python package (mmusim), as a
scoreboard would: the response of each ID against the model's translation of that request, with
the same page tables, mode and CR3 (the address, page size, fault, error code and level; which
array answered and when are the lockstep benches' to compare, cycle by cycle).

The page tables are written here, into a Python memory the RTL's walkers read and write through
the memory port; the model reads its own copy through Mmu.set_memory. Environment (run.sh):
MMUSIM_RTL_PARAMS (the configuration's parameters), MMUSIM_SEED (the random stream; printed),
MMUSIM_REQUESTS (random requests, default 3000).
"""
import json
import os
import random
import subprocess

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ReadOnly, RisingEdge

import mmusim

PARAMS = os.environ.get("MMUSIM_RTL_PARAMS", "")
SEED = int(os.environ.get("MMUSIM_SEED") or random.SystemRandom().randrange(1 << 32))
REQUESTS = int(os.environ.get("MMUSIM_REQUESTS", "3000"))
MEM_LATENCY = 20  # cycles from a walker access's acceptance to its response
SIZES = {"4k": 0, "2m": 1, "1g": 2, None: 0}  # mmu_pkg::size_e; a fault answers 0
SHIFTS = {"4k": 12, "2m": 21, "1g": 30}
ACCESS = {"read": 0, "write": 1, "fetch": 2}
OPS = {"load_cr3": 0, "invlpg": 1, "invpcid": 2, "flush_all": 3, "set_mode": 4, "set_prot": 5}


def param(name, default):
    for item in PARAMS.replace(",", " ").split():
        k, _, v = item.partition("=")
        if k == name:
            return int(v.split("'")[-1].lstrip("bhd"), 2 if "'b" in v else 16 if "'h" in v
                       else 10) if "'" in v else int(v, 0)
    return default


class PageTables:
    """4-level x86-64 page tables in a dict of 64-bit words, as an OS would write them."""

    def __init__(self, mem, first_frame=0x100000):
        self.mem = mem
        self.next = first_frame
        self.root = self.frame()

    def frame(self):
        f, self.next = self.next, self.next + 0x1000
        return f

    def map(self, va, pa, size, flags):
        """Maps the page; flags: the leaf's (P added); tables above are P|RW|US."""
        table = self.root
        leaf_level = {"4k": 1, "2m": 2, "1g": 3}[size]
        for level in (4, 3, 2, 1):
            entry = table + 8 * ((va >> (12 + 9 * (level - 1))) & 511)
            if level == leaf_level:
                self.mem[entry] = pa | flags | 1 | (0x80 if level > 1 else 0)
                return
            if not self.mem.get(entry, 0) & 1:
                self.mem[entry] = self.frame() | 0x7
            table = self.mem[entry] & 0x000ffffffffff000


class Bench:
    def __init__(self, dut):
        self.dut = dut
        self.rng = random.Random(SEED)
        self.rtl_mem = {}
        self.tables = PageTables(self.rtl_mem)
        self.model_mem = None
        self.model = mmusim.Mmu.from_rtl_params(PARAMS, MEM_LATENCY)
        self.ids = 1 << param("IdBits", 8)
        self.tag_bits = max(1, (param("Walkers", 2) - 1).bit_length())
        self.open = {}        # ID -> request (va, access, user, implicit)
        self.mem_queue = []   # (cycle due, tag, data, err)
        self.cycle = 0
        self.checked = 0
        self.large_offsets = 0  # translations of a 1 GiB page beyond its first 2 MiB
        self.faults_seen = set()

    # ---- the page tables both sides walk ------------------------------------------------------
    def build(self):
        rng = self.rng
        self.pages = []  # (va, size)
        kinds = [mmusim.PTE_RW | mmusim.PTE_US, mmusim.PTE_US, mmusim.PTE_RW,
                 mmusim.PTE_RW | mmusim.PTE_US | mmusim.PTE_NX, mmusim.PTE_RW | mmusim.PTE_G]
        frame = 0x40000000
        for i in range(48):  # 4 KiB pages in a few regions
            va = 0x7f0000000000 + (i // 16) * 0x40000000 + (i % 16) * 0x3000
            self.tables.map(va, frame + i * 0x1000, "4k", rng.choice(kinds))
            self.pages.append((va, "4k"))
        for i in range(6):   # 2 MiB pages
            va = 0x600000000 + i * 0x200000
            self.tables.map(va, 0x80000000 + i * 0x200000, "2m", rng.choice(kinds))
            self.pages.append((va, "2m"))
        for i in range(2):   # 1 GiB pages
            va = 0x8000000000 + i * 0x40000000
            self.tables.map(va, 0x100000000 * (i + 1), "1g", rng.choice(kinds))
            self.pages.append((va, "1g"))
        # The model's own copy of the memory, written to as the model walks.
        self.model_mem = dict(self.rtl_mem)
        self.model.set_memory(lambda pa: self.model_mem.get(pa, 0),
                              lambda pa, v: self.model_mem.__setitem__(pa, v))

    def address(self):
        r = self.rng.random()
        if r < 0.03:
            return 0x0000900000000000 + self.rng.randrange(1 << 20)  # non-canonical
        if r < 0.08:
            return 0x7e0000000000 + self.rng.randrange(1 << 30)      # not mapped
        va, size = self.rng.choice(self.pages)
        span = 1 << SHIFTS[size]
        # A 1 GiB page: mostly its first four 2 MiB regions, so that the 2 MiB fractions that
        # TLBs without a 1 GiB array hold are hit again.
        if size == "1g" and self.rng.random() < 0.8:
            span = 4 << 21
        return va + (self.rng.randrange(span) & ~7)

    # ---- one cycle ----------------------------------------------------------------------------
    async def edge(self):
        await RisingEdge(self.dut.clk_i)
        self.cycle += 1

    def drive_memory(self):
        d = self.dut
        d.mem_req_ready_i.value = 1
        due = [m for m in self.mem_queue if m[0] <= self.cycle]
        if due:
            _, tag, data, err = due[0]
            self.mem_queue.remove(due[0])
            d.mem_rsp_valid_i.value = 1
            d.mem_rsp_tag_i.value = tag
            d.mem_rsp_rdata_i.value = data
            d.mem_rsp_err_i.value = err
        else:
            d.mem_rsp_valid_i.value = 0

    def sample_memory(self):
        d = self.dut
        if d.mem_req_valid_o.value and d.mem_req_ready_i.value:
            addr = int(d.mem_req_addr_o.value)
            tag = int(d.mem_req_tag_o.value)
            data = 0
            if int(d.mem_req_we_o.value):
                w = int(d.mem_req_wdata_o.value)
                if int(d.mem_req_setbits_o.value):
                    w |= self.rtl_mem.get(addr, 0)
                self.rtl_mem[addr] = w
            else:
                data = self.rtl_mem.get(addr, 0)
            due = max([self.cycle + MEM_LATENCY] + [m[0] + 1 for m in self.mem_queue])
            self.mem_queue.append((due, tag, data, 0))

    def score(self, lane):
        d = self.dut
        p = "resp_" if lane == 0 else "mresp_"
        if not int(getattr(d, p + "valid_o").value):
            return
        rid = int(getattr(d, p + "id_o").value)
        assert rid in self.open, "seed %d cycle %d: ID %d answered and not open" % (
            SEED, self.cycle, rid)
        va, access, user, implicit = self.open.pop(rid)
        want = self.model.translate(va, access, user=user, implicit=implicit)
        got = (int(getattr(d, p + "paddr_o").value), int(getattr(d, p + "size_o").value),
               mmusim.fault_name(int(getattr(d, p + "fault_o").value)),
               int(getattr(d, p + "error_o").value), int(getattr(d, p + "level_o").value))
        exp = (want.paddr, SIZES[want.size], want.fault, want.error_code, want.level)
        assert got == exp, (
            "MISMATCH seed %d cycle %d: %s %s va=%#x (ID %d, %s lane): RTL (paddr, size, fault, "
            "error code, level) %s, the model %s; replay with MMUSIM_SEED=%d"
            % (SEED, self.cycle, access, "user" if user else "sup", va, rid,
               "hit" if lane == 0 else "miss", fmt(got), fmt(exp), SEED))
        self.checked += 1
        self.faults_seen.add(want.fault)
        if want.size == "1g" and want.fault == "none" and (va >> 21) & 511:
            self.large_offsets += 1

    async def control(self, op, **kw):
        """A control operation, on both sides, once nothing is open."""
        d = self.dut
        while self.open:
            await self.cycle_step()
        d.ctrl_valid_i.value = 1
        d.ctrl_op_i.value = OPS[op]
        d.ctrl_value_i.value = kw.get("value", 0)
        d.ctrl_pcid_i.value = kw.get("pcid", 0)
        d.ctrl_invpcid_type_i.value = kw.get("type", 0)
        for name in ("wp", "nxe", "smep", "smap", "pke", "ac"):
            getattr(d, "ctrl_%s_i" % name).value = int(kw.get(name, False))
        d.ctrl_pkru_i.value = kw.get("pkru", 0)
        accepted = done = False
        for _ in range(10000):
            self.drive_memory()
            await ReadOnly()
            self.sample_memory()
            accepted = accepted or bool(d.ctrl_ready_o.value)
            done = accepted and bool(d.ctrl_done_o.value)
            was_accepted = bool(d.ctrl_ready_o.value)
            await self.edge()
            if was_accepted:
                d.ctrl_valid_i.value = 0
            if done:
                break
        assert done, "seed %d: control operation %s never completed" % (SEED, op)
        if op == "load_cr3":
            self.model.load_cr3(kw["value"] & ~0xfff, pcid=kw["value"] & 0xfff)
        elif op == "invlpg":
            self.model.invlpg(kw["value"])
        elif op == "flush_all":
            self.model.flush_all()
        elif op == "set_mode":
            self.model.set_mode(kw["wp"], kw["nxe"])
        elif op == "set_prot":
            self.model.set_protection(kw["smep"], kw["smap"], kw["pke"], kw["ac"], kw["pkru"])

    async def cycle_step(self, request=None):
        """One cycle: presents `request` (va, access, user, implicit, id) if given; returns
        whether the RTL accepted it."""
        d = self.dut
        if request:
            va, access, user, implicit, rid = request
            d.req_valid_i.value = 1
            d.req_vaddr_i.value = va
            d.req_type_i.value = ACCESS[access]
            d.req_user_i.value = int(user)
            d.req_implicit_i.value = int(implicit)
            d.req_id_i.value = rid
        else:
            d.req_valid_i.value = 0
        self.drive_memory()
        await ReadOnly()
        self.sample_memory()
        accepted = bool(request) and bool(d.req_ready_o.value)
        # Responses of this cycle, the hit lane's first (a request's response never comes in
        # the cycle it is accepted).
        for lane in (0, 1):
            self.score(lane)
        if accepted:
            va, access, user, implicit, rid = request
            self.open[rid] = (va, access, user, implicit)
        await self.edge()
        return accepted


def fmt(t):
    return "(%#x, %d, %s, %#x, %d)" % t


@cocotb.test()
async def random_and_directed(dut):
    dut._log.info("cocotb bench: seed %d (replay: MMUSIM_SEED=%d), %d requests, parameters %s",
                  SEED, SEED, REQUESTS, PARAMS or "(defaults)")
    b = Bench(dut)
    b.build()
    cocotb.start_soon(Clock(dut.clk_i, 10, units="ns").start())
    for name in ("req_valid_i", "ctrl_valid_i", "mem_rsp_valid_i", "mem_req_ready_i"):
        getattr(dut, name).value = 0
    dut.rst_ni.value = 0
    for _ in range(3):
        await RisingEdge(dut.clk_i)
    dut.rst_ni.value = 1
    await RisingEdge(dut.clk_i)
    await b.control("load_cr3", value=b.tables.root)

    # Directed: every page once, read, write and fetch, user and supervisor.
    plan = [(va, acc, user, False) for va, _ in b.pages
            for acc in ("read", "write", "fetch") for user in (True, False)]
    # Random: reads, writes and fetches, with mode changes and invalidations under way.
    for i in range(REQUESTS):
        access = b.rng.choice(["read", "read", "write", "fetch"])
        user = b.rng.random() < 0.5
        implicit = not user and access != "fetch" and b.rng.random() < 0.1
        plan.append((b.address(), access, user, implicit))
    prot_changes = 0
    for i, (va, access, user, implicit) in enumerate(plan):
        if i and i % 250 == 0:
            step = (i // 250) % 4
            if step == 3:
                await b.control("set_mode", wp=b.rng.random() < 0.7, nxe=b.rng.random() < 0.8)
            elif step == 2:
                await b.control("invlpg", value=b.rng.choice(b.pages)[0])
            elif step == 1:
                # The first two settings are fixed, so that every run meets SMEP, SMAP without
                # AC, and key 0's writes forbidden; then random. Key 0 (every page's) forbids
                # all data accesses a quarter of the time only, so that user pages keep
                # answering: the large pages' offsets are checked through them.
                pkru = b.rng.randrange(1 << 32)
                if b.rng.random() < 0.75:
                    pkru &= ~1
                prot = dict(smep=b.rng.random() < 0.5, smap=b.rng.random() < 0.5, pke=True,
                            ac=b.rng.random() < 0.5, pkru=pkru)
                fixed = [dict(smep=True, smap=True, ac=False, pkru=(pkru & ~1) | 2),
                         dict(smep=False, smap=True, ac=True, pkru=pkru & ~1)]
                if prot_changes < len(fixed):
                    prot.update(fixed[prot_changes])
                prot_changes += 1
                await b.control("set_prot", **prot)
            else:
                await b.control("flush_all")
        # An ID not open (waiting a cycle while every one is), then the request held until
        # the RTL accepts it.
        free = [x for x in range(b.ids) if x not in b.open]
        while not free:
            await b.cycle_step()
            free = [x for x in range(b.ids) if x not in b.open]
        rid = b.rng.choice(free)
        while not await b.cycle_step((va, access, user, implicit, rid)):
            pass
    for _ in range(20000):
        if not b.open:
            break
        await b.cycle_step()
    assert not b.open, "seed %d: IDs %s never answered" % (SEED, sorted(b.open))
    dut._log.info("cocotb bench: %d responses scored against the model, 0 mismatches (%d of "
                  "them 1 GiB pages beyond their first 2 MiB); faults seen: %s", b.checked,
                  b.large_offsets, ", ".join(sorted(b.faults_seen)))
    assert b.checked == len(plan)
    # The stream reached every fault a static page table gives (so that a change that made the
    # stimulus tamer would fail here, not pass quietly).
    wanted = {"none", "not-present", "write-protect", "user-supervisor", "nx", "non-canonical",
              "smep", "smap", "pk"}
    if REQUESTS >= 3000:
        assert wanted <= b.faults_seen, "seed %d: faults never seen: %s" % (
            SEED, ", ".join(sorted(wanted - b.faults_seen)))
    if REQUESTS >= 1000:
        assert b.large_offsets >= 5, "seed %d: %d translations of 1 GiB pages beyond 2 MiB" % (
            SEED, b.large_offsets)


@cocotb.test()
async def study_equals_the_command(dut):
    """A study through the package the scoreboard uses: the figures of `mmusim run --json`."""
    trace = os.path.join(os.environ["MMUSIM_SOURCE_DIR"], "traces", "sort.lackey.xz")
    got = mmusim.run(trace, preset="champsim", limit=300000)
    out = subprocess.run([os.path.join(os.environ["MMUSIM_BUILD_DIR"], "mmusim"), "run", "--json",
                          "--preset", "champsim", "--set", "limit=300000", trace],
                         capture_output=True, text=True, check=True).stdout
    assert got == json.loads(out), "the study through the package differs from mmusim run"
    dut._log.info("cocotb bench: the study of sort.lackey.xz equals mmusim run --json "
                  "(%d references, %d DTLB misses)", got["references"], got["dtlb"]["misses"])
