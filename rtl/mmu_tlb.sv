// One TLB array: NumSets x NumWays entries of one or both page sizes (docs/ARCHITECTURE.md,
// section 4; model/tlb_array.c). Tags, frames and rights live in memory: one per way, indexed by
// set, in the STLB; one of every entry in an L1 array (below, storage). The valid, PCID and global
// bits of every entry are flip-flops, so that a PCID or global invalidation clears them in one
// cycle. RegRead = 0 reads the row combinationally (the L1 arrays); RegRead = 1 reads it one cycle
// after the lookup is presented (the STLB, an SRAM with a registered read).
//
// An entry matches a lookup of (vpn, size, pcid) when it is valid, has that vpn and size (a
// mmu_pkg::size_e: the tag's, the array's), and is global or has that PCID; the lowest matching way is the hit. A fill goes to the lowest way its
// own lookup matched (fill_match_i) that holds an entry of its kind (global, or not global: of
// the lookup's PCID), else the lowest invalid way, else the replacement victim.
// NumClears clear ports each clear the masked ways of one set (the STLB has two: a fault clears
// what both of its probes matched, in two sets at once). Within a cycle, a lookup reads the state
// at the cycle's start; at its end come the lookup's touch, then the clears, then the fill
// (docs/ARCHITECTURE.md 16.3): a fill sees the valid bits the clears leave. RegRead = 1 reads the
// row as the cycle's fill leaves it (a write-first read port), so that the compare of the next
// cycle sees the array as it then is.
// An array held in flip-flops (RegRead = 0) also compares the fill's own page (wr_match_o): the
// L1's second tag compare, by which a fill finds its way, and a fault of another request than
// the lookup's clears its entries (16.3's table).
`include "mmu_assert.svh"

module mmu_tlb #(
  parameter int unsigned NumEntries = 64,
  parameter int unsigned NumWays = 4,
  parameter int unsigned Repl = mmu_pkg::ReplLru,
  parameter int unsigned PaBits = 46,
  parameter bit          RegRead = 1'b0,
  parameter int unsigned NumClears = 1,
  parameter logic [15:0] LfsrSeed = 16'hACE1,
  // The page sizes this array holds (bit z: mmu_pkg::size_e z), and whether it holds 1 GiB
  // pages' 2 MiB fractions (section 4). An array that holds none keeps no fraction bit.
  parameter logic [2:0]  Sizes = 3'b011,
  parameter bit          Fractions = 1'b0,
  localparam bit          Enabled = (NumEntries != 0),
  localparam int unsigned Ways = Enabled ? NumWays : 1,
  localparam int unsigned NumSets = Enabled ? NumEntries / NumWays : 1,
  localparam int unsigned SetW = (NumSets > 1) ? $clog2(NumSets) : 1,
  localparam int unsigned WayW = (Ways > 1) ? $clog2(Ways) : 1,
  localparam int unsigned PfnW = PaBits - mmu_pkg::PageShift4k
) (
  input  logic                               clk_i,
  input  logic                               rst_ni,
  // Lookup: the set of vpn is vpn[SetW-1:0]. Results are valid the same cycle (RegRead = 0) or
  // the next (RegRead = 1).
  input  mmu_pkg::vpn_t                      lk_vpn_i,
  input  logic [mmu_pkg::SizeW-1:0]          lk_size_i,
  input  mmu_pkg::pcid_t                     lk_pcid_i,
  input  logic                               lk_rd_i,  // RegRead = 1: the read enable
  // The lookup's result is used this cycle (RegRead = 1: the cycle after it was presented); the
  // matches, hence the hit, are compared only then, and are 0 in other cycles (a simulator skips
  // the compares; the hardware is the same).
  input  logic                               cmp_i,
  output logic [Ways-1:0]                    lk_match_o,
  output logic [Ways-1:0]                    lk_global_o,  // the G bits of the set's ways
  output logic                               lk_hit_o,
  output logic [WayW-1:0]                    lk_way_o,
  output logic [PfnW-1:0]                    lk_pfn_o,
  output mmu_pkg::rights_t                   lk_rights_o,
  output logic                               lk_dirty_o,
  output logic                               lk_frac_o,  // the hit is a 1 GiB page's 2 MiB fraction
  // RegRead = 1: every way's row of the compared set, way w in [w*RowW +: RowW] (row_t below):
  // the STLB keeps the entries its probes match (mmu_stlb). 0 in the L1 arrays, which read none.
  output logic [Ways*(mmu_pkg::TlbRowBitsNoPfn+PfnW)-1:0] lk_rows_o,
  // Touch a used hit.
  input  logic                               touch_i,
  input  mmu_pkg::vpn_t                      touch_vpn_i,
  input  logic [WayW-1:0]                    touch_way_i,
  // Fill an entry, tagged with fill_pcid_i.
  input  logic                               fill_i,
  input  logic [Ways-1:0]                    fill_match_i,
  input  mmu_pkg::vpn_t                      fill_vpn_i,
  input  logic [mmu_pkg::SizeW-1:0]          fill_size_i,
  input  logic                               fill_frac_i,  // a 2 MiB fraction (fill_size_i 2 MiB)
  input  mmu_pkg::pcid_t                     fill_pcid_i,
  input  logic                               fill_global_i,
  input  logic [PfnW-1:0]                    fill_pfn_i,
  input  mmu_pkg::rights_t                   fill_rights_i,
  input  logic                               fill_dirty_i,
  // RegRead = 0: the ways of fill_vpn_i's set that match (fill_vpn_i, fill_size_i, fill_pcid_i),
  // compared when wr_cmp_i (0 otherwise).
  input  logic                               wr_cmp_i,
  output logic [Ways-1:0]                    wr_match_o,
  // Clear port c clears the ways of clr_mask_i[c*Ways +: Ways] in the set of
  // clr_vpn_i[c*Vpn4kBits +: Vpn4kBits].
  input  logic [NumClears-1:0]               clr_i,
  input  logic [NumClears*mmu_pkg::Vpn4kBits-1:0] clr_vpn_i,
  input  logic [NumClears*Ways-1:0]          clr_mask_i,
  // Clear every entry selected: non-global entries (of inv_pcid_i if inv_by_pcid_i), and global
  // entries unless inv_keep_global_i.
  input  logic                               inv_i,
  input  logic                               inv_by_pcid_i,
  input  mmu_pkg::pcid_t                     inv_pcid_i,
  input  logic                               inv_keep_global_i,
  // The way a fill goes to (meaningful when fill_i).
  output logic [WayW-1:0]                    fill_way_o,
  // Events for the counters: a fill was made, and it replaced a valid entry.
  output logic                               filled_o,
  output logic                               evicted_o
`ifdef FORMAL
  ,
  // Formal only (scripts/formal, task unique): the ways of query q's set that match
  // (fv_vpn_i, fv_size_i, fv_pcid_i)[q] in the array as it is now, read from the state itself
  // rather than through the lookup's registered read (mmu_stlb asks for its kept probes' pages).
  input  logic [2*mmu_pkg::Vpn4kBits-1:0]    fv_vpn_i,
  input  logic [2*mmu_pkg::SizeW-1:0]        fv_size_i,
  input  logic [2*mmu_pkg::PcidBits-1:0]     fv_pcid_i,
  output logic [2*Ways-1:0]                  fv_match_o,
  // RegRead = 1: the rows read in the cycle before are the array's rows of the compared set now
  // (the write-first read), for the STLB's proofs.
  output logic                               fv_rows_current_o,
  output mmu_pkg::vpn_t                      fv_cmp_vpn_o,   // the key compared this cycle
  output logic [mmu_pkg::SizeW-1:0]          fv_cmp_size_o,
  output mmu_pkg::pcid_t                     fv_cmp_pcid_o
