// The proof harness of a paging-structure cache (scripts/formal, tasks psc and psc_sets): mmu_psc
// (the PDE cache, 4 entries; fully associative, or with MMU_FORMAL_PSC_SETS 2 sets of 2 ways)
// with every input free but for reset in the first cycle. Proven: no two valid entries of one
// tag and PCID, so no lookup matches two; with sets, every valid entry in its key's set.
`include "mmu_assert.svh"

module psc_formal #(
  parameter int unsigned PaBits = 46,
  localparam int unsigned PfnW = PaBits - mmu_pkg::PageShift4k
) (
  input logic             clk_i,
  input logic             rst_ni,
  input mmu_pkg::va_t     lk_va_i,
  input mmu_pkg::pcid_t   lk_pcid_i,
  input logic             touch_i,
  input logic             fill_i,
  input mmu_pkg::va_t     fill_va_i,
  input mmu_pkg::pcid_t   fill_pcid_i,
  input logic [PfnW-1:0]  fill_table_i,
  input mmu_pkg::path_rights_t fill_rights_i,
  input logic             inv_i,
  input logic             inv_by_pcid_i,
  input mmu_pkg::pcid_t   inv_pcid_i,
  input logic             inv_by_addr_i,
  input mmu_pkg::va_t     inv_va_i
);
  logic             lk_hit_o, filled_o, evicted_o;
  logic [PfnW-1:0]  lk_table_o;
  mmu_pkg::path_rights_t lk_rights_o;

`ifdef MMU_FORMAL_PSC_SETS
  localparam int unsigned Ways = 2;
`else
  localparam int unsigned Ways = 0;
`endif
  mmu_psc #(.Level(2), .NumEntries(4), .NumWays(Ways), .PaBits(PaBits)) u_psc (.*);

  initial assume (!rst_ni);
endmodule
