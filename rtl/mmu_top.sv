// The MMU: a request goes through the L1 TLB of its type (ITLB for fetches, DTLB otherwise),
// then the unified STLB, then the page walker, and answers on the response port; control
// operations go through mmu_ctrl. One request or operation is in service at a time. The timing,
// cycle by cycle, is docs/ARCHITECTURE.md, section 8:
//   t        request accepted (req_valid_i && req_ready_o)
//   t+1      SL1:      L1 lookup; a hit, an L1 fault or a non-canonical address answers here;
//                      on a miss the STLB's 4 KiB set is read
//   t+2      SStlb4k:  4 KiB probe compared and kept; the 2 MiB set is read
//   t+3      SStlb2m:  2 MiB probe compared; outcome known
//   t+L      (L = StlbLatency) an STLB hit or fault answers; a miss starts the walk
//   ...      SWalk:    the walker's done_o cycle is the response cycle
// The next request can be accepted in the response cycle. Fills, touches and invalidations take
// effect at the end of the cycle that decides them.
module mmu_top #(
  parameter int unsigned PaBits = 46,
  parameter int unsigned Itlb4kEntries = 128,
  parameter int unsigned Itlb4kWays = 8,
  parameter int unsigned Itlb4kRepl = 0,
  parameter int unsigned Itlb2mEntries = 8,
  parameter int unsigned Itlb2mWays = 8,
  parameter int unsigned Itlb2mRepl = 0,
  parameter int unsigned Dtlb4kEntries = 64,
  parameter int unsigned Dtlb4kWays = 4,
  parameter int unsigned Dtlb4kRepl = 0,
  parameter int unsigned Dtlb2mEntries = 32,
  parameter int unsigned Dtlb2mWays = 4,
  parameter int unsigned Dtlb2mRepl = 0,
  parameter int unsigned StlbEntries = 1536,
  parameter int unsigned StlbWays = 12,
  parameter int unsigned StlbRepl = 0,
  parameter int unsigned PscPdeEntries = 32,
  parameter int unsigned PscPdeRepl = 0,
  parameter int unsigned PscPdpteEntries = 4,
  parameter int unsigned PscPdpteRepl = 0,
  parameter int unsigned PscPml4eEntries = 2,
  parameter int unsigned PscPml4eRepl = 0,
  parameter int unsigned StlbLatency = 9,
  parameter logic [15:0] LfsrSeed = 16'hACE1,
  parameter bit          WpReset = 1'b1,
  parameter bit          NxeReset = 1'b1,
  localparam int unsigned PfnW = PaBits - 12,
  localparam int unsigned SWays = (StlbEntries != 0) ? StlbWays : 1,
  localparam int unsigned SWayW = (SWays > 1) ? $clog2(SWays) : 1
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  // Translation requests. req_type_i: 0 read, 1 write, 2 fetch.
  input  logic              req_valid_i,
  output logic              req_ready_o,
  input  logic [63:0]       req_vaddr_i,
  input  logic [1:0]        req_type_i,
  input  logic              req_user_i,
  // Responses, one cycle each. resp_fault_o is enum mmu_fault, resp_source_o enum mmu_source.
  output logic              resp_valid_o,
  output logic [PaBits-1:0] resp_paddr_o,
  output logic              resp_is2m_o,
  output logic [2:0]        resp_fault_o,
  output logic [4:0]        resp_error_o,
  output logic [2:0]        resp_level_o,
  output logic [1:0]        resp_source_o,
  // Control operations (enum mmu_ctrl_op); ctrl_done_o marks the completion cycle.
  input  logic              ctrl_valid_i,
  output logic              ctrl_ready_o,
  input  logic [2:0]        ctrl_op_i,
  input  logic [63:0]       ctrl_value_i,
  input  logic [11:0]       ctrl_pcid_i,
  input  logic [1:0]        ctrl_invpcid_type_i,
  input  logic              ctrl_wp_i,
  input  logic              ctrl_nxe_i,
  output logic              ctrl_done_o,
  // The walker's memory port.
  output logic              mem_req_valid_o,
  input  logic              mem_req_ready_i,
  output logic [PaBits-1:0] mem_req_addr_o,
  output logic              mem_req_we_o,
  output logic [63:0]       mem_req_wdata_o,
  input  logic              mem_rsp_valid_i,
  input  logic [63:0]       mem_rsp_rdata_i,
  // Event counters, for comparison with the model's statistics.
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
  output logic [63:0]       cnt_dirty_rewalks_o
);
  localparam logic [2:0] FaultNone = 3'd0, FaultNotPresent = 3'd1, FaultReserved = 3'd2,
                         FaultNonCanonical = 3'd6;
  localparam logic [1:0] SrcL1 = 2'd0, SrcStlb = 2'd1, SrcWalk = 2'd2, SrcNone = 2'd3;

  // The configuration checks of the model (mmu_config_check), at elaboration.
  if (StlbLatency < 3 || StlbLatency > 1000) begin : g_bad_stlb_latency
    $error("mmu_top: StlbLatency must be 3..1000");
  end
  if (PaBits < 32 || PaBits > 52) begin : g_bad_pa_bits
    $error("mmu_top: PaBits must be 32..52");
  end
  if (LfsrSeed == 16'h0) begin : g_bad_lfsr_seed
    $error("mmu_top: LfsrSeed must not be 0");
  end

  typedef enum logic [3:0] {
    SIdle, SL1, SStlb4k, SStlb2m, SStlbWait, SWalk, SCtrl, SCtrlStlb4k, SCtrlStlb2m
  } top_state_e;

  top_state_e state_q, state_d;
  // The state as a plain number: waveform viewers apply translate filters (waves/filters) to it,
  // which they do not to enum-typed signals. Nothing else reads it.
  /* verilator lint_off UNUSEDSIGNAL */
  logic [3:0] state_code;
  /* verilator lint_on UNUSEDSIGNAL */
  assign state_code = state_q;
  logic       ready, accept_req, accept_ctrl, in_ctrl;

  // ---- accepted request and operation -------------------------------------------------------
  logic [63:0] va_q;
  logic        write_q, fetch_q, user_q;
  logic [2:0]  cop_q;
  logic [63:0] cval_q;
  logic [11:0] cpcid_q;
  logic [1:0]  ctype_q;
  logic        cwp_q, cnxe_q;

  // ---- control state ------------------------------------------------------------------------
  logic [PfnW-1:0] cr3_base;
  logic [11:0]     pcid;
  logic            wp, nxe;
  logic            c_inv, c_inv_by_pcid, c_inv_keep_global, c_addr, c_addr_keep_global, c_noop;
  logic [11:0]     c_inv_pcid, c_addr_pcid;
  logic [47:0]     c_addr_va;

  mmu_ctrl #(.PaBits(PaBits), .WpReset(WpReset), .NxeReset(NxeReset)) u_ctrl (
    .clk_i, .rst_ni, .exec_i(state_q == SCtrl), .op_i(cop_q), .value_i(cval_q),
    .pcid_i(cpcid_q), .invpcid_type_i(ctype_q), .wp_i(cwp_q), .nxe_i(cnxe_q),
    .cr3_base_o(cr3_base), .pcid_o(pcid), .wp_o(wp), .nxe_o(nxe),
    .inv_o(c_inv), .inv_by_pcid_o(c_inv_by_pcid), .inv_pcid_o(c_inv_pcid),
    .inv_keep_global_o(c_inv_keep_global), .addr_o(c_addr), .addr_va_o(c_addr_va),
    .addr_pcid_o(c_addr_pcid), .addr_keep_global_o(c_addr_keep_global), .addr_noop_o(c_noop)
  );

  // What the TLBs look up: the request, or a control operation's address.
  assign in_ctrl = state_q == SCtrl || state_q == SCtrlStlb4k || state_q == SCtrlStlb2m;
  logic [47:0] lk_va;
  logic [11:0] lk_pcid;
  assign lk_va   = in_ctrl ? c_addr_va : va_q[47:0];
  assign lk_pcid = in_ctrl ? c_addr_pcid : pcid;

  logic [35:0] vpn4k, vpn2m;
  assign vpn4k = lk_va[47:12];
  assign vpn2m = {9'b0, lk_va[47:21]};

  // ---- L1 TLBs ------------------------------------------------------------------------------
  logic            l1_hit [2], l1_is2m [2], l1_rw [2], l1_us [2], l1_nx [2], l1_dirty [2];
  logic [PfnW-1:0] l1_pfn [2];
  logic            l1_touch, l1_fill, l1_clr, l1_evict [2];
  logic            fill_is2m, fill_global, fill_rw, fill_us, fill_nx, fill_dirty;
  logic [PfnW-1:0] fill_pfn;
  logic            tlb_inv, tlb_inv_by_pcid, tlb_inv_keep_global, clr_keep_global;
  logic [11:0]     tlb_inv_pcid;

  // Index 0: DTLB, 1: ITLB.
  mmu_l1_tlb #(.Entries4k(Dtlb4kEntries), .Ways4k(Dtlb4kWays), .Repl4k(Dtlb4kRepl),
               .Entries2m(Dtlb2mEntries), .Ways2m(Dtlb2mWays), .Repl2m(Dtlb2mRepl),
               .PaBits(PaBits), .LfsrSeed(LfsrSeed)) u_dtlb (
    .clk_i, .rst_ni, .lk_va_i(lk_va), .lk_pcid_i(lk_pcid),
    .hit_o(l1_hit[0]), .is2m_o(l1_is2m[0]), .pfn_o(l1_pfn[0]), .rw_o(l1_rw[0]), .us_o(l1_us[0]),
    .nx_o(l1_nx[0]), .dirty_o(l1_dirty[0]),
    .touch_i(l1_touch && !fetch_q), .fill_i(l1_fill && !fetch_q), .fill_is2m_i(fill_is2m),
    .fill_pcid_i(pcid), .fill_global_i(fill_global), .fill_pfn_i(fill_pfn), .fill_rw_i(fill_rw),
    .fill_us_i(fill_us), .fill_nx_i(fill_nx), .fill_dirty_i(fill_dirty),
    .clr_i(l1_clr && (in_ctrl || !fetch_q)), .clr_keep_global_i(clr_keep_global),
    .inv_i(tlb_inv), .inv_by_pcid_i(tlb_inv_by_pcid), .inv_pcid_i(tlb_inv_pcid),
    .inv_keep_global_i(tlb_inv_keep_global), .fill_evict_o(l1_evict[0])
  );
  mmu_l1_tlb #(.Entries4k(Itlb4kEntries), .Ways4k(Itlb4kWays), .Repl4k(Itlb4kRepl),
               .Entries2m(Itlb2mEntries), .Ways2m(Itlb2mWays), .Repl2m(Itlb2mRepl),
               .PaBits(PaBits), .LfsrSeed(LfsrSeed)) u_itlb (
    .clk_i, .rst_ni, .lk_va_i(lk_va), .lk_pcid_i(lk_pcid),
    .hit_o(l1_hit[1]), .is2m_o(l1_is2m[1]), .pfn_o(l1_pfn[1]), .rw_o(l1_rw[1]), .us_o(l1_us[1]),
    .nx_o(l1_nx[1]), .dirty_o(l1_dirty[1]),
    .touch_i(l1_touch && fetch_q), .fill_i(l1_fill && fetch_q), .fill_is2m_i(fill_is2m),
    .fill_pcid_i(pcid), .fill_global_i(fill_global), .fill_pfn_i(fill_pfn), .fill_rw_i(fill_rw),
    .fill_us_i(fill_us), .fill_nx_i(fill_nx), .fill_dirty_i(fill_dirty),
    .clr_i(l1_clr && (in_ctrl || fetch_q)), .clr_keep_global_i(clr_keep_global),
    .inv_i(tlb_inv), .inv_by_pcid_i(tlb_inv_by_pcid), .inv_pcid_i(tlb_inv_pcid),
    .inv_keep_global_i(tlb_inv_keep_global), .fill_evict_o(l1_evict[1])
  );

  // The L1 TLB of the request in service.
  logic            a_hit, a_is2m, a_rw, a_us, a_nx, a_dirty, a_fault_any, a_clean, a_use;
  logic [PfnW-1:0] a_pfn;
  logic [2:0]      a_fault;
  logic            canonical;
  assign a_hit   = l1_hit[fetch_q];
  assign a_is2m  = l1_is2m[fetch_q];
  assign a_pfn   = l1_pfn[fetch_q];
  assign a_rw    = l1_rw[fetch_q];
  assign a_us    = l1_us[fetch_q];
  assign a_nx    = l1_nx[fetch_q];
  assign a_dirty = l1_dirty[fetch_q];
  assign canonical = va_q[63:47] == '0 || va_q[63:47] == '1;

  mmu_perm_check u_l1_perm (
    .rw_i(a_rw), .us_i(a_us), .nx_i(a_nx), .write_i(write_q), .fetch_i(fetch_q),
    .user_i(user_q), .wp_i(wp), .nxe_i(nxe), .fault_o(a_fault)
  );
  assign a_fault_any = a_hit && a_fault != FaultNone;
  assign a_clean     = a_hit && !a_fault_any && write_q && !a_dirty;
  assign a_use       = a_hit && !a_fault_any && !a_clean;

  // ---- STLB ---------------------------------------------------------------------------------
  logic [SWays-1:0] s_match, s_glb;
  logic             s_hit, s_rw, s_us, s_nx, s_dirty, s_g, s_touch, s_fill, s_clr, s_clr2;
  logic             s_evict;
  logic [SWayW-1:0] s_way;
  logic [PfnW-1:0]  s_pfn;
  logic             s_lk_is2m;
  logic [35:0]      s_lk_vpn, s_touch_vpn, s_fill_vpn;
  logic [SWays-1:0] s_fill_match, s_clr_mask, s_clr2_mask;
  logic [SWayW-1:0] s_touch_way;

  assign s_lk_is2m = !(state_q == SL1 || state_q == SCtrl);
  assign s_lk_vpn  = s_lk_is2m ? vpn2m : vpn4k;

  mmu_tlb #(.NumEntries(StlbEntries), .NumWays(StlbWays), .Repl(StlbRepl), .PaBits(PaBits),
            .RegRead(1'b1), .LfsrSeed(LfsrSeed)) u_stlb (
    .clk_i, .rst_ni,
    .lk_vpn_i(s_lk_vpn), .lk_is2m_i(s_lk_is2m), .lk_pcid_i(lk_pcid), .lk_match_o(s_match),
    .lk_global_o(s_glb), .lk_hit_o(s_hit), .lk_way_o(s_way), .lk_pfn_o(s_pfn), .lk_rw_o(s_rw),
    .lk_us_o(s_us), .lk_nx_o(s_nx), .lk_dirty_o(s_dirty), .lk_glb_o(s_g),
    .touch_i(s_touch), .touch_vpn_i(s_touch_vpn), .touch_way_i(s_touch_way),
    .fill_i(s_fill), .fill_match_i(s_fill_match), .fill_vpn_i(s_fill_vpn),
    .fill_is2m_i(fill_is2m), .fill_pcid_i(pcid), .fill_global_i(fill_global),
    .fill_pfn_i(fill_pfn), .fill_rw_i(fill_rw), .fill_us_i(fill_us), .fill_nx_i(fill_nx),
    .fill_dirty_i(fill_dirty), .fill_evict_o(s_evict),
    .clr_i(s_clr), .clr_vpn_i(vpn4k), .clr_mask_i(s_clr_mask),
    .clr2_i(s_clr2), .clr2_vpn_i(vpn2m), .clr2_mask_i(s_clr2_mask),
    .inv_i(tlb_inv), .inv_by_pcid_i(tlb_inv_by_pcid), .inv_pcid_i(tlb_inv_pcid),
    .inv_keep_global_i(tlb_inv_keep_global)
  );

  // The 4 KiB probe, kept; then the 2 MiB probe, kept for the walk's fill.
  logic             p4_hit_q, p4_rw_q, p4_us_q, p4_nx_q, p4_dirty_q, p4_g_q;
  logic [SWayW-1:0] p4_way_q;
  logic [PfnW-1:0]  p4_pfn_q;
  logic [SWays-1:0] p4_match_q, p2_match_q;

  // The STLB's answer: 4 KiB probe first. In SStlb2m from the probes; later, as kept.
  logic             o_hit, o_is2m, o_rw, o_us, o_nx, o_dirty, o_g, o_fault_any, o_clean, o_use;
  logic [SWayW-1:0] o_way;
  logic [PfnW-1:0]  o_pfn;
  logic [2:0]       o_fault, o_perm_fault;
  logic             o_hit_q, o_is2m_q, o_rw_q, o_us_q, o_nx_q, o_dirty_q, o_g_q;
  logic [SWayW-1:0] o_way_q;
  logic [PfnW-1:0]  o_pfn_q;
  logic [2:0]       o_fault_q;
  logic [SWays-1:0] o_p2_match;

  always_comb begin
    if (state_q == SStlb2m) begin
      o_hit = p4_hit_q || s_hit;
      o_is2m = !p4_hit_q;
      o_way = p4_hit_q ? p4_way_q : s_way;
      o_pfn = p4_hit_q ? p4_pfn_q : s_pfn;
      {o_rw, o_us, o_nx, o_dirty, o_g} = p4_hit_q ? {p4_rw_q, p4_us_q, p4_nx_q, p4_dirty_q, p4_g_q}
                                                  : {s_rw, s_us, s_nx, s_dirty, s_g};
      o_fault = o_perm_fault;
      o_p2_match = s_match;
    end else begin
      o_hit = o_hit_q;
      o_is2m = o_is2m_q;
      o_way = o_way_q;
      o_pfn = o_pfn_q;
      {o_rw, o_us, o_nx, o_dirty, o_g} = {o_rw_q, o_us_q, o_nx_q, o_dirty_q, o_g_q};
      o_fault = o_fault_q;
      o_p2_match = p2_match_q;
    end
  end

  mmu_perm_check u_stlb_perm (
    .rw_i(o_rw), .us_i(o_us), .nx_i(o_nx), .write_i(write_q), .fetch_i(fetch_q),
    .user_i(user_q), .wp_i(wp), .nxe_i(nxe), .fault_o(o_perm_fault)
  );
  assign o_fault_any = o_hit && o_fault != FaultNone;
  assign o_clean     = o_hit && !o_fault_any && write_q && !o_dirty;
  assign o_use       = o_hit && !o_fault_any && !o_clean;

  logic [15:0] wait_q;
  logic        act;  // the cycle the STLB answers: t + StlbLatency
  assign act = (state_q == SStlb2m && StlbLatency == 3) || (state_q == SStlbWait && wait_q == 0);

  // ---- walker -------------------------------------------------------------------------------
  logic            w_start, w_done, w_is2m, w_global, w_dirty, w_rw, w_us, w_nx;
  logic [2:0]      w_fault, w_level, w_psc_hit;
  logic [PfnW-1:0] w_pfn;
  logic            w_rd, w_wr, psc_inv, psc_inv_by_pcid, psc_inv_by_addr;
  logic [11:0]     psc_inv_pcid;
  logic            clean_q;  // a clean entry was passed over: a dirty re-walk

  assign w_start = act && !o_use && !o_fault_any;

  mmu_walker #(.PaBits(PaBits), .PscPdeEntries(PscPdeEntries), .PscPdpteEntries(PscPdpteEntries),
               .PscPml4eEntries(PscPml4eEntries), .PscPdeRepl(PscPdeRepl),
               .PscPdpteRepl(PscPdpteRepl), .PscPml4eRepl(PscPml4eRepl), .LfsrSeed(LfsrSeed))
  u_walker (
    .clk_i, .rst_ni,
    .start_i(w_start), .va_i(va_q[47:0]), .write_i(write_q), .fetch_i(fetch_q),
    .user_i(user_q), .wp_i(wp), .nxe_i(nxe), .pcid_i(pcid), .root_i(cr3_base),
    .done_o(w_done), .fault_o(w_fault), .level_o(w_level), .pfn_o(w_pfn), .is2m_o(w_is2m),
    .global_o(w_global), .dirty_o(w_dirty), .rw_o(w_rw), .us_o(w_us), .nx_o(w_nx),
    .mem_req_valid_o, .mem_req_ready_i, .mem_req_addr_o, .mem_req_we_o, .mem_req_wdata_o,
    .mem_rsp_valid_i, .mem_rsp_rdata_i,
    .psc_inv_i(psc_inv), .psc_inv_by_pcid_i(psc_inv_by_pcid), .psc_inv_pcid_i(psc_inv_pcid),
    .psc_inv_by_addr_i(psc_inv_by_addr), .psc_inv_va_i(va_q[47:0]),
    .ev_read_o(w_rd), .ev_write_o(w_wr), .ev_psc_hit_o(w_psc_hit)
  );

  // ---- what each cycle decides ---------------------------------------------------------------
  logic            resp_fault_any, walk_ok;
  logic [PfnW-1:0] resp_pfn;

  always_comb begin
    state_d = state_q;
    resp_valid_o = 1'b0;
    resp_fault_o = FaultNone;
    resp_level_o = 3'd0;
    resp_source_o = SrcNone;
    resp_is2m_o = 1'b0;
    resp_pfn = '0;
    ctrl_done_o = 1'b0;
    l1_touch = 1'b0;
    l1_fill = 1'b0;
    l1_clr = 1'b0;
    clr_keep_global = 1'b0;
    s_touch = 1'b0;
    s_touch_vpn = o_is2m ? vpn2m : vpn4k;
    s_touch_way = o_way;
    s_fill = 1'b0;
    s_fill_vpn = w_is2m ? vpn2m : vpn4k;
    s_fill_match = w_is2m ? p2_match_q : p4_match_q;
    s_clr = 1'b0;
    s_clr2 = 1'b0;
    s_clr_mask = p4_match_q;
    s_clr2_mask = o_p2_match;
    tlb_inv = 1'b0;
    tlb_inv_by_pcid = c_inv_by_pcid;
    tlb_inv_pcid = c_inv_pcid;
    tlb_inv_keep_global = c_inv_keep_global;
    psc_inv = 1'b0;
    psc_inv_by_pcid = 1'b1;
    psc_inv_pcid = pcid;
    psc_inv_by_addr = 1'b0;
    // Fills carry the walk's result, or the STLB entry copied into the L1.
    walk_ok = w_fault == FaultNone;
    fill_is2m = (state_q == SWalk) ? w_is2m : o_is2m;
    fill_pfn = (state_q == SWalk) ? w_pfn : o_pfn;
    {fill_global, fill_rw, fill_us, fill_nx, fill_dirty} =
        (state_q == SWalk) ? {w_global, w_rw, w_us, w_nx, w_dirty} : {o_g, o_rw, o_us, o_nx, o_dirty};

    unique case (state_q)
      SIdle: ;
      SL1: begin
        if (!canonical) begin
          resp_valid_o = 1'b1;
          resp_fault_o = FaultNonCanonical;
          state_d = SIdle;
        end else if (a_fault_any || a_use) begin
          resp_valid_o = 1'b1;
          resp_source_o = SrcL1;
          resp_fault_o = a_fault_any ? a_fault : FaultNone;
          resp_level_o = a_is2m ? 3'd2 : 3'd1;
          resp_is2m_o = a_is2m && !a_fault_any;
          resp_pfn = a_pfn;
          l1_touch = a_use;
          l1_clr = a_fault_any;
          state_d = SIdle;
        end else begin
          state_d = SStlb4k;
        end
      end
      SStlb4k: state_d = SStlb2m;
      SStlb2m, SStlbWait: begin
        if (state_q == SStlb2m) state_d = SStlbWait;
        if (act) begin
          if (o_use || o_fault_any) begin
            resp_valid_o = 1'b1;
            resp_source_o = SrcStlb;
            resp_fault_o = o_fault_any ? o_fault : FaultNone;
            resp_level_o = o_is2m ? 3'd2 : 3'd1;
            resp_is2m_o = o_is2m && !o_fault_any;
            resp_pfn = o_pfn;
            s_touch = o_use;
            l1_fill = o_use;
            l1_clr = o_fault_any;
            s_clr = o_fault_any;
            s_clr2 = o_fault_any;
            state_d = SIdle;
          end else begin
            state_d = SWalk;
          end
        end
      end
      SWalk: begin
        if (w_done) begin
          resp_valid_o = 1'b1;
          resp_source_o = SrcWalk;
          resp_fault_o = w_fault;
          resp_level_o = w_level;
          resp_is2m_o = w_is2m && walk_ok;
          resp_pfn = w_pfn;
          l1_fill = walk_ok;
          s_fill = walk_ok;
          l1_clr = !walk_ok;
          s_clr = !walk_ok;
          s_clr2 = !walk_ok;
          psc_inv = !walk_ok;
          psc_inv_by_addr = 1'b1;
          state_d = SIdle;
        end
      end
      SCtrl: begin
        if (c_inv) begin
          tlb_inv = 1'b1;
          psc_inv = 1'b1;
          psc_inv_by_pcid = c_inv_by_pcid;
          psc_inv_pcid = c_inv_pcid;
        end
        if (c_addr) begin
          l1_clr = !c_noop;
          clr_keep_global = c_addr_keep_global;
          psc_inv = !c_noop;
          psc_inv_pcid = c_addr_pcid;
          state_d = SCtrlStlb4k;
        end else begin
          ctrl_done_o = 1'b1;
          state_d = SIdle;
        end
      end
      SCtrlStlb4k: begin
        s_clr = !c_noop;
        s_clr_mask = s_match & ~(c_addr_keep_global ? s_glb : '0);
        state_d = SCtrlStlb2m;
      end
      SCtrlStlb2m: begin
        s_clr2 = !c_noop;
        s_clr2_mask = s_match & ~(c_addr_keep_global ? s_glb : '0);
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

  // ---- response ------------------------------------------------------------------------------
  assign resp_fault_any = resp_fault_o != FaultNone;
  assign resp_paddr_o = resp_fault_any ? '0
                      : resp_is2m_o ? {resp_pfn[PfnW-1:9], va_q[20:0]} : {resp_pfn, va_q[11:0]};
  assign resp_error_o = (!resp_fault_any || resp_fault_o == FaultNonCanonical) ? 5'b0 :
                        {fetch_q && nxe, resp_fault_o == FaultReserved, user_q, write_q,
                         resp_fault_o != FaultNotPresent};

  // ---- state ---------------------------------------------------------------------------------
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) state_q <= SIdle;
    else         state_q <= state_d;
  end

  always_ff @(posedge clk_i) begin
    if (accept_req) begin
      va_q    <= req_vaddr_i;
      write_q <= req_type_i == 2'd1;
      fetch_q <= req_type_i == 2'd2;
      user_q  <= req_user_i;
    end
    if (accept_ctrl) begin
      cop_q   <= ctrl_op_i;
      cval_q  <= ctrl_value_i;
      cpcid_q <= ctrl_pcid_i;
      ctype_q <= ctrl_invpcid_type_i;
      cwp_q   <= ctrl_wp_i;
      cnxe_q  <= ctrl_nxe_i;
    end
    if (state_q == SL1) clean_q <= a_clean;
    if (state_q == SStlb4k) begin
      p4_hit_q   <= s_hit;
      p4_way_q   <= s_way;
      p4_pfn_q   <= s_pfn;
      {p4_rw_q, p4_us_q, p4_nx_q, p4_dirty_q, p4_g_q} <= {s_rw, s_us, s_nx, s_dirty, s_g};
      p4_match_q <= s_match;
    end
    if (state_q == SStlb2m) begin
      p2_match_q <= s_match;
      o_hit_q    <= o_hit;
      o_is2m_q   <= o_is2m;
      o_way_q    <= o_way;
      o_pfn_q    <= o_pfn;
      {o_rw_q, o_us_q, o_nx_q, o_dirty_q, o_g_q} <= {o_rw, o_us, o_nx, o_dirty, o_g};
      o_fault_q  <= o_fault;
      wait_q     <= 16'(StlbLatency - 4);
    end else if (state_q == SStlbWait) begin
      wait_q <= wait_q - 16'd1;
    end
  end

  // ---- event counters --------------------------------------------------------------------------
  logic [63:0] c_req_q, c_ihit_q, c_dhit_q, c_shit_q, c_walk_q, c_rd_q, c_wr_q, c_pde_q, c_pdpte_q,
               c_pml4e_q, c_fault_q, c_dirty_q;
  logic        l1_counted;
  assign l1_counted = state_q == SL1 && canonical && (a_fault_any || a_use);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      {c_req_q, c_ihit_q, c_dhit_q, c_shit_q, c_walk_q, c_rd_q, c_wr_q, c_pde_q, c_pdpte_q,
       c_pml4e_q, c_fault_q, c_dirty_q} <= '0;
    end else begin
      c_req_q   <= c_req_q + 64'(accept_req);
      c_ihit_q  <= c_ihit_q + 64'(l1_counted && fetch_q);
      c_dhit_q  <= c_dhit_q + 64'(l1_counted && !fetch_q);
      c_shit_q  <= c_shit_q + 64'(act && (o_use || o_fault_any));
      c_walk_q  <= c_walk_q + 64'(w_start);
      c_rd_q    <= c_rd_q + 64'(w_rd);
      c_wr_q    <= c_wr_q + 64'(w_wr);
      c_pde_q   <= c_pde_q + 64'(w_psc_hit[0]);
      c_pdpte_q <= c_pdpte_q + 64'(w_psc_hit[1]);
      c_pml4e_q <= c_pml4e_q + 64'(w_psc_hit[2]);
      c_fault_q <= c_fault_q + 64'(resp_valid_o && resp_fault_any);
      c_dirty_q <= c_dirty_q + 64'(w_start && (clean_q || o_clean));
    end
  end

  assign cnt_requests_o       = c_req_q;
  assign cnt_itlb_hits_o      = c_ihit_q;
  assign cnt_dtlb_hits_o      = c_dhit_q;
  assign cnt_stlb_hits_o      = c_shit_q;
  assign cnt_walks_o          = c_walk_q;
  assign cnt_walk_reads_o     = c_rd_q;
  assign cnt_walk_writes_o    = c_wr_q;
  assign cnt_psc_pde_hits_o   = c_pde_q;
  assign cnt_psc_pdpte_hits_o = c_pdpte_q;
  assign cnt_psc_pml4e_hits_o = c_pml4e_q;
  assign cnt_faults_o         = c_fault_q;
  assign cnt_dirty_rewalks_o  = c_dirty_q;

  logic unused;
  // Evictions are not counted by the RTL (the model's fill and eviction counters are not
  // cross-checked).
  assign unused = ^{l1_evict[0], l1_evict[1], s_evict};
endmodule
