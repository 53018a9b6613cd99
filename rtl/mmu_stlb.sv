// The unified second-level TLB (docs/ARCHITECTURE.md, sections 4, 16.3 and 16.6; model/tlb.c):
// one mmu_tlb holding both page sizes, a synchronous memory per way with one read port and one
// write port, and for each miss-queue entry the match vectors of its probe.
//
// The read port reads one set a cycle: a probe's 4 KiB set in cycle p, its 2 MiB set in p + 1
// (mmu_miss_queue schedules them), or an INVLPG's sets. Each set read is compared in the next
// cycle, against the array as it then is (the read is write-first, the valid bits are
// flip-flops), and the matching ways are kept in the probe's slot: for each page size, the
// matching global entry and the matching non-global entry (a set holds at most one of each for
// one lookup, mmu_tlb), their way and their data. From then until its entry answers, every fill
// and clear of the array updates the slot: a fill of the slot's own entry (page, size, kind)
// into way w puts it in the slot, any other change of a kept way drops it. So a slot always
// holds what a lookup of its page would match now, which is what the model's lookup in the
// answer cycle finds (16.6). The answer is the slot's 4 KiB match if any, else its 2 MiB match,
// the lower way of the two kinds. A fill for a slot goes to the way its matches give (mmu_tlb
// takes the one of the fill's kind); a fault clears what they hold. An entry that becomes a
// primary without a probe (an heir, 16.4) takes its primary's slot.
`include "mmu_assert.svh"

module mmu_stlb #(
  parameter int unsigned NumEntries = 1536,
  parameter int unsigned NumWays = 12,
  parameter int unsigned Repl = mmu_pkg::ReplLru,
  parameter int unsigned PaBits = 46,
  parameter logic [15:0] LfsrSeed = 16'hACE1,
  parameter int unsigned Slots = 1,  // the miss-queue entries: a probe each
  localparam int unsigned Ways = (NumEntries != 0) ? NumWays : 1,
  localparam int unsigned WayW = (Ways > 1) ? $clog2(Ways) : 1,
  localparam int unsigned PfnW = PaBits - mmu_pkg::PageShift4k,
  localparam int unsigned SlotW = (Slots > 1) ? $clog2(Slots) : 1
) (
  input  logic                            clk_i,
  input  logic                            rst_ni,
  input  mmu_pkg::pcid_t                  pcid_i,             // every lookup's and fill's
  // The read port: the set of rd_va_i's page of size rd_is2m_i, for slot rd_slot_i, or for an
  // INVLPG (rd_inv_i: the compare clears what it matches, but global entries if
  // rd_keep_global_i).
  input  logic                            rd_i,
  input  logic                            rd_is2m_i,
  input  mmu_pkg::va_t                    rd_va_i,
  input  logic [SlotW-1:0]                rd_slot_i,
  input  logic                            rd_inv_i,
  input  logic                            rd_keep_global_i,
  // Each slot's page: its entry's address, slot s in [s*VaBits +: VaBits].
  input  logic [Slots*mmu_pkg::VaBits-1:0] slot_va_i,
  // The answer of slot ans_slot_i: what its matches hold in this cycle.
  input  logic [SlotW-1:0]                ans_slot_i,
  output logic                            ans_hit_o,
  output logic                            ans_is2m_o,
  output logic [PfnW-1:0]                 ans_pfn_o,
  output mmu_pkg::rights_t                ans_rights_o,
  output logic                            ans_dirty_o,
  output logic                            ans_global_o,
  input  logic                            touch_i,            // the answer's entry is used
  // The miss lane: fill slot wr_slot_i's page, or clear what its slot matches (a fault).
  input  logic [SlotW-1:0]                wr_slot_i,
  input  logic                            fill_i,
  input  logic                            fill_is2m_i,
  input  logic                            fill_global_i,
  input  logic [PfnW-1:0]                 fill_pfn_i,
  input  mmu_pkg::rights_t                fill_rights_i,
  input  logic                            fill_dirty_i,
  input  logic                            clr_i,
  // Slot s takes slot inherit_src_i[s]'s matches, as this cycle leaves them (an heir).
  input  logic [Slots-1:0]                inherit_i,
  input  logic [Slots*SlotW-1:0]          inherit_src_i,
  // Sweep by PCID and G bit, as mmu_tlb (control operations: no probe is kept then).
  input  logic                            inv_i,
  input  logic                            inv_by_pcid_i,
  input  mmu_pkg::pcid_t                  inv_pcid_i,
  input  logic                            inv_keep_global_i,
  output logic                            filled_o,           // events for the counters
  output logic                            evicted_o
`ifdef FORMAL
  ,
  // Formal only (scripts/formal, task unique): slot 0's kept matches are what the array matches
  // now for its page, [0] of 4 KiB, [1] of 2 MiB. mmu_top states when they must be (from each
  // compare until its entry is freed); the proofs' configuration has one entry.
  output logic [1:0]                      fv_slot_current_o,
  // The compare of this cycle: whether there is one, for an INVLPG, of 2 MiB, for which slot and
  // page; and that it compares the array's rows and page as they now are.
  output logic                            fv_cmp_o,
  output logic                            fv_cmp_inv_o,
  output logic                            fv_cmp_is2m_o,
  output logic [SlotW-1:0]                fv_cmp_slot_o,
  output mmu_pkg::vpn_t                   fv_cmp_vpn_o,
  output logic                            fv_cmp_current_o
