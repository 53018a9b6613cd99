#!/usr/bin/env python3
"""Proves that the co-simulation catches RTL bugs: applies deliberate one-line faults to copies
of rtl/, builds the lockstep harness on them, and runs a short regression for each fault that
must fail with a mismatch.

    inject_faults.py BUILD_DIR [--only NAME[,NAME...]] [--keep] [--systemc]

The faults of one configuration share one build: each is written into the copy as a choice
made at run time, `(mmu_fault_pkg::sel == K) ? (faulty) : (original)`, around the smallest
expression that holds the change (a bracketed group, or an assignment's right-hand side), and
the environment variable MMUSIM_FAULT selects fault K in a run (0: none). Each build is first
run with no fault selected, every run of every fault, and must pass: a control (a checker that
fails everything would otherwise catch every fault, and a choice written wrongly would change
the RTL). A fault whose change sits where no run-time choice can go (a loop's bounds, a
constant) gets a build of its own with the line simply replaced.

With --systemc, the bench built is the SystemC one (tb/systemc/, verilator --sc), on the faults
in SYSTEMC_FAULTS: one in each of the paths its modules drive and sample (memory port timing,
memory writes, memory errors, responses).

BUILD_DIR is the CMake build, which holds libmmusim.a and libmmusim_trace.a. Prints one line
per build and per fault and a summary; exits 1 if a control fails or any fault goes uncaught
(or a harness fails to build).
"""
import argparse
import re
import os
import shutil
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Configurations of rtl/configs.txt: small, with 4-way STLB sets, one per replacement policy.
TINY, PLRU, FIFO = "faults_lru", "faults_plru", "faults_fifo"
# Configurations with requests in flight.
NB_TINY, WALKERS4 = "nb_tiny", "walkers4"
# The studies' champsim preset: set-associative paging-structure caches.
CHAMPSIM = "champsim"

# The faults the SystemC bench is tried on.
SYSTEMC_FAULTS = ["stlb-latency-off-by-one", "accessed-bit-not-written", "2m-offset-mask",
                  "lru-wrong-victim", "bus-error-ignored-on-read"]

# The runs that try a fault, in order, until one fails: directed scenarios, then random traffic
# on a fixed and on a slow memory.
RUNS = [["--stim", "directed"], ["--stim", "random", "--requests", "20000", "--seed", "5"],
        ["--stim", "random", "--requests", "20000", "--seed", "6", "--mem", "slow"]]
# A fault in the handling of bus errors: random traffic on a memory that answers with errors.
ERRORS = [["--stim", "random", "--requests", "20000", "--seed", "7", "--mem", "errors"]]

