// The unified second-level TLB (docs/ARCHITECTURE.md, sections 4, 16.3 and 16.6; model/tlb.c):
// one mmu_tlb holding 4 KiB and 2 MiB pages, a synchronous memory per way with one read port and
// one write port; a second mmu_tlb of the same kind for 1 GiB pages; and for each miss-queue
// entry the match vectors of its probe.
//
// The main array's read port reads one set a cycle: a probe's 4 KiB set in cycle p, its 2 MiB
// set in p + 1 (mmu_miss_queue schedules them), or an INVLPG's sets. The 1 GiB array, a memory
// of its own, reads its set of the page in the cycle of the 4 KiB read, so the STLB's timing is
// that of the main array alone. Each set read is compared in the next cycle, against the array
// as it then is (the read is write-first, the valid bits are flip-flops), and the matching ways
// are kept in the probe's slot: for each page size, the matching global entry and the matching
// non-global entry (a set holds at most one of each for one lookup, mmu_tlb), their way and
// their data. From then until its entry answers, every fill and clear of the arrays updates the
// slot: a fill of the slot's own entry (page, size, kind) into way w puts it in the slot, any
// other change of a kept way drops it. So a slot always holds what a lookup of its page would
// match now, which is what the model's lookup in the answer cycle finds (16.6). The answer is
// the slot's 4 KiB match if any, else its 2 MiB match, else its 1 GiB match, the lower way of the
// two kinds. A fill for a slot goes to the way its matches give (mmu_tlb takes the one of the
// fill's kind); a fault clears what they hold. An entry that becomes a primary without a probe
// (an heir, 16.4) takes its primary's slot.
// Without a 1 GiB array (Entries1g = 0) a 1 GiB page is filled into the main array as its 2 MiB
// fraction that holds the address (section 4): an entry of size 2 MiB marked as a fraction,
// whose answer gives the page's size, 1 GiB.
`include "mmu_assert.svh"

module mmu_stlb #(
  parameter int unsigned NumEntries = 1536,
  parameter int unsigned NumWays = 12,
  parameter int unsigned Repl = mmu_pkg::ReplLru,
  parameter int unsigned Entries1g = 16,
  parameter int unsigned Ways1g = 4,
  parameter int unsigned Repl1g = mmu_pkg::ReplLru,
  parameter int unsigned PaBits = 46,
  parameter logic [15:0] LfsrSeed = 16'hACE1,
  parameter int unsigned Slots = 1,  // the miss-queue entries: a probe each
  localparam int unsigned Ways = (NumEntries != 0) ? NumWays : 1,
  localparam int unsigned WayW = (Ways > 1) ? $clog2(Ways) : 1,
  localparam int unsigned Ways1gUsed = (Entries1g != 0) ? Ways1g : 1,
  localparam int unsigned WayW1g = (Ways1gUsed > 1) ? $clog2(Ways1gUsed) : 1,
  localparam int unsigned PfnW = PaBits - mmu_pkg::PageShift4k,
  localparam int unsigned SlotW = (Slots > 1) ? $clog2(Slots) : 1
) (
  input  logic                            clk_i,
  input  logic                            rst_ni,
  input  mmu_pkg::pcid_t                  pcid_i,             // every lookup's and fill's
  // The read port: the set of rd_va_i's page of size rd_size_i (4 KiB, with the 1 GiB array's
  // set, or 2 MiB), for slot rd_slot_i, or for an INVLPG (rd_inv_i: the compare clears what it
  // matches, but global entries if rd_keep_global_i).
  input  logic                            rd_i,
  input  logic [1:0]                      rd_size_i,          // a mmu_pkg::size_e
  input  mmu_pkg::va_t                    rd_va_i,
  input  logic [SlotW-1:0]                rd_slot_i,
  input  logic                            rd_inv_i,
  input  logic                            rd_keep_global_i,
  // Each slot's page: its entry's address, slot s in [s*VaBits +: VaBits].
  input  logic [Slots*mmu_pkg::VaBits-1:0] slot_va_i,
  // The answer of slot ans_slot_i: what its matches hold in this cycle.
  input  logic [SlotW-1:0]                ans_slot_i,
  output logic                            ans_hit_o,
  output logic [1:0]                      ans_size_o,         // the page's (1 GiB: a fraction)
  output logic                            ans_frac_o,         // a 2 MiB fraction answered
  output logic [PfnW-1:0]                 ans_pfn_o,
  output mmu_pkg::rights_t                ans_rights_o,
  output logic                            ans_dirty_o,
  output logic                            ans_global_o,
  input  logic                            touch_i,            // the answer's entry is used
  // The miss lane: fill slot wr_slot_i's page (a walk's: a page of size fill_size_i), or clear
  // what its slot matches (a fault).
  input  logic [SlotW-1:0]                wr_slot_i,
  input  logic                            fill_i,
  input  logic [1:0]                      fill_size_i,        // a mmu_pkg::size_e
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
  // Formal only (scripts/formal, task unique): slot 0's kept matches are what the arrays match
  // now for its page, [z] of size z. mmu_top states when they must be (from each compare until
  // its entry is freed); the proofs' configuration has one entry.
  output logic [2:0]                      fv_slot_current_o,
  // The main array's compare of this cycle: whether there is one, for an INVLPG, of which size,
  // for which slot and page; and that both arrays compare their rows and page as they now are.
  output logic                            fv_cmp_o,
  output logic                            fv_cmp_inv_o,
  output logic [1:0]                      fv_cmp_size_o,
  output logic [SlotW-1:0]                fv_cmp_slot_o,
  output mmu_pkg::vpn_t                   fv_cmp_vpn_o,
  output logic                            fv_cmp_current_o
`endif
);
  localparam bit          Enabled = NumEntries != 0;
  localparam bit          Enabled1g = Entries1g != 0;
  localparam int unsigned NumSets = Enabled ? NumEntries / NumWays : 1;
  localparam int unsigned SetW = (NumSets > 1) ? $clog2(NumSets) : 1;
  localparam int unsigned NumSets1g = Enabled1g ? Entries1g / Ways1g : 1;
  localparam int unsigned SetW1g = (NumSets1g > 1) ? $clog2(NumSets1g) : 1;
  localparam int unsigned RowW = mmu_pkg::TlbRowBitsNoPfn + PfnW;  // mmu_tlb's row_t
  // A way of either array, as a slot keeps it.
  localparam int unsigned MWayW = WayW > WayW1g ? WayW : WayW1g;
  localparam int unsigned MWays = Ways > Ways1gUsed ? Ways : Ways1gUsed;

  // What a slot keeps of one matching entry.
  typedef struct packed {
    logic             v;
    logic [MWayW-1:0] way;
    logic             frac;
    logic [PfnW-1:0]  pfn;
    logic [mmu_pkg::RightsW-1:0] rights;  // mmu_pkg::rights_t (Yosys 0.23 takes no package type
                                          // here)
    logic             dirty;
  } match_t;
  // A slot: [z*2 + k], z the page size (a size_e: 0 4 KiB, 1 2 MiB, 2 1 GiB), k the kind (0
  // non-global, 1 global).
  localparam int unsigned MatchW = 1 + MWayW + 1 + PfnW + mmu_pkg::RightsW + 1;
  typedef logic [6*MatchW-1:0] slot_t;

  function automatic logic [SetW-1:0] set_of(mmu_pkg::vpn_t vpn);
    set_of = (NumSets > 1) ? vpn[SetW-1:0] : '0;
  endfunction
  function automatic logic [SetW1g-1:0] set1g_of(mmu_pkg::vpn_t vpn);
    set1g_of = (NumSets1g > 1) ? vpn[SetW1g-1:0] : '0;
  endfunction
  function automatic mmu_pkg::va_t va_of(logic [Slots*mmu_pkg::VaBits-1:0] vas,
                                         logic [SlotW-1:0] s);
    va_of = vas[s*mmu_pkg::VaBits +: mmu_pkg::VaBits];
  endfunction
  // The ways a slot's two matches of one size hold.
  function automatic logic [MWays-1:0] ways_of(logic g_v, logic [MWayW-1:0] g_way, logic n_v,
                                               logic [MWayW-1:0] n_way);
    ways_of = '0;
    if (g_v) ways_of[g_way] = 1'b1;
    if (n_v) ways_of[n_way] = 1'b1;
  endfunction

  slot_t slot_q [Slots];

  // ---- the compares: the sets read in the cycle before -----------------------------------------
  logic             cmp_q, cmp1g_q, cmp_inv_q;
  logic [1:0]       cmp_size_q;
  logic [SlotW-1:0] cmp_slot_q;
  mmu_pkg::vpn_t    cmp_vpn_q, cmp_vpn1g_q;
  logic             rd1g;  // the 1 GiB array's set is read with a 4 KiB read
  assign rd1g = rd_i && rd_size_i == 2'(mmu_pkg::Size4k);
  // The main array's [0] and the 1 GiB array's [1] matches, G bits and rows.
  logic [Ways-1:0]       match, glb;
  logic [Ways*RowW-1:0]  rows;
  logic [Ways1gUsed-1:0] match1g, glb1g;
  logic [Ways1gUsed*RowW-1:0] rows1g;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) {cmp_q, cmp1g_q} <= '0;
    else         {cmp_q, cmp1g_q} <= {rd_i, rd1g && Enabled1g};
  end
  always_ff @(posedge clk_i) begin
    cmp_size_q  <= rd_size_i;
    cmp_inv_q   <= rd_inv_i;
    cmp_slot_q  <= rd_slot_i;
    cmp_vpn_q   <= mmu_pkg::vpn_of(rd_va_i, rd_size_i);
    cmp_vpn1g_q <= mmu_pkg::vpn_1g(rd_va_i);
  end

  // The matches of a compare, as a slot keeps them: the global and the non-global one. (A row's
  // fields from the bottom: dirty, the rights, the frame, the fraction bit.)
  localparam int unsigned RowsW = MWays * RowW;
  function automatic logic [2*MatchW-1:0] capture(logic [MWays-1:0] m, logic [MWays-1:0] g,
                                                   logic [RowsW-1:0] r);
    logic [MatchW-1:0] cg, cn, c;
    cg = '0;
    cn = '0;
    for (int unsigned w = 0; w < MWays; w++) begin
      c = {1'b1, MWayW'(w), r[w*RowW + 1 + mmu_pkg::RightsW + PfnW],
           r[w*RowW + 1 + mmu_pkg::RightsW +: PfnW], r[w*RowW + 1 +: mmu_pkg::RightsW],
           r[w*RowW]};
      if (m[w] && g[w])  cg = c;
      if (m[w] && !g[w]) cn = c;
    end
    capture = {cg, cn};
  endfunction
  logic [2*MatchW-1:0] cap, cap1g;
  assign cap   = capture(MWays'(match), MWays'(glb), RowsW'(rows));
  assign cap1g = capture(MWays'(match1g), MWays'(glb1g), RowsW'(rows1g));

  // ---- each slot as the cycle sees it: a compare of its own replaces its matches of that size -
  slot_t slot_now [Slots];
  always_comb begin
    for (int unsigned s = 0; s < Slots; s++) begin
      slot_now[s] = slot_q[s];
      if (cmp_q && !cmp_inv_q && cmp_slot_q == SlotW'(s)) begin
        slot_now[s][32'(cmp_size_q)*2*MatchW +: 2*MatchW] = cap;
        if (cmp_size_q == 2'(mmu_pkg::Size4k)) slot_now[s][4*MatchW +: 2*MatchW] = cap1g;
      end
      // An array of no entries matches nothing: its matches are constants, and what keeps or
      // updates them is no logic (a simulator and Yosys drop it, the proofs carry no such state).
      if (!Enabled) slot_now[s][0 +: 4*MatchW] = '0;
      if (!Enabled1g) slot_now[s][4*MatchW +: 2*MatchW] = '0;
    end
  end

  // (A kept match's fields by offset: Yosys 0.23 reads arrays of packed structs wrongly.)
  localparam int unsigned MatchV = MatchW - 1, MatchWay = MatchW - 1 - MWayW;
  // Match i of slot sl: valid, and its way.
  function automatic logic mv(slot_t sl, int unsigned i);
    mv = sl[i*MatchW + MatchV];
  endfunction
  function automatic logic [MWayW-1:0] mway(slot_t sl, int unsigned i);
    mway = sl[i*MatchW + MatchWay +: MWayW];
  endfunction
  // The ways of sl's two matches of size z.
  function automatic logic [MWays-1:0] ways_of_size(slot_t sl, int unsigned z);
    ways_of_size = ways_of(mv(sl, z*2 + 1), mway(sl, z*2 + 1), mv(sl, z*2), mway(sl, z*2));
  endfunction

  // ---- the answer ----------------------------------------------------------------------------
  // The smallest page's matches, and of them the lower way of the two kinds, as mmu_tlb's hit.
  slot_t      aslot;
  match_t     ans;
  logic [1:0] ans_z;  // the answer's array size
  logic       ans_glb;
  always_comb begin
    aslot = slot_now[ans_slot_i];
    ans_z = 2'd2;
    for (int z = 1; z >= 0; z--) if (mv(aslot, 32'(z)*2) || mv(aslot, 32'(z)*2 + 1)) ans_z = 2'(z);
    ans_glb = mv(aslot, 32'(ans_z)*2 + 1) &&
              (!mv(aslot, 32'(ans_z)*2) || mway(aslot, 32'(ans_z)*2 + 1) < mway(aslot, 32'(ans_z)*2));
    ans = aslot[(32'(ans_z)*2 + 32'(ans_glb))*MatchW +: MatchW];
  end
  assign ans_hit_o    = ans.v;
  assign ans_size_o   = ans.frac ? 2'(mmu_pkg::Size1g) : ans_z;
  assign ans_frac_o   = ans.frac;
  assign ans_pfn_o    = ans.pfn;
  assign ans_rights_o = ans.rights;
  assign ans_dirty_o  = ans.dirty;
  assign ans_global_o = ans_glb;

  // ---- the miss lane's fill and clear, by its slot's matches ---------------------------------
  // A 1 GiB page goes to the 1 GiB array, or without one to the main array as its fraction.
  slot_t           wslot;
  mmu_pkg::va_t    wr_va;
  logic            fill_main, fill_1g, fill_frac;
  logic [1:0]      fill_size;  // the main array's entry's
  mmu_pkg::vpn_t   fill_vpn, fill_vpn1g;
  logic [Ways-1:0]       fill_match;
  logic [Ways1gUsed-1:0] fill_match1g;
  assign wslot      = slot_now[wr_slot_i];
  assign wr_va      = va_of(slot_va_i, wr_slot_i);
  assign fill_1g    = fill_i && fill_size_i == 2'(mmu_pkg::Size1g) && Enabled1g;
  assign fill_main  = fill_i && !fill_1g && Enabled;  // (an array of 0 entries takes none)
  assign fill_frac  = fill_size_i == 2'(mmu_pkg::Size1g);
  assign fill_size  = fill_frac ? 2'(mmu_pkg::Size2m) : fill_size_i;
  assign fill_vpn   = mmu_pkg::vpn_of(wr_va, fill_size);
  assign fill_vpn1g = mmu_pkg::vpn_1g(wr_va);
  assign fill_match   = Ways'(ways_of_size(wslot, 32'(fill_size)));
  assign fill_match1g = Ways1gUsed'(ways_of_size(wslot, 2));

  // The main array's clear port 0: a fault's 4 KiB matches, or what an INVLPG's compare
  // matches; port 1: a fault's 2 MiB matches. The 1 GiB array's one port: a fault's 1 GiB
  // matches, or an INVLPG's.
  logic [1:0]                      clr;
  logic [2*mmu_pkg::Vpn4kBits-1:0] clr_vpn;
  logic [2*Ways-1:0]               clr_mask;
  logic                            inv_addr, inv_addr1g, clr1g;
  logic [Ways1gUsed-1:0]           clr1g_mask;
  mmu_pkg::vpn_t                   clr1g_vpn;
  assign inv_addr   = cmp_q && cmp_inv_q;
  assign inv_addr1g = cmp1g_q && cmp_inv_q;
  assign clr        = {clr_i, clr_i || inv_addr};
  assign clr_vpn    = {mmu_pkg::vpn_2m(wr_va), clr_i ? mmu_pkg::vpn_4k(wr_va) : cmp_vpn_q};
  assign clr_mask   = {Ways'(ways_of_size(wslot, 1)),
                       clr_i ? Ways'(ways_of_size(wslot, 0)) : match & ~(rd_keep_global_i ? glb : '0)};
  assign clr1g      = clr_i || inv_addr1g;
  assign clr1g_vpn  = clr_i ? fill_vpn1g : cmp_vpn1g_q;
  assign clr1g_mask = clr_i ? fill_match1g
                            : match1g & ~(rd_keep_global_i ? glb1g : '0);

  logic [WayW-1:0]   fill_way;
  logic [WayW1g-1:0] fill_way1g;
  // (The answer comes from the slots, and a fill goes by them: the arrays' own hit and fill
  // compare, lk_* and wr_match*, are not read.)
  logic                  lk_hit, lk_dirty, lk_frac, lk_hit1g, lk_dirty1g, lk_frac1g;
  logic [WayW-1:0]       lk_way;
  logic [WayW1g-1:0]     lk_way1g;
  logic [PfnW-1:0]       lk_pfn, lk_pfn1g;
  mmu_pkg::rights_t      lk_rights, lk_rights1g;
  logic [Ways-1:0]       wr_match;
  logic [Ways1gUsed-1:0] wr_match1g;
  logic              filled, filled1g, evicted, evicted1g;
  logic              touch_main, touch_1g;
  assign touch_main = touch_i && ans_z != 2'(mmu_pkg::Size1g);
  assign touch_1g   = touch_i && ans_z == 2'(mmu_pkg::Size1g);

  mmu_tlb #(.NumEntries(NumEntries), .NumWays(NumWays), .Repl(Repl), .PaBits(PaBits),
            .RegRead(1'b1), .NumClears(2), .LfsrSeed(LfsrSeed), .Sizes(3'b011),
            .Fractions(!Enabled1g)) u_array (
    .clk_i, .rst_ni,
    .lk_vpn_i(mmu_pkg::vpn_of(rd_va_i, rd_size_i)), .lk_size_i(rd_size_i), .lk_pcid_i(pcid_i),
    .lk_rd_i(rd_i),
    .cmp_i(cmp_q), .lk_match_o(match), .lk_global_o(glb), .lk_hit_o(lk_hit), .lk_way_o(lk_way),
    .lk_pfn_o(lk_pfn), .lk_rights_o(lk_rights), .lk_dirty_o(lk_dirty), .lk_frac_o(lk_frac),
    .lk_rows_o(rows),
    .touch_i(touch_main),
    .touch_vpn_i(mmu_pkg::vpn_of(va_of(slot_va_i, ans_slot_i), ans_z)),
    .touch_way_i(WayW'(ans.way)),
    .fill_i(fill_main), .fill_match_i(fill_match), .fill_vpn_i(fill_vpn),
    .fill_size_i(fill_size), .fill_frac_i(fill_frac), .fill_pcid_i(pcid_i), .fill_global_i,
    .fill_pfn_i, .fill_rights_i, .fill_dirty_i,
    .wr_cmp_i(1'b0), .wr_match_o(wr_match),
    .clr_i(clr), .clr_vpn_i(clr_vpn), .clr_mask_i(clr_mask),
    .inv_i, .inv_by_pcid_i, .inv_pcid_i, .inv_keep_global_i, .fill_way_o(fill_way),
    .filled_o(filled), .evicted_o(evicted)
`ifdef FORMAL
    , .fv_vpn_i({mmu_pkg::vpn_2m(va_of(slot_va_i, '0)), mmu_pkg::vpn_4k(va_of(slot_va_i, '0))}),
    .fv_size_i({2'(mmu_pkg::Size2m), 2'(mmu_pkg::Size4k)}), .fv_pcid_i({pcid_i, pcid_i}),
    .fv_match_o(fv_match), .fv_rows_current_o(fv_rows_current), .fv_cmp_vpn_o(fv_arr_vpn),
    .fv_cmp_size_o(fv_arr_size), .fv_cmp_pcid_o(fv_arr_pcid)
`endif
  );

  mmu_tlb #(.NumEntries(Entries1g), .NumWays(Ways1g), .Repl(Repl1g), .PaBits(PaBits),
            .RegRead(1'b1), .NumClears(1), .LfsrSeed(LfsrSeed), .Sizes(3'b100)) u_array1g (
    .clk_i, .rst_ni,
    .lk_vpn_i(mmu_pkg::vpn_1g(rd_va_i)), .lk_size_i(2'(mmu_pkg::Size1g)), .lk_pcid_i(pcid_i),
    .lk_rd_i(rd1g),
    .cmp_i(cmp1g_q), .lk_match_o(match1g), .lk_global_o(glb1g), .lk_hit_o(lk_hit1g),
    .lk_way_o(lk_way1g), .lk_pfn_o(lk_pfn1g), .lk_rights_o(lk_rights1g), .lk_dirty_o(lk_dirty1g),
    .lk_frac_o(lk_frac1g), .lk_rows_o(rows1g),
    .touch_i(touch_1g), .touch_vpn_i(mmu_pkg::vpn_1g(va_of(slot_va_i, ans_slot_i))),
    .touch_way_i(WayW1g'(ans.way)),
    .fill_i(fill_1g), .fill_match_i(fill_match1g), .fill_vpn_i(fill_vpn1g),
    .fill_size_i(2'(mmu_pkg::Size1g)), .fill_frac_i(1'b0), .fill_pcid_i(pcid_i), .fill_global_i,
    .fill_pfn_i, .fill_rights_i, .fill_dirty_i,
    .wr_cmp_i(1'b0), .wr_match_o(wr_match1g),
    .clr_i(clr1g), .clr_vpn_i(clr1g_vpn), .clr_mask_i(clr1g_mask),
    .inv_i, .inv_by_pcid_i, .inv_pcid_i, .inv_keep_global_i, .fill_way_o(fill_way1g),
    .filled_o(filled1g), .evicted_o(evicted1g)
`ifdef FORMAL
    , .fv_vpn_i({2{mmu_pkg::vpn_1g(va_of(slot_va_i, '0))}}),
    .fv_size_i({2{2'(mmu_pkg::Size1g)}}), .fv_pcid_i({pcid_i, pcid_i}),
    .fv_match_o(fv_match1g), .fv_rows_current_o(fv_rows_current1g),
    .fv_cmp_vpn_o(fv_arr_vpn1g), .fv_cmp_size_o(), .fv_cmp_pcid_o(fv_arr_pcid1g)
`endif
  );
  assign filled_o  = filled || filled1g;
  assign evicted_o = evicted || evicted1g;

`ifdef FORMAL
  logic              fv_rows_current, fv_rows_current1g;
  assign {fv_cmp_o, fv_cmp_inv_o, fv_cmp_size_o, fv_cmp_slot_o, fv_cmp_vpn_o} =
      {cmp_q, cmp_inv_q, cmp_size_q, cmp_slot_q, cmp_vpn_q};
  mmu_pkg::vpn_t     fv_arr_vpn, fv_arr_vpn1g;
  logic [1:0]        fv_arr_size;
  mmu_pkg::pcid_t    fv_arr_pcid, fv_arr_pcid1g;
  assign fv_cmp_current_o = fv_rows_current && fv_arr_vpn == cmp_vpn_q &&
                            fv_arr_size == cmp_size_q && fv_arr_pcid == pcid_i &&
                            (!cmp1g_q || (fv_rows_current1g && fv_arr_vpn1g == cmp_vpn1g_q &&
                                          fv_arr_pcid1g == pcid_i));
  logic [2*Ways-1:0]       fv_match;
  logic [2*Ways1gUsed-1:0] fv_match1g;
  assign fv_slot_current_o = {ways_of_size(slot_q[0], 2) == MWays'(fv_match1g[0 +: Ways1gUsed]),
                              ways_of_size(slot_q[0], 1) == MWays'(fv_match[Ways +: Ways]),
                              ways_of_size(slot_q[0], 0) == MWays'(fv_match[0 +: Ways])};
`endif

  // ---- the slots' updates: the cycle's clears, then its fill ----------------------------------
  logic [SetW-1:0]   fill_set;
  logic [SetW1g-1:0] fill_set1g, clr1g_set;
  logic [2*SetW-1:0] clr_set;  // port c's in [c*SetW +: SetW]
  assign fill_set   = set_of(fill_vpn);
  assign fill_set1g = set1g_of(fill_vpn1g);
  assign clr1g_set  = set1g_of(clr1g_vpn);
  assign clr_set    = {set_of(clr_vpn[mmu_pkg::Vpn4kBits +: mmu_pkg::Vpn4kBits]),
                       set_of(clr_vpn[0 +: mmu_pkg::Vpn4kBits])};

  slot_t slot_upd [Slots];
  logic [MWays-1:0] clr1g_ways;  // the 1 GiB array's clear, as a mask of any slot's way
  assign clr1g_ways = MWays'(clr1g_mask);
  always_comb begin
    mmu_pkg::vpn_t    vpn;
    logic [SetW-1:0]  set;
    logic [SetW1g-1:0] set1g;
    logic [MWayW-1:0] way;
    int unsigned      base;
    vpn = '0;
    set = '0;
    set1g = '0;
    way = '0;
    base = 0;
    for (int unsigned s = 0; s < Slots; s++) begin
      slot_upd[s] = slot_now[s];
      // (Only in a cycle that changes an array: a simulator skips the rest.)
      if (fill_i || |clr || clr1g) begin
        for (int unsigned z = 0; z < 3; z++) begin
          vpn = mmu_pkg::vpn_of(va_of(slot_va_i, SlotW'(s)), 2'(z));
          set = set_of(vpn);
          set1g = set1g_of(vpn);
          for (int unsigned k = 0; k < 2; k++) begin
            base = (z*2 + k)*MatchW;
            way = slot_upd[s][base + MatchWay +: MWayW];
            if (z == 2) begin
              if (clr1g && clr1g_set == set1g && clr1g_ways[way])
                slot_upd[s][base + MatchV] = 1'b0;
              if (fill_1g && fill_set1g == set1g) begin
                if (fill_vpn1g == vpn && fill_global_i == (k == 1))
                  slot_upd[s][base +: MatchW] = {1'b1, MWayW'(fill_way1g), 1'b0, fill_pfn_i,
                                                 fill_rights_i, fill_dirty_i};
                else if (way == MWayW'(fill_way1g))
                  slot_upd[s][base + MatchV] = 1'b0;
              end
            end else begin
              for (int unsigned c = 0; c < 2; c++) begin
                if (clr[c] && clr_set[c*SetW +: SetW] == set && clr_mask[c*Ways + 32'(way)])
                  slot_upd[s][base + MatchV] = 1'b0;
              end
              if (fill_main && fill_set == set) begin
                if (fill_size == 2'(z) && fill_vpn == vpn && fill_global_i == (k == 1))
                  slot_upd[s][base +: MatchW] = {1'b1, MWayW'(fill_way), fill_frac, fill_pfn_i,
                                                 fill_rights_i, fill_dirty_i};
                else if (way == MWayW'(fill_way))
                  slot_upd[s][base + MatchV] = 1'b0;
              end
            end
          end
        end
      end
    end
  end

  // (Without an array a slot holds nothing of it: every probe misses, whatever the miss lane
  // fills.)
  // (Written only in a cycle that can change a slot: a compare, a fill, a clear or an heir's
  // inheritance. In the others slot_upd is slot_q, and a simulator skips the copy.)
  for (genvar s = 0; s < Slots; s++) begin : g_slot
    always_ff @(posedge clk_i)
      if (!(Enabled || Enabled1g) || cmp_q || fill_i || |clr || clr1g || inherit_i[s])
        slot_q[s] <= !(Enabled || Enabled1g) ? '0
                   : inherit_i[s] ? slot_upd[inherit_src_i[s*SlotW +: SlotW]] : slot_upd[s];
  end

`ifdef MMU_ASSERTIONS
`ifndef MMU_FORMAL_PORTS
  `MMU_ASSERT_SETUP
  // A compare matches at most one entry of each kind (mmu_tlb's uniqueness), in each array.
  `MMU_ASSERT(a_unique_match,
              (!cmp_q || ($onehot0(match & glb) && $onehot0(match & ~glb))) &&
              (!cmp1g_q || ($onehot0(match1g & glb1g) && $onehot0(match1g & ~glb1g))),
              ("mmu_stlb: two entries of one set match one probe (match %b/%b, global %b/%b)",
               match, match1g, glb, glb1g))
`endif
`endif
endmodule