`endif
);
  if (Enabled && (NumWays == 0 || NumEntries % NumWays != 0 ||
                  (NumSets & (NumSets - 1)) != 0)) begin : g_bad_geometry
    $error("mmu_tlb: NumEntries must be a multiple of NumWays, in a power-of-two number of sets");
  end
  if (Enabled && Repl == mmu_pkg::ReplPlru && (NumWays & (NumWays - 1)) != 0) begin : g_bad_plru
    $error("mmu_tlb: tree-PLRU needs a power-of-two number of ways");
  end
  if (Repl > mmu_pkg::ReplRandom) begin : g_bad_repl
    $error("mmu_tlb: Repl must be 0..3");
  end

  // What one way's memory holds for an entry.
  typedef struct packed {
    logic [mmu_pkg::Vpn4kBits-1:0] vpn;
    logic [mmu_pkg::SizeW-1:0]     size;
    logic                          frac;   // a 1 GiB page's 2 MiB fraction (section 4)
    logic [PfnW-1:0]               pfn;
    logic [3:0]                    pkey;   // mmu_pkg::rights_t's fields, from here to nx
    logic                          rw;
    logic                          us;
    logic                          nx;
    logic                          dirty;
  } row_t;

  // Entry (s, w) is bit s*Ways + w: flip-flops, so that a sweep can clear any of them in one
  // cycle.
  logic [NumSets*Ways-1:0] valid_q, glb_q;
  mmu_pkg::pcid_t          pcid_q [NumSets*Ways];

  // The set of an entry is vpn mod NumSets; a single set is set 0.
  function automatic logic [SetW-1:0] set_of(mmu_pkg::vpn_t vpn);
    set_of = (NumSets > 1) ? vpn[SetW-1:0] : '0;
  endfunction

  mmu_pkg::vpn_t   cmp_vpn;
  logic [SetW-1:0] lk_set, cmp_set, touch_set, fill_set;
  assign lk_set    = set_of(lk_vpn_i);
  assign cmp_set   = set_of(cmp_vpn);
  assign touch_set = set_of(touch_vpn_i);
  assign fill_set  = set_of(fill_vpn_i);

  logic [WayW-1:0] victim, fill_way;

  // ---- storage -------------------------------------------------------------------------------
  localparam int unsigned RowW = mmu_pkg::TlbRowBitsNoPfn + PfnW;  // a row_t's
  // (Rows a way each, not one packed vector: a simulator copies a row, where it would insert
  // each into the vector in every cycle.)
  logic [RowW-1:0] rows [Ways];  // the set being compared
  logic [RowW-1:0] wr_rows [Ways];  // RegRead = 0: fill_vpn_i's set
  row_t                 fill_row;
  assign fill_row = {fill_vpn_i, fill_size_i, Fractions && fill_frac_i, fill_pfn_i,
                     fill_rights_i, fill_dirty_i};
`ifdef FORMAL
  logic [RowW-1:0] fv_row [NumSets*Ways];  // entry i's row, for the proofs