# (name, file, original text, faulty text, configuration of rtl/configs.txt[, runs]): each a
# plausible one-line bug, tried with RUNS unless it names its own.
FAULTS = [
    ("lru-wrong-victim", "mmu_repl_lru.sv",
     "if (query_row[w*WayW +: WayW] == WayW'(NumWays - 1)) victim_o = WayW'(w);",
     "if (query_row[w*WayW +: WayW] == '0) victim_o = WayW'(w);", TINY),
    ("plru-inverted-bit", "mmu_repl_plru.sv",
     "touched[n / 2] = (n % 2 == 0);", "touched[n / 2] = (n % 2 != 0);", PLRU),
    ("fifo-pointer-stuck", "mmu_repl_fifo.sv",
     "(ptr == WayW'(NumWays - 1)) ? '0 : ptr + 1'b1;",
     "(ptr == WayW'(NumWays - 1)) ? ptr : ptr + 1'b1;", FIFO),
    ("stlb-latency-off-by-one", "mmu_miss_queue.sv",
     "probe_me ? CountW'(StlbLatency - 2) :", "probe_me ? CountW'(StlbLatency - 1) :",
     "default"),
    ("global-bit-ignored", "mmu_tlb.sv",
     "(glb_q[i] || pcid_q[i] == pcid)", "(pcid_q[i] == pcid)", "default"),
    ("accessed-bit-not-written", "mmu_walker.sv",
     "need_wb = !e.a ||", "need_wb = 1'b0 ||", "default"),
    ("2m-offset-mask", "mmu_pkg.sv",
     "                             va[PageShift2m-1:0]};",
     "                             {9'b0, va[PageShift4k-1:0]}};", "default"),
    ("invlpg-keeps-stlb-2m", "mmu_top.sv",
     "(ctrl_q == CExec && inv_addr || ctrl_q == CStlb4k) &&", "(ctrl_q == CExec && inv_addr) &&",
     "default"),
    ("nx-not-reserved-without-nxe", "mmu_pkg.sv",
     "if (!nxe) rsvd[PteBitNx] = 1'b1;", "if (1'b0) rsvd[PteBitNx] = 1'b1;", "default"),
    ("psc-shallowest-hit", "mmu_walker.sv",
     "for (int i = NumPscs - 1; i >= 0; i--) begin", "for (int i = 0; i < NumPscs; i++) begin",
     "default"),
    ("wp-ignored", "mmu_pkg.sv",
     "!rights[2] && (user || mode[ModeWp])", "!rights[2] && (user)", "default"),
    ("page-size-on-miss-fault", "mmu_top.sv",
     "assign mresp_size_o   = ml_ok ? ml_size : 2'(mmu_pkg::Size4k);",
     "assign mresp_size_o   = ml_size;", "default"),
    # Caught only by the counters compared at the end of a run.
    ("eviction-counted-as-fill", "mmu_tlb.sv",
     "assign evicted_o  = fill_evict;", "assign evicted_o  = fill_i && Enabled;", TINY),
    ("psc-fill-not-counted", "mmu_psc.sv",
     "assign filled_o   = fill_i && Enabled;", "assign filled_o   = 1'b0;", "default"),
    ("walker-busy-start-uncounted", "mmu_top.sv",
     "flight_events[1 + w] = w_start[w] || !w_free[w];",
     "flight_events[1 + w] = !w_free[w];", "default"),
    ("latency-bucket-boundary", "mmu_top.sv",
     "if (ml_latency >= (64'd1 << k)) ml_bucket", "if (ml_latency > (64'd1 << k)) ml_bucket",
     "default"),
    ("queue-full-counts-not-ready", "mmu_top.sv",
     "flight_events[0] = HitUnderMiss != 0 && !req_room;",
     "flight_events[0] = HitUnderMiss != 0 && !req_ready_o;", "default"),
    ("walks-peak-follows-current", "mmu_top.sv",
     "else if (walks_now > walks_peak_q) walks_peak_q", "else if (walks_now != walks_peak_q) walks_peak_q",
     NB_TINY),
    # Bits above the leaf that only the directed sweep of every bit at every level sets.
    ("ps-allowed-in-pdpte", "mmu_pkg.sv",
     "if (level == LevelPdpt && !pdpe1gb) rsvd[PteBitPs]", "if (1'b0) rsvd[PteBitPs]", "nopsc"),
    ("nx-above-leaf-ignored", "mmu_walker.sv",
     "rights_q.nx || e.nx};", "e.nx};", "default"),
    ("dirty-not-required-on-l1-hit", "mmu_top.sv",
     "assign l1_clean     = l1_found && !l1_fault_any && write && !l1_dirty[fetch];",
     "assign l1_clean     = 1'b0;", "default"),
    # The state reset leaves: seen only by requests made before any control operation (the
    # directed stimulus's first), in a configuration whose reset values are the defaults and in
    # one whose are not.
    ("reset-wp-inverted", "mmu_ctrl.sv", "{WpReset, NxeReset, SmepReset",
     "{!WpReset, NxeReset, SmepReset", "lru12"),
    ("reset-nxe-inverted", "mmu_ctrl.sv", "{WpReset, NxeReset, SmepReset",
     "{WpReset, !NxeReset, SmepReset", "default"),
    ("reset-smep-ignored", "mmu_ctrl.sv", "SmepReset, SmapReset, PkeReset, 1'b0, PkruReset}",
     "1'b0, SmapReset, PkeReset, 1'b0, PkruReset}", "lru12"),
    ("reset-pkru-ignored", "mmu_ctrl.sv", "PkeReset, 1'b0, PkruReset}", "PkeReset, 1'b0, 32'h0}",
     "lru12"),
    ("reset-pcid-not-zero", "mmu_ctrl.sv", "pcid_q     <= '0;", "pcid_q     <= 12'd1;", TINY),
    ("reset-cr3-not-zero", "mmu_ctrl.sv", "cr3_base_q <= '0;", "cr3_base_q <= '1;", TINY),
    # The request's ID: the hit lane's answer given the ID on the request port (the harness
    # changes the ID pins while no request is presented, and presents the next request while
    # the MMU is busy).
    ("resp-id-from-port", "mmu_top.sv", "assign resp_id_o     = l1_id_q;",
     "assign resp_id_o     = req_id_i;", "default"),
    # Bus errors (docs/ARCHITECTURE.md 16.5): seen only with a memory that answers with errors,
    # so these run on the "errors" profile first.
    ("bus-error-ignored-on-read", "mmu_walker.sv",
     "WRdWait: begin\n        if (mem_rsp_valid_i && mem_rsp_err_i) begin",
     "WRdWait: begin\n        if (1'b0) begin", "default", ERRORS),
    ("bus-error-ignored-on-write", "mmu_walker.sv",
     "WWrWait: begin\n        if (mem_rsp_valid_i && mem_rsp_err_i) begin",
     "WWrWait: begin\n        if (1'b0) begin", TINY, ERRORS),
    ("bus-error-has-pf-code", "mmu_top.sv", "        f != mmu_pkg::FaultBusError)\n",
     "        1'b1)\n", "default", ERRORS),
    ("bus-error-keeps-psc", "mmu_top.sv", "if (ml && !ml_ok && ml_walked) begin",
     "if (ml && !ml_ok && ml_walked && ml_fault != mmu_pkg::FaultBusError) begin", TINY, ERRORS),
    # Requests in flight (docs/ARCHITECTURE.md 16): merging, the secondaries' check, the
    # selections of the oldest entry, the STLB's read port and kept matches, the memory port's
    # arbiter and tags, back-pressure, the control operation's drain, IDs, set-bits writes. Tried
    # on nb_tiny (2 walkers, 2 entries, tiny arrays) or walkers4 (4 walkers, 16 entries).
    ("merge-ignores-page-bit", "mmu_miss_queue.sv",
     "va_q[i][mmu_pkg::VaBits-1:mmu_pkg::PageShift4k] ==\n"
     "                        new_va_i[mmu_pkg::VaBits-1:mmu_pkg::PageShift4k];",
     "va_q[i][mmu_pkg::VaBits-1:mmu_pkg::PageShift4k+1] ==\n"
     "                        new_va_i[mmu_pkg::VaBits-1:mmu_pkg::PageShift4k+1];", NB_TINY),
    ("merge-into-ready", "mmu_miss_queue.sv",
     "assign primary = probe_wait_q | probing_q | waiting_q | walking_q;",
     "assign primary = probe_wait_q | probing_q | waiting_q | walking_q | ready_q;",
     "default"),
    ("secondary-write-ignores-dirty", "mmu_miss_queue.sv",
     "(access != 2'(mmu_pkg::AccWrite) || r_dirty);", "1'b1;", WALKERS4),
    ("heir-takes-no-matches", "mmu_miss_queue.sv", "inherit_o = heir_of[0] | heir_of[1];",
     "inherit_o = '0;", WALKERS4),
    ("oldest-is-highest-entry", "mmu_miss_queue.sv",
     "if (set[i] && (older_q[i] & set) == '0) oldest = IdxW'(i);",
     "if (set[i]) oldest = IdxW'(i);", WALKERS4),
    ("miss-lane-a-cycle-late", "mmu_miss_queue.sv",
     "ready = ready_q | (ans_known ? bit_of(ans_idx_o) : '0) |",
     "ready = ready_q | '0 |", NB_TINY),
    ("probe-over-2m-read", "mmu_miss_queue.sv", "    if (probed_q) begin\n      rd_o = 1'b1;",
     "    if (1'b0) begin\n      rd_o = 1'b1;", NB_TINY),
    ("slot-misses-own-fill", "mmu_stlb.sv",
     "if (fill_size == 2'(z) && fill_vpn == vpn && fill_global_i == (k == 1))",
     "if (1'b0)", WALKERS4),
    ("slot-misses-clear", "mmu_stlb.sv",
     "if (clr[c] && clr_set[c*SetW +: SetW] == set && clr_mask[c*Ways + 32'(way)])",
     "if (1'b0)", WALKERS4),
    ("arbiter-lower-walker-first", "mmu_mem_arbiter.sv",
     "older[w*Walkers + v] = waiting_q[w] ? waiting_q[v] && older_q[w*Walkers + v]",
     "older[w*Walkers + v] = 1'b1 ? v < w", WALKERS4),
    ("response-to-walker-0", "mmu_mem_arbiter.sv", "rsp_valid_o[mem_rsp_tag_i] = mem_rsp_valid_i;",
     "rsp_valid_o[0] = mem_rsp_valid_i;", NB_TINY),
    ("ready-ignores-new-miss", "mmu_top.sv",
     "assign req_room  = HitUnderMiss != 0 ? free_count > OpenW'(hl_miss) : drained;",
     "assign req_room  = HitUnderMiss != 0 ? free_count > 0 : drained;", NB_TINY),
    ("control-without-drain", "mmu_top.sv", "assign ctrl_ready_o = drained && ctrl_free;",
     "assign ctrl_ready_o = ctrl_free;", NB_TINY),
    ("miss-lane-wrong-id", "mmu_miss_queue.sv", "assign ml_id_o     = id_q[ml_idx_o];",
     "assign ml_id_o     = id_q[ans_idx_o];", NB_TINY),
    ("set-bits-without-dirty", "mmu_walker.sv",
     "{57'b0, leaf_q && access_q == mmu_pkg::AccWrite, 6'b100000};", "{57'b0, 1'b0, 6'b100000};",
     NB_TINY),
    # (A fill and a touch of one set in one cycle with the fill's way not the touched one: rare
    # in 20,000 requests; seed 1's random run has one since the protection stimulus, 5's and 6's
    # before it.)
    ("fill-touch-forgets-lookup", "mmu_repl_lru.sv",
     "touched((touch_i && touch_set_i == fill_set_i)", "touched((1'b0)", WALKERS4,
     RUNS + [["--stim", "random", "--requests", "20000", "--seed", "1"]]),
    # SMEP, SMAP and protection keys (docs/ARCHITECTURE.md section 2): the checks, the state
    # the set-protection operation sets, the implicit flag on its way to each check, the key on
    # its way from the leaf through the TLBs, and the error code's PK bit.
    ("smep-ignored", "mmu_pkg.sv", "access == 2'(mmu_pkg::AccFetch) && mode[ModeSmep]",
     "access == 2'(mmu_pkg::AccFetch) && 1'b0", "default"),
    ("smap-ignores-ac", "mmu_pkg.sv", "(implicit || !mode[ModeAc])", "(1'b1)", "default"),
    ("smap-on-user-access", "mmu_pkg.sv",
     "!user && rights[1] && access != 2'(mmu_pkg::AccFetch) && mode[ModeSmap]",
     "rights[1] && access != 2'(mmu_pkg::AccFetch) && mode[ModeSmap]", "default"),
    ("implicit-lost-by-walker", "mmu_walker.sv", "{va_i, access_i, user_i, implicit_i, pcid_i}",
     "{va_i, access_i, user_i, 1'b0, pcid_i}", "default"),
    ("implicit-lost-by-l1", "mmu_top.sv", "l1_implicit_q <= req_implicit_i;",
     "l1_implicit_q <= 1'b0;", "default"),
    ("pk-ignores-write-disable", "mmu_pkg.sv", "(kbits[1] && access == 2'(mmu_pkg::AccWrite) &&",
     "(1'b0 && access == 2'(mmu_pkg::AccWrite) &&", "default"),
    ("pk-on-fetch", "mmu_pkg.sv", "mode[ModePke] && us && access != 2'(mmu_pkg::AccFetch) &&",
     "mode[ModePke] && us &&", "default"),
    ("pk-index-not-doubled", "mmu_pkg.sv", "kbits = 2'(mode[31:0] >> {pkey, 1'b0});",
     "kbits = 2'(mode[31:0] >> pkey);", "default"),
    ("pkey-not-kept-in-tlb", "mmu_tlb.sv", "assign lk_rights_o = {hit_row.pkey,",
     "assign lk_rights_o = {4'b0,", "default"),
    ("pkey-from-wrong-bits", "mmu_walker.sv", "mem_rsp_rdata_i[mmu_pkg::PteKeyLsb +: 4]",
     "mem_rsp_rdata_i[mmu_pkg::PteKeyLsb - 1 +: 4]", "default"),
    ("pk-bit-only-on-pk-fault", "mmu_top.sv", "assign ml_pk = mmu_pkg::is_perm_fault(ml_fault) &&",
     "assign ml_pk = ml_fault == mmu_pkg::FaultPk &&", "default"),
    ("set-prot-keeps-ac", "mmu_ctrl.sv", "mode_d.ac = mode_i.ac;", "mode_d.ac = mode_q.ac;",
     "default"),
    ("set-prot-keeps-pkru", "mmu_ctrl.sv", "mode_d.pkru = mode_i.pkru;",
     "mode_d.pkru = mode_q.pkru;", "default"),
    # 5-level paging (docs/ARCHITECTURE.md sections 1, 3 and 7), on the La57 configurations:
    # the walk's first level, the PML5 index, the canonical checks of a request and of INVLPG,
    # PS in a PML5E, the 57-bit tags, and the PML5E cache's fills and counters.
    ("la57-walk-starts-at-pml4", "mmu_walker.sv", "level_d = TopLevel;",
     "level_d = mmu_pkg::LevelPml4;", "lru12"),
    ("pml5-index-bits", "mmu_pkg.sv", "LevelPml5: pte_index = va[56:48];",
     "LevelPml5: pte_index = va[55:47];", "lru12"),
    ("la57-canonical-at-bit-47", "mmu_pkg.sv", "la57 ? (va[63:56] == '0 || va[63:56] == '1)",
     "la57 ? (va[63:47] == '0 || va[63:47] == '1)", "lru12"),
    ("request-canonical-4-level", "mmu_top.sv",
     "assign canonical = mmu_pkg::va_canonical(l1_vaddr_q, La57);",
     "assign canonical = mmu_pkg::va_canonical(l1_vaddr_q, 1'b0);", "lru12"),
    ("invlpg-canonical-4-level", "mmu_ctrl.sv",
     "assign canonical = mmu_pkg::va_canonical(value_i, La57);",
     "assign canonical = mmu_pkg::va_canonical(value_i, 1'b0);", "lru12"),
    ("ps-allowed-in-pml5e", "mmu_pkg.sv", "if (level == LevelPml5 || level == LevelPml4) rsvd",
     "if (level == LevelPml4) rsvd", "lru12"),
    ("vpn-tags-48-bits", "mmu_pkg.sv", "vpn_4k = va[VaBits-1:PageShift4k];",
     "vpn_4k = {9'b0, va[47:PageShift4k]};", "lru12"),
    ("pml5e-cache-never-filled", "mmu_walker.sv",
     "if (level_q != TopLevel) psc_fill[psc_idx] = fill_q;",
     "if (level_q != TopLevel && psc_idx != 2'd3) psc_fill[psc_idx] = fill_q;", WALKERS4),
    ("pml5e-hit-not-counted", "mmu_top.sv",
     "events[mmu_pkg::CntPscPml5eHits]   = walk_psc_hit[3];",
     "events[mmu_pkg::CntPscPml5eHits]   = 1'b0;", WALKERS4),
    ("pml5e-eviction-not-counted", "mmu_top.sv",
     "events[mmu_pkg::CntPscPml5eEvictions] = walk_psc_evict[3];",
     "events[mmu_pkg::CntPscPml5eEvictions] = 1'b0;", WALKERS4),
    # 1 GiB pages (docs/ARCHITECTURE.md sections 1 and 4): the leaf at level 3, its reserved
    # bits, its offset, the fractions (an L1 TLB without a 1 GiB array, an STLB without one), the
    # STLB's 1 GiB array (read with the 4 KiB set, filled, cleared by INVLPG and by a fault), the
    # level reported.
    ("1g-pdpte-not-a-leaf", "mmu_pkg.sv", "(level == LevelPdpt && pdpe1gb && e[PteBitPs]);",
     "(1'b0);", "default"),
    ("1g-reserved-mask-of-2m", "mmu_pkg.sv",
     "if (level == LevelPdpt && pdpe1gb && e[PteBitPs]) rsvd = rsvd | Pdpte1gRsvdMask;",
     "if (level == LevelPdpt && pdpe1gb && e[PteBitPs]) rsvd = rsvd | Pde2mRsvdMask;", "default"),
    ("1g-offset-mask", "mmu_pkg.sv", "                             va[PageShift1g-1:0]};",
     "                             {9'b0, va[PageShift2m-1:0]}};", "default"),
    ("1g-level-from-size-bit-0", "mmu_pkg.sv", "level_of_size = 3'(sz) + 3'd1;",
     "level_of_size = 3'(sz[0]) + 3'd1;", "default"),
    ("l1-fraction-answers-2m", "mmu_l1_tlb.sv",
     "size_o = frac[z] ? 2'(mmu_pkg::Size1g) : 2'(z);", "size_o = 2'(z);", "default"),
    ("l1-takes-stlb-fraction-whole", "mmu_l1_tlb.sv",
     "(Entries1g == 0 || fill_frac_i);", "(Entries1g == 0);", "fifo"),
    ("stlb-fraction-answers-2m", "mmu_stlb.sv",
     "assign ans_size_o   = ans.frac ? 2'(mmu_pkg::Size1g) : ans_z;",
     "assign ans_size_o   = ans_z;", "tiny"),
    ("stlb-1g-read-with-2m-set", "mmu_stlb.sv",
     "assign rd1g = rd_i && rd_size_i == 2'(mmu_pkg::Size4k);",
     "assign rd1g = rd_i && rd_size_i == 2'(mmu_pkg::Size2m);", "default"),
    ("stlb-1g-never-filled", "mmu_stlb.sv",
     "assign fill_1g    = fill_i && fill_size_i == 2'(mmu_pkg::Size1g) && Enabled1g;",
     "assign fill_1g    = fill_i && fill_size_i == 2'(mmu_pkg::Size1g) && 1'b0;", "default"),
    ("invlpg-keeps-stlb-1g", "mmu_stlb.sv", "assign inv_addr1g = cmp1g_q && cmp_inv_q;",
     "assign inv_addr1g = 1'b0;", "default"),
    ("fault-keeps-stlb-1g", "mmu_stlb.sv", "assign clr1g      = clr_i || inv_addr1g;",
     "assign clr1g      = inv_addr1g;", "default"),
    # The STLB marking a 2 MiB page as a fraction (its main array holds none beside a 1 GiB
    # array: mmu_tlb's a_fill_size_held), and a faulting miss answering with its page's size.
    ("stlb-2m-filled-as-fraction", "mmu_stlb.sv",
     "assign fill_frac  = fill_size_i == 2'(mmu_pkg::Size1g);",
     "assign fill_frac  = fill_size_i != 2'(mmu_pkg::Size4k);", "default"),
    ("fault-answers-page-size", "mmu_top.sv",
     "assign mresp_size_o   = ml_ok ? ml_size : 2'(mmu_pkg::Size4k);",
     "assign mresp_size_o   = ml_size;", "default"),
    # A set-associative page-walk cache filling the set of the wrong VA bits.
    ("psc-fill-wrong-set", "mmu_psc.sv", "assign fill_set = fill_va_i[Shift +: SetW];",
     "assign fill_set = fill_va_i[Shift + 1 +: SetW];", CHAMPSIM),
    # A memory request valid only while the memory is ready: an input's path to an output the
    # contract does not have (the Verilator harness's check of its one evaluation a cycle).
    ("valid-waits-for-ready", "mmu_mem_arbiter.sv", "assign mem_req_valid_o   = any;",
     "assign mem_req_valid_o   = any && mem_req_ready_i;", NB_TINY),
]


