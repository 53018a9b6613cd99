// The MMU (docs/ARCHITECTURE.md, sections 8 and 16; the model side is model/pipeline.c): a
// request goes through the L1 TLB of its type (ITLB for fetches, DTLB otherwise), then the
// unified STLB, then a page walker, and answers on one of two response lanes; control
// operations go through mmu_ctrl once every request has answered. This module wires the
// pipeline; each stage is the module named after it:
//   t        the request port: the request is accepted (req_valid_i && req_ready_o)
//   t+1      the hit lane: the L1 lookup; a hit, an L1 fault or a non-canonical address answers
//            on resp_*; a miss (or a write to a clean entry) takes a miss-queue entry
//            (mmu_miss_queue), merging with a primary of its page or probing the STLB
//            (mmu_stlb) itself, its 4 KiB set read beside the L1 lookup when the port is free
//   p+L-1    (L = StlbLatency) the probe's answer: a hit or fault is the entry's result, a miss
//            waits for a walker (mmu_walker, Walkers of them, sharing the paging-structure
//            caches mmu_pscs and the memory port mmu_mem_arbiter)
//   ...      the miss lane: the oldest entry whose result is known answers on mresp_*, fills
//            its L1 (and the STLB, after its own walk), and is freed
// With Walkers = 1, MissEntries = 1 and HitUnderMiss = 0 (the configuration `blocking`) one
// request is in flight at a time: section 8's timing. Fills, touches and invalidations take
// effect at the end of the cycle that decides them, in 16.3's order.
`include "mmu_assert.svh"

module mmu_top #(
  parameter int unsigned PaBits = 46,
  parameter int unsigned Itlb4kEntries = 128,
  parameter int unsigned Itlb4kWays = 8,
  parameter int unsigned Itlb4kRepl = mmu_pkg::ReplLru,
  parameter int unsigned Itlb2mEntries = 8,
  parameter int unsigned Itlb2mWays = 8,
  parameter int unsigned Itlb2mRepl = mmu_pkg::ReplLru,
  // A TLB without a 1 GiB array (Entries 0: the ITLB's default) holds a 1 GiB page's 2 MiB
  // fractions in its 2 MiB array (section 4).
  parameter int unsigned Itlb1gEntries = 0,
  parameter int unsigned Itlb1gWays = 1,
  parameter int unsigned Itlb1gRepl = mmu_pkg::ReplLru,
  parameter int unsigned Dtlb4kEntries = 64,
  parameter int unsigned Dtlb4kWays = 4,
  parameter int unsigned Dtlb4kRepl = mmu_pkg::ReplLru,
  parameter int unsigned Dtlb2mEntries = 32,
  parameter int unsigned Dtlb2mWays = 4,
  parameter int unsigned Dtlb2mRepl = mmu_pkg::ReplLru,
  parameter int unsigned Dtlb1gEntries = 4,
  parameter int unsigned Dtlb1gWays = 4,
  parameter int unsigned Dtlb1gRepl = mmu_pkg::ReplLru,
  parameter int unsigned StlbEntries = 1536,
  parameter int unsigned StlbWays = 12,
  parameter int unsigned StlbRepl = mmu_pkg::ReplLru,
  parameter int unsigned Stlb1gEntries = 16,  // the STLB's own array of 1 GiB pages
  parameter int unsigned Stlb1gWays = 4,
  parameter int unsigned Stlb1gRepl = mmu_pkg::ReplLru,
  parameter int unsigned PscPdeEntries = 32,
  parameter int unsigned PscPdeRepl = mmu_pkg::ReplLru,
  parameter int unsigned PscPdpteEntries = 4,
  parameter int unsigned PscPdpteRepl = mmu_pkg::ReplLru,
  parameter int unsigned PscPml4eEntries = 2,
  parameter int unsigned PscPml4eRepl = mmu_pkg::ReplLru,
  parameter int unsigned PscPml5eEntries = 2,  // 5-level paging's PML5E cache (La57 only)
  parameter int unsigned PscPml5eRepl = mmu_pkg::ReplLru,
  // The paging-structure caches' ways: 0 (or their entries) fully associative, fewer: sets.
  parameter int unsigned PscPdeWays = 0,
  parameter int unsigned PscPdpteWays = 0,
  parameter int unsigned PscPml4eWays = 0,
  parameter int unsigned PscPml5eWays = 0,
  // 5-level paging (CR4.LA57, section 1): 57-bit canonical addresses, CR3 points to a PML5.
  // Fixed for a build: software sets LA57 only with paging off, which the MMU never sees.
  parameter bit          La57 = 1'b0,
  // 1 GiB pages (CPUID Page1GB, section 1): a PDPTE with PS = 1 maps one; without them its PS
  // is reserved.
  parameter bit          Pdpe1gb = 1'b1,
  parameter int unsigned StlbLatency = 9,
  parameter logic [15:0] LfsrSeed = 16'hACE1,
  parameter bit          WpReset = 1'b1,
  parameter bit          NxeReset = 1'b1,
  parameter bit          SmepReset = 1'b0,  // CR4.SMEP, CR4.SMAP, CR4.PKE and PKRU at reset
  parameter bit          SmapReset = 1'b0,
  parameter bit          PkeReset = 1'b0,
  parameter logic [31:0] PkruReset = 32'h0,
  parameter int unsigned IdBits = 8,  // a request's ID (docs/ARCHITECTURE.md 16.2)
  parameter int unsigned Walkers = 2,  // page walkers sharing the memory port (16.5)
  parameter int unsigned MissEntries = 8,  // miss-queue entries (16.4)
  parameter int unsigned HitUnderMiss = 1,  // 1: accept requests while others are outstanding
  localparam int unsigned PfnW = PaBits - mmu_pkg::PageShift4k,
  localparam int unsigned TagBits = (Walkers > 1) ? $clog2(Walkers) : 1
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  // Translation requests. req_type_i: mmu_pkg::access_e (0 read, 1 write, 2 fetch).
  input  logic              req_valid_i,
  output logic              req_ready_o,
  input  logic [63:0]       req_vaddr_i,
  input  logic [1:0]        req_type_i,
  input  logic              req_user_i,
  input  logic              req_implicit_i,  // an implicit supervisor-mode access (SMAP: section 2)
  input  logic [IdBits-1:0] req_id_i,   // given back with the request's response
  // The hit lane's responses (16.3), one cycle each. resp_fault_o is mmu_pkg::fault_e,
  // resp_source_o mmu_pkg::source_e. The ports are plain vectors, so that waveform filters apply
  // to them.
  output logic              resp_valid_o,
  output logic [PaBits-1:0] resp_paddr_o,
  output logic [1:0]        resp_size_o,  // mmu_pkg::size_e: the page's size (0 on a fault)
  output logic [3:0]        resp_fault_o,
  output logic [5:0]        resp_error_o,
  output logic [2:0]        resp_level_o,
  output logic [1:0]        resp_source_o,
  output logic [IdBits-1:0] resp_id_o,  // the ID of the request answered
  // The miss lane's responses (16.3): every request that missed its L1, in the fields of the
  // hit lane's above; both lanes may answer in one cycle.
  output logic              mresp_valid_o,
  output logic [PaBits-1:0] mresp_paddr_o,
  output logic [1:0]        mresp_size_o,
  output logic [3:0]        mresp_fault_o,
  output logic [5:0]        mresp_error_o,
  output logic [2:0]        mresp_level_o,
  output logic [1:0]        mresp_source_o,
  output logic [IdBits-1:0] mresp_id_o,
  // Control operations (mmu_pkg::ctrl_op_e); ctrl_done_o marks the completion cycle.
  input  logic              ctrl_valid_i,
  output logic              ctrl_ready_o,
  input  logic [2:0]        ctrl_op_i,
  input  logic [63:0]       ctrl_value_i,
  input  logic [11:0]       ctrl_pcid_i,
  input  logic [1:0]        ctrl_invpcid_type_i,
  input  logic              ctrl_wp_i,     // set mode
  input  logic              ctrl_nxe_i,
  input  logic              ctrl_smep_i,   // set protection
  input  logic              ctrl_smap_i,
  input  logic              ctrl_pke_i,
  input  logic              ctrl_ac_i,
  input  logic [31:0]       ctrl_pkru_i,
  output logic              ctrl_done_o,
  // The walkers' memory port (16.5): an access carries its walker's number as its tag, and its
  // response, in any order, carries it back. A set-bits write ORs its data into the entry.
  output logic               mem_req_valid_o,
  input  logic               mem_req_ready_i,
  output logic [TagBits-1:0] mem_req_tag_o,
  output logic [PaBits-1:0]  mem_req_addr_o,
  output logic               mem_req_we_o,
  output logic               mem_req_setbits_o,
  output logic [63:0]        mem_req_wdata_o,
  input  logic               mem_rsp_valid_i,
  input  logic [TagBits-1:0] mem_rsp_tag_i,
  input  logic               mem_rsp_err_i,    // the response is an error: the walk's bus-error
  input  logic [63:0]        mem_rsp_rdata_i,
  // Event counters (mmu_counters), for comparison with the model's statistics.
  output logic [63:0]       cnt_requests_o,
  output logic [63:0]       cnt_itlb_hits_o,
  output logic [63:0]       cnt_dtlb_hits_o,
  output logic [63:0]       cnt_stlb_hits_o,
  output logic [63:0]       cnt_walks_o,
  output logic [63:0]       cnt_walk_reads_o,
  output logic [63:0]       cnt_walk_writes_o,
  output logic [63:0]       cnt_psc_pde_hits_o,
  output logic [63:0]       cnt_psc_pdpte_hits_o,
  output logic [63:0]       cnt_psc_pml4e_hits_o,
  output logic [63:0]       cnt_psc_pml5e_hits_o,
  output logic [63:0]       cnt_faults_o,
  output logic [63:0]       cnt_dirty_rewalks_o,
  output logic [63:0]       cnt_merged_misses_o,
  output logic [63:0]       cnt_itlb_fills_o,
  output logic [63:0]       cnt_dtlb_fills_o,
  output logic [63:0]       cnt_stlb_fills_o,
  output logic [63:0]       cnt_itlb_evictions_o,
  output logic [63:0]       cnt_dtlb_evictions_o,
  output logic [63:0]       cnt_stlb_evictions_o,
  output logic [63:0]       cnt_psc_pde_fills_o,
  output logic [63:0]       cnt_psc_pdpte_fills_o,
  output logic [63:0]       cnt_psc_pml4e_fills_o,
  output logic [63:0]       cnt_psc_pml5e_fills_o,
  output logic [63:0]       cnt_psc_pde_evictions_o,
  output logic [63:0]       cnt_psc_pdpte_evictions_o,
  output logic [63:0]       cnt_psc_pml4e_evictions_o,
  output logic [63:0]       cnt_psc_pml5e_evictions_o,
  // The counters of requests in flight (section 16.8): cycles with the miss queue full (ready
  // low for want of an entry, with hit under miss), the most walks in progress in one cycle,
  // each walker's busy cycles (walker w in [w*64 +: 64]: from a walk's start to its completion,
  // inclusive), and the latency histogram (bucket k in [k*64 +: 64]).
  output logic [63:0]       cnt_miss_queue_full_o,
  output logic [63:0]       cnt_walks_peak_o,
  output logic [Walkers*64-1:0] cnt_walker_busy_o,
  output logic [mmu_pkg::LatencyBuckets*64-1:0] cnt_latency_o
`ifdef FORMAL
  ,
  // Formal only (scripts/formal, tasks bounded and bounded_nb; formal/mmu_formal.sv): where the
  // requests in flight are, for the proofs' measures of progress. With one request in flight
  // (bounded): fv_state_e, walker 0's state and level. With requests in flight (bounded_nb):
  // each miss-queue entry's state (mmu_miss_queue's state_e), probe count, primary and age (the
  // cycles since its request was accepted), each walker's state, level and entry, and whether
  // the STLB's read port holds a probe's 2 MiB read, which walkers' accesses wait for the
  // memory port, and the miss queue's age matrix.
  output logic [3:0]        fv_state_o,
  output logic [2:0]        fv_walk_state_o,
  output logic [2:0]        fv_walk_level_o,
  output logic [MissEntries*3-1:0]  fv_q_code_o,
  output logic [MissEntries*10-1:0] fv_q_count_o,
  output logic [MissEntries*((MissEntries > 1) ? $clog2(MissEntries) : 1)-1:0] fv_q_prim_o,
  output logic [MissEntries*64-1:0] fv_q_age_o,
  output logic [Walkers*3-1:0]      fv_walk_states_o,
  output logic [Walkers*3-1:0]      fv_walk_levels_o,
  output logic [Walkers*((MissEntries > 1) ? $clog2(MissEntries) : 1)-1:0] fv_walk_entry_o,
  output logic                      fv_probed_o,
  output logic [Walkers-1:0]        fv_port_waiting_o,
  output logic [MissEntries*MissEntries-1:0] fv_q_older_o
