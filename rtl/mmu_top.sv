// The MMU: a request goes through the L1 TLB of its type (ITLB for fetches, DTLB otherwise),
// then the unified STLB, then the page walker, and answers on the response port; control
// operations go through mmu_ctrl. One request or operation is in service at a time. This module
// only sequences them; the timing, cycle by cycle, is docs/ARCHITECTURE.md, section 8 (the model
// side is model/mmu.c):
//   t        request accepted (req_valid_i && req_ready_o)
//   t+1      SL1:      L1 lookup; a hit, an L1 fault or a non-canonical address answers here;
//                      on a miss the STLB's 4 KiB set is read
//   t+2      SStlb4k:  4 KiB probe compared and kept; the 2 MiB set is read
//   t+3      SStlb2m:  2 MiB probe compared; outcome known
//   t+L      (L = StlbLatency) an STLB hit or fault answers; a miss starts the walk
//   ...      SWalk:    the walker's done_o cycle is the response cycle
// The next request can be accepted in the response cycle. Fills, touches and invalidations take
// effect at the end of the cycle that decides them.
`include "mmu_assert.svh"

module mmu_top #(
  parameter int unsigned PaBits = 46,
  parameter int unsigned Itlb4kEntries = 128,
  parameter int unsigned Itlb4kWays = 8,
  parameter int unsigned Itlb4kRepl = mmu_pkg::ReplLru,
  parameter int unsigned Itlb2mEntries = 8,
  parameter int unsigned Itlb2mWays = 8,
  parameter int unsigned Itlb2mRepl = mmu_pkg::ReplLru,
  parameter int unsigned Dtlb4kEntries = 64,
  parameter int unsigned Dtlb4kWays = 4,
  parameter int unsigned Dtlb4kRepl = mmu_pkg::ReplLru,
  parameter int unsigned Dtlb2mEntries = 32,
  parameter int unsigned Dtlb2mWays = 4,
  parameter int unsigned Dtlb2mRepl = mmu_pkg::ReplLru,
  parameter int unsigned StlbEntries = 1536,
  parameter int unsigned StlbWays = 12,
  parameter int unsigned StlbRepl = mmu_pkg::ReplLru,
  parameter int unsigned PscPdeEntries = 32,
  parameter int unsigned PscPdeRepl = mmu_pkg::ReplLru,
  parameter int unsigned PscPdpteEntries = 4,
  parameter int unsigned PscPdpteRepl = mmu_pkg::ReplLru,
  parameter int unsigned PscPml4eEntries = 2,
  parameter int unsigned PscPml4eRepl = mmu_pkg::ReplLru,
  parameter int unsigned StlbLatency = 9,
  parameter logic [15:0] LfsrSeed = 16'hACE1,
  parameter bit          WpReset = 1'b1,
  parameter bit          NxeReset = 1'b1,
  parameter int unsigned IdBits = 4,  // a request's ID (docs/ARCHITECTURE.md 16.2)
  parameter int unsigned Walkers = 1,  // page walkers sharing the memory port (16.5)
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
  input  logic [IdBits-1:0] req_id_i,   // given back with the request's response
  // Responses, one cycle each. resp_fault_o is mmu_pkg::fault_e, resp_source_o
  // mmu_pkg::source_e. The ports are plain vectors, so that waveform filters apply to them.
  output logic              resp_valid_o,
  output logic [PaBits-1:0] resp_paddr_o,
  output logic              resp_is2m_o,
  output logic [2:0]        resp_fault_o,
  output logic [4:0]        resp_error_o,
  output logic [2:0]        resp_level_o,
  output logic [1:0]        resp_source_o,
  output logic [IdBits-1:0] resp_id_o,  // the ID of the request answered
  // Control operations (mmu_pkg::ctrl_op_e); ctrl_done_o marks the completion cycle.
  input  logic              ctrl_valid_i,
  output logic              ctrl_ready_o,
  input  logic [2:0]        ctrl_op_i,
  input  logic [63:0]       ctrl_value_i,
  input  logic [11:0]       ctrl_pcid_i,
  input  logic [1:0]        ctrl_invpcid_type_i,
  input  logic              ctrl_wp_i,
  input  logic              ctrl_nxe_i,
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
  output logic [63:0]       cnt_faults_o,
  output logic [63:0]       cnt_dirty_rewalks_o,
  output logic [63:0]       cnt_itlb_fills_o,
  output logic [63:0]       cnt_dtlb_fills_o,
  output logic [63:0]       cnt_stlb_fills_o,
  output logic [63:0]       cnt_itlb_evictions_o,
  output logic [63:0]       cnt_dtlb_evictions_o,
  output logic [63:0]       cnt_stlb_evictions_o,
  output logic [63:0]       cnt_psc_pde_fills_o,
  output logic [63:0]       cnt_psc_pdpte_fills_o,
  output logic [63:0]       cnt_psc_pml4e_fills_o,
  output logic [63:0]       cnt_psc_pde_evictions_o,
  output logic [63:0]       cnt_psc_pdpte_evictions_o,
  output logic [63:0]       cnt_psc_pml4e_evictions_o
`ifdef FORMAL
  ,
  // Formal only (scripts/formal, task bounded; formal/mmu_formal.sv): where the request in
  // service is, for the proof's measure of progress: top_state_e, the walker's state and level.
  output logic [3:0]        fv_state_o,
  output logic [2:0]        fv_walk_state_o,
  output logic [2:0]        fv_walk_level_o
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
  if (Walkers < 1 || Walkers > 8) begin : g_bad_walkers
    $error("mmu_top: Walkers must be 1..8");
  end
  if (LfsrSeed == 16'h0) begin : g_bad_lfsr_seed
    $error("mmu_top: LfsrSeed must not be 0");
  end

  typedef enum logic [3:0] {
    SIdle,        // nothing in service
    SL1,          // a request's L1 lookup; the STLB reads the 4 KiB set
    SStlb4k,      // the STLB compares the 4 KiB probe and reads the 2 MiB set
    SStlb2m,      // the STLB compares the 2 MiB probe: its answer is known
    SStlbWait,    // the STLB's latency runs out; then it answers or the walk starts
    SWalk,        // the walker works; its done_o is the response cycle
    SCtrl,        // a control operation executes (CR3, sweeps); an INVLPG probes the STLB's 4 KiB set
    SCtrlStlb4k,  // INVLPG: clear the STLB's 4 KiB matches; read the 2 MiB set
    SCtrlStlb2m   // INVLPG: clear the STLB's 2 MiB matches; the operation completes
  } top_state_e;

  top_state_e state_q, state_d;
  logic       ready, accept_req, accept_ctrl, in_ctrl;

  mmu_wave_state #(.Width(4)) u_state_wave (.state_i(state_q));

  // ---- the accepted request and control operation ---------------------------------------------
  mmu_pkg::vaddr_t  vaddr_q, vaddr_d;
  mmu_pkg::access_e access_q, access_d;
  logic             user_q, user_d;
  logic [IdBits-1:0] id_q, id_d;
  logic             fetch, write;
  logic [2:0]       ctrl_op_q, ctrl_op_d;
  mmu_pkg::vaddr_t  ctrl_value_q, ctrl_value_d;
  mmu_pkg::pcid_t   ctrl_pcid_q, ctrl_pcid_d;
  logic [1:0]       ctrl_invpcid_type_q, ctrl_invpcid_type_d;
  logic             ctrl_wp_q, ctrl_wp_d, ctrl_nxe_q, ctrl_nxe_d;

  assign fetch = access_q == mmu_pkg::AccFetch;
  assign write = access_q == mmu_pkg::AccWrite;

  // ---- control state ------------------------------------------------------------------------
  logic [PfnW-1:0] cr3_base;
  mmu_pkg::pcid_t  pcid, inv_pcid, inv_addr_pcid;
  logic            wp, nxe;
  logic            inv, inv_by_pcid, inv_keep_global;
  logic            inv_addr, inv_addr_keep_global, inv_addr_noop;
  mmu_pkg::va_t    inv_addr_va;

  mmu_ctrl #(.PaBits(PaBits), .WpReset(WpReset), .NxeReset(NxeReset)) u_ctrl (
    .clk_i, .rst_ni, .exec_i(state_q == SCtrl), .op_i(ctrl_op_q), .value_i(ctrl_value_q),
    .pcid_i(ctrl_pcid_q), .invpcid_type_i(ctrl_invpcid_type_q), .wp_i(ctrl_wp_q),
    .nxe_i(ctrl_nxe_q), .cr3_base_o(cr3_base), .pcid_o(pcid), .wp_o(wp), .nxe_o(nxe),
    .inv_o(inv), .inv_by_pcid_o(inv_by_pcid), .inv_pcid_o(inv_pcid),
    .inv_keep_global_o(inv_keep_global), .addr_o(inv_addr), .addr_va_o(inv_addr_va),
    .addr_pcid_o(inv_addr_pcid), .addr_keep_global_o(inv_addr_keep_global),
    .addr_noop_o(inv_addr_noop)
  );

  // What the TLBs look up: the request, or an INVLPG's address.
  mmu_pkg::va_t   lookup_va;
  mmu_pkg::pcid_t lookup_pcid;
  mmu_pkg::vpn_t  vpn4k, vpn2m;
  assign in_ctrl     = state_q == SCtrl || state_q == SCtrlStlb4k || state_q == SCtrlStlb2m;
  assign lookup_va   = in_ctrl ? inv_addr_va : vaddr_q[mmu_pkg::VaBits-1:0];
  assign lookup_pcid = in_ctrl ? inv_addr_pcid : pcid;
  assign vpn4k = mmu_pkg::vpn_4k(lookup_va);
  assign vpn2m = mmu_pkg::vpn_2m(lookup_va);

  // What a fill writes: the walk's translation into the STLB and the L1, or an STLB hit's entry
  // into the L1.
  logic             fill_is2m, fill_global, fill_dirty;
  logic [PfnW-1:0]  fill_pfn;
  mmu_pkg::rights_t fill_rights;

  // Sweeps of every TLB (control operations).
  logic tlb_inv;

  // ---- L1 TLBs: [0] the DTLB, [1] the ITLB ----------------------------------------------------
  // Flat vectors, L1 i in bits [i] (its frame in [i*PfnW +: PfnW], its rights in [i*3 +: 3]):
  // Yosys 0.23 reads arrays of packed structs wrongly.
  logic [1:0]        l1_hit, l1_is2m, l1_dirty, l1_filled, l1_evicted;
  logic [2*PfnW-1:0] l1_pfn;
  logic [5:0]        l1_rights;
  logic             l1_touch, l1_fill, l1_clr, l1_clr_keep_global, l1_wr_clr;
  // The cycles whose L1 lookup is used: the request's L1 answer and its fault's clear, and an
  // INVLPG's clear (a fill, and the clear of a later fault, compare the request's page on the
  // L1's write side).
  logic             l1_cmp;  // (set below the STLB and the walker, whose answers it needs)
  for (genvar i = 0; i < 2; i++) begin : g_l1
    // The request's own L1 is used and filled; an INVLPG clears both.
    localparam bit Itlb = i == 1;
    logic mine;
    assign mine = fetch == Itlb;
    mmu_l1_tlb #(.Entries4k(Itlb ? Itlb4kEntries : Dtlb4kEntries),
                 .Ways4k(Itlb ? Itlb4kWays : Dtlb4kWays), .Repl4k(Itlb ? Itlb4kRepl : Dtlb4kRepl),
                 .Entries2m(Itlb ? Itlb2mEntries : Dtlb2mEntries),
                 .Ways2m(Itlb ? Itlb2mWays : Dtlb2mWays), .Repl2m(Itlb ? Itlb2mRepl : Dtlb2mRepl),
                 .PaBits(PaBits), .LfsrSeed(LfsrSeed)) u_l1 (
      .clk_i, .rst_ni, .lk_va_i(lookup_va), .lk_pcid_i(lookup_pcid),
      .cmp_i(l1_cmp && (in_ctrl || mine)),
      .hit_o(l1_hit[i]), .is2m_o(l1_is2m[i]), .pfn_o(l1_pfn[i*PfnW +: PfnW]),
      .rights_o(l1_rights[i*3 +: 3]), .dirty_o(l1_dirty[i]),
      .touch_i(l1_touch && mine),
      .clr_i(l1_clr && (in_ctrl || mine)), .clr_keep_global_i(l1_clr_keep_global),
      .wr_va_i(vaddr_q[mmu_pkg::VaBits-1:0]), .wr_pcid_i(pcid), .wr_clr_i(l1_wr_clr && mine),
      .fill_i(l1_fill && mine), .fill_is2m_i(fill_is2m), .fill_global_i(fill_global),
      .fill_pfn_i(fill_pfn), .fill_rights_i(fill_rights), .fill_dirty_i(fill_dirty),
      .inv_i(tlb_inv), .inv_by_pcid_i(inv_by_pcid), .inv_pcid_i(inv_pcid),
      .inv_keep_global_i(inv_keep_global), .filled_o(l1_filled[i]), .evicted_o(l1_evicted[i])
    );
  end

  // The L1 answer for the request in service.
  logic             l1_found, l1_fault_any, l1_clean, l1_use, canonical;
  mmu_pkg::fault_e  l1_fault;
  assign l1_found  = l1_hit[fetch];
  assign canonical = vaddr_q[63:47] == '0 || vaddr_q[63:47] == '1;

  mmu_perm_check u_l1_perm (
    .rights_i(l1_rights[fetch*3 +: 3]), .access_i(access_q), .user_i(user_q), .wp_i(wp), .nxe_i(nxe),
    .fault_o(l1_fault)
  );
  assign l1_fault_any = l1_found && l1_fault != mmu_pkg::FaultNone;
  assign l1_clean     = l1_found && !l1_fault_any && write && !l1_dirty[fetch];
  assign l1_use       = l1_found && !l1_fault_any && !l1_clean;

  // ---- STLB ---------------------------------------------------------------------------------
  logic             stlb_answer, stlb_hit, stlb_is2m, stlb_dirty, stlb_global;
  logic [PfnW-1:0]  stlb_pfn;
  mmu_pkg::rights_t stlb_rights;
  logic             stlb_touch, stlb_fill, stlb_clr_probes, stlb_filled, stlb_evicted;
  logic             stlb_fault_any, stlb_clean, stlb_use;
  mmu_pkg::fault_e  stlb_fault;
