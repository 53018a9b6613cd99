"""mmusim from Python: the cycle-level x86-64 MMU model (one MMU, its memory and page tables,
translations and control operations) and trace studies, over libmmusim_handle.so.

    import mmusim
    with mmusim.Mmu(preset="skylake") as m:
        m.map(0x400000, m.alloc_frame(), "4k", mmusim.PTE_RW)
        m.load_cr3()
        r = m.translate(0x400123, "write")       # Response(paddr=..., source='walk', ...)
        print(m.stats()["dtlb"]["misses"])
    figures = mmusim.run("traces/gzip.lackey.xz", preset="champsim")
    table = mmusim.sweep("traces/gzip.lackey.xz", vary={"stlb.entries": [512, 1536]})
"""
from ._library import MmusimError
from .mmu import (ACCESSES, Mmu, Response, fault_name, PTE_A, PTE_D, PTE_G, PTE_NX, PTE_P, PTE_PCD,
                  PTE_PKEY_SHIFT, PTE_PS, PTE_PWT, PTE_RW, PTE_US)
from .study import run, sweep

__all__ = ["Mmu", "Response", "fault_name", "MmusimError", "run", "sweep", "ACCESSES", "PTE_P", "PTE_RW",
           "PTE_US", "PTE_PWT", "PTE_PCD", "PTE_A", "PTE_D", "PTE_PS", "PTE_G", "PTE_NX",
           "PTE_PKEY_SHIFT"]
__version__ = "0.1.0"