# The run-time choice of fault: a package variable that mmu_top's initial block reads from
# MMUSIM_FAULT through DPI (written into each shared build's copy of rtl/).
SELECTOR_PKG = """// Written by tb/cosim/inject_faults.py: the fault a run selects (0: none).
package mmu_fault_pkg;
  import "DPI-C" function int mmu_fault_selected();
  int sel;
endpackage
"""
SELECTOR_INIT = "  initial mmu_fault_pkg::sel = mmu_fault_pkg::mmu_fault_selected();\n"
SELECTOR_CPP = """// Written by tb/cosim/inject_faults.py: the fault a run selects, from MMUSIM_FAULT.
#include <cstdlib>
extern "C" int mmu_fault_selected() {
  const char* s = std::getenv("MMUSIM_FAULT");
  return s ? std::atoi(s) : 0;
}
"""
OPEN, CLOSE = "([{", ")]}"


def code_mask(src):
    """Per character of `src`: True where it is code, False in comments and strings."""
    mask = [True] * len(src)
    i = 0
    while i < len(src):
        if src.startswith("//", i) or src.startswith("/*", i):
            end = src.find("\n" if src[i + 1] == "/" else "*/", i + 2)
            end = len(src) if end < 0 else end + (0 if src[i + 1] == "/" else 2)
        elif src[i] == '"':
            end = i + 1
            while end < len(src) and src[end] != '"':
                end += 2 if src[end] == "\\" else 1
            end += 1
        else:
            i += 1
            continue
        mask[i:end] = [False] * (end - i)
        i = end
    return mask