`ifdef FORMAL
  logic [1:0]       fv_stlb_probes_current;  // (scripts/formal, task unique)
`endif

  mmu_stlb #(.NumEntries(StlbEntries), .NumWays(StlbWays), .Repl(StlbRepl),
             .Latency(StlbLatency), .PaBits(PaBits), .LfsrSeed(LfsrSeed)) u_stlb (
    .clk_i, .rst_ni,
    .vpn4k_i(vpn4k), .vpn2m_i(vpn2m), .pcid_i(lookup_pcid),
    .probe4k_i(state_q == SL1 || state_q == SCtrl), .stage4k_i(state_q == SStlb4k),
    .stage2m_i(state_q == SStlb2m),
    .answer_o(stlb_answer), .hit_o(stlb_hit), .is2m_o(stlb_is2m), .pfn_o(stlb_pfn),
    .rights_o(stlb_rights), .dirty_o(stlb_dirty), .global_o(stlb_global),
    .touch_i(stlb_touch),
    .fill_i(stlb_fill), .fill_is2m_i(fill_is2m), .fill_global_i(fill_global),
    .fill_pfn_i(fill_pfn), .fill_rights_i(fill_rights), .fill_dirty_i(fill_dirty),
    .clr_probes_i(stlb_clr_probes),
    .inv_addr4k_i(state_q == SCtrlStlb4k && !inv_addr_noop),
    .inv_addr2m_i(state_q == SCtrlStlb2m && !inv_addr_noop),
    .inv_addr_keep_global_i(inv_addr_keep_global),
    .inv_i(tlb_inv), .inv_by_pcid_i(inv_by_pcid), .inv_pcid_i(inv_pcid),
    .inv_keep_global_i(inv_keep_global), .filled_o(stlb_filled), .evicted_o(stlb_evicted)
`ifdef FORMAL
    , .fv_probes_current_o(fv_stlb_probes_current)
`endif
  );

  mmu_perm_check u_stlb_perm (
    .rights_i(stlb_rights), .access_i(access_q), .user_i(user_q), .wp_i(wp), .nxe_i(nxe),
    .fault_o(stlb_fault)
  );
  assign stlb_fault_any = stlb_hit && stlb_fault != mmu_pkg::FaultNone;
  assign stlb_clean     = stlb_hit && !stlb_fault_any && write && !stlb_dirty;
  assign stlb_use       = stlb_hit && !stlb_fault_any && !stlb_clean;

  // ---- walkers ------------------------------------------------------------------------------
  // Walkers walks at once at most, sharing the paging-structure caches and the memory port. A
  // walk starts in the lowest free walker (a walker is free from the cycle after its walk's
  // answer); here one request is in service, so its walk is the only one.
  logic             walk_start, walk_done, walk_is2m, walk_global, walk_dirty, walk_ok;
  mmu_pkg::fault_e  walk_fault;
  mmu_pkg::level_t  walk_level;
  logic [PfnW-1:0]  walk_pfn;
  mmu_pkg::rights_t walk_rights;
  logic             walk_read, walk_write;
  logic [2:0]       walk_psc_hit, walk_psc_fill, walk_psc_evict;
  logic             psc_inv, psc_inv_by_pcid, psc_inv_by_addr;
  mmu_pkg::pcid_t   psc_inv_pcid;
  logic             clean_q, clean_d;  // the L1 hit was a clean entry: a dirty re-walk

  assign walk_start = (state_q == SStlb2m || state_q == SStlbWait) && stlb_answer && !stlb_use &&
                      !stlb_fault_any;
  assign walk_ok = walk_fault == mmu_pkg::FaultNone;
  assign l1_cmp = state_q == SL1 || state_q == SCtrl;

  // The paging-structure caches: looked up when a walk starts, filled by the walker whose read
  // the memory accepts (one a cycle).
  logic [2:0]        psc_hit, psc_fill;
  logic [3*PfnW-1:0] psc_table;
  logic [8:0]        psc_rights;
  mmu_pkg::va_t      psc_fill_va;
  mmu_pkg::pcid_t    psc_fill_pcid;
  logic [PfnW-1:0]   psc_fill_table;
  mmu_pkg::rights_t  psc_fill_rights;
  mmu_pscs #(.PaBits(PaBits), .PscPdeEntries(PscPdeEntries), .PscPdpteEntries(PscPdpteEntries),
             .PscPml4eEntries(PscPml4eEntries), .PscPdeRepl(PscPdeRepl),
             .PscPdpteRepl(PscPdpteRepl), .PscPml4eRepl(PscPml4eRepl), .LfsrSeed(LfsrSeed))
  u_pscs (
    .clk_i, .rst_ni,
    .lk_i(walk_start), .lk_va_i(vaddr_q[mmu_pkg::VaBits-1:0]), .lk_pcid_i(pcid),
    .lk_hit_o(psc_hit), .lk_table_o(psc_table), .lk_rights_o(psc_rights),
    .fill_i(psc_fill), .fill_va_i(psc_fill_va), .fill_pcid_i(psc_fill_pcid),
    .fill_table_i(psc_fill_table), .fill_rights_i(psc_fill_rights),
    .inv_i(psc_inv), .inv_by_pcid_i(psc_inv_by_pcid), .inv_pcid_i(psc_inv_pcid),
    .inv_by_addr_i(psc_inv_by_addr), .inv_va_i(vaddr_q[mmu_pkg::VaBits-1:0]),
    .filled_o(walk_psc_fill), .evicted_o(walk_psc_evict)
  );

  // Each walker's signals, walker w in bit w (or its field at w's offset).
  logic [Walkers-1:0]          w_free, w_start, w_done, w_read, w_write;
  logic [Walkers-1:0]          w_req_valid, w_req_ready, w_req_we, w_req_setbits, w_rsp_valid;
  logic [Walkers*PaBits-1:0]   w_req_addr;
  logic [Walkers*64-1:0]       w_req_wdata;
  logic [Walkers*3-1:0]        w_psc_fill;
  logic [Walkers*(mmu_pkg::VaBits+mmu_pkg::PcidBits+PfnW+3)-1:0] w_psc_fill_entry;
  // A walker's result, from the top: fault, level, frame, is2m, global, dirty, rights.
  localparam int unsigned ResW = 3 + 3 + PfnW + 3 + 3;
  logic [Walkers*ResW-1:0]     w_result;
  localparam int unsigned FillW = mmu_pkg::VaBits + mmu_pkg::PcidBits + PfnW + 3;
  localparam int unsigned WalkerW = (Walkers > 1) ? $clog2(Walkers) : 1;
  logic [WalkerW-1:0]          w_first_free, w_answer;
  mmu_pkg::fault_e             w_fault [Walkers];
  logic [Walkers*3-1:0]        walk_psc_hit_w;