`endif
);
  // The configuration checks of the model (mmu_config_check), at elaboration.
  if (StlbLatency < 3 || StlbLatency > 1000) begin : g_bad_stlb_latency
    $error("mmu_top: StlbLatency must be 3..1000");
  end
  if (PaBits < 32 || PaBits > mmu_pkg::MaxPaBits) begin : g_bad_pa_bits
    $error("mmu_top: PaBits must be 32..52");
  end
  if (IdBits < 1 || IdBits > 8) begin : g_bad_id_bits
    $error("mmu_top: IdBits must be 1..8");
  end
  if (Walkers < 1 || Walkers > 16) begin : g_bad_walkers
    $error("mmu_top: Walkers must be 1..16");
  end
  if (MissEntries < 1 || MissEntries > 32) begin : g_bad_miss_entries
    $error("mmu_top: MissEntries must be 1..32");
  end
  if (HitUnderMiss > 1) begin : g_bad_hit_under_miss
    $error("mmu_top: HitUnderMiss must be 0 or 1");
  end
  if (LfsrSeed == 16'h0) begin : g_bad_lfsr_seed
    $error("mmu_top: LfsrSeed must not be 0");
  end

  localparam int unsigned IdxW = (MissEntries > 1) ? $clog2(MissEntries) : 1;
  localparam int unsigned WalkerW = (Walkers > 1) ? $clog2(Walkers) : 1;
  localparam int unsigned OpenW = $clog2(MissEntries + 2);

  // ---- control operations: accepted once every request has answered (16.7) ----------------
  typedef enum logic [1:0] {
    CIdle,     // none
    CExec,     // it executes (CR3, sweeps); an INVLPG reads the STLB's 4 KiB set
    CStlb4k,   // INVLPG: the 4 KiB and 1 GiB sets' matches are cleared; the 2 MiB set is read
    CStlb2m    // INVLPG: the 2 MiB set's matches are cleared; the operation completes
  } ctrl_state_e;

  ctrl_state_e ctrl_q, ctrl_d;
  logic        accept_req, accept_ctrl, in_ctrl;
  logic [2:0]  ctrl_op_q;
  mmu_pkg::vaddr_t ctrl_value_q;
  mmu_pkg::pcid_t  ctrl_pcid_q;
  logic [1:0]  ctrl_invpcid_type_q;
  mmu_pkg::mode_t ctrl_mode_q;  // the set-mode and set-protection operands

  mmu_wave_state #(.Width(2)) u_ctrl_wave (.state_i(ctrl_q));

  logic [PfnW-1:0] cr3_base;
  mmu_pkg::pcid_t  pcid, inv_pcid, inv_addr_pcid;
  mmu_pkg::mode_t  mode;
  logic            inv, inv_by_pcid, inv_keep_global;
  logic            inv_addr, inv_addr_keep_global, inv_addr_noop;
  mmu_pkg::va_t    inv_addr_va;

  mmu_ctrl #(.PaBits(PaBits), .La57(La57), .WpReset(WpReset), .NxeReset(NxeReset), .SmepReset(SmepReset),
             .SmapReset(SmapReset), .PkeReset(PkeReset), .PkruReset(PkruReset)) u_ctrl (
    .clk_i, .rst_ni, .exec_i(ctrl_q == CExec), .op_i(ctrl_op_q), .value_i(ctrl_value_q),
    .pcid_i(ctrl_pcid_q), .invpcid_type_i(ctrl_invpcid_type_q), .mode_i(ctrl_mode_q),
    .cr3_base_o(cr3_base), .pcid_o(pcid), .mode_o(mode),
    .inv_o(inv), .inv_by_pcid_o(inv_by_pcid), .inv_pcid_o(inv_pcid),
    .inv_keep_global_o(inv_keep_global), .addr_o(inv_addr), .addr_va_o(inv_addr_va),
    .addr_pcid_o(inv_addr_pcid), .addr_keep_global_o(inv_addr_keep_global),
    .addr_noop_o(inv_addr_noop)
  );
  assign in_ctrl = ctrl_q != CIdle;

  // ---- the hit lane: the request accepted in the cycle before ---------------------------------
  logic              l1_valid_q;
  mmu_pkg::vaddr_t   l1_vaddr_q;
  mmu_pkg::access_e  l1_access_q;
  logic              l1_user_q, l1_implicit_q;
  logic [IdBits-1:0] l1_id_q;
  logic              fetch, write, canonical;
  assign fetch     = l1_access_q == mmu_pkg::AccFetch;
  assign write     = l1_access_q == mmu_pkg::AccWrite;
  assign canonical = mmu_pkg::va_canonical(l1_vaddr_q, La57);

  // The miss lane's answer (mmu_miss_queue, below): its entry's request and result.
  logic              ml, ml_walked, ml_clean, ml_frac, ml_global, ml_dirty, ml_ok;
  logic [1:0]        ml_size;  // mmu_pkg::size_e
  logic [IdxW-1:0]   ml_idx;
  logic [IdBits-1:0] ml_id;
  mmu_pkg::va_t      ml_va;
  mmu_pkg::access_e  ml_access;
  logic              ml_user;
  mmu_pkg::source_e  ml_source;
  logic [3:0]        ml_fault;  // mmu_pkg::fault_e
  mmu_pkg::level_t   ml_level;
  logic [PfnW-1:0]   ml_pfn;
  mmu_pkg::rights_t  ml_rights;
  assign ml_ok = ml_fault == mmu_pkg::FaultNone;

  // ---- L1 TLBs: [0] the DTLB, [1] the ITLB ----------------------------------------------------
  // The lookup: the hit lane's request in its own L1, or an INVLPG's address in both. The write
  // side: the miss lane's answer, filling its L1, or clearing it on a fault.
  // Flat vectors, L1 i in bits [i] (its frame in [i*PfnW +: PfnW], its rights in
  // [i*RightsW +: RightsW]):
  // Yosys 0.23 reads arrays of packed structs wrongly.
  logic [1:0]        l1_hit, l1_dirty, l1_filled, l1_evicted;
  logic [3:0]        l1_size;  // L1 i's size_e in [i*2 +: 2]
  logic [2*PfnW-1:0] l1_pfn;
  logic [2*mmu_pkg::RightsW-1:0] l1_rights;
  logic              l1_touch, l1_clr, tlb_inv;
  mmu_pkg::va_t      l1_lookup_va;
  mmu_pkg::pcid_t    l1_lookup_pcid;
  assign l1_lookup_va   = in_ctrl ? inv_addr_va : l1_vaddr_q[mmu_pkg::VaBits-1:0];
  assign l1_lookup_pcid = in_ctrl ? inv_addr_pcid : pcid;

  for (genvar i = 0; i < 2; i++) begin : g_l1
    localparam bit Itlb = i == 1;
    logic mine, ml_mine;
    assign mine    = fetch == Itlb;
    assign ml_mine = (ml_access == mmu_pkg::AccFetch) == Itlb;
    mmu_l1_tlb #(.Entries4k(Itlb ? Itlb4kEntries : Dtlb4kEntries),
                 .Ways4k(Itlb ? Itlb4kWays : Dtlb4kWays), .Repl4k(Itlb ? Itlb4kRepl : Dtlb4kRepl),
                 .Entries2m(Itlb ? Itlb2mEntries : Dtlb2mEntries),
                 .Ways2m(Itlb ? Itlb2mWays : Dtlb2mWays), .Repl2m(Itlb ? Itlb2mRepl : Dtlb2mRepl),
                 .Entries1g(Itlb ? Itlb1gEntries : Dtlb1gEntries),
                 .Ways1g(Itlb ? Itlb1gWays : Dtlb1gWays), .Repl1g(Itlb ? Itlb1gRepl : Dtlb1gRepl),
                 .PaBits(PaBits), .LfsrSeed(LfsrSeed)) u_l1 (
      .clk_i, .rst_ni, .lk_va_i(l1_lookup_va), .lk_pcid_i(l1_lookup_pcid),
      .cmp_i((l1_valid_q && mine) || (ctrl_q == CExec && inv_addr)),
      .hit_o(l1_hit[i]), .size_o(l1_size[i*2 +: 2]), .pfn_o(l1_pfn[i*PfnW +: PfnW]),
      .rights_o(l1_rights[i*mmu_pkg::RightsW +: mmu_pkg::RightsW]), .dirty_o(l1_dirty[i]),
      .touch_i(l1_touch && mine),
      .clr_i(l1_clr && (in_ctrl || mine)),
      .clr_keep_global_i(in_ctrl && inv_addr_keep_global),
      .wr_va_i(ml_va), .wr_pcid_i(pcid), .wr_clr_i(ml && !ml_ok && ml_mine),
      .fill_i(ml && ml_ok && ml_mine), .fill_size_i(ml_size), .fill_frac_i(ml_frac),
      .fill_global_i(ml_global),
      .fill_pfn_i(ml_pfn), .fill_rights_i(ml_rights), .fill_dirty_i(ml_dirty),
      .inv_i(tlb_inv), .inv_by_pcid_i(inv_by_pcid), .inv_pcid_i(inv_pcid),
      .inv_keep_global_i(inv_keep_global), .filled_o(l1_filled[i]), .evicted_o(l1_evicted[i])
    );
  end

  // The hit lane's answer: a non-canonical address, an L1 fault, or an L1 hit used; else the
  // request takes a miss-queue entry (a miss, or a write that found a clean entry).
  logic             l1_found, l1_fault_any, l1_clean, l1_use, hl, hl_miss;
  mmu_pkg::fault_e  l1_fault;
  assign l1_found = l1_hit[fetch];
  mmu_pkg::rights_t l1_found_rights;
  assign l1_found_rights = l1_rights[fetch*mmu_pkg::RightsW +: mmu_pkg::RightsW];
  mmu_perm_check u_l1_perm (
    .rights_i(l1_found_rights), .access_i(l1_access_q), .user_i(l1_user_q),
    .implicit_i(l1_implicit_q), .mode_i(mode), .fault_o(l1_fault)
  );
  assign l1_fault_any = l1_found && l1_fault != mmu_pkg::FaultNone;
  assign l1_clean     = l1_found && !l1_fault_any && write && !l1_dirty[fetch];
  assign l1_use       = l1_found && !l1_fault_any && !l1_clean;
  assign hl           = l1_valid_q && (!canonical || l1_fault_any || l1_use);
  assign hl_miss      = l1_valid_q && canonical && !(l1_fault_any || l1_use);
  assign l1_touch     = l1_valid_q && canonical && l1_use;

  // ---- the miss queue --------------------------------------------------------------------------
  logic [MissEntries-1:0]                free_entries, inherit;
  logic [MissEntries*IdxW-1:0]           inherit_src;
  logic [MissEntries*mmu_pkg::VaBits-1:0] entry_va;
  logic                                  new_merged;
  logic                                  q_rd;
  logic [1:0]                            q_rd_size, stlb_size;
  mmu_pkg::va_t                          q_rd_va;
  logic [IdxW-1:0]                       q_rd_slot;
  logic                                  ans, ans_use, ans_clean, ans_fault_any;
  logic [IdxW-1:0]                       ans_idx;
  mmu_pkg::access_e                      ans_access;
  logic                                  ans_user, ans_implicit;
  mmu_pkg::fault_e                       ans_perm, ans_fault;
  logic                                  stlb_hit, stlb_frac, stlb_dirty, stlb_global;
  logic [PfnW-1:0]                       stlb_pfn;
  mmu_pkg::rights_t                      stlb_rights;
  logic                                  stlb_filled, stlb_evicted;
  logic [Walkers-1:0]                    w_free, w_start, w_done, w_read, w_write;
  logic                                  start;
  logic [WalkerW-1:0]                    start_walker, done_walker;
  mmu_pkg::va_t                          start_va;
  mmu_pkg::access_e                      start_access;
  logic                                  start_user, start_implicit;
  logic [3:0]                            walk_fault;  // mmu_pkg::fault_e
  mmu_pkg::level_t                       walk_level;
  logic [PfnW-1:0]                       walk_pfn;
  logic [1:0]                            walk_size;
  logic                                  walk_global, walk_dirty;
  mmu_pkg::rights_t                      walk_rights;

  mmu_miss_queue #(.Entries(MissEntries), .Walkers(Walkers), .IdBits(IdBits), .PaBits(PaBits),
                   .StlbLatency(StlbLatency)) u_miss_queue (
    .clk_i, .rst_ni, .mode_i(mode),
    .new_i(hl_miss), .new_va_i(l1_vaddr_q[mmu_pkg::VaBits-1:0]), .new_access_i(l1_access_q),
    .new_user_i(l1_user_q), .new_implicit_i(l1_implicit_q), .new_id_i(l1_id_q),
    .new_clean_i(l1_clean),
    .new_accept_i(cycle_q - 64'd1),
    .new_merged_o(new_merged), .free_o(free_entries),
    .rd_o(q_rd), .rd_size_o(q_rd_size), .rd_va_o(q_rd_va), .rd_slot_o(q_rd_slot),
    .entry_va_o(entry_va), .inherit_o(inherit), .inherit_src_o(inherit_src),
    .ans_o(ans), .ans_idx_o(ans_idx), .ans_access_o(ans_access), .ans_user_o(ans_user),
    .ans_implicit_o(ans_implicit),
    .ans_hit_i(ans_use), .ans_fault_i(ans_fault), .ans_clean_i(ans_clean),
    .ans_size_i(stlb_size), .ans_frac_i(stlb_frac), .ans_pfn_i(stlb_pfn), .ans_rights_i(stlb_rights),
    .ans_dirty_i(stlb_dirty), .ans_global_i(stlb_global),
    .w_free_i(w_free), .start_o(start), .start_walker_o(start_walker), .start_va_o(start_va),
    .start_access_o(start_access), .start_user_o(start_user),
    .start_implicit_o(start_implicit),
    .done_i(|w_done), .done_walker_i(done_walker), .done_fault_i(walk_fault),
    .done_level_i(walk_level), .done_pfn_i(walk_pfn), .done_size_i(walk_size),
    .done_global_i(walk_global), .done_dirty_i(walk_dirty), .done_rights_i(walk_rights),
    .ml_o(ml), .ml_idx_o(ml_idx), .ml_id_o(ml_id), .ml_va_o(ml_va), .ml_access_o(ml_access),
    .ml_user_o(ml_user), .ml_source_o(ml_source), .ml_walked_o(ml_walked), .ml_clean_o(ml_clean),
    .ml_fault_o(ml_fault), .ml_level_o(ml_level), .ml_pfn_o(ml_pfn), .ml_size_o(ml_size),
    .ml_frac_o(ml_frac),
    .ml_global_o(ml_global), .ml_dirty_o(ml_dirty), .ml_rights_o(ml_rights),
    .ml_accept_o(ml_accept)
`ifdef MMU_ASSERTIONS
    , .fv_ids_o(fv_q_ids)
