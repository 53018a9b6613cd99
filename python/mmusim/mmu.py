"""One MMU of the model (mmusim/handle.h): configured by the keys of `mmusim run`, with its own
memory and page tables or a memory served from Python; translations one at a time or in flight
(docs/ARCHITECTURE.md section 16), control operations, statistics."""
import ctypes
import json
from dataclasses import dataclass

from ._library import RESP_WORDS, READ_FN, WRITE_FN, MmusimError, library, take_text

# Page-table entry bits (mmusim/pte.h).
PTE_P, PTE_RW, PTE_US, PTE_PWT, PTE_PCD = 1 << 0, 1 << 1, 1 << 2, 1 << 3, 1 << 4
PTE_A, PTE_D, PTE_PS, PTE_G, PTE_NX = 1 << 5, 1 << 6, 1 << 7, 1 << 8, 1 << 63
PTE_PKEY_SHIFT = 59

ACCESSES = ("read", "write", "fetch")  # enum mmu_access
PAGE_SHIFTS = {"4k": 12, "2m": 21, "1g": 30}
SIZE_OF_SHIFT = {12: "4k", 21: "2m", 30: "1g", 0: None}
# enum mmu_ctrl_op, and mmusim_ctrl_flag's bits
_LOAD_CR3, _INVLPG, _INVPCID, _FLUSH_ALL, _SET_MODE, _SET_PROT = range(6)
_WP, _NXE, _SMEP, _SMAP, _PKE, _AC, _NOFLUSH = (1 << i for i in range(7))


def config_text(config=None, **keys):
    """A configuration as the library takes it: JSON of a dict (nested dicts join keys with
    '.'), or a "key=value ..." string as given, with keyword keys added (a double underscore
    stands for '.': stlb__entries=64 is stlb.entries=64)."""
    extra = {k.replace("__", "."): v for k, v in keys.items()}
    if isinstance(config, str):
        items = [config] + ["%s=%s" % (k, _text(v)) for k, v in extra.items()]
        return " ".join(i for i in items if i)
    merged = dict(config or {})
    merged.update(extra)
    return json.dumps(merged)


def _text(v):
    return ("on" if v else "off") if isinstance(v, bool) else str(v)


def _access(access):
    if isinstance(access, int) and 0 <= access < len(ACCESSES):
        return access
    try:
        return ACCESSES.index(access)
    except ValueError:
        raise MmusimError("access %r: one of %s" % (access, ", ".join(ACCESSES))) from None


def _shift(size):
    if size in PAGE_SHIFTS.values():
        return size
    if size in PAGE_SHIFTS:
        return PAGE_SHIFTS[size]
    raise MmusimError("page size %r: one of 4k, 2m, 1g (or 12, 21, 30)" % (size,))


def fault_name(code):
    """The name of a fault's code (enum mmu_fault, mmu_pkg::fault_e): "none", "nx", ..."""
    return library().mmu_fault_name(code).decode()


@dataclass(frozen=True)
class Response:
    """A translation's response (struct mmu_response)."""
    paddr: int
    size: str          # "4k", "2m" or "1g"; None on a fault
    fault: str         # "none" or the fault's name (mmu_fault_name)
    error_code: int    # the #PF error code
    level: int         # the leaf's level, or where the walk stopped; 0 if none
    source: str        # "l1", "stlb", "walk" or "none"
    accept_cycle: int
    resp_cycle: int
    id: int

    @property
    def ok(self):
        return self.fault == "none"


def _response(words):
    lib = library()
    w = list(words)
    return Response(paddr=w[0], size=SIZE_OF_SHIFT.get(w[1], str(w[1])),
                    fault=fault_name(w[2]), error_code=w[3], level=w[4],
                    source=lib.mmu_source_name(w[5]).decode(), accept_cycle=w[6],
                    resp_cycle=w[7], id=w[8])