`ifdef FORMAL
  logic [Walkers*3-1:0]        fv_walk_state_w;
`endif

  for (genvar w = 0; w < Walkers; w++) begin : g_walker
    mmu_walker #(.PaBits(PaBits), .SetBits(Walkers > 1)) u_walker (
      .clk_i, .rst_ni,
      .start_i(w_start[w]), .va_i(vaddr_q[mmu_pkg::VaBits-1:0]), .access_i(access_q),
      .user_i(user_q), .wp_i(wp), .nxe_i(nxe), .pcid_i(pcid), .root_i(cr3_base),
      .idle_o(w_free[w]), .done_o(w_done[w]),
      .fault_o(w_fault[w]), .level_o(w_result[w*ResW + PfnW + 6 +: 3]),
      .pfn_o(w_result[w*ResW + 6 +: PfnW]), .is2m_o(w_result[w*ResW + 5]),
      .global_o(w_result[w*ResW + 4]), .dirty_o(w_result[w*ResW + 3]),
      .rights_o(w_result[w*ResW +: 3]),
      .mem_req_valid_o(w_req_valid[w]), .mem_req_ready_i(w_req_ready[w]),
      .mem_req_addr_o(w_req_addr[w*PaBits +: PaBits]), .mem_req_we_o(w_req_we[w]),
      .mem_req_setbits_o(w_req_setbits[w]), .mem_req_wdata_o(w_req_wdata[w*64 +: 64]),
      .mem_rsp_valid_i(w_rsp_valid[w]), .mem_rsp_err_i(mem_rsp_err_i && w_rsp_valid[w]),
      .mem_rsp_rdata_i,
      .psc_hit_i(psc_hit), .psc_table_i(psc_table), .psc_rights_i(psc_rights),
      .psc_fill_o(w_psc_fill[w*3 +: 3]),
      .psc_fill_va_o(w_psc_fill_entry[w*FillW + FillW - mmu_pkg::VaBits +: mmu_pkg::VaBits]),
      .psc_fill_pcid_o(w_psc_fill_entry[w*FillW + PfnW + 3 +: mmu_pkg::PcidBits]),
      .psc_fill_table_o(w_psc_fill_entry[w*FillW + 3 +: PfnW]),
      .psc_fill_rights_o(w_psc_fill_entry[w*FillW +: 3]),
      .ev_read_o(w_read[w]), .ev_write_o(w_write[w]),
      .ev_psc_hit_o(walk_psc_hit_w[w*3 +: 3])
