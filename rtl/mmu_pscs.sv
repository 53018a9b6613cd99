// The paging-structure caches (docs/ARCHITECTURE.md, section 7; model/pscache.c): the PDE, PDPTE,
// PML4E and PML5E caches, [0] PDE, [1] PDPTE, [2] PML4E, [3] PML5E (walk level - 2), shared by
// the walkers. (The PML5E cache serves 5-level paging only: mmu_top gives it no entries
// otherwise.) Each
// has the ports of section 16.3's table: one lookup a cycle (the walk that starts), one fill (the
// walker whose access the memory accepts), and one invalidation (a control operation or a walk's
// fault). Within a cycle the lookup reads the state at its start; its touch, the invalidation
// and the fill take effect at its end, in that order (mmu_psc).
module mmu_pscs #(
  parameter int unsigned PaBits = 46,
  parameter int unsigned PscPdeEntries = 32,
  parameter int unsigned PscPdpteEntries = 4,
  parameter int unsigned PscPml4eEntries = 2,
  parameter int unsigned PscPml5eEntries = 2,
  parameter int unsigned PscPdeWays = 0,  // 0: fully associative
  parameter int unsigned PscPdpteWays = 0,
  parameter int unsigned PscPml4eWays = 0,
  parameter int unsigned PscPml5eWays = 0,
  parameter int unsigned PscPdeRepl = mmu_pkg::ReplLru,
  parameter int unsigned PscPdpteRepl = mmu_pkg::ReplLru,
  parameter int unsigned PscPml4eRepl = mmu_pkg::ReplLru,
  parameter int unsigned PscPml5eRepl = mmu_pkg::ReplLru,
  parameter logic [15:0] LfsrSeed = 16'hACE1,
  localparam int unsigned PfnW = PaBits - mmu_pkg::PageShift4k,
  localparam int unsigned N = mmu_pkg::NumPscs
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  // Lookup of every cache, in the cycle a walk starts (the hits are 0 in other cycles).
  input  logic              lk_i,
  input  mmu_pkg::va_t      lk_va_i,
  input  mmu_pkg::pcid_t    lk_pcid_i,
  output logic [N-1:0]      lk_hit_o,
  output logic [N*PfnW-1:0] lk_table_o,    // cache i's in [i*PfnW +: PfnW]
  output logic [N*3-1:0]    lk_rights_o,   // cache i's in [i*3 +: 3]
  // Fill of the cache fill_i names (one-hot, or none).
  input  logic [N-1:0]      fill_i,
  input  mmu_pkg::va_t      fill_va_i,
  input  mmu_pkg::pcid_t    fill_pcid_i,
  input  logic [PfnW-1:0]   fill_table_i,
  input  mmu_pkg::path_rights_t  fill_rights_i,
  // Invalidation of every cache: entries of inv_pcid_i (all if !inv_by_pcid_i), covering
  // inv_va_i if inv_by_addr_i.
  input  logic              inv_i,
  input  logic              inv_by_pcid_i,
  input  mmu_pkg::pcid_t    inv_pcid_i,
  input  logic              inv_by_addr_i,
  input  mmu_pkg::va_t      inv_va_i,
  // Events for the counters, as lk_hit_o: a fill made, and one that replaced a valid entry.
  output logic [N-1:0]      filled_o,
  output logic [N-1:0]      evicted_o
);
  for (genvar i = 0; i < N; i++) begin : g_psc
    localparam int unsigned Entries = (i == 0) ? PscPdeEntries : (i == 1) ? PscPdpteEntries :
                                      (i == 2) ? PscPml4eEntries : PscPml5eEntries;
    localparam int unsigned Ways = (i == 0) ? PscPdeWays : (i == 1) ? PscPdpteWays :
                                   (i == 2) ? PscPml4eWays : PscPml5eWays;
    localparam int unsigned Repl = (i == 0) ? PscPdeRepl : (i == 1) ? PscPdpteRepl :
                                   (i == 2) ? PscPml4eRepl : PscPml5eRepl;
    mmu_psc #(.Level(i + 2), .NumEntries(Entries), .NumWays(Ways), .Repl(Repl), .PaBits(PaBits),
              .LfsrSeed(LfsrSeed)) u_psc (
      .clk_i, .rst_ni, .lk_va_i, .lk_pcid_i, .lk_hit_o(lk_hit_o[i]),
      .lk_table_o(lk_table_o[i*PfnW +: PfnW]), .lk_rights_o(lk_rights_o[i*3 +: 3]),
      .touch_i(lk_i), .fill_i(fill_i[i]), .fill_va_i, .fill_pcid_i, .fill_table_i,
      .fill_rights_i, .inv_i, .inv_by_pcid_i, .inv_pcid_i, .inv_by_addr_i, .inv_va_i,
      .filled_o(filled_o[i]), .evicted_o(evicted_o[i])
    );
  end
endmodule