`endif
`ifdef FORMAL
    , .fv_code_o(fv_q_code_o), .fv_count_o(fv_q_count_o), .fv_prim_o(fv_q_prim_o),
    .fv_accept_o(fv_q_accept), .fv_walk_entry_o, .fv_probed_o, .fv_older_o(fv_q_older_o)
`endif
  );
`ifdef MMU_ASSERTIONS
  logic [(1 << IdBits)-1:0] fv_q_ids;
`endif
`ifdef FORMAL
  logic [2:0] fv_q_state0;
  logic [9:0] fv_q_count0;
  logic [MissEntries*64-1:0] fv_q_accept;
  assign fv_q_state0 = fv_q_code_o[2:0];
  assign fv_q_count0 = fv_q_count_o[9:0];
`endif

  // ---- STLB: one read port, shared by the probes and an INVLPG ---------------------------------
  logic           stlb_rd;
  logic [1:0]     stlb_rd_size;
  mmu_pkg::va_t   stlb_rd_va;
  assign stlb_rd      = in_ctrl ? (ctrl_q == CExec && inv_addr || ctrl_q == CStlb4k) &&
                                  !inv_addr_noop
                                : q_rd;
  assign stlb_rd_size = in_ctrl ? (ctrl_q == CStlb4k ? 2'(mmu_pkg::Size2m) : 2'(mmu_pkg::Size4k))
                                : q_rd_size;
  assign stlb_rd_va   = in_ctrl ? inv_addr_va : q_rd_va;

  mmu_stlb #(.NumEntries(StlbEntries), .NumWays(StlbWays), .Repl(StlbRepl), .PaBits(PaBits),
             .Entries1g(Stlb1gEntries), .Ways1g(Stlb1gWays), .Repl1g(Stlb1gRepl),
             .LfsrSeed(LfsrSeed), .Slots(MissEntries)) u_stlb (
    .clk_i, .rst_ni, .pcid_i(in_ctrl ? inv_addr_pcid : pcid),
    .rd_i(stlb_rd), .rd_size_i(stlb_rd_size), .rd_va_i(stlb_rd_va), .rd_slot_i(q_rd_slot),
    .rd_inv_i(in_ctrl), .rd_keep_global_i(inv_addr_keep_global),
    .slot_va_i(entry_va),
    .ans_slot_i(ans_idx), .ans_hit_o(stlb_hit), .ans_size_o(stlb_size),
    .ans_frac_o(stlb_frac), .ans_pfn_o(stlb_pfn),
    .ans_rights_o(stlb_rights), .ans_dirty_o(stlb_dirty), .ans_global_o(stlb_global),
    .touch_i(ans && ans_use),
    .wr_slot_i(ml_idx), .fill_i(ml && ml_walked && ml_ok), .fill_size_i(ml_size),
    .fill_global_i(ml_global), .fill_pfn_i(ml_pfn), .fill_rights_i(ml_rights),
    .fill_dirty_i(ml_dirty), .clr_i(ml && !ml_ok),
    .inherit_i(inherit), .inherit_src_i(inherit_src),
    .inv_i(tlb_inv), .inv_by_pcid_i(inv_by_pcid), .inv_pcid_i(inv_pcid),
    .inv_keep_global_i(inv_keep_global), .filled_o(stlb_filled), .evicted_o(stlb_evicted)
`ifdef FORMAL
    , .fv_slot_current_o(fv_slot_current), .fv_cmp_o(fv_cmp), .fv_cmp_inv_o(fv_cmp_inv),
    .fv_cmp_size_o(fv_cmp_size), .fv_cmp_slot_o(fv_cmp_slot), .fv_cmp_vpn_o(fv_cmp_vpn),
    .fv_cmp_current_o(fv_cmp_current)