`ifdef FORMAL
      , .fv_state_o(fv_walk_state_w[w*3 +: 3])
`endif
    );
    assign w_result[w*ResW + PfnW + 9 +: 3] = w_fault[w];
  end

  // The lowest free walker starts the walk; the walker in service is the one not free.
  always_comb begin
    w_first_free = '0;
    w_answer = '0;
    for (int w = Walkers - 1; w >= 0; w--) begin
      if (w_free[w]) w_first_free = WalkerW'(w);
      if (!w_free[w]) w_answer = WalkerW'(w);
    end
    w_start = '0;
    w_start[w_first_free] = walk_start;
  end
  assign walk_done = |w_done;
  assign walk_fault = w_fault[w_answer];
  assign {walk_level, walk_pfn, walk_is2m, walk_global, walk_dirty, walk_rights} =
      w_result[w_answer*ResW +: ResW - 3];

  // One walk starts a cycle, and the memory accepts one access a cycle: the caches see at most
  // one lookup and one fill, each a walker's.
  always_comb begin
    psc_fill = '0;
    {psc_fill_va, psc_fill_pcid, psc_fill_table, psc_fill_rights} = w_psc_fill_entry[0 +: FillW];
    walk_psc_hit = '0;
    walk_read = |w_read;
    walk_write = |w_write;
    for (int unsigned w = 0; w < Walkers; w++) begin
      psc_fill = psc_fill | w_psc_fill[w*3 +: 3];
      walk_psc_hit = walk_psc_hit | walk_psc_hit_w[w*3 +: 3];
      if (w_psc_fill[w*3 +: 3] != '0)
        {psc_fill_va, psc_fill_pcid, psc_fill_table, psc_fill_rights} =
            w_psc_fill_entry[w*FillW +: FillW];
    end
  end

  mmu_mem_arbiter #(.Walkers(Walkers), .PaBits(PaBits)) u_mem_arbiter (
    .clk_i, .rst_ni,
    .req_valid_i(w_req_valid), .req_ready_o(w_req_ready), .req_addr_i(w_req_addr),
    .req_we_i(w_req_we), .req_setbits_i(w_req_setbits), .req_wdata_i(w_req_wdata),
    .rsp_valid_o(w_rsp_valid),
    .mem_req_valid_o, .mem_req_ready_i, .mem_req_tag_o, .mem_req_addr_o, .mem_req_we_o,
    .mem_req_setbits_o, .mem_req_wdata_o, .mem_rsp_valid_i, .mem_rsp_tag_i
  );