`endif
);
  localparam bit          Enabled = NumEntries != 0;
  localparam int unsigned NumSets = Enabled ? NumEntries / NumWays : 1;
  localparam int unsigned SetW = (NumSets > 1) ? $clog2(NumSets) : 1;
  localparam int unsigned RowW = mmu_pkg::TlbRowBitsNoPfn + PfnW;  // mmu_tlb's row_t

  // What a slot keeps of one matching entry.
  typedef struct packed {
    logic             v;
    logic [WayW-1:0]  way;
    logic [PfnW-1:0]  pfn;
    logic [mmu_pkg::RightsW-1:0] rights;  // mmu_pkg::rights_t (Yosys 0.23 takes no package type
                                          // here)
    logic             dirty;
  } match_t;
  // A slot: [z*2 + k], z the page size (0 4 KiB, 1 2 MiB), k the kind (0 non-global, 1 global).
  localparam int unsigned MatchW = 1 + WayW + PfnW + mmu_pkg::RightsW + 1;
  typedef logic [4*MatchW-1:0] slot_t;

  function automatic logic [SetW-1:0] set_of(mmu_pkg::vpn_t vpn);
    set_of = (NumSets > 1) ? vpn[SetW-1:0] : '0;
  endfunction
  function automatic mmu_pkg::vpn_t vpn_of(mmu_pkg::va_t va, logic is2m);
    vpn_of = is2m ? mmu_pkg::vpn_2m(va) : mmu_pkg::vpn_4k(va);
  endfunction
  function automatic mmu_pkg::va_t va_of(logic [Slots*mmu_pkg::VaBits-1:0] vas,
                                         logic [SlotW-1:0] s);
    va_of = vas[s*mmu_pkg::VaBits +: mmu_pkg::VaBits];
  endfunction
  // The ways a slot's two matches of one size hold.
  function automatic logic [Ways-1:0] ways_of(logic g_v, logic [WayW-1:0] g_way, logic n_v,
                                              logic [WayW-1:0] n_way);
    ways_of = '0;
    if (g_v) ways_of[g_way] = 1'b1;
    if (n_v) ways_of[n_way] = 1'b1;
  endfunction

  slot_t slot_q [Slots];

  // ---- the compare: the set read in the cycle before -----------------------------------------
  logic             cmp_q, cmp_is2m_q, cmp_inv_q;
  logic [SlotW-1:0] cmp_slot_q;
  mmu_pkg::vpn_t    cmp_vpn_q;
  logic [Ways-1:0]  match, glb;
  logic [Ways*RowW-1:0] rows;
  logic             lk_hit, lk_dirty;
  logic [WayW-1:0]  lk_way;
  logic [PfnW-1:0]  lk_pfn;
  mmu_pkg::rights_t lk_rights;
  logic [Ways-1:0]  wr_match;  // (a fill goes by the slots' matches: the array's is not read)
  // (The answer comes from the slots: the array's own hit, lk_*, is not read.)

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) cmp_q <= 1'b0;
    else         cmp_q <= rd_i;
  end
  always_ff @(posedge clk_i) begin
    cmp_is2m_q <= rd_is2m_i;
    cmp_inv_q  <= rd_inv_i;
    cmp_slot_q <= rd_slot_i;
    cmp_vpn_q  <= vpn_of(rd_va_i, rd_is2m_i);
  end

  // The matches of the compare, as a slot keeps them: the global and the non-global one.
  match_t cap_g, cap_n;
  always_comb begin
    cap_g = '0;
    cap_n = '0;
    for (int unsigned w = 0; w < Ways; w++) begin
      if (match[w]) begin
        // (A row's fields from the bottom: dirty, the rights, the frame.)
        if (glb[w]) cap_g = {1'b1, WayW'(w), rows[w*RowW + 1 + mmu_pkg::RightsW +: PfnW],
                             rows[w*RowW + 1 +: mmu_pkg::RightsW], rows[w*RowW]};
        else        cap_n = {1'b1, WayW'(w), rows[w*RowW + 1 + mmu_pkg::RightsW +: PfnW],
                             rows[w*RowW + 1 +: mmu_pkg::RightsW], rows[w*RowW]};
      end
    end
  end

  // ---- each slot as the cycle sees it: a compare of its own replaces its matches of that size -
  slot_t slot_now [Slots];
  always_comb begin
    for (int unsigned s = 0; s < Slots; s++) begin
      slot_now[s] = slot_q[s];
      if (cmp_q && !cmp_inv_q && cmp_slot_q == SlotW'(s))
        slot_now[s][cmp_is2m_q*2*MatchW +: 2*MatchW] = {cap_g, cap_n};
    end
  end

  // ---- the answer ----------------------------------------------------------------------------
  match_t a4g, a4n, a2g, a2n, ans;
  logic   ans_2m, ans_glb;
  always_comb begin
    {a2g, a2n, a4g, a4n} = slot_now[ans_slot_i];
    ans_2m = !(a4g.v || a4n.v);
    // The lower way of the two kinds, as mmu_tlb's hit.
    if (!ans_2m) ans_glb = a4g.v && (!a4n.v || a4g.way < a4n.way);
    else         ans_glb = a2g.v && (!a2n.v || a2g.way < a2n.way);
    ans = ans_2m ? (ans_glb ? a2g : a2n) : (ans_glb ? a4g : a4n);
  end
  assign ans_hit_o    = ans.v;
  assign ans_is2m_o   = ans_2m;
  assign ans_pfn_o    = ans.pfn;
  assign ans_rights_o = ans.rights;
  assign ans_dirty_o  = ans.dirty;
  assign ans_global_o = ans_glb;

  // ---- the miss lane's fill and clear, by its slot's matches ---------------------------------
  match_t        wr_4g, wr_4n, wr_2g, wr_2n;
  mmu_pkg::va_t  wr_va;
  mmu_pkg::vpn_t fill_vpn;
  logic [Ways-1:0] fill_match;
  assign {wr_2g, wr_2n, wr_4g, wr_4n} = slot_now[wr_slot_i];
  assign wr_va      = va_of(slot_va_i, wr_slot_i);
  assign fill_vpn   = vpn_of(wr_va, fill_is2m_i);
  assign fill_match = fill_is2m_i ? ways_of(wr_2g.v, wr_2g.way, wr_2n.v, wr_2n.way)
                                  : ways_of(wr_4g.v, wr_4g.way, wr_4n.v, wr_4n.way);

  // Clear port 0: a fault's 4 KiB matches, or what an INVLPG's compare matches; port 1: a
  // fault's 2 MiB matches.
  logic [1:0]                    clr;
  logic [2*mmu_pkg::Vpn4kBits-1:0] clr_vpn;
  logic [2*Ways-1:0]             clr_mask;
  logic                          inv_addr;
  assign inv_addr = cmp_q && cmp_inv_q;
  assign clr      = {clr_i, clr_i || inv_addr};
  assign clr_vpn  = {mmu_pkg::vpn_2m(wr_va), clr_i ? mmu_pkg::vpn_4k(wr_va) : cmp_vpn_q};
  assign clr_mask = {ways_of(wr_2g.v, wr_2g.way, wr_2n.v, wr_2n.way),
                     clr_i ? ways_of(wr_4g.v, wr_4g.way, wr_4n.v, wr_4n.way)
                           : match & ~(rd_keep_global_i ? glb : '0)};

  logic [WayW-1:0] fill_way;

  mmu_tlb #(.NumEntries(NumEntries), .NumWays(NumWays), .Repl(Repl), .PaBits(PaBits),
            .RegRead(1'b1), .NumClears(2), .LfsrSeed(LfsrSeed)) u_array (
    .clk_i, .rst_ni,
    .lk_vpn_i(vpn_of(rd_va_i, rd_is2m_i)), .lk_is2m_i(rd_is2m_i), .lk_pcid_i(pcid_i),
    .lk_rd_i(rd_i),
    .cmp_i(cmp_q), .lk_match_o(match), .lk_global_o(glb), .lk_hit_o(lk_hit), .lk_way_o(lk_way),
    .lk_pfn_o(lk_pfn), .lk_rights_o(lk_rights), .lk_dirty_o(lk_dirty), .lk_rows_o(rows),
    .touch_i, .touch_vpn_i(vpn_of(va_of(slot_va_i, ans_slot_i), ans_2m)), .touch_way_i(ans.way),
    .fill_i, .fill_match_i(fill_match), .fill_vpn_i(fill_vpn), .fill_is2m_i,
    .fill_pcid_i(pcid_i), .fill_global_i, .fill_pfn_i, .fill_rights_i, .fill_dirty_i,
    .wr_cmp_i(1'b0), .wr_match_o(wr_match),
    .clr_i(clr), .clr_vpn_i(clr_vpn), .clr_mask_i(clr_mask),
    .inv_i, .inv_by_pcid_i, .inv_pcid_i, .inv_keep_global_i, .fill_way_o(fill_way),
    .filled_o, .evicted_o
`ifdef FORMAL
    , .fv_vpn_i({mmu_pkg::vpn_2m(va_of(slot_va_i, '0)), mmu_pkg::vpn_4k(va_of(slot_va_i, '0))}),
    .fv_is2m_i(2'b10), .fv_pcid_i({pcid_i, pcid_i}), .fv_match_o(fv_match),
    .fv_rows_current_o(fv_rows_current), .fv_cmp_vpn_o(fv_arr_vpn), .fv_cmp_is2m_o(fv_arr_is2m),
    .fv_cmp_pcid_o(fv_arr_pcid)
`endif
  );
`ifdef FORMAL
  logic              fv_rows_current;
  assign {fv_cmp_o, fv_cmp_inv_o, fv_cmp_is2m_o, fv_cmp_slot_o, fv_cmp_vpn_o} =
      {cmp_q, cmp_inv_q, cmp_is2m_q, cmp_slot_q, cmp_vpn_q};
  mmu_pkg::vpn_t     fv_arr_vpn;
  logic              fv_arr_is2m;
  mmu_pkg::pcid_t    fv_arr_pcid;
  assign fv_cmp_current_o = fv_rows_current && fv_arr_vpn == cmp_vpn_q &&
                            fv_arr_is2m == cmp_is2m_q && fv_arr_pcid == pcid_i;
  logic [2*Ways-1:0] fv_match;
  match_t fv_4g, fv_4n, fv_2g, fv_2n;
  assign {fv_2g, fv_2n, fv_4g, fv_4n} = slot_q[0];
  assign fv_slot_current_o = {ways_of(fv_2g.v, fv_2g.way, fv_2n.v, fv_2n.way) ==
                                  fv_match[Ways +: Ways],
                              ways_of(fv_4g.v, fv_4g.way, fv_4n.v, fv_4n.way) ==
                                  fv_match[0 +: Ways]};
`endif

  // ---- the slots' updates: the cycle's clears, then its fill ----------------------------------
  logic [SetW-1:0] fill_set;
  logic [2*SetW-1:0] clr_set;  // port c's in [c*SetW +: SetW]
  assign fill_set = set_of(fill_vpn);
  assign clr_set  = {set_of(clr_vpn[mmu_pkg::Vpn4kBits +: mmu_pkg::Vpn4kBits]),
                     set_of(clr_vpn[0 +: mmu_pkg::Vpn4kBits])};

  // (A match's fields by offset: Yosys 0.23 takes no struct variables in a procedure.)
  localparam int unsigned MatchV = MatchW - 1, MatchWay = MatchW - 1 - WayW;
  slot_t slot_upd [Slots];
  always_comb begin
    mmu_pkg::vpn_t   vpn;
    logic [SetW-1:0] set;
    logic [WayW-1:0] way;
    int unsigned     base;
    vpn = '0;
    set = '0;
    way = '0;
    base = 0;
    for (int unsigned s = 0; s < Slots; s++) begin
      slot_upd[s] = slot_now[s];
      // (Only in a cycle that changes the array: a simulator skips the rest.)
      if (fill_i || |clr) begin
        for (int unsigned z = 0; z < 2; z++) begin
          vpn = vpn_of(va_of(slot_va_i, SlotW'(s)), z == 1);
          set = set_of(vpn);
          for (int unsigned k = 0; k < 2; k++) begin
            base = (z*2 + k)*MatchW;
            way = slot_upd[s][base + MatchWay +: WayW];
            for (int unsigned c = 0; c < 2; c++) begin
              if (clr[c] && clr_set[c*SetW +: SetW] == set && clr_mask[c*Ways + 32'(way)])
                slot_upd[s][base + MatchV] = 1'b0;
            end
            if (fill_i && fill_set == set) begin
              if (fill_is2m_i == (z == 1) && fill_vpn == vpn && fill_global_i == (k == 1))
                slot_upd[s][base +: MatchW] = {1'b1, fill_way, fill_pfn_i, fill_rights_i,
                                               fill_dirty_i};
              else if (way == fill_way)
                slot_upd[s][base + MatchV] = 1'b0;
            end
          end
        end
      end
    end
  end

  // (Without an array a slot holds nothing: every probe misses, whatever the miss lane fills.)
  // (Written only in a cycle that can change a slot: a compare, a fill, a clear or an heir's
  // inheritance. In the others slot_upd is slot_q, and a simulator skips the copy.)
  for (genvar s = 0; s < Slots; s++) begin : g_slot
    always_ff @(posedge clk_i)
      if (!Enabled || cmp_q || fill_i || |clr || inherit_i[s])
        slot_q[s] <= !Enabled  ? '0
                   : inherit_i[s] ? slot_upd[inherit_src_i[s*SlotW +: SlotW]] : slot_upd[s];
  end

`ifdef MMU_ASSERTIONS
`ifndef MMU_FORMAL_PORTS
  `MMU_ASSERT_SETUP
  // A compare matches at most one entry of each kind (mmu_tlb's uniqueness).
  `MMU_ASSERT(a_unique_match,
              !cmp_q || ($onehot0(match & glb) && $onehot0(match & ~glb)),
              ("mmu_stlb: two entries of one set match one probe (match %b, global %b)", match,
               glb))
`endif
`endif
endmodule