`endif
  );
`ifdef FORMAL
  // (scripts/formal, task unique)
  logic [2:0]      fv_slot_current;
  logic            fv_cmp, fv_cmp_inv, fv_cmp_current;
  logic [1:0]      fv_cmp_size;
  logic [IdxW-1:0] fv_cmp_slot;
  mmu_pkg::vpn_t   fv_cmp_vpn;
`endif

  // The probe's answer for its entry's request: a hit used, a fault, or a clean entry.
  mmu_perm_check u_stlb_perm (
    .rights_i(stlb_rights), .access_i(ans_access), .user_i(ans_user), .implicit_i(ans_implicit),
    .mode_i(mode), .fault_o(ans_perm)
  );
  assign ans_fault_any = stlb_hit && ans_perm != mmu_pkg::FaultNone;
  assign ans_fault     = ans_fault_any ? ans_perm : mmu_pkg::FaultNone;
  assign ans_clean     = stlb_hit && !ans_fault_any && ans_access == mmu_pkg::AccWrite &&
                         !stlb_dirty;
  assign ans_use       = stlb_hit && !ans_fault_any && !ans_clean;

  // ---- walkers ------------------------------------------------------------------------------
  // Walkers walks at once at most, sharing the paging-structure caches and the memory port. A
  // walk starts in the lowest free walker (free from the cycle after its walk's answer).
  localparam int unsigned NP = mmu_pkg::NumPscs;  // [0] PDE, [1] PDPTE, [2] PML4E, [3] PML5E
  logic [NP-1:0]     walk_psc_hit, walk_psc_fill, walk_psc_evict;
  logic              walk_read, walk_write;
  logic              psc_inv, psc_inv_by_pcid, psc_inv_by_addr;
  mmu_pkg::pcid_t    psc_inv_pcid;
  mmu_pkg::va_t      psc_inv_va;

  // The paging-structure caches: looked up when a walk starts, filled by the walker whose read
  // the memory accepts (one a cycle); invalidated by a control operation or a walk's fault.
  logic [NP-1:0]     psc_hit, psc_fill;
  logic [NP*PfnW-1:0] psc_table;
  logic [NP*3-1:0]   psc_rights;
  mmu_pkg::va_t      psc_fill_va;
  mmu_pkg::pcid_t    psc_fill_pcid;
  logic [PfnW-1:0]   psc_fill_table;
  mmu_pkg::path_rights_t psc_fill_rights;
  // (4-level paging has no PML5Es: its PML5E cache has no entries.)
  mmu_pscs #(.PaBits(PaBits), .PscPdeEntries(PscPdeEntries), .PscPdpteEntries(PscPdpteEntries),
             .PscPml4eEntries(PscPml4eEntries), .PscPml5eEntries(La57 ? PscPml5eEntries : 0),
             .PscPdeWays(PscPdeWays), .PscPdpteWays(PscPdpteWays), .PscPml4eWays(PscPml4eWays),
             .PscPml5eWays(PscPml5eWays), .PscPdeRepl(PscPdeRepl), .PscPdpteRepl(PscPdpteRepl),
             .PscPml4eRepl(PscPml4eRepl), .PscPml5eRepl(PscPml5eRepl), .LfsrSeed(LfsrSeed))
  u_pscs (
    .clk_i, .rst_ni,
    .lk_i(start), .lk_va_i(start_va), .lk_pcid_i(pcid),
    .lk_hit_o(psc_hit), .lk_table_o(psc_table), .lk_rights_o(psc_rights),
    .fill_i(psc_fill), .fill_va_i(psc_fill_va), .fill_pcid_i(psc_fill_pcid),
    .fill_table_i(psc_fill_table), .fill_rights_i(psc_fill_rights),
    .inv_i(psc_inv), .inv_by_pcid_i(psc_inv_by_pcid), .inv_pcid_i(psc_inv_pcid),
    .inv_by_addr_i(psc_inv_by_addr), .inv_va_i(psc_inv_va),
    .filled_o(walk_psc_fill), .evicted_o(walk_psc_evict)
  );

  // Each walker's signals, walker w in bit w (or its field at w's offset).
  // fault, level, pfn, size, global, dirty, rights
  localparam int unsigned RW = mmu_pkg::RightsW;
  localparam int unsigned ResW = mmu_pkg::FaultW + 3 + PfnW + 4 + RW;
  localparam int unsigned ResLevel = PfnW + RW + 4;  // the level's offset in a result
  localparam int unsigned FillW = mmu_pkg::VaBits + mmu_pkg::PcidBits + PfnW + 3;
  logic [Walkers-1:0]        w_req_valid, w_req_ready, w_req_we, w_req_setbits, w_rsp_valid;
  logic [Walkers*PaBits-1:0] w_req_addr;
  logic [Walkers*64-1:0]     w_req_wdata;
  logic [Walkers*NP-1:0]     w_psc_fill, w_psc_hit;
  logic [Walkers*FillW-1:0]  w_psc_fill_entry;
  logic [ResW-1:0]           w_result [Walkers];  // (rows, not one vector: copied, not inserted)
`ifdef FORMAL
  logic [Walkers*3-1:0]      fv_walk_state_w;