`ifdef FORMAL
  assign fv_state_o      = state_q;
  assign fv_walk_state_o = fv_walk_state_w[w_answer*3 +: 3];
  assign fv_walk_level_o = walk_level;
`endif

  // ---- what each cycle decides ---------------------------------------------------------------
  // resp_source: where the response of this cycle comes from (SrcNone: a non-canonical address).
  mmu_pkg::source_e resp_source;

  always_comb begin
    state_d = state_q;
    resp_valid_o = 1'b0;
    resp_source = mmu_pkg::SrcNone;
    ctrl_done_o = 1'b0;
    l1_touch = 1'b0;
    l1_fill = 1'b0;
    l1_clr = 1'b0;
    l1_clr_keep_global = 1'b0;
    l1_wr_clr = 1'b0;
    stlb_touch = 1'b0;
    stlb_fill = 1'b0;
    stlb_clr_probes = 1'b0;
    tlb_inv = 1'b0;
    psc_inv = 1'b0;
    psc_inv_by_pcid = 1'b1;
    psc_inv_pcid = pcid;
    psc_inv_by_addr = 1'b0;
    // Fills carry the walk's result, or the STLB entry copied into the L1.
    if (state_q == SWalk) begin
      {fill_is2m, fill_pfn, fill_global, fill_rights, fill_dirty} =
          {walk_is2m, walk_pfn, walk_global, walk_rights, walk_dirty};
    end else begin
      {fill_is2m, fill_pfn, fill_global, fill_rights, fill_dirty} =
          {stlb_is2m, stlb_pfn, stlb_global, stlb_rights, stlb_dirty};
    end

    unique case (state_q)
      SIdle: ;
      SL1: begin
        if (!canonical) begin
          resp_valid_o = 1'b1;
          state_d = SIdle;
        end else if (l1_fault_any || l1_use) begin
          resp_valid_o = 1'b1;
          resp_source = mmu_pkg::SrcL1;
          l1_touch = l1_use;
          l1_clr = l1_fault_any;
          state_d = SIdle;
        end else begin
          state_d = SStlb4k;
        end
      end
      SStlb4k: state_d = SStlb2m;
      SStlb2m, SStlbWait: begin
        state_d = SStlbWait;
        if (stlb_answer) begin
          if (stlb_use || stlb_fault_any) begin
            resp_valid_o = 1'b1;
            resp_source = mmu_pkg::SrcStlb;
            stlb_touch = stlb_use;
            l1_fill = stlb_use;
            l1_wr_clr = stlb_fault_any;
            stlb_clr_probes = stlb_fault_any;
            state_d = SIdle;
          end else begin
            state_d = SWalk;
          end
        end
      end
      SWalk: begin
        if (walk_done) begin
          resp_valid_o = 1'b1;
          resp_source = mmu_pkg::SrcWalk;
          l1_fill = walk_ok;
          stlb_fill = walk_ok;
          l1_wr_clr = !walk_ok;
          stlb_clr_probes = !walk_ok;
          psc_inv = !walk_ok;
          psc_inv_by_addr = 1'b1;
          state_d = SIdle;
        end
      end
      SCtrl: begin
        if (inv) begin
          tlb_inv = 1'b1;
          psc_inv = 1'b1;
          psc_inv_by_pcid = inv_by_pcid;
          psc_inv_pcid = inv_pcid;
        end
        if (inv_addr) begin
          l1_clr = !inv_addr_noop;
          l1_clr_keep_global = inv_addr_keep_global;
          psc_inv = !inv_addr_noop;
          psc_inv_pcid = inv_addr_pcid;
          state_d = SCtrlStlb4k;
        end else begin
          ctrl_done_o = 1'b1;
          state_d = SIdle;
        end
      end
      SCtrlStlb4k: state_d = SCtrlStlb2m;
      SCtrlStlb2m: begin
        ctrl_done_o = 1'b1;
        state_d = SIdle;
      end
      default: state_d = SIdle;
    endcase

    ready = state_q == SIdle || resp_valid_o || ctrl_done_o;
    if (accept_ctrl) state_d = SCtrl;
    else if (accept_req) state_d = SL1;
  end

  assign ctrl_ready_o = ready;
  assign req_ready_o  = ready && !ctrl_valid_i;  // a control operation goes first
  assign accept_ctrl  = ctrl_valid_i && ctrl_ready_o;
  assign accept_req   = req_valid_i && req_ready_o;

  // ---- the response: built here, from the source the cycle chose --------------------------------
  mmu_pkg::fault_e resp_fault;
  logic [PfnW-1:0] resp_pfn;
  mmu_pkg::pf_error_t resp_error;

  always_comb begin
    unique case (resp_source)
      mmu_pkg::SrcL1: begin
        resp_fault   = l1_fault_any ? l1_fault : mmu_pkg::FaultNone;
        resp_level_o = l1_is2m[fetch] ? mmu_pkg::LevelPd : mmu_pkg::LevelPt;
        resp_is2m_o  = l1_is2m[fetch] && !l1_fault_any;
        resp_pfn     = l1_pfn[fetch*PfnW +: PfnW];
      end
      mmu_pkg::SrcStlb: begin
        resp_fault   = stlb_fault_any ? stlb_fault : mmu_pkg::FaultNone;
        resp_level_o = stlb_is2m ? mmu_pkg::LevelPd : mmu_pkg::LevelPt;
        resp_is2m_o  = stlb_is2m && !stlb_fault_any;
        resp_pfn     = stlb_pfn;
      end
      mmu_pkg::SrcWalk: begin
        resp_fault   = walk_fault;
        resp_level_o = walk_level;
        resp_is2m_o  = walk_is2m && walk_ok;
        resp_pfn     = walk_pfn;
      end
      default: begin  // SrcNone: a non-canonical address (when resp_valid_o)
        resp_fault   = resp_valid_o ? mmu_pkg::FaultNonCanonical : mmu_pkg::FaultNone;
        resp_level_o = mmu_pkg::LevelNone;
        resp_is2m_o  = 1'b0;
        resp_pfn     = '0;
      end
    endcase
    // #PF error code (section 2): none for a non-canonical address, which is #GP on x86, nor
    // for a bus error, which is no page fault.
    resp_error = '0;
    if (resp_fault != mmu_pkg::FaultNone && resp_fault != mmu_pkg::FaultNonCanonical &&
        resp_fault != mmu_pkg::FaultBusError) begin
      resp_error = {fetch && nxe, resp_fault == mmu_pkg::FaultReserved, user_q, write,
                    resp_fault != mmu_pkg::FaultNotPresent};
    end
  end

  assign resp_fault_o  = resp_fault;
  assign resp_source_o = resp_source;
  assign resp_error_o  = resp_error;
  assign resp_id_o     = id_q;
  assign resp_paddr_o  = resp_fault != mmu_pkg::FaultNone ? '0
                       : resp_is2m_o ? {resp_pfn[PfnW-1:9], vaddr_q[20:0]}
                                     : {resp_pfn, vaddr_q[11:0]};

  // ---- registers ------------------------------------------------------------------------------
  always_comb begin
    {vaddr_d, access_d, user_d} = {vaddr_q, access_q, user_q};
    {ctrl_op_d, ctrl_value_d, ctrl_pcid_d, ctrl_invpcid_type_d, ctrl_wp_d, ctrl_nxe_d} =
        {ctrl_op_q, ctrl_value_q, ctrl_pcid_q, ctrl_invpcid_type_q, ctrl_wp_q, ctrl_nxe_q};
    clean_d = clean_q;
    id_d = accept_req ? req_id_i : id_q;
    if (accept_req) begin
      vaddr_d = req_vaddr_i;
      unique case (req_type_i)
        2'd1:    access_d = mmu_pkg::AccWrite;
        2'd2:    access_d = mmu_pkg::AccFetch;
        default: access_d = mmu_pkg::AccRead;
      endcase
      user_d = req_user_i;
    end
    if (accept_ctrl) begin
      {ctrl_op_d, ctrl_value_d, ctrl_pcid_d, ctrl_invpcid_type_d, ctrl_wp_d, ctrl_nxe_d} =
          {ctrl_op_i, ctrl_value_i, ctrl_pcid_i, ctrl_invpcid_type_i, ctrl_wp_i, ctrl_nxe_i};
    end
    if (state_q == SL1) clean_d = l1_clean;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) state_q <= SIdle;
    else         state_q <= state_d;
  end

  always_ff @(posedge clk_i) begin
    {vaddr_q, access_q, user_q} <= {vaddr_d, access_d, user_d};
    {ctrl_op_q, ctrl_value_q, ctrl_pcid_q, ctrl_invpcid_type_q, ctrl_wp_q, ctrl_nxe_q} <=
        {ctrl_op_d, ctrl_value_d, ctrl_pcid_d, ctrl_invpcid_type_d, ctrl_wp_d, ctrl_nxe_d};
    clean_q <= clean_d;
    id_q    <= id_d;
  end

  // ---- event counters -------------------------------------------------------------------------
  logic [mmu_pkg::NumCounters-1:0]       events;
  logic [mmu_pkg::NumCounters*64-1:0]   counts;
  logic                                  l1_answered;
  assign l1_answered = state_q == SL1 && canonical && (l1_fault_any || l1_use);

  always_comb begin
    events = '0;
    events[mmu_pkg::CntRequests]     = accept_req;
    events[mmu_pkg::CntItlbHits]     = l1_answered && fetch;
    events[mmu_pkg::CntDtlbHits]     = l1_answered && !fetch;
    events[mmu_pkg::CntStlbHits]     = resp_valid_o && resp_source == mmu_pkg::SrcStlb;
    events[mmu_pkg::CntWalks]        = walk_start;
    events[mmu_pkg::CntWalkReads]    = walk_read;
    events[mmu_pkg::CntWalkWrites]   = walk_write;
    events[mmu_pkg::CntPscPdeHits]   = walk_psc_hit[0];
    events[mmu_pkg::CntPscPdpteHits] = walk_psc_hit[1];
    events[mmu_pkg::CntPscPml4eHits] = walk_psc_hit[2];
    events[mmu_pkg::CntFaults]       = resp_valid_o && resp_fault != mmu_pkg::FaultNone;
    events[mmu_pkg::CntDirtyRewalks] = walk_start && (clean_q || stlb_clean);
    events[mmu_pkg::CntItlbFills]     = l1_filled[1];
    events[mmu_pkg::CntDtlbFills]     = l1_filled[0];
    events[mmu_pkg::CntStlbFills]     = stlb_filled;
    events[mmu_pkg::CntItlbEvictions] = l1_evicted[1];
    events[mmu_pkg::CntDtlbEvictions] = l1_evicted[0];
    events[mmu_pkg::CntStlbEvictions] = stlb_evicted;
    for (int unsigned c = 0; c < 3; c++) begin
      events[mmu_pkg::CntPscPdeFills + c]     = walk_psc_fill[c];
      events[mmu_pkg::CntPscPdeEvictions + c] = walk_psc_evict[c];
    end
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
  assign cnt_faults_o         = counts[mmu_pkg::CntFaults*64 +: 64];
  assign cnt_dirty_rewalks_o  = counts[mmu_pkg::CntDirtyRewalks*64 +: 64];
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