def flat(text):
    """`text` with comments and strings blanked and every bracketed group's inside blanked (its
    brackets kept): what is left is `text`'s top level. None if its brackets do not balance."""
    mask = code_mask(text)
    out, depth = [], 0
    for ch, code in zip(text, mask):
        if not code:
            out.append(" ")
            continue
        if ch in CLOSE:
            depth -= 1
            if depth < 0:
                return None
        out.append(ch if depth == 0 else " ")
        if ch in OPEN:
            depth += 1
    return "".join(out) if depth == 0 else None


def is_expression(text):
    """Whether `text` reads as one expression: balanced, and no statement, list or range at its
    top level (no ';', ',', a ':' without its '?', keyword of a statement or event)."""
    top = flat(text)
    top = top.replace("::", "  ") if top is not None else None  # package scopes
    return (top is not None and text.strip() != "" and not re.search(r"[;,]", top) and
            top.count("?") == top.count(":") and not re.search(
                r"\b(begin|end|if|else|case|for|posedge|negedge|assign)\b", top))


def assignment_rhs(src, mask, pairs, lo, hi):
    """The right-hand side [start, end) of the assignment whose right-hand side holds [lo, hi)
    of `src` at its top level, or None."""
    back = {c: o for o, c in pairs.items()}
    i, seg = lo - 1, []  # seg: the statement's top level before lo, from lo backwards
    while i >= 0:
        if not mask[i]:
            seg.append(" ")
        elif src[i] in CLOSE:
            if i not in back:
                return None
            seg.append(" " * (i - back[i] + 1))
            i = back[i]
        elif src[i] == ";":
            break
        elif src[i] in OPEN:
            if pairs.get(i, len(src)) >= hi:
                return None  # [lo, hi) is inside a group: not an assignment's top level
            seg.append(src[i])  # a group that [lo, hi) leaves
        else:
            seg.append(src[i])
        i -= 1
    start = i + 1
    seg = "".join(seg)[::-1]
    kw = [m.end() for m in re.finditer(r"\b(begin|end|else|endcase|assign)\b", seg)]
    first = kw[-1] if kw else 0
    # Only the top level counts: seg still holds the inside of the groups that [lo, hi) leaves.
    depth, top = 0, []
    for ch in seg:
        depth -= ch in CLOSE
        top.append(ch if depth == 0 else " ")
        depth += ch in OPEN
    seg = "".join(top)
    questions = 0  # a ':' with no '?' before it in the statement ends a case label
    for j in range(first, len(seg)):
        if seg[j] == "?":
            questions += 1
        elif seg[j] == ":" and seg[j + 1:j + 2] != ":" and seg[j - 1:j] != ":":
            if questions:
                questions -= 1
            else:
                first = j + 1
    for j in range(first, len(seg)):
        nxt, prev = seg[j + 1:j + 2], seg[j - 1:j] if j else ""
        if seg[j] == "<" and nxt == "=" and seg[j + 2:j + 3] != "=" and prev != "<":
            op_end = j + 2
        elif seg[j] == "=" and nxt != "=" and prev not in "=!<>+-*/&|^%~:":
            op_end = j + 1
        else:
            continue
        end = hi
        while end < len(src) and not (mask[end] and src[end] == ";"):
            if mask[end] and src[end] in OPEN:
                if end not in pairs:
                    return None
                end = pairs[end]
            elif mask[end] and src[end] in CLOSE and back.get(end, -1) < start:
                return None  # the end of a group around the assignment
            end += 1
        return (start + op_end, end) if end < len(src) else None
    return None


