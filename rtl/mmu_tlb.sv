// One TLB array: NumSets x NumWays entries of one or both page sizes (docs/ARCHITECTURE.md,
// section 4). Tags, frames and rights live in one memory per way, indexed by set; the valid, PCID
// and global bits of every entry are flip-flops, so that a PCID or global invalidation clears them in
// one cycle. RegRead = 0 reads the row combinationally (the L1 arrays); RegRead = 1 reads it one
// cycle after the lookup is presented (the STLB, an SRAM with a registered read).
//
// An entry matches a lookup of (vpn, is2m, pcid) when it is valid, has that vpn and size, and is
// global or has that PCID; the lowest matching way is the hit. A fill goes to the lowest way its
// own lookup matched (fill_match_i), else the lowest invalid way, else the replacement victim.
module mmu_tlb #(
  parameter int unsigned NumEntries = 64,
  parameter int unsigned NumWays = 4,
  parameter int unsigned Repl = 0,
  parameter int unsigned PaBits = 46,
  parameter bit          RegRead = 1'b0,
  parameter logic [15:0] LfsrSeed = 16'hACE1,
  localparam bit          Enabled = (NumEntries != 0),
  localparam int unsigned Ways = Enabled ? NumWays : 1,
  localparam int unsigned NumSets = Enabled ? NumEntries / NumWays : 1,
  localparam int unsigned SetW = (NumSets > 1) ? $clog2(NumSets) : 1,
  localparam int unsigned WayW = (Ways > 1) ? $clog2(Ways) : 1,
  localparam int unsigned PfnW = PaBits - 12
) (
  input  logic            clk_i,
  input  logic            rst_ni,
  // Lookup: the set of vpn is vpn[SetW-1:0]. Results are valid the same cycle (RegRead = 0) or
  // the next (RegRead = 1).
  input  logic [35:0]     lk_vpn_i,
  input  logic            lk_is2m_i,
  input  logic [11:0]     lk_pcid_i,
  output logic [Ways-1:0] lk_match_o,
  output logic [Ways-1:0] lk_global_o,
  output logic            lk_hit_o,
  output logic [WayW-1:0] lk_way_o,
  output logic [PfnW-1:0] lk_pfn_o,
  output logic            lk_rw_o,
  output logic            lk_us_o,
  output logic            lk_nx_o,
  output logic            lk_dirty_o,
  output logic            lk_glb_o,
  // Touch a used hit.
  input  logic            touch_i,
  input  logic [35:0]     touch_vpn_i,
  input  logic [WayW-1:0] touch_way_i,
  // Fill an entry, tagged with fill_pcid_i.
  input  logic            fill_i,
  input  logic [Ways-1:0] fill_match_i,
  input  logic [35:0]     fill_vpn_i,
  input  logic            fill_is2m_i,
  input  logic [11:0]     fill_pcid_i,
  input  logic            fill_global_i,
  input  logic [PfnW-1:0] fill_pfn_i,
  input  logic            fill_rw_i,
  input  logic            fill_us_i,
  input  logic            fill_nx_i,
  input  logic            fill_dirty_i,
  output logic            fill_evict_o,
  // Clear the masked ways of the set of clr_vpn_i, and of clr2_vpn_i (two sets at once: an
  // STLB fault clears what both of its probes matched).
  input  logic            clr_i,
  input  logic [35:0]     clr_vpn_i,
  input  logic [Ways-1:0] clr_mask_i,
  input  logic            clr2_i,
  input  logic [35:0]     clr2_vpn_i,
  input  logic [Ways-1:0] clr2_mask_i,
  // Clear every entry selected: non-global entries (of inv_pcid_i if inv_by_pcid_i), and global
  // entries unless inv_keep_global_i.
  input  logic            inv_i,
  input  logic            inv_by_pcid_i,
  input  logic [11:0]     inv_pcid_i,
  input  logic            inv_keep_global_i
);
  if (Enabled && (NumWays == 0 || NumEntries % NumWays != 0 ||
                  (NumSets & (NumSets - 1)) != 0)) begin : g_bad_geometry
    $error("mmu_tlb: NumEntries must be a multiple of NumWays, in a power-of-two number of sets");
  end
  if (Enabled && Repl == 1 && (NumWays & (NumWays - 1)) != 0) begin : g_bad_plru
    $error("mmu_tlb: tree-PLRU needs a power-of-two number of ways");
  end
  if (Repl > 3) begin : g_bad_repl
    $error("mmu_tlb: Repl must be 0..3");
  end

  // Row layout, per way: {vpn[35:0], is2m, pfn, rw, us, nx, dirty}.
  localparam int unsigned EntW = 36 + 1 + PfnW + 4;
  localparam int unsigned RowW = Ways * EntW;

  // Entry (s, w) is bit s*Ways + w: flip-flops, so that a sweep can clear any of them in one
  // cycle.
  logic [NumSets*Ways-1:0] valid_q, glb_q;
  logic [11:0]     pcid_q  [NumSets*Ways];

  logic [SetW-1:0] lk_set, cmp_set, touch_set, fill_set, clr_set, clr2_set;
  logic [35:0] cmp_vpn;

  // The set of an entry is vpn mod NumSets; a single set is set 0.
  if (NumSets > 1) begin : g_sets
    assign lk_set    = lk_vpn_i[SetW-1:0];
    assign touch_set = touch_vpn_i[SetW-1:0];
    assign fill_set  = fill_vpn_i[SetW-1:0];
    assign clr_set   = clr_vpn_i[SetW-1:0];
    assign clr2_set  = clr2_vpn_i[SetW-1:0];
    assign cmp_set   = cmp_vpn[SetW-1:0];
  end else begin : g_one_set
    assign lk_set    = '0;
    assign touch_set = '0;
    assign fill_set  = '0;
    assign clr_set   = '0;
    assign clr2_set  = '0;
    assign cmp_set   = '0;
  end

  logic [WayW-1:0] victim, fill_way;

  // ---- storage: one memory per way, indexed by set, as SRAM macros would be ------------------
  logic [RowW-1:0] row;  // the ways of the set being compared
  logic [EntW-1:0] fill_e;
  assign fill_e = {fill_vpn_i, fill_is2m_i, fill_pfn_i, fill_rw_i, fill_us_i, fill_nx_i,
                   fill_dirty_i};

  for (genvar w = 0; w < Ways; w++) begin : g_way
    logic [EntW-1:0] mem [NumSets];
    always_ff @(posedge clk_i) begin
      if (fill_i && Enabled && fill_way == WayW'(w)) mem[fill_set] <= fill_e;
    end
    if (RegRead) begin : g_regread
      logic [EntW-1:0] rd_q;
      always_ff @(posedge clk_i) rd_q <= mem[lk_set];
      assign row[w*EntW +: EntW] = rd_q;
    end else begin : g_asyncread
      assign row[w*EntW +: EntW] = mem[lk_set];
    end
  end

  // ---- lookup --------------------------------------------------------------------------------
  logic            cmp_is2m;
  logic [11:0]     cmp_pcid;

  if (RegRead) begin : g_regread
    logic [35:0]     vpn_q;
    logic            is2m_q;
    logic [11:0]     pcid_lk_q;
    always_ff @(posedge clk_i) begin
      vpn_q     <= lk_vpn_i;
      is2m_q    <= lk_is2m_i;
      pcid_lk_q <= lk_pcid_i;
    end
    assign cmp_vpn  = vpn_q;
    assign cmp_is2m = is2m_q;
    assign cmp_pcid = pcid_lk_q;
  end else begin : g_asyncread
    assign cmp_vpn  = lk_vpn_i;
    assign cmp_is2m = lk_is2m_i;
    assign cmp_pcid = lk_pcid_i;
  end

  always_comb begin
    lk_match_o = '0;
    lk_global_o = glb_q[cmp_set*Ways +: Ways];
    lk_hit_o = 1'b0;
    lk_way_o = '0;
    for (int unsigned w = 0; w < Ways; w++) begin
      logic [EntW-1:0] e;
      e = row[w*EntW +: EntW];
      lk_match_o[w] = Enabled && valid_q[cmp_set*Ways + w] && e[EntW-1 -: 36] == cmp_vpn &&
                      e[EntW-37] == cmp_is2m &&
                      (glb_q[cmp_set*Ways + w] || pcid_q[cmp_set*Ways + w] == cmp_pcid);
    end
    for (int w = Ways - 1; w >= 0; w--) begin
      if (lk_match_o[w]) begin
        lk_hit_o = 1'b1;
        lk_way_o = WayW'(w);
      end
    end
  end

  logic [EntW-1:0] hit_e;
  assign hit_e      = row[lk_way_o*EntW +: EntW];
  assign lk_pfn_o   = hit_e[4 +: PfnW];
  assign lk_rw_o    = hit_e[3];
  assign lk_us_o    = hit_e[2];
  assign lk_nx_o    = hit_e[1];
  assign lk_dirty_o = hit_e[0];
  assign lk_glb_o   = glb_q[32'(cmp_set) * Ways + 32'(lk_way_o)];

  // Only the set bits of these addresses matter; the tag of a hit is the lookup's own.
  logic unused_bits;
  assign unused_bits = ^{touch_vpn_i, clr_vpn_i, clr2_vpn_i, hit_e[EntW-1:4+PfnW]};

  // ---- fill way --------------------------------------------------------------------------------
  logic            fill_has_match, fill_has_invalid;
  logic [WayW-1:0] match_way, invalid_way;

  always_comb begin
    fill_has_match = 1'b0;
    fill_has_invalid = 1'b0;
    match_way = '0;
    invalid_way = '0;
    for (int w = Ways - 1; w >= 0; w--) begin
      if (fill_match_i[w]) begin
        fill_has_match = 1'b1;
        match_way = WayW'(w);
      end
      if (!valid_q[fill_set*Ways + w]) begin
        fill_has_invalid = 1'b1;
        invalid_way = WayW'(w);
      end
    end
    fill_way = fill_has_match ? match_way : fill_has_invalid ? invalid_way : victim;
  end
  assign fill_evict_o = fill_i && Enabled && !fill_has_match && !fill_has_invalid;

  mmu_repl #(.NumSets(NumSets), .NumWays(Ways), .Policy(Repl), .LfsrSeed(LfsrSeed)) u_repl (
    .clk_i,
    .rst_ni,
    .touch_i    ((touch_i || fill_i) && Enabled),
    .touch_set_i(fill_i ? fill_set : touch_set),
    .touch_way_i(fill_i ? fill_way : touch_way_i),
    .take_i     (fill_evict_o),
    .query_set_i(fill_set),
    .victim_o   (victim)
  );

  // ---- state updates: fills, clears, invalidations (at most one a cycle) -----------------------
  always_ff @(posedge clk_i) begin
    if (fill_i && Enabled) begin
      pcid_q[32'(fill_set) * Ways + 32'(fill_way)] <= fill_pcid_i;
      glb_q[32'(fill_set) * Ways + 32'(fill_way)]  <= fill_global_i;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q <= '0;
    end else if (fill_i && Enabled) begin
      valid_q[32'(fill_set) * Ways + 32'(fill_way)] <= 1'b1;
    end else if (clr_i || clr2_i) begin
      if (clr_i && clr2_i && clr_set == clr2_set) begin
        valid_q[clr_set*Ways +: Ways] <= valid_q[clr_set*Ways +: Ways] & ~clr_mask_i & ~clr2_mask_i;
      end else begin
        if (clr_i)  valid_q[clr_set*Ways +: Ways]  <= valid_q[clr_set*Ways +: Ways] & ~clr_mask_i;
        if (clr2_i) valid_q[clr2_set*Ways +: Ways] <= valid_q[clr2_set*Ways +: Ways] & ~clr2_mask_i;
      end
    end else if (inv_i) begin
      for (int unsigned i = 0; i < NumSets * Ways; i++) begin
        if (glb_q[i] ? !inv_keep_global_i : (!inv_by_pcid_i || pcid_q[i] == inv_pcid_i))
          valid_q[i] <= 1'b0;
      end
    end
  end
endmodule
