// An L1 TLB (the ITLB or the DTLB): a 4 KiB, a 2 MiB and a 1 GiB array looked up at once,
// combinationally (docs/ARCHITECTURE.md, section 4; model/tlb.c). When several match, the
// smallest page's entry is used. Without a 1 GiB array (Entries1g = 0, the ITLB's default), a
// 1 GiB page is filled as its 2 MiB fraction that holds the address, into the 2 MiB array: an
// entry of size 2 MiB marked as a fraction, whose hit answers with the page's size, 1 GiB.
// Two addresses a cycle (16.3's table): the lookup's (lk_*: the hit lane's request, or an
// INVLPG's), whose matches a clear may clear; and the write side's (wr_*: the miss lane's
// answer), whose own tag compare finds the way its fill goes to and the entries its fault
// clears. Within a cycle: the lookup, then at the end its touch, the clears, the fill.

module mmu_l1_tlb #(
  parameter int unsigned Entries4k = 64,
  parameter int unsigned Ways4k = 4,
  parameter int unsigned Repl4k = mmu_pkg::ReplLru,
  parameter int unsigned Entries2m = 32,
  parameter int unsigned Ways2m = 4,
  parameter int unsigned Repl2m = mmu_pkg::ReplLru,
  parameter int unsigned Entries1g = 4,
  parameter int unsigned Ways1g = 4,
  parameter int unsigned Repl1g = mmu_pkg::ReplLru,
  parameter int unsigned PaBits = 46,
  parameter logic [15:0] LfsrSeed = 16'hACE1,
  localparam int unsigned PfnW = PaBits - mmu_pkg::PageShift4k
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  mmu_pkg::va_t     lk_va_i,
  input  mmu_pkg::pcid_t   lk_pcid_i,
  input  logic             cmp_i,              // the lookup's hit is used (0 otherwise)
  output logic             hit_o,
  output logic [1:0]       size_o,             // the page's size_e (1 GiB for a fraction)
  output logic [PfnW-1:0]  pfn_o,
  output mmu_pkg::rights_t rights_o,
  output logic             dirty_o,
  input  logic             touch_i,            // the hit is used
  input  logic             clr_i,              // clear every entry the lookup matches ...
  input  logic             clr_keep_global_i,  // ... except global ones
  // The write side: the page wr_va_i of PCID wr_pcid_i.
  input  mmu_pkg::va_t     wr_va_i,
  input  mmu_pkg::pcid_t   wr_pcid_i,
  input  logic             wr_clr_i,           // clear every entry that matches it (a fault)
  // Fill it: a page of size fill_size_i, into the array of that size, or as a 2 MiB fraction
  // if this TLB has no 1 GiB array or the entry is a fraction already (fill_frac_i: an STLB
  // without a 1 GiB array answered with one).
  input  logic             fill_i,
  input  logic [1:0]       fill_size_i,        // a mmu_pkg::size_e
  input  logic             fill_frac_i,
  input  logic             fill_global_i,
  input  logic [PfnW-1:0]  fill_pfn_i,
  input  mmu_pkg::rights_t fill_rights_i,
  input  logic             fill_dirty_i,
  input  logic             inv_i,
  input  logic             inv_by_pcid_i,
  input  mmu_pkg::pcid_t   inv_pcid_i,
  input  logic             inv_keep_global_i,
  output logic             filled_o,           // events for the counters, as mmu_tlb's
  output logic             evicted_o
);
  localparam int unsigned NumSizes = 3;  // mmu_pkg::size_e's
  localparam int unsigned RW = mmu_pkg::RightsW;

  // The array a fill goes to (a 1 GiB page without a 1 GiB array: the 2 MiB one, where the
  // entry keeps the page's frame: mmu_pkg::size_e says why).
  logic       as_fraction;
  logic [1:0] fill_array;
  assign as_fraction = fill_size_i == 2'(mmu_pkg::Size1g) && (Entries1g == 0 || fill_frac_i);
  assign fill_array  = as_fraction ? 2'(mmu_pkg::Size2m) : fill_size_i;

  // Each array's results, array z (a size_e's code) in bit z or the field at z's offset.
  logic [NumSizes-1:0]      hit, dirty, frac, filled, evicted;
  logic [NumSizes*PfnW-1:0] pfn;
  logic [NumSizes*RW-1:0]   rights;
  logic [NumSizes-1:0]      used;  // the array whose hit is used: the smallest page's
  assign used = {hit[2] && !hit[1] && !hit[0], hit[1] && !hit[0], hit[0]};

  logic wr_cmp;
  assign wr_cmp = fill_i || wr_clr_i;

  for (genvar z = 0; z < NumSizes; z++) begin : g_array
    localparam int unsigned Entries = z == 0 ? Entries4k : z == 1 ? Entries2m : Entries1g;
    localparam int unsigned NumWays = z == 0 ? Ways4k : z == 1 ? Ways2m : Ways1g;
    localparam int unsigned Repl = z == 0 ? Repl4k : z == 1 ? Repl2m : Repl1g;
    localparam int unsigned W = (Entries != 0) ? NumWays : 1;
    localparam int unsigned WayW = (W > 1) ? $clog2(W) : 1;
    localparam logic [1:0]  Size = 2'(z);
    mmu_pkg::vpn_t   vpn, wr_vpn;
    logic [W-1:0]    match, glb, wr_match;
    logic [WayW-1:0] way, fill_way;
    // (The rows of a set are the STLB's: the L1 reads none.)
    logic [W*(mmu_pkg::TlbRowBitsNoPfn+PfnW)-1:0] rows;
    assign vpn    = mmu_pkg::vpn_of(lk_va_i, Size);
    assign wr_vpn = mmu_pkg::vpn_of(wr_va_i, Size);

    mmu_tlb #(.NumEntries(Entries), .NumWays(NumWays), .Repl(Repl), .PaBits(PaBits),
              .RegRead(1'b0), .NumClears(2), .LfsrSeed(LfsrSeed), .Sizes(3'b001 << z),
              .Fractions(Size == 2'(mmu_pkg::Size2m))) u_tlb (
      .clk_i, .rst_ni,
      .lk_vpn_i(vpn), .lk_size_i(Size), .lk_pcid_i(lk_pcid_i), .lk_rd_i(1'b0), .cmp_i,
      .lk_match_o(match), .lk_global_o(glb), .lk_hit_o(hit[z]), .lk_way_o(way),
      .lk_pfn_o(pfn[z*PfnW +: PfnW]), .lk_rights_o(rights[z*RW +: RW]), .lk_dirty_o(dirty[z]),
      .lk_frac_o(frac[z]), .lk_rows_o(rows),
      .touch_i(touch_i && used[z]), .touch_vpn_i(vpn), .touch_way_i(way),
      .fill_i(fill_i && fill_array == Size), .fill_match_i(wr_match),
      .fill_vpn_i(wr_vpn), .fill_size_i(Size), .fill_frac_i(as_fraction),
      .fill_pcid_i(wr_pcid_i), .fill_global_i, .fill_pfn_i, .fill_rights_i,
      .fill_dirty_i, .wr_cmp_i(wr_cmp), .wr_match_o(wr_match),
      .clr_i({wr_clr_i, clr_i}), .clr_vpn_i({wr_vpn, vpn}),
      .clr_mask_i({wr_match, match & ~(clr_keep_global_i ? glb : '0)}),
      .inv_i, .inv_by_pcid_i, .inv_pcid_i, .inv_keep_global_i,
      .fill_way_o(fill_way), .filled_o(filled[z]), .evicted_o(evicted[z])
`ifdef FORMAL
      , .fv_vpn_i('0), .fv_size_i('0), .fv_pcid_i('0), .fv_match_o(),
      .fv_rows_current_o(), .fv_cmp_vpn_o(), .fv_cmp_size_o(), .fv_cmp_pcid_o()  // (the STLB's)
`endif
    );
  end

  // The used hit's fields (one-hot `used`: an OR of the selected arrays').
  always_comb begin
    pfn_o = '0;
    rights_o = '0;
    dirty_o = 1'b0;
    size_o = 2'(mmu_pkg::Size4k);
    for (int unsigned z = 0; z < NumSizes; z++) begin
      if (used[z]) begin
        pfn_o = pfn[z*PfnW +: PfnW];
        rights_o = rights[z*RW +: RW];
        dirty_o = dirty[z];
        size_o = frac[z] ? 2'(mmu_pkg::Size1g) : 2'(z);
      end
    end
  end
  assign hit_o     = |hit;
  assign filled_o  = |filled;
  assign evicted_o = |evicted;
endmodule