`endif

  if (RegRead) begin : g_sram
    // One memory per way, indexed by set, as SRAM macros would be: one write port (the fill) and
    // one registered read port each.
    for (genvar w = 0; w < Ways; w++) begin : g_way
      logic [RowW-1:0] mem [NumSets];
      always_ff @(posedge clk_i) begin
        if (fill_i && Enabled && fill_way == WayW'(w)) mem[fill_set] <= fill_row;
      end
      // Write-first: a fill of the row read in the same cycle is what the read gives.
      logic [RowW-1:0] rd_q;
      always_ff @(posedge clk_i)
        if (lk_rd_i)
          rd_q <= (fill_i && Enabled && fill_way == WayW'(w) && fill_set == lk_set) ? fill_row
                                                                                    : mem[lk_set];
      assign rows[w] = rd_q;
      assign wr_rows[w] = '0;
      assign lk_rows_o[w*RowW +: RowW] = rd_q;
`ifdef FORMAL
      for (genvar s = 0; s < NumSets; s++) begin : g_fv_row
        assign fv_row[s*Ways + w] = mem[s];
      end
`endif
    end
  end else begin : g_flops
    // Flip-flops: one memory of every entry (set s, way w: entry s*Ways + w) with one write port
    // (the fill), read combinationally a way at a time (one write site, where a memory per way
    // would give a simulator one per way to prepare in every cycle). Each read happens only in
    // the cycles that compare it (0 in others, which a simulator skips).
    logic [RowW-1:0] mem [NumSets*Ways];
    always_ff @(posedge clk_i) begin
      if (fill_i && Enabled) mem[32'(fill_set) * Ways + 32'(fill_way)] <= fill_row;
    end
    always_comb begin
      for (int unsigned w = 0; w < Ways; w++) begin
        rows[w] = '0;
        wr_rows[w] = '0;
      end
      if (cmp_i) for (int unsigned w = 0; w < Ways; w++) rows[w] = mem[32'(lk_set) * Ways + w];
      if (wr_cmp_i)
        for (int unsigned w = 0; w < Ways; w++) wr_rows[w] = mem[32'(fill_set) * Ways + w];
    end
    assign lk_rows_o = '0;  // (read by the STLB only)
`ifdef FORMAL
    for (genvar i = 0; i < NumSets * Ways; i++) begin : g_fv_row
      assign fv_row[i] = mem[i];
    end