`endif

  for (genvar w = 0; w < Walkers; w++) begin : g_walker
    mmu_pkg::fault_e fault;
    logic [ResW-mmu_pkg::FaultW-1:0] result;  // the result_t's fields after the fault
    assign w_start[w] = start && start_walker == WalkerW'(w);
    mmu_walker #(.PaBits(PaBits), .SetBits(Walkers > 1), .La57(La57), .Pdpe1gb(Pdpe1gb))
    u_walker (
      .clk_i, .rst_ni,
      .start_i(w_start[w]), .va_i(start_va), .access_i(start_access), .user_i(start_user),
      .implicit_i(start_implicit), .pcid_i(pcid), .root_i(cr3_base), .mode_i(mode),
      .idle_o(w_free[w]), .done_o(w_done[w]),
      .fault_o(fault), .level_o(result[ResLevel +: 3]), .pfn_o(result[RW + 4 +: PfnW]),
      .size_o(result[RW + 2 +: 2]), .global_o(result[RW + 1]), .dirty_o(result[RW]),
      .rights_o(result[RW-1:0]),
      .mem_req_valid_o(w_req_valid[w]), .mem_req_ready_i(w_req_ready[w]),
      .mem_req_addr_o(w_req_addr[w*PaBits +: PaBits]), .mem_req_we_o(w_req_we[w]),
      .mem_req_setbits_o(w_req_setbits[w]), .mem_req_wdata_o(w_req_wdata[w*64 +: 64]),
      .mem_rsp_valid_i(w_rsp_valid[w]), .mem_rsp_err_i(mem_rsp_err_i && w_rsp_valid[w]),
      .mem_rsp_rdata_i,
      .psc_hit_i(psc_hit), .psc_table_i(psc_table), .psc_rights_i(psc_rights),
      .psc_fill_o(w_psc_fill[w*NP +: NP]),
      .psc_fill_va_o(w_psc_fill_entry[w*FillW + FillW - mmu_pkg::VaBits +: mmu_pkg::VaBits]),
      .psc_fill_pcid_o(w_psc_fill_entry[w*FillW + PfnW + 3 +: mmu_pkg::PcidBits]),
      .psc_fill_table_o(w_psc_fill_entry[w*FillW + 3 +: PfnW]),
      .psc_fill_rights_o(w_psc_fill_entry[w*FillW +: 3]),
      .ev_read_o(w_read[w]), .ev_write_o(w_write[w]), .ev_psc_hit_o(w_psc_hit[w*NP +: NP])
`ifdef FORMAL
      , .fv_state_o(fv_walk_state_w[w*3 +: 3])
`endif
    );
    assign w_result[w] = {4'(fault), result};
  end

  // The walker whose walk completes (one a cycle: one memory response a cycle), and its result.
  always_comb begin
    done_walker = '0;
    for (int unsigned w = 0; w < Walkers; w++) begin
      if (w_done[w]) done_walker = WalkerW'(w);
    end
  end
  assign {walk_fault, walk_level, walk_pfn, walk_size, walk_global, walk_dirty, walk_rights} =
      w_result[done_walker];

  // One walk starts a cycle, and the memory accepts one access a cycle: the caches see at most
  // one lookup and one fill, each a walker's.
  always_comb begin
    psc_fill = '0;
    {psc_fill_va, psc_fill_pcid, psc_fill_table, psc_fill_rights} = w_psc_fill_entry[0 +: FillW];
    walk_psc_hit = '0;
    for (int unsigned w = 0; w < Walkers; w++) begin
      psc_fill = psc_fill | w_psc_fill[w*NP +: NP];
      walk_psc_hit = walk_psc_hit | w_psc_hit[w*NP +: NP];
      if (w_psc_fill[w*NP +: NP] != '0)
        {psc_fill_va, psc_fill_pcid, psc_fill_table, psc_fill_rights} =
            w_psc_fill_entry[w*FillW +: FillW];
    end
  end
  assign walk_read  = |w_read;
  assign walk_write = |w_write;

  mmu_mem_arbiter #(.Walkers(Walkers), .PaBits(PaBits)) u_mem_arbiter (
    .clk_i, .rst_ni,
    .req_valid_i(w_req_valid), .req_ready_o(w_req_ready), .req_addr_i(w_req_addr),
    .req_we_i(w_req_we), .req_setbits_i(w_req_setbits), .req_wdata_i(w_req_wdata),
    .rsp_valid_o(w_rsp_valid),
    .mem_req_valid_o, .mem_req_ready_i, .mem_req_tag_o, .mem_req_addr_o, .mem_req_we_o,
    .mem_req_setbits_o, .mem_req_wdata_o, .mem_rsp_valid_i, .mem_rsp_tag_i
`ifdef FORMAL
    , .fv_waiting_o(fv_port_waiting_o)