class Mmu:
    """An MMU with its memory.  Every error raises MmusimError with the model's message.

    Mmu({"preset": "champsim", "walkers": 1}), Mmu("preset=embedded stlb.entries=64") and
    Mmu(stlb__entries=64) configure it by the keys of `mmusim run` (`mmusim run --help`
    lists them).  Its page tables start empty and CR3 at 0: map pages, then load_cr3()."""

    def __init__(self, config=None, _rtl_params=None, _mem_latency=20, **keys):
        self._lib = library()
        self._h = None
        err = ctypes.create_string_buffer(600)
        if _rtl_params is not None:
            self._h = self._lib.mmusim_new_rtl(_rtl_params.encode(), _mem_latency, err, len(err))
        else:
            self._h = self._lib.mmusim_new(config_text(config, **keys).encode(), err, len(err))
        if not self._h:
            raise MmusimError(err.value.decode())
        self._callbacks = None
        self._callback_error = None

    @classmethod
    def from_rtl_params(cls, params, mem_latency=20):
        """The MMU of an RTL build: mmu_top's parameters ("StlbEntries=16 Walkers=1 ...", an
        entry of rtl/configs.txt), the others at their defaults, its memory answering each
        walker access mem_latency cycles after it is issued."""
        return cls(_rtl_params=params, _mem_latency=mem_latency)

    def close(self):
        """Frees the model (also done when the object is collected)."""
        if getattr(self, "_h", None):
            self._lib.mmusim_free(self._h)
            self._h = None

    def __del__(self):
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _check(self, rc):
        if self._callback_error is not None:
            e, self._callback_error = self._callback_error, None
            raise e
        if rc < 0:
            raise MmusimError(self._lib.mmusim_error(self._h).decode())
        return rc

    # ---- memory ---------------------------------------------------------------------------
    @property
    def root(self):
        """The page tables' top table: the address to load into CR3."""
        return self._lib.mmusim_root(self._h)

    def map(self, va, pa, size="4k", flags=PTE_RW):
        """Maps the page of `size` ("4k", "2m", "1g") at va to pa, present, with the leaf's
        other flags (PTE_RW, PTE_US, PTE_NX, PTE_G, a key << PTE_PKEY_SHIFT ...)."""
        self._check(self._lib.mmusim_map(self._h, va, pa, _shift(size), flags))

    def unmap(self, va, size="4k"):
        self._check(self._lib.mmusim_unmap(self._h, va, _shift(size)))

    def protect(self, va, size="4k", flags=PTE_RW):
        self._check(self._lib.mmusim_protect(self._h, va, _shift(size), flags))

    def read64(self, pa):
        v = ctypes.c_uint64()
        self._check(self._lib.mmusim_mem_read(self._h, pa, ctypes.byref(v)))
        return v.value

    def write64(self, pa, value):
        self._check(self._lib.mmusim_mem_write(self._h, pa, value))

    def alloc_frame(self):
        """A fresh zeroed 4 KiB frame of the handle's memory."""
        v = ctypes.c_uint64()
        self._check(self._lib.mmusim_alloc_frame(self._h, ctypes.byref(v)))
        return v.value

    def set_memory(self, read, write):
        """Serves the walker's memory from Python: read(paddr) -> int and write(paddr, value).
        An exception in either ends the call that caused the access with that exception (the
        walker sees a bus error).  The MMU starts afresh (CR3 0, arrays empty, counters 0)."""
        def rd(_ctx, pa, out):
            try:
                out[0] = read(pa) & (2**64 - 1)
                return 0
            except BaseException as e:  # (re-raised by _check once the model returns)
                self._callback_error = e
                return -1

        def wr(_ctx, pa, value):
            try:
                write(pa, value)
                return 0
            except BaseException as e:
                self._callback_error = e
                return -1
        callbacks = (READ_FN(rd), WRITE_FN(wr))
        self._check(self._lib.mmusim_set_memory(self._h, callbacks[0], callbacks[1], None))
        self._callbacks = callbacks  # (kept alive while the model may call them)

    # ---- requests -------------------------------------------------------------------------
    def translate(self, va, access="read", user=False, implicit=False, cycle=None):
        """Translates one request to its response (blocking; presented in `cycle`, by default
        the first cycle the MMU can accept it)."""
        words = (ctypes.c_uint64 * RESP_WORDS)()
        c = self.next_free_cycle if cycle is None else cycle
        self._check(self._lib.mmusim_translate(self._h, va, _access(access), int(user),
                                               int(implicit), c, words))
        return _response(words)

    def issue(self, va, access="read", id=0, user=False, implicit=False, cycle=None):
        """Presents a request with ID `id` (section 16); returns the cycle it was accepted."""
        accept = ctypes.c_uint64()
        c = self.next_free_cycle if cycle is None else cycle
        self._check(self._lib.mmusim_issue(self._h, va, _access(access), int(user),
                                           int(implicit), id, c, ctypes.byref(accept)))
        return accept.value

    def advance(self, cycle):
        """Runs the MMU through `cycle`."""
        self._check(self._lib.mmusim_advance(self._h, cycle))

    def poll(self):
        """The oldest response not yet taken, or None."""
        words = (ctypes.c_uint64 * RESP_WORDS)()
        return _response(words) if self._check(self._lib.mmusim_poll(self._h, words)) else None

    def drain(self):
        """Runs until every outstanding request has answered; returns their responses."""
        out = []
        while True:
            r = self.poll()
            if r is not None:
                out.append(r)
                continue
            if not self.outstanding:
                return out
            self.advance(self.next_event)

    @property
    def next_event(self):
        return self._lib.mmusim_next_event(self._h)

    @property
    def next_free_cycle(self):
        return self._lib.mmusim_next_free_cycle(self._h)

    @property
    def outstanding(self):
        return self._lib.mmusim_outstanding(self._h)

    # ---- control operations: each returns the cycle it completed in -----------------------
    def _control(self, op, cycle, value=0, invpcid_type=0, pcid=0, flags=0, pkru=0):
        done = ctypes.c_uint64()
        c = self.next_free_cycle if cycle is None else cycle
        self._check(self._lib.mmusim_control(self._h, op, c, value, invpcid_type, pcid, flags,
                                             pkru, ctypes.byref(done)))
        return done.value

    def load_cr3(self, table=None, pcid=0, noflush=False, cycle=None):
        """Loads CR3 with `table` (by default the page tables' root) and `pcid`."""
        table = self.root if table is None else table
        return self._control(_LOAD_CR3, cycle, table | pcid, pcid=pcid,
                             flags=_NOFLUSH if noflush else 0)

    def invlpg(self, va, cycle=None):
        return self._control(_INVLPG, cycle, va)

    def invpcid(self, type, pcid=0, va=0, cycle=None):
        return self._control(_INVPCID, cycle, va, invpcid_type=type, pcid=pcid)

    def flush_all(self, cycle=None):
        return self._control(_FLUSH_ALL, cycle)

    def set_mode(self, wp=True, nxe=True, cycle=None):
        return self._control(_SET_MODE, cycle, flags=(_WP if wp else 0) | (_NXE if nxe else 0))

    def set_protection(self, smep=False, smap=False, pke=False, ac=False, pkru=0, cycle=None):
        flags = ((_SMEP if smep else 0) | (_SMAP if smap else 0) | (_PKE if pke else 0) |
                 (_AC if ac else 0))
        return self._control(_SET_PROT, cycle, flags=flags, pkru=pkru)

    # ---- figures --------------------------------------------------------------------------
    def stats(self):
        """The counters, as the fields of `mmusim run --json` (references: the requests)."""
        text = take_text(self._lib.mmusim_stats_json(self._h))
        if text is None:
            self._check(-1)
        return json.loads(text)

    def config(self):
        """The effective configuration, every key (`mmusim config --dump`)."""
        text = take_text(self._lib.mmusim_config_json(self._h))
        if text is None:
            self._check(-1)
        return json.loads(text)

    def reset_stats(self):
        self._lib.mmusim_stats_reset(self._h)