`endif
  end

  // ---- lookup --------------------------------------------------------------------------------
  logic [mmu_pkg::SizeW-1:0] cmp_size;
  mmu_pkg::pcid_t            cmp_pcid;

  if (RegRead) begin : g_regread
    mmu_pkg::vpn_t             lk_vpn_q;
    logic [mmu_pkg::SizeW-1:0] lk_size_q;
    mmu_pkg::pcid_t            lk_pcid_q;
    always_ff @(posedge clk_i) begin
      lk_vpn_q  <= lk_vpn_i;
      lk_size_q <= lk_size_i;
      lk_pcid_q <= lk_pcid_i;
    end
    assign cmp_vpn  = lk_vpn_q;
    assign cmp_size = lk_size_q;
    assign cmp_pcid = lk_pcid_q;
  end else begin : g_asyncread
    assign cmp_vpn  = lk_vpn_i;
    assign cmp_size = lk_size_i;
    assign cmp_pcid = lk_pcid_i;
  end

  // Entry i (set s, way w: i = s*Ways + w), whose row holds tag, matches a lookup of
  // (vpn, size, pcid) when it is valid, of that page and size (the tag: row_t's first fields, the
  // top TagW bits of a row), and global or of that PCID.
  localparam int unsigned TagW = mmu_pkg::Vpn4kBits + mmu_pkg::SizeW;
  localparam int unsigned EntryW = (NumSets * Ways > 1) ? $clog2(NumSets * Ways) : 1;
  function automatic logic entry_matches(logic [EntryW-1:0] i, logic [TagW-1:0] tag,
                                         mmu_pkg::vpn_t vpn, logic [mmu_pkg::SizeW-1:0] size,
                                         mmu_pkg::pcid_t pcid);
    entry_matches = Enabled && valid_q[i] && tag == {vpn, size} &&
                    (glb_q[i] || pcid_q[i] == pcid);
  endfunction

  always_comb begin
    lk_match_o = '0;
    if (cmp_i) begin
      for (int unsigned w = 0; w < Ways; w++) begin
        lk_match_o[w] = entry_matches(EntryW'(32'(cmp_set) * Ways + w),
                                      rows[w][RowW-1 -: TagW], cmp_vpn, cmp_size,
                                      cmp_pcid);
      end
    end
  end

  always_comb begin
    wr_match_o = '0;
    if (wr_cmp_i && !RegRead) begin
      for (int unsigned w = 0; w < Ways; w++) begin
        wr_match_o[w] = entry_matches(EntryW'(32'(fill_set) * Ways + w),
                                      wr_rows[w][RowW-1 -: TagW], fill_vpn_i,
                                      fill_size_i, fill_pcid_i);
      end
    end
  end

  // The lowest matching way is the hit.
  always_comb begin
    lk_hit_o = 1'b0;
    lk_way_o = '0;
    for (int w = Ways - 1; w >= 0; w--) begin
      if (lk_match_o[w]) begin
        lk_hit_o = 1'b1;
        lk_way_o = WayW'(w);
      end
    end
  end
  assign lk_global_o = glb_q[cmp_set*Ways +: Ways];

  row_t hit_row;
  assign hit_row     = rows[lk_way_o];
  assign lk_pfn_o    = hit_row.pfn;
  assign lk_rights_o = {hit_row.pkey, hit_row.rw, hit_row.us, hit_row.nx};
  assign lk_dirty_o  = hit_row.dirty;
  assign lk_frac_o   = Fractions && hit_row.frac;

  // ---- fill way --------------------------------------------------------------------------------
  logic            fill_has_match, fill_has_invalid, fill_evict;
  logic [Ways-1:0] valid_clr;  // the fill's set after the clears (below)
  logic [WayW-1:0] match_way, invalid_way;

  always_comb begin
    fill_has_match = 1'b0;
    fill_has_invalid = 1'b0;
    match_way = '0;
    invalid_way = '0;
    if (fill_i) begin  // (searched only in a cycle that fills, which a simulator skips)
      for (int w = Ways - 1; w >= 0; w--) begin
        if (fill_match_i[w] && valid_clr[w] &&
            glb_q[fill_set*Ways + w] == fill_global_i) begin
          fill_has_match = 1'b1;
          match_way = WayW'(w);
        end
        if (!valid_clr[w]) begin
          fill_has_invalid = 1'b1;
          invalid_way = WayW'(w);
        end
      end
    end
  end
  assign fill_way = fill_has_match ? match_way : fill_has_invalid ? invalid_way : victim;
  assign fill_evict = fill_i && Enabled && !fill_has_match && !fill_has_invalid;
  assign filled_o   = fill_i && Enabled;
  assign evicted_o  = fill_evict;
  assign fill_way_o = fill_way;

  mmu_repl #(.NumSets(NumSets), .NumWays(Ways), .Policy(Repl), .LfsrSeed(LfsrSeed)) u_repl (
    .clk_i,
    .rst_ni,
    .touch_i    (touch_i && Enabled),
    .touch_set_i(touch_set),
    .touch_way_i(touch_way_i),
    .fill_i     (fill_i && Enabled),
    .fill_set_i (fill_set),
    .fill_way_i (fill_way),
    .take_i     (fill_evict),
    .query_set_i(fill_set),
    .victim_o   (victim)
  );

  // ---- state updates: clears or an invalidation, then a fill ----------------------------------
  // valid_clr is what the clears leave, computed only in a cycle that fills (the fill's way needs
  // it); the valid bits are updated in place, only on these events: a valid_d copy of every bit,
  // evaluated every cycle, cost cosim_default 7% more instructions (callgrind) for the
  // 1536-entry STLB.
  // Clear ports on one set clear the union of their masks.
  logic [NumClears*SetW-1:0] clr_sets;
  logic [NumClears*Ways-1:0] clr_union;
  always_comb begin
    for (int unsigned c = 0; c < NumClears; c++) begin
      clr_sets[c*SetW +: SetW] = set_of(clr_vpn_i[c*mmu_pkg::Vpn4kBits +: mmu_pkg::Vpn4kBits]);
    end
    clr_union = '0;
    for (int unsigned c = 0; c < NumClears; c++) begin
      for (int unsigned d = 0; d < NumClears; d++) begin
        if (clr_i[d] && clr_sets[d*SetW +: SetW] == clr_sets[c*SetW +: SetW])
          clr_union[c*Ways +: Ways] = clr_union[c*Ways +: Ways] | clr_mask_i[d*Ways +: Ways];
      end
    end
  end

  // The valid bits of the fill's set as the clears leave them.
  always_comb begin
    valid_clr = '0;
    if (fill_i) begin
      valid_clr = valid_q[32'(fill_set) * Ways +: Ways];
      for (int unsigned c = 0; c < NumClears; c++) begin
        if (clr_i[c] && clr_sets[c*SetW +: SetW] == fill_set)
          valid_clr = valid_clr & ~clr_union[c*Ways +: Ways];
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q <= '0;
    end else begin
      if (|clr_i) begin
        for (int unsigned c = 0; c < NumClears; c++) begin
          if (clr_i[c]) begin
            valid_q[clr_sets[c*SetW +: SetW]*Ways +: Ways] <=
                valid_q[clr_sets[c*SetW +: SetW]*Ways +: Ways] & ~clr_union[c*Ways +: Ways];
          end
        end
      end else if (inv_i) begin
        for (int unsigned i = 0; i < NumSets * Ways; i++) begin
          if (glb_q[i] ? !inv_keep_global_i : (!inv_by_pcid_i || pcid_q[i] == inv_pcid_i))
            valid_q[i] <= 1'b0;
        end
      end
      // (After the clears: the fill's bit is set even if a clear of its set named its way.)
      if (fill_i && Enabled) valid_q[32'(fill_set) * Ways + 32'(fill_way)] <= 1'b1;
    end
  end

  always_ff @(posedge clk_i) begin
    if (fill_i && Enabled) begin
      pcid_q[32'(fill_set) * Ways + 32'(fill_way)] <= fill_pcid_i;
      glb_q[32'(fill_set) * Ways + 32'(fill_way)]  <= fill_global_i;
    end
  end

`ifdef MMU_ASSERTIONS
  `MMU_ASSERT_SETUP
  // A fill is of a size this array holds, and a fraction only where fractions are held (an
  // array that holds none would answer a fraction's hit as a whole 2 MiB page).
  `MMU_ASSERT_WHEN(a_fill_size_held, fill_i && Enabled,
              Sizes[fill_size_i] && (Fractions || !fill_frac_i) &&
              (!fill_frac_i || fill_size_i == 2'(mmu_pkg::Size2m)),
              ("mmu_tlb: a fill of size %0d (fraction %b) into an array of sizes %b (fractions %b)",
               fill_size_i, fill_frac_i, Sizes, Fractions))
  // No lookup ever matches two entries of one kind: two valid entries of a set with one tag are
  // never both global, nor both of one PCID (a fill goes to the way its lookup matched that
  // holds an entry of its kind; scripts/formal proves it, task tlb). A
  // global and a non-global entry of one page may both match (section 4: the lowest way wins).
  // RegRead arrays compare a row read a cycle earlier: their user says when it is meaningful.
`ifndef MMU_FORMAL_PORTS
  if (!RegRead) begin : g_assert_unique
    `MMU_ASSERT_WHEN(a_unique_match, cmp_i,
                $onehot0(lk_match_o & lk_global_o) && $onehot0(lk_match_o & ~lk_global_o),
                ("mmu_tlb: two entries of set %0d match one lookup (match %b, global %b)",
                 cmp_set, lk_match_o, lk_global_o))
  end
`endif
`ifdef FORMAL
  assign {fv_cmp_vpn_o, fv_cmp_size_o, fv_cmp_pcid_o} = {cmp_vpn, cmp_size, cmp_pcid};
  if (RegRead) begin : g_fv_rows
    logic [Ways-1:0] same;
    for (genvar w = 0; w < Ways; w++) begin : g_w
      assign same[w] = g_sram.g_way[w].rd_q == fv_row[32'(cmp_set) * Ways + w];
    end
    assign fv_rows_current_o = &same;
  end else begin : g_fv_no_rows
    assign fv_rows_current_o = 1'b1;
  end
  for (genvar q = 0; q < 2; q++) begin : g_fv_query
    mmu_pkg::vpn_t   vpn;
    logic [SetW-1:0] set;
    assign vpn = fv_vpn_i[q*mmu_pkg::Vpn4kBits +: mmu_pkg::Vpn4kBits];
    assign set = set_of(vpn);
    for (genvar w = 0; w < Ways; w++) begin : g_w
      assign fv_match_o[q*Ways + w] =
          entry_matches(EntryW'(32'(set) * Ways + w), fv_row[32'(set) * Ways + w][RowW-1 -: TagW],
                        vpn, fv_size_i[q*mmu_pkg::SizeW +: mmu_pkg::SizeW],
                        fv_pcid_i[q*mmu_pkg::PcidBits +: mmu_pkg::PcidBits]);
    end
  end
`endif
`ifdef MMU_FORMAL_TLB
  // The same for every set, of the state itself: what a proof by induction needs (too costly to
  // check every cycle in simulation, where the lookup's form above is checked).
  for (genvar s = 0; s < NumSets; s++) begin : g_unique_set
    for (genvar a = 0; a < Ways; a++) begin : g_a
      for (genvar b = a + 1; b < Ways; b++) begin : g_b
        // (Unlabelled: Yosys gives a label one name in every iteration of a loop.)
        always @(posedge clk_i)
          if (f_past_valid && rst_ni)
            assert (!(valid_q[s*Ways + a] && valid_q[s*Ways + b] &&
                      fv_row[s*Ways + a][RowW-1 -: TagW] == fv_row[s*Ways + b][RowW-1 -: TagW] &&
                      (glb_q[s*Ways + a] ? glb_q[s*Ways + b]
                                         : !glb_q[s*Ways + b] &&
                                           pcid_q[s*Ways + a] == pcid_q[s*Ways + b])));
      end
    end
  end
`endif
`endif
endmodule