def selectable(src, orig, bad, k):
    """`src` with the change from `orig` to `bad` (found once in it) written as a run-time
    choice, taken when mmu_fault_pkg::sel is k; None where no expression holds the change."""
    at = src.find(orig)
    p = 0
    while p < min(len(orig), len(bad)) and orig[p] == bad[p]:
        p += 1
    s = 0
    while s < min(len(orig), len(bad)) - p and orig[-1 - s] == bad[-1 - s]:
        s += 1
    lo, hi, mid = at + p, at + len(orig) - s, bad[p:len(bad) - s]
    mask = code_mask(src)
    pairs, stack = {}, []
    for i, ch in enumerate(src):
        if mask[i] and ch in OPEN:
            stack.append(i)
        elif mask[i] and ch in CLOSE and stack:
            pairs[stack.pop()] = i
    choice = "(mmu_fault_pkg::sel == %d) ? " % k
    # The innermost bracketed group around the change that is one expression...
    for o in sorted((o for o, c in pairs.items() if o < lo and c >= hi), reverse=True):
        c = pairs[o]
        inner, faulty = src[o + 1:c], src[o + 1:lo] + mid + src[hi:c]
        before = src[:o].rstrip()[-1:]
        if src[o] == "{":
            after = src[c + 1:].lstrip()
            if (before.isalnum() or before in "_'}" or re.match(r"(<=|=(?!=))", after) or
                    flat("{" + faulty + "}") is None):
                continue
            return src[:o] + "(%s{%s} : {%s})" % (choice, faulty, inner) + src[c + 1:]
        if before in "#@" or not (is_expression(inner) and is_expression(faulty)):
            continue
        return src[:o + 1] + "%s(%s) : (%s)" % (choice, faulty, inner) + src[c:]
    # ... or the right-hand side of the assignment that holds it.
    rhs = assignment_rhs(src, mask, pairs, lo, hi)
    if rhs:
        a, b = rhs
        inner, faulty = src[a:b], src[a:lo] + mid + src[hi:b]
        if is_expression(inner) and is_expression(faulty):
            return src[:a] + " %s(%s) : (%s)" % (choice, faulty.strip(), inner.strip()) + src[b:]
    return None


