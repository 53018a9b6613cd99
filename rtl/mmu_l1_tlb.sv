// An L1 TLB (the ITLB or the DTLB): a 4 KiB and a 2 MiB array looked up at once, combinationally
// (docs/ARCHITECTURE.md, section 4; model/tlb.c). When both match, the 4 KiB entry is used.
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
  output logic             is2m_o,
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
  input  logic             fill_i,             // fill it, into the array of fill_is2m_i
  input  logic             fill_is2m_i,
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
  localparam int unsigned W4 = (Entries4k != 0) ? Ways4k : 1;
  localparam int unsigned W2 = (Entries2m != 0) ? Ways2m : 1;
  localparam int unsigned WayW4 = (W4 > 1) ? $clog2(W4) : 1;
  localparam int unsigned WayW2 = (W2 > 1) ? $clog2(W2) : 1;

  mmu_pkg::vpn_t    vpn4k, vpn2m, wr_vpn4k, wr_vpn2m;
  logic             wr_cmp;
  assign wr_cmp = fill_i || wr_clr_i;
  logic [W4-1:0]    match4k, glb4k, wr_match4k;
  logic [W2-1:0]    match2m, glb2m, wr_match2m;
  logic             hit4k, hit2m, dirty4k, dirty2m;
  logic [WayW4-1:0] way4k;
  logic [WayW2-1:0] way2m;
  logic [PfnW-1:0]  pfn4k, pfn2m;
  logic             filled4k, filled2m, evicted4k, evicted2m;
  mmu_pkg::rights_t rights4k, rights2m;
  // (The rows of a set and a fill's way are the STLB's: the L1 reads neither.)
  logic [W4*(mmu_pkg::TlbRowBitsNoPfn+PfnW)-1:0] rows4k;
  logic [W2*(mmu_pkg::TlbRowBitsNoPfn+PfnW)-1:0] rows2m;
  logic [WayW4-1:0] fill_way4k;
  logic [WayW2-1:0] fill_way2m;

  assign vpn4k = mmu_pkg::vpn_4k(lk_va_i);
  assign vpn2m = mmu_pkg::vpn_2m(lk_va_i);
  assign wr_vpn4k = mmu_pkg::vpn_4k(wr_va_i);
  assign wr_vpn2m = mmu_pkg::vpn_2m(wr_va_i);

  mmu_tlb #(.NumEntries(Entries4k), .NumWays(Ways4k), .Repl(Repl4k), .PaBits(PaBits),
            .RegRead(1'b0), .NumClears(2), .LfsrSeed(LfsrSeed)) u_4k (
    .clk_i, .rst_ni,
    .lk_vpn_i(vpn4k), .lk_is2m_i(1'b0), .lk_pcid_i(lk_pcid_i), .lk_rd_i(1'b0), .cmp_i,
    .lk_match_o(match4k),
    .lk_global_o(glb4k), .lk_hit_o(hit4k), .lk_way_o(way4k), .lk_pfn_o(pfn4k),
    .lk_rights_o(rights4k), .lk_dirty_o(dirty4k), .lk_rows_o(rows4k),
    .touch_i(touch_i && hit4k), .touch_vpn_i(vpn4k), .touch_way_i(way4k),
    .fill_i(fill_i && !fill_is2m_i), .fill_match_i(wr_match4k), .fill_vpn_i(wr_vpn4k),
    .fill_is2m_i(1'b0), .fill_pcid_i(wr_pcid_i), .fill_global_i, .fill_pfn_i, .fill_rights_i,
    .fill_dirty_i, .wr_cmp_i(wr_cmp), .wr_match_o(wr_match4k),
    .clr_i({wr_clr_i, clr_i}), .clr_vpn_i({wr_vpn4k, vpn4k}),
    .clr_mask_i({wr_match4k, match4k & ~(clr_keep_global_i ? glb4k : '0)}),
    .inv_i, .inv_by_pcid_i, .inv_pcid_i, .inv_keep_global_i,
    .fill_way_o(fill_way4k), .filled_o(filled4k), .evicted_o(evicted4k)
`ifdef FORMAL
    , .fv_vpn_i('0), .fv_is2m_i('0), .fv_pcid_i('0), .fv_match_o(),
    .fv_rows_current_o(), .fv_cmp_vpn_o(), .fv_cmp_is2m_o(), .fv_cmp_pcid_o()  // (the STLB's)
`endif
  );

  mmu_tlb #(.NumEntries(Entries2m), .NumWays(Ways2m), .Repl(Repl2m), .PaBits(PaBits),
            .RegRead(1'b0), .NumClears(2), .LfsrSeed(LfsrSeed)) u_2m (
    .clk_i, .rst_ni,
    .lk_vpn_i(vpn2m), .lk_is2m_i(1'b1), .lk_pcid_i(lk_pcid_i), .lk_rd_i(1'b0), .cmp_i,
    .lk_match_o(match2m),
    .lk_global_o(glb2m), .lk_hit_o(hit2m), .lk_way_o(way2m), .lk_pfn_o(pfn2m),
    .lk_rights_o(rights2m), .lk_dirty_o(dirty2m), .lk_rows_o(rows2m),
    .touch_i(touch_i && !hit4k && hit2m), .touch_vpn_i(vpn2m), .touch_way_i(way2m),
    .fill_i(fill_i && fill_is2m_i), .fill_match_i(wr_match2m), .fill_vpn_i(wr_vpn2m),
    .fill_is2m_i(1'b1), .fill_pcid_i(wr_pcid_i), .fill_global_i, .fill_pfn_i, .fill_rights_i,
    .fill_dirty_i, .wr_cmp_i(wr_cmp), .wr_match_o(wr_match2m),
    .clr_i({wr_clr_i, clr_i}), .clr_vpn_i({wr_vpn2m, vpn2m}),
    .clr_mask_i({wr_match2m, match2m & ~(clr_keep_global_i ? glb2m : '0)}),
    .inv_i, .inv_by_pcid_i, .inv_pcid_i, .inv_keep_global_i,
    .fill_way_o(fill_way2m), .filled_o(filled2m), .evicted_o(evicted2m)
`ifdef FORMAL
    , .fv_vpn_i('0), .fv_is2m_i('0), .fv_pcid_i('0), .fv_match_o(),
    .fv_rows_current_o(), .fv_cmp_vpn_o(), .fv_cmp_is2m_o(), .fv_cmp_pcid_o()  // (the STLB's)
`endif
  );

  assign filled_o  = filled4k || filled2m;
  assign evicted_o = evicted4k || evicted2m;
  assign hit_o    = hit4k || hit2m;
  assign is2m_o   = !hit4k;
  assign pfn_o    = hit4k ? pfn4k : pfn2m;
  assign rights_o = hit4k ? rights4k : rights2m;
  assign dirty_o  = hit4k ? dirty4k : dirty2m;
endmodule