`ifdef MMU_ASSERTIONS
  // ---- the port contracts (docs/ARCHITECTURE.md, section 13) -----------------------------------
  `MMU_ASSERT_SETUP
  // A request or operation accepted and not yet answered.
  logic req_open_q, ctrl_open_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      req_open_q  <= 1'b0;
      ctrl_open_q <= 1'b0;
    end else begin
      req_open_q  <= accept_req || (req_open_q && !resp_valid_o);
      ctrl_open_q <= accept_ctrl || (ctrl_open_q && !ctrl_done_o);
    end
  end
  `MMU_ASSERT(a_resp_requested, !resp_valid_o || req_open_q,
              ("mmu_top: a response with no request accepted and unanswered"))
  `MMU_ASSERT(a_done_requested, !ctrl_done_o || ctrl_open_q,
              ("mmu_top: a control completion with no operation accepted and unfinished"))
  `MMU_ASSERT(a_one_in_service, !(req_open_q && ctrl_open_q),
              ("mmu_top: a request and a control operation in service at once"))
  // Ready exactly when the contract says: idle, or in the cycle of an answer; a request only
  // when no control operation is presented.
  `MMU_ASSERT(a_ready_when_free,
              ctrl_ready_o == (!(req_open_q || ctrl_open_q) || resp_valid_o || ctrl_done_o) &&
              req_ready_o == (ctrl_ready_o && !ctrl_valid_i),
              ("mmu_top: ready %b/%b with a request open %b, an operation open %b",
               req_ready_o, ctrl_ready_o, req_open_q, ctrl_open_q))
  // What is open is what the state machine serves (with the above, makes them inductive).
  `MMU_ASSERT(a_open_is_state,
              req_open_q == (state_q == SL1 || state_q == SStlb4k || state_q == SStlb2m ||
                             state_q == SStlbWait || state_q == SWalk) &&
              ctrl_open_q == (state_q == SCtrl || state_q == SCtrlStlb4k ||
                              state_q == SCtrlStlb2m),
              ("mmu_top: state %0d with a request open %b, an operation open %b", state_q,
               req_open_q, ctrl_open_q))
  `MMU_ASSERT(a_state_legal, state_q <= SCtrlStlb2m, ("mmu_top: illegal state %0d", state_q))