def config_params(name):
    """The parameters of configuration `name` of rtl/configs.txt, as "Name=Value,..."."""
    for line in open(os.path.join(TOP, "rtl", "configs.txt")):
        words = line.split()
        if words and not words[0].startswith("#") and words[0] == name:
            return ",".join(words[2:])
    sys.exit("inject_faults.py: no configuration '%s' in rtl/configs.txt" % name)


def rtl_files(rtl, selector=False):
    """rtl/mmu.f's files (sources and lint waivers), in the copy of rtl/ at `rtl` (whose
    include path the build gives with -I); with selector, the fault selector's package first."""
    files = [os.path.join(rtl, os.path.relpath(f.strip(), "rtl"))
             for f in open(os.path.join(TOP, "rtl", "mmu.f")) if f.strip() and f[0] != "+"]
    return ([os.path.join(rtl, "mmu_fault_pkg.sv")] if selector else []) + files


# The objects that do not depend on the RTL (the bench's common code and Verilator's runtime),
# compiled by the first build and copied into each later one's object directory so that make
# finds them up to date: each fault then compiles only its Verilated model and the bench's main
# (docs/PERFORMANCE.md, "The fault-injection test's builds").
SHARED_OBJS = {}  # systemc flag -> directory holding them


# ccache (if installed) for the Verilated model's own files: a one-line fault changes the few
# files that hold the logic it touches (about 40% of the C++ of the default configuration), and
# the others come from the cache of the builds before it. One cache a run, removed at its end;
# paths are hashed relative to the temporary directory, which holds every build's work folder.
CCACHE = {}