`endif
  );

  // ---- control operations and invalidations ---------------------------------------------------
  always_comb begin
    ctrl_d = ctrl_q;
    ctrl_done_o = 1'b0;
    tlb_inv = 1'b0;
    l1_clr = l1_valid_q && canonical && l1_fault_any;  // the hit lane's fault
    psc_inv = 1'b0;
    psc_inv_by_pcid = 1'b1;
    psc_inv_pcid = pcid;
    psc_inv_by_addr = 1'b0;
    psc_inv_va = ml_va;
    // A walk's fault: the caches' entries of its address (16.5).
    if (ml && !ml_ok && ml_walked) begin
      psc_inv = 1'b1;
      psc_inv_by_addr = 1'b1;
    end
    unique case (ctrl_q)
      CIdle: ;
      CExec: begin
        if (inv) begin
          tlb_inv = 1'b1;
          psc_inv = 1'b1;
          psc_inv_by_pcid = inv_by_pcid;
          psc_inv_pcid = inv_pcid;
        end
        if (inv_addr) begin
          // (Every paging-structure-cache entry of the PCID: section 6.)
          l1_clr = !inv_addr_noop;
          psc_inv = !inv_addr_noop;
          psc_inv_pcid = inv_addr_pcid;
          ctrl_d = CStlb4k;
        end else begin
          ctrl_done_o = 1'b1;
          ctrl_d = CIdle;
        end
      end
      CStlb4k: ctrl_d = CStlb2m;
      CStlb2m: begin
        ctrl_done_o = 1'b1;
        ctrl_d = CIdle;
      end
      default: ctrl_d = CIdle;
    endcase
    if (accept_ctrl) ctrl_d = CExec;
  end

  // ---- the request port: ready (16.2) ---------------------------------------------------------
  // open_q: requests accepted and not answered. Every one answers by this cycle when the answers
  // of this cycle are all that is open.
  logic [OpenW-1:0] open_q, open_d;
  logic [OpenW-1:0] free_count;
  logic             drained, ctrl_free, req_room;
  always_comb begin
    free_count = '0;
    for (int unsigned i = 0; i < MissEntries; i++)
      free_count = free_count + OpenW'(free_entries[i]);
  end
  assign drained   = open_q == OpenW'(hl) + OpenW'(ml);
  assign ctrl_free = !in_ctrl || ctrl_done_o;
  // With hit under miss: an entry for the request accepted now, if it misses, beside the one
  // the miss of this cycle takes.
  assign req_room  = HitUnderMiss != 0 ? free_count > OpenW'(hl_miss) : drained;
  assign ctrl_ready_o = drained && ctrl_free;
  assign req_ready_o  = req_room && ctrl_free && !ctrl_valid_i;
  assign accept_ctrl  = ctrl_valid_i && ctrl_ready_o;
  assign accept_req   = req_valid_i && req_ready_o;
  assign open_d = open_q + OpenW'(accept_req) - OpenW'(hl) - OpenW'(ml);

  // ---- the responses: the hit lane's and the miss lane's ----------------------------------------
  // The #PF error code (section 2): none for a non-canonical address, which is #GP on x86, nor
  // for a bus error, which is no page fault. pk: the access's key forbids it (below).
  function automatic mmu_pkg::pf_error_t error_code(logic [3:0] f, mmu_pkg::access_e a,
                                                    logic user, logic nx_enabled, logic pk);
    error_code = '0;
    if (f != mmu_pkg::FaultNone && f != mmu_pkg::FaultNonCanonical &&
        f != mmu_pkg::FaultBusError)
      error_code = {pk, a == mmu_pkg::AccFetch && nx_enabled, f == mmu_pkg::FaultReserved, user,
                    a == mmu_pkg::AccWrite, f != mmu_pkg::FaultNotPresent};
  endfunction

  mmu_pkg::fault_e hl_fault;
  logic [1:0]      hl_size;
  logic [PfnW-1:0] hl_pfn;
  assign hl_fault = !canonical ? mmu_pkg::FaultNonCanonical
                  : l1_fault_any ? l1_fault : mmu_pkg::FaultNone;
  assign hl_size  = canonical && !l1_fault_any ? l1_size[fetch*2 +: 2] : 2'(mmu_pkg::Size4k);
  assign hl_pfn   = l1_pfn[fetch*PfnW +: PfnW];
  // PK goes with a fault of the access check whose key forbids the access, whichever check
  // failed first (the key and U/S: the entry's, or the walk's leaf's).
  logic hl_pk, ml_pk;
  assign hl_pk = mmu_pkg::is_perm_fault(hl_fault) &&
                 mmu_pkg::pkey_forbids(l1_found_rights.pkey, l1_found_rights.us, l1_access_q,
                                       l1_user_q, mode);
  assign ml_pk = mmu_pkg::is_perm_fault(ml_fault) &&
                 mmu_pkg::pkey_forbids(ml_rights.pkey, ml_rights.us, ml_access, ml_user, mode);

  assign resp_valid_o  = hl;
  assign resp_fault_o  = hl_fault;
  assign resp_source_o = canonical ? mmu_pkg::SrcL1 : mmu_pkg::SrcNone;
  assign resp_level_o  = !canonical ? mmu_pkg::LevelNone
                                   : mmu_pkg::level_of_size(l1_size[fetch*2 +: 2]);
  assign resp_size_o   = hl_size;
  assign resp_error_o  = error_code(hl_fault, l1_access_q, l1_user_q, mode.nxe, hl_pk);
  assign resp_id_o     = l1_id_q;
  assign resp_paddr_o  = hl_fault != mmu_pkg::FaultNone ? '0
                       : PaBits'(mmu_pkg::page_paddr(40'(hl_pfn), l1_vaddr_q[mmu_pkg::VaBits-1:0],
                                                     hl_size));

  assign mresp_valid_o  = ml;
  assign mresp_fault_o  = ml_fault;
  assign mresp_source_o = ml_source;
  assign mresp_level_o  = ml_level;
  assign mresp_size_o   = ml_ok ? ml_size : 2'(mmu_pkg::Size4k);
  assign mresp_error_o  = error_code(ml_fault, ml_access, ml_user, mode.nxe, ml_pk);
  assign mresp_id_o     = ml_id;
  assign mresp_paddr_o  = !ml_ok ? '0 : PaBits'(mmu_pkg::page_paddr(40'(ml_pfn), ml_va, ml_size));

  // ---- registers ------------------------------------------------------------------------------
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ctrl_q     <= CIdle;
      l1_valid_q <= 1'b0;
      open_q     <= '0;
    end else begin
      ctrl_q     <= ctrl_d;
      l1_valid_q <= accept_req;
      open_q     <= open_d;
    end
  end

  always_ff @(posedge clk_i) begin
    if (accept_req) begin
      l1_vaddr_q  <= req_vaddr_i;
      unique case (req_type_i)
        2'd1:    l1_access_q <= mmu_pkg::AccWrite;
        2'd2:    l1_access_q <= mmu_pkg::AccFetch;
        default: l1_access_q <= mmu_pkg::AccRead;
      endcase
      l1_user_q   <= req_user_i;
      l1_implicit_q <= req_implicit_i;
      l1_id_q     <= req_id_i;
    end
    if (accept_ctrl) begin
      {ctrl_op_q, ctrl_value_q, ctrl_pcid_q, ctrl_invpcid_type_q} <=
          {ctrl_op_i, ctrl_value_i, ctrl_pcid_i, ctrl_invpcid_type_i};
      ctrl_mode_q <= {ctrl_wp_i, ctrl_nxe_i, ctrl_smep_i, ctrl_smap_i, ctrl_pke_i, ctrl_ac_i,
                      ctrl_pkru_i};
    end
  end

  // ---- event counters -------------------------------------------------------------------------
  logic [mmu_pkg::NumCounters-1:0]     events;
  logic [mmu_pkg::NumCounters*64-1:0] counts;
  logic                                l1_answered;
  assign l1_answered = l1_valid_q && canonical && (l1_fault_any || l1_use);

  always_comb begin
    events = '0;
    events[mmu_pkg::CntRequests]       = accept_req;
    events[mmu_pkg::CntItlbHits]       = l1_answered && fetch;
    events[mmu_pkg::CntDtlbHits]       = l1_answered && !fetch;
    events[mmu_pkg::CntStlbHits]       = ans && (ans_use || ans_fault_any);
    events[mmu_pkg::CntWalks]          = start;
    events[mmu_pkg::CntWalkReads]      = walk_read;
    events[mmu_pkg::CntWalkWrites]     = walk_write;
    events[mmu_pkg::CntPscPdeHits]     = walk_psc_hit[0];
    events[mmu_pkg::CntPscPdpteHits]   = walk_psc_hit[1];
    events[mmu_pkg::CntPscPml4eHits]   = walk_psc_hit[2];
    events[mmu_pkg::CntPscPml5eHits]   = walk_psc_hit[3];
    events[mmu_pkg::CntFaults]         = hl && hl_fault != mmu_pkg::FaultNone;
    events[mmu_pkg::CntFaultsMissLane] = ml && !ml_ok;
    events[mmu_pkg::CntDirtyRewalks]   = ml && ml_walked && ml_clean;
    events[mmu_pkg::CntMergedMisses]   = new_merged;
    events[mmu_pkg::CntItlbFills]      = l1_filled[1];
    events[mmu_pkg::CntDtlbFills]      = l1_filled[0];
    events[mmu_pkg::CntStlbFills]      = stlb_filled;
    events[mmu_pkg::CntItlbEvictions]  = l1_evicted[1];
    events[mmu_pkg::CntDtlbEvictions]  = l1_evicted[0];
    events[mmu_pkg::CntStlbEvictions]  = stlb_evicted;
    for (int unsigned c = 0; c < 3; c++) begin
      events[mmu_pkg::CntPscPdeFills + c]     = walk_psc_fill[c];
      events[mmu_pkg::CntPscPdeEvictions + c] = walk_psc_evict[c];
    end
    events[mmu_pkg::CntPscPml5eFills]     = walk_psc_fill[3];
    events[mmu_pkg::CntPscPml5eEvictions] = walk_psc_evict[3];
  end

  mmu_counters #(.NumEvents(mmu_pkg::NumCounters), .Width(64)) u_counters (
    .clk_i, .rst_ni, .event_i(events), .count_o(counts)
  );

  assign cnt_requests_o       = counts[mmu_pkg::CntRequests*64 +: 64];
  assign cnt_itlb_hits_o      = counts[mmu_pkg::CntItlbHits*64 +: 64];
  assign cnt_dtlb_hits_o      = counts[mmu_pkg::CntDtlbHits*64 +: 64];
  assign cnt_stlb_hits_o      = counts[mmu_pkg::CntStlbHits*64 +: 64];
  assign cnt_walks_o          = counts[mmu_pkg::CntWalks*64 +: 64];
  assign cnt_walk_reads_o     = counts[mmu_pkg::CntWalkReads*64 +: 64];
  assign cnt_walk_writes_o    = counts[mmu_pkg::CntWalkWrites*64 +: 64];
  assign cnt_psc_pde_hits_o   = counts[mmu_pkg::CntPscPdeHits*64 +: 64];
  assign cnt_psc_pdpte_hits_o = counts[mmu_pkg::CntPscPdpteHits*64 +: 64];
  assign cnt_psc_pml4e_hits_o = counts[mmu_pkg::CntPscPml4eHits*64 +: 64];
  assign cnt_psc_pml5e_hits_o = counts[mmu_pkg::CntPscPml5eHits*64 +: 64];
  // (Both lanes may answer with a fault in one cycle: a counter each.)
  assign cnt_faults_o         = counts[mmu_pkg::CntFaults*64 +: 64] +
                                counts[mmu_pkg::CntFaultsMissLane*64 +: 64];
  assign cnt_dirty_rewalks_o  = counts[mmu_pkg::CntDirtyRewalks*64 +: 64];
  assign cnt_merged_misses_o  = counts[mmu_pkg::CntMergedMisses*64 +: 64];
  assign cnt_itlb_fills_o          = counts[mmu_pkg::CntItlbFills*64 +: 64];
  assign cnt_dtlb_fills_o          = counts[mmu_pkg::CntDtlbFills*64 +: 64];
  assign cnt_stlb_fills_o          = counts[mmu_pkg::CntStlbFills*64 +: 64];
  assign cnt_itlb_evictions_o      = counts[mmu_pkg::CntItlbEvictions*64 +: 64];
  assign cnt_dtlb_evictions_o      = counts[mmu_pkg::CntDtlbEvictions*64 +: 64];
  assign cnt_stlb_evictions_o      = counts[mmu_pkg::CntStlbEvictions*64 +: 64];
  assign cnt_psc_pde_fills_o       = counts[mmu_pkg::CntPscPdeFills*64 +: 64];
  assign cnt_psc_pdpte_fills_o     = counts[mmu_pkg::CntPscPdpteFills*64 +: 64];
  assign cnt_psc_pml4e_fills_o     = counts[mmu_pkg::CntPscPml4eFills*64 +: 64];
  assign cnt_psc_pde_evictions_o   = counts[mmu_pkg::CntPscPdeEvictions*64 +: 64];
  assign cnt_psc_pdpte_evictions_o = counts[mmu_pkg::CntPscPdpteEvictions*64 +: 64];
  assign cnt_psc_pml4e_evictions_o = counts[mmu_pkg::CntPscPml4eEvictions*64 +: 64];
  assign cnt_psc_pml5e_fills_o     = counts[mmu_pkg::CntPscPml5eFills*64 +: 64];
  assign cnt_psc_pml5e_evictions_o = counts[mmu_pkg::CntPscPml5eEvictions*64 +: 64];

  // ---- the counters of requests in flight (16.8) ----------------------------------------------
  // The cycle: requests' acceptance cycles, kept by the miss queue for the latency histogram.
  logic [63:0] cycle_q, ml_accept;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) cycle_q <= '0;
    else         cycle_q <= cycle_q + 64'd1;
  end

  // A response's latency bucket: floor(log2(latency)), at most LatencyBuckets - 1. The hit
  // lane's latency is 1 (bucket 0); the miss lane's is at least StlbLatency.
  localparam int unsigned BucketW = $clog2(mmu_pkg::LatencyBuckets);
  logic [63:0]        ml_latency;
  logic [BucketW-1:0] ml_bucket;
  assign ml_latency = cycle_q - ml_accept;
  always_comb begin
    ml_bucket = '0;
    if (ml) begin  // (only in a cycle the miss lane answers: a simulator skips the others)
      for (int unsigned k = 1; k < mmu_pkg::LatencyBuckets; k++)
        if (ml_latency >= (64'd1 << k)) ml_bucket = BucketW'(k);
    end
  end

  // Walks in progress after this cycle's completion and start (at most one of each a cycle).
  localparam int unsigned WalksW = $clog2(Walkers + 1);
  logic [WalksW-1:0] walks_now, walks_peak_q;
  always_comb begin
    walks_now = '0;
    for (int unsigned w = 0; w < Walkers; w++)
      walks_now = walks_now + WalksW'(!w_free[w] && !w_done[w] || w_start[w]);
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)                       walks_peak_q <= '0;
    else if (walks_now > walks_peak_q) walks_peak_q <= walks_now;
  end
  assign cnt_walks_peak_o = 64'(walks_peak_q);

  localparam int unsigned NumFlight = 1 + Walkers + mmu_pkg::LatencyBuckets;
  logic [NumFlight-1:0]    flight_events;
  logic [NumFlight*64-1:0] flight_counts;
  always_comb begin
    flight_events = '0;
    flight_events[0] = HitUnderMiss != 0 && !req_room;
    for (int unsigned w = 0; w < Walkers; w++)
      flight_events[1 + w] = w_start[w] || !w_free[w];
    for (int unsigned k = 0; k < mmu_pkg::LatencyBuckets; k++)
      flight_events[1 + Walkers + k] = (hl && k == 0) || (ml && 32'(ml_bucket) == k);
  end
  mmu_counters #(.NumEvents(NumFlight), .Width(64)) u_flight_counters (
    .clk_i, .rst_ni, .event_i(flight_events), .count_o(flight_counts)
  );
  assign cnt_miss_queue_full_o = flight_counts[0 +: 64];
  assign cnt_walker_busy_o     = flight_counts[64 +: Walkers*64];
  assign cnt_latency_o         = flight_counts[(1 + Walkers)*64 +: mmu_pkg::LatencyBuckets*64];


`ifdef FORMAL
  // Where the one request in flight is (formal/mmu_formal.sv's measure; meaningful in a
  // configuration with one request in flight, as the proofs' `tiny`): section 8's stages.
  localparam logic [3:0] FvIdle = 4'd0, FvL1 = 4'd1, FvStlb4k = 4'd2, FvStlb2m = 4'd3,
                         FvStlbWait = 4'd4, FvWalk = 4'd5, FvCtrl = 4'd6;
  always_comb begin
    fv_state_o = FvIdle;
    if (l1_valid_q) fv_state_o = FvL1;
    else if (in_ctrl) fv_state_o = FvCtrl;
    else if (fv_q_state0 == 3'd2)  // probing
      fv_state_o = fv_q_count0 == 10'(StlbLatency - 2) ? FvStlb4k
                 : fv_q_count0 == 10'(StlbLatency - 3) ? FvStlb2m : FvStlbWait;
    else if (fv_q_state0 != 3'd0) fv_state_o = FvWalk;
  end
  assign fv_walk_state_o = fv_walk_state_w[2:0];
  assign fv_walk_level_o = w_result[0][ResLevel +: 3];
  assign fv_walk_states_o = fv_walk_state_w;
  for (genvar w = 0; w < Walkers; w++) begin : g_fv_walker
    assign fv_walk_levels_o[w*3 +: 3] = w_result[w][ResLevel +: 3];
  end
  for (genvar i = 0; i < MissEntries; i++) begin : g_fv_age
    assign fv_q_age_o[i*64 +: 64] = cycle_q - fv_q_accept[i*64 +: 64];
  end
`endif

`ifdef MMU_ASSERTIONS
  // ---- the port contracts (docs/ARCHITECTURE.md, sections 13 and 16) ---------------------------
  `MMU_ASSERT_SETUP
  // Each ID accepted and not answered (16.2): a response's ID is one of them, and a request is
  // never accepted with one of them (the environment's rule).
  logic [(1 << IdBits)-1:0] ids_q;
  logic                     ctrl_open_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ids_q       <= '0;
      ctrl_open_q <= 1'b0;
    end else begin
      // (An accepted ID is set after the answered ones are cleared.)
      if (hl)         ids_q[resp_id_o]  <= 1'b0;
      if (ml)         ids_q[mresp_id_o] <= 1'b0;
      if (accept_req) ids_q[req_id_i]   <= 1'b1;
      ctrl_open_q <= accept_ctrl || (ctrl_open_q && !ctrl_done_o);
    end
  end
  `MMU_ASSERT_WHEN(a_resp_id_open, hl || ml,
                   (!hl || ids_q[resp_id_o]) && (!ml || ids_q[mresp_id_o]) &&
                   !(hl && ml && resp_id_o == mresp_id_o),
              ("mmu_top: a response with ID %0d/%0d, which no request holds", resp_id_o,
               mresp_id_o))
  `MMU_ASSUME_WHEN(a_req_id_free, accept_req,
                   !ids_q[req_id_i] || (hl && resp_id_o == req_id_i) ||
                   (ml && mresp_id_o == req_id_i),
              ("mmu_top: a request with ID %0d, which an unanswered request holds", req_id_i))
  // The IDs open are the hit lane's request's and the miss queue's, each once; and what is open
  // is what the hit lane and the queue hold.
  logic [OpenW-1:0] fv_used;
  always_comb begin
    fv_used = OpenW'(l1_valid_q);
    for (int unsigned i = 0; i < MissEntries; i++) if (!free_entries[i]) fv_used = fv_used + 1'b1;
  end
  // (All of it registered state, which changes only at an edge that accepts a request, answers
  // one, or moves the hit lane's on: simulation checks it after those.)
  logic open_chg_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) open_chg_q <= 1'b1;
    else         open_chg_q <= accept_req || l1_valid_q || ml;
  end
  `MMU_ASSERT_STATE(a_ids_open, open_chg_q,
                    ids_q == (fv_q_ids | (l1_valid_q ? (1 << IdBits)'(1) << l1_id_q : '0)) &&
                    !(l1_valid_q && fv_q_ids[l1_id_q]) && open_q == fv_used,
                    ("mmu_top: IDs open %b, held %b and %0d (hit lane %b); %0d open, %0d held",
                     ids_q, fv_q_ids, l1_id_q, l1_valid_q, open_q, fv_used))
  `MMU_ASSERT(a_done_requested, !ctrl_done_o || ctrl_open_q,
              ("mmu_top: a control completion with no operation accepted and unfinished"))
  `MMU_ASSERT(a_ctrl_alone, !(ctrl_open_q && open_q != '0),
              ("mmu_top: a control operation in service with requests open"))
  // Ready exactly when the contract says (16.2, 16.7).
  `MMU_ASSERT(a_ready_when_free,
              ctrl_ready_o == (open_q == OpenW'(hl) + OpenW'(ml) &&
                               (!ctrl_open_q || ctrl_done_o)) &&
              req_ready_o == ((HitUnderMiss != 0 ? free_count > OpenW'(hl_miss)
                                            : open_q == OpenW'(hl) + OpenW'(ml)) &&
                              (!ctrl_open_q || ctrl_done_o) && !ctrl_valid_i),
              ("mmu_top: ready %b/%b with %0d open, an operation open %b", req_ready_o,
               ctrl_ready_o, open_q, ctrl_open_q))
  `MMU_ASSERT(a_ctrl_open_is_state, ctrl_open_q == in_ctrl,
              ("mmu_top: control state %0d with an operation open %b", ctrl_q, ctrl_open_q))
`ifndef FORMAL
  // A miss lane's response is at least 2 cycles after its acceptance: the latency histogram
  // counts it in another bucket than the hit lane's of the same cycle. (Checked in simulation
  // only: a proof by induction would start from cycle counts that wrap.)
  `MMU_ASSERT_WHEN(a_miss_latency, ml, ml_latency >= 64'd2,
              ("mmu_top: a miss answered %0d cycles after its acceptance", ml_latency))
`endif
  // Every TLB array takes at most one fill a cycle: only the miss lane fills (16.5).
  `MMU_ASSERT(a_one_l1_fill, !(l1_filled[0] && l1_filled[1]),
              ("mmu_top: both L1 TLBs filled in one cycle"))
  // SMEP, SMAP and protection keys (section 2): an smep fault answers a supervisor fetch, an
  // smap fault a supervisor data access, a pk fault a data access, from an L1 entry's cached
  // rights and key (the walker asserts the same of a walk's fault).
  `MMU_ASSERT(a_prot_fault_fits,
              !resp_valid_o || mmu_pkg::prot_fault_fits(hl_fault, l1_access_q, l1_user_q),
              ("mmu_top: an smep, smap or pk fault answers an access it cannot"))
  // (Is a response's (fault, size, level) one a translation can give?)
  function automatic logic size_fits(logic [3:0] fault, logic [1:0] size, logic [2:0] level);
    size_fits = fault != 4'(mmu_pkg::FaultNone)
              ? size == 2'(mmu_pkg::Size4k)
              : mmu_pkg::result_fits(fault, size, level) &&
                (Pdpe1gb || size != 2'(mmu_pkg::Size1g));
  endfunction
  // A translation's page size is one of the three, of a leaf at that size's level (section 2:
  // 1 GiB only with Pdpe1gb); a fault's is 4 KiB, as the ports say.
  `MMU_ASSERT(a_resp_size_fits,
              (!resp_valid_o || size_fits(resp_fault_o, resp_size_o, resp_level_o)) &&
              (!mresp_valid_o || size_fits(mresp_fault_o, mresp_size_o, mresp_level_o)),
              ("mmu_top: a response's size %0d/%0d with fault %0d/%0d and level %0d/%0d",
               resp_size_o, mresp_size_o, resp_fault_o, mresp_fault_o, resp_level_o,
               mresp_level_o))
`ifdef MMU_FORMAL_TLB
  // The STLB's kept matches of entry 0 stay what its array matches for the entry's page, from
  // each compare until the entry is freed (its fill and its fault's clears go by them): with
  // mmu_tlb's uniqueness of every set, this makes the STLB's uniqueness inductive (scripts/formal,
  // task unique; one entry, as in its configuration).
  `MMU_ASSERT(a_stlb_slot_current,
              (!(fv_state_o == FvStlb2m || fv_state_o == FvStlbWait || fv_state_o == FvWalk) ||
               (fv_slot_current[0] && fv_slot_current[2])) &&
              (!(fv_state_o == FvWalk ||
                 (fv_state_o == FvStlbWait &&
                  fv_q_count0 <= 10'(StlbLatency - 4))) || fv_slot_current[1]),
              ("mmu_top: the STLB's kept matches of entry 0 are stale"))
  // What the STLB compares is what was read for it: entry 0's probe (its 4 KiB and 1 GiB sets
  // in the cycle after the probe began, its 2 MiB set in the next), or an INVLPG's; and it
  // compares the arrays' rows and the page as they are now.
  `MMU_ASSERT(a_stlb_compare_current,
              (fv_cmp == ((fv_state_o == FvStlb4k || fv_state_o == FvStlb2m) ||
                          (ctrl_q != CIdle && ctrl_q != CExec && !inv_addr_noop))) &&
              (!fv_cmp || fv_cmp_current) &&
              (!fv_cmp || fv_cmp_inv == in_ctrl) &&
              (!(fv_cmp && !fv_cmp_inv) ||
               (fv_cmp_slot == '0 &&
                fv_cmp_size == (fv_state_o == FvStlb2m ? 2'(mmu_pkg::Size2m)
                                                       : 2'(mmu_pkg::Size4k)) &&
                fv_cmp_vpn == mmu_pkg::vpn_of(entry_va[mmu_pkg::VaBits-1:0], fv_cmp_size))),
              ("mmu_top: the STLB compares another set than was read"))
`endif
  // The control port's codes (the environment's rule).
  `MMU_ASSUME(a_ctrl_op_legal, !ctrl_valid_i || ctrl_op_i <= 3'(mmu_pkg::OpSetProt),
              ("mmu_top: control operation code %0d is not a mmu_pkg::ctrl_op_e", ctrl_op_i))
`ifndef FORMAL
  // (X has no meaning in a proof's two-valued model.)
  a_outputs_known: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !$isunknown({req_ready_o, ctrl_ready_o, resp_valid_o, mresp_valid_o, ctrl_done_o,
                   mem_req_valid_o}) &&
      (!resp_valid_o || !$isunknown({resp_paddr_o, resp_size_o, resp_fault_o, resp_error_o,
                                     resp_level_o, resp_source_o, resp_id_o})) &&
      (!mresp_valid_o || !$isunknown({mresp_paddr_o, mresp_size_o, mresp_fault_o,
                                      mresp_error_o, mresp_level_o, mresp_source_o,
                                      mresp_id_o})) &&
      (!mem_req_valid_o || !$isunknown({mem_req_tag_o, mem_req_addr_o, mem_req_we_o,
                                        mem_req_setbits_o, mem_req_wdata_o})))
    else $error("mmu_top: an output is X after reset");
`endif
`endif
endmodule