`ifdef MMU_FORMAL_TLB
  // The STLB's kept probes stay what its array matches for the request's page from their compare
  // to the end of the walk, whose fill goes by them (to the way of its own kind, mmu_tlb): nothing
  // changes the STLB, the page or the PCID in between. With mmu_tlb's uniqueness of every set,
  // this is what makes the STLB's uniqueness inductive (scripts/formal, task unique).
  `MMU_ASSERT(a_stlb_probes_current,
              (!(state_q == SStlb2m || state_q == SStlbWait || state_q == SWalk) ||
               fv_stlb_probes_current[0]) &&
              (!(state_q == SStlbWait || state_q == SWalk) || fv_stlb_probes_current[1]),
              ("mmu_top: the STLB's kept probes are stale"))
`endif
  // The control port's codes (the environment's rule).
  `MMU_ASSUME(a_ctrl_op_legal, !ctrl_valid_i || ctrl_op_i <= 3'(mmu_pkg::OpSetMode),
              ("mmu_top: control operation code %0d is not a mmu_pkg::ctrl_op_e", ctrl_op_i))
`ifndef FORMAL
  // (X has no meaning in a proof's two-valued model.)
  a_outputs_known: assert property (@(posedge clk_i) disable iff (!rst_ni)
      !$isunknown({req_ready_o, ctrl_ready_o, resp_valid_o, ctrl_done_o, mem_req_valid_o}) &&
      (!resp_valid_o || !$isunknown({resp_paddr_o, resp_is2m_o, resp_fault_o, resp_error_o,
                                     resp_level_o, resp_source_o, resp_id_o})) &&
      (!mem_req_valid_o || !$isunknown({mem_req_addr_o, mem_req_we_o, mem_req_wdata_o})))
    else $error("mmu_top: an output is X after reset");
`endif
`endif
endmodule