def ccache_env():
    """The environment of a build: with ccache's settings if it is installed."""
    env = dict(os.environ)
    if shutil.which("ccache"):
        if "dir" not in CCACHE:
            CCACHE["dir"] = tempfile.mkdtemp(prefix="mmusim-fault-ccache-")
        env.update(CCACHE_DIR=CCACHE["dir"], CCACHE_BASEDIR=tempfile.gettempdir(),
                   CCACHE_NOHASHDIR="1")
    return env


def remove_caches():
    """Removes the shared objects' and ccache's directories of this run (at its end)."""
    for cache in list(SHARED_OBJS.values()) + list(CCACHE.values()):
        shutil.rmtree(cache, ignore_errors=True)
    SHARED_OBJS.clear()
    CCACHE.clear()


def shared_objs(obj, systemc, keep):
    """Copies the shared objects into `obj` (before a build), or keeps `obj`'s (after the
    first one, with keep)."""
    cache = SHARED_OBJS.get(systemc)
    if keep and cache is None:
        cache = tempfile.mkdtemp(prefix="mmusim-fault-objs-")
        for f in os.listdir(obj):
            if f.endswith(".o") and not f.startswith("Vmmu_top") and "_main" not in f:
                shutil.copy2(os.path.join(obj, f), cache)
        SHARED_OBJS[systemc] = cache
    elif not keep and cache is not None:
        os.makedirs(obj, exist_ok=True)
        for f in os.listdir(cache):
            shutil.copy(os.path.join(cache, f), obj)  # a new time: newer than its source


def build(rtl, config, work, systemc, selector=False):
    params = config_params(config)
    # (Quoted for the shell that make runs the compiler in: a sized literal such as 1'b1 holds a
    # quote.)
    quoted = params.replace("'", "'\\''")
    libs = " ".join(os.path.join(BUILD, l) for l in ("libmmusim_trace.a", "libmmusim.a"))
    name = "sc_rtl_inject" if systemc else "cosim_inject"
    cflags = ("-std=c++17 -I%s/include -I%s/study/include -I%s/tb/common -I%s/tb/systemc "
              "-DCOSIM_NAME='\"inject\"' -DCOSIM_PARAMS='\"%s\"' -DSC_RTL_NAME='\"inject\"' "
              "-DSC_RTL_PARAMS='\"%s\"' -DMMUSIM_SOURCE_DIR='\"%s\"'" % (TOP, TOP, TOP, TOP, quoted, quoted, TOP))
    ldlibs = libs + " -lz -llzma" + (" -lsystemc" if systemc else "")
    main = "tb/systemc/sc_rtl_main.cpp" if systemc else "tb/cosim/cosim_main.cpp"
    gargs = ["-G" + p for p in params.split(",") if p]
    # OPT_FAST=-O1: the model compiles in 12 s instead of -Os's 20 and runs as fast.
    makeflags = ["-MAKEFLAGS", "OPT_FAST=-O1"]
    if shutil.which("ccache"):
        makeflags += ["-MAKEFLAGS", "OBJCACHE=ccache"]
    cmd = (["verilator", "--sc" if systemc else "--cc", "--exe", "--build", "-j", "2", "-O1"] +
           makeflags + [
            "--x-assign", "fast", "--x-initial", "fast", "--assert", "-Wno-fatal", "--trace-fst",
            "--top-module", "mmu_top", "--prefix", "Vmmu_top", "-Mdir", os.path.join(work, "obj"),
            "-I" + rtl, "-CFLAGS", cflags, "-LDFLAGS", ldlibs, "-o", name] + gargs +
           rtl_files(rtl, selector) + [os.path.join(TOP, main),
            os.path.join(TOP, "tb/common/stimulus.cpp"), os.path.join(TOP, "tb/common/lockstep.cpp"),
            os.path.join(TOP, "tb/common/coverage.cpp")] +
           ([os.path.join(rtl, "mmu_fault_selector.cpp")] if selector else []))
    obj = os.path.join(work, "obj")
    shared_objs(obj, systemc, keep=False)
    r = subprocess.run(cmd, cwd=work, capture_output=True, text=True, env=ccache_env())
    if r.returncode:
        sys.stderr.write(r.stdout[-3000:] + r.stderr[-3000:])
        return None
    shared_objs(obj, systemc, keep=True)
    return os.path.join(obj, name)


def caught(binary, work, runs, fault=0):
    """Runs `runs` in order on `binary` with fault `fault` selected, until one fails: (its first
    MISMATCH line, the run) if the checker caught it, else (None, why or None)."""
    env = dict(os.environ, MMUSIM_FAULT=str(fault))
    for args in runs:
        r = subprocess.run([binary, "--no-auto-wave", "--quiet"] + args, cwd=work,
                           capture_output=True, text=True, timeout=600, env=env)
        if r.returncode != 0:
            # Caught only if the checker said so: a crash or a refused run is not a catch.
            first = [l for l in r.stderr.splitlines() if "MISMATCH" in l]
            if not first:
                return None, "exit %d without a MISMATCH line: %s" % (r.returncode,
                                                                       r.stderr.strip()[-200:])
            return first[0], " ".join(args)
    return None, None


def fresh_copy():
    """A work folder holding a copy of rtl/: (folder, its rtl/)."""
    work = tempfile.mkdtemp(prefix="mmusim-fault-")
    rtl = os.path.join(work, "rtl")
    shutil.copytree(os.path.join(TOP, "rtl"), rtl)
    return work, rtl


def runs_of(fault):
    return fault[5] if len(fault) > 5 else RUNS


def try_fault(name, binary, work, runs, t0, fault=0):
    """Runs a fault's runs and prints its line; True if it was caught."""
    line, how = caught(binary, work, runs, fault)
    if line:
        print("fault %-30s caught (%s, %.0fs): %s" % (name, how, time.time() - t0, line[:230]))
    else:
        print("fault %-30s MISSED: %s" % (name, how or "every run passed"))
    sys.stdout.flush()
    return bool(line)


def shared_build(config, pending, systemc, keep):
    """Builds configuration `config` with as many of the `pending` faults as can share it, each
    a run-time choice, checks that it passes every run with none selected, then tries each.
    Returns (faults caught, faults tried, faults left for another shared build, faults that
    need a build of their own); a failed control counts every chosen fault as missed."""
    work, rtl = fresh_copy()
    sources, chosen, later, alone, tried = {}, [], [], [], 0
    for fault in pending:
        name, fname, orig, bad = fault[:4]
        path = os.path.join(rtl, fname)
        text = sources.get(fname) or open(path).read()
        if text.count(orig) != 1:
            if open(path).read().count(orig) != 1:
                print("fault %-30s NOT APPLIED: the original line is not in %s exactly once"
                      % (name, fname))
                tried += 1
            else:
                later.append(fault)  # it overlaps a fault already chosen
            continue
        new = selectable(text, orig, bad, len(chosen) + 1)
        if new is None:
            alone.append(fault)
            continue
        sources[fname] = new
        chosen.append(fault)
    if not chosen:
        shutil.rmtree(work)
        return 0, tried, later, alone
    for fname, text in sources.items():
        open(os.path.join(rtl, fname), "w").write(text)
    top = os.path.join(rtl, "mmu_top.sv")
    text = open(top).read()
    at = text.rindex("endmodule")
    open(top, "w").write(text[:at] + SELECTOR_INIT + text[at:])
    open(os.path.join(rtl, "mmu_fault_pkg.sv"), "w").write(SELECTOR_PKG)
    open(os.path.join(rtl, "mmu_fault_selector.cpp"), "w").write(SELECTOR_CPP)
    t0 = time.time()
    binary = build(rtl, config, work, systemc, selector=True)
    names = ", ".join(f[0] for f in chosen)
    if not binary:
        print("build %-30s FAILED with %s: building each of them on its own" % (config, names))
        shutil.rmtree(work)
        return 0, tried, later, alone + chosen
    control_runs = []
    for runs in [RUNS, ERRORS] + [runs_of(f) for f in chosen]:
        control_runs += [r for r in runs if r not in control_runs]
    line, how = caught(binary, work, control_runs)
    if line or how:
        print("build %-30s CONTROL FAILED (no fault selected): %s" % (config, line or how))
        if not keep:
            shutil.rmtree(work)
        return 0, tried + len(chosen), later, alone
    print("build %-30s %d faults, passes every run with none selected (%.0fs)"
          % (config, len(chosen), time.time() - t0))
    sys.stdout.flush()
    caught_count = 0
    for k, fault in enumerate(chosen, 1):
        caught_count += try_fault(fault[0], binary, work, runs_of(fault), time.time(), k)
    if not keep:
        shutil.rmtree(work)
    return caught_count, tried + len(chosen), later, alone


def own_build(fault, systemc, keep):
    """Builds the fault's configuration with the fault's line replaced, and tries it."""
    name, fname, orig, bad, config = fault[:5]
    work, rtl = fresh_copy()
    path = os.path.join(rtl, fname)
    text = open(path).read().replace(orig, bad)
    open(path, "w").write(text)
    t0 = time.time()
    binary = build(rtl, config, work, systemc)
    if not binary:
        print("fault %-30s BUILD FAILED" % name)
        ok = False
    else:
        ok = try_fault(name, binary, work, runs_of(fault), t0)
    if not keep:
        shutil.rmtree(work)
    return ok


def main():
    global BUILD
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("build_dir", help="the CMake build (holds libmmusim.a, libmmusim_trace.a)")
    ap.add_argument("--only", metavar="NAME[,NAME...]", help="only these faults")
    ap.add_argument("--keep", action="store_true", help="keep the builds' folders")
    ap.add_argument("--systemc", action="store_true", help="the SystemC bench's faults")
    args = ap.parse_args()
    BUILD = os.path.abspath(args.build_dir)
    for lib in ("libmmusim.a", "libmmusim_trace.a"):
        if not os.path.isfile(os.path.join(BUILD, lib)):
            ap.error("%s: no %s here (is it a CMake build folder?)" % (BUILD, lib))
    only = args.only.split(",") if args.only else None
    if only:
        unknown = [n for n in only if n not in {f[0] for f in FAULTS}]
        if unknown:
            ap.error("--only: no fault named %s" % ", ".join(unknown))
    keep, systemc = args.keep, args.systemc
    faults = [f for f in FAULTS if (not only or f[0] in only) and
              (not systemc or f[0] in SYSTEMC_FAULTS)]
    configs = []
    for f in faults:
        if f[4] not in configs:
            configs.append(f[4])
    caught_count = tried = 0
    for config in configs:
        pending = [f for f in faults if f[4] == config]
        while pending:
            got, n, pending, alone = shared_build(config, pending, systemc, keep)
            caught_count += got
            tried += n
            for fault in alone:
                caught_count += own_build(fault, systemc, keep)
                tried += 1
    print("fault injection (%s): %d of %d faults caught"
          % ("SystemC bench" if systemc else "Verilator harness", caught_count, tried))
    sys.exit(0 if caught_count == tried and tried == len(faults) else 1)


if __name__ == "__main__":
    try:
        main()
    finally:
        remove_caches()
