// The proof harness of an L1 TLB (scripts/formal, task tlb): mmu_l1_tlb with every input free
// but for reset in the first cycle: a lookup, its touch and clear, and on the write side a fill
// and a clear of another page and PCID, in any combination in one cycle. Proven: mmu_tlb's
// a_unique_entries for each of its arrays (4 KiB, 2 MiB and 1 GiB, with fills of every size and
// 2 MiB fractions of 1 GiB pages), no set ever holding one entry twice, and so
// a_unique_match, no lookup matching two entries of one kind.

module l1_tlb_formal #(
  parameter int unsigned PaBits = 46,
  localparam int unsigned PfnW = PaBits - mmu_pkg::PageShift4k
) (
  input logic             clk_i,
  input logic             rst_ni,
  input mmu_pkg::va_t     lk_va_i,
  input mmu_pkg::pcid_t   lk_pcid_i,
  input logic             cmp_i,
  input logic             touch_i,
  input logic             clr_i,
  input logic             clr_keep_global_i,
  input mmu_pkg::va_t     wr_va_i,
  input mmu_pkg::pcid_t   wr_pcid_i,
  input logic             wr_clr_i,
  input logic             fill_i,
  input logic [1:0]       fill_size_i,
  input logic             fill_frac_i,
  input logic             fill_global_i,
  input logic [PfnW-1:0]  fill_pfn_i,
  input mmu_pkg::rights_t fill_rights_i,
  input logic             fill_dirty_i,
  input logic             inv_i,
  input logic             inv_by_pcid_i,
  input mmu_pkg::pcid_t   inv_pcid_i,
  input logic             inv_keep_global_i
);
  logic             hit_o, dirty_o, filled_o, evicted_o;
  logic [1:0]       size_o;
  logic [PfnW-1:0]  pfn_o;
  mmu_pkg::rights_t rights_o;

  // Two sets of two ways a page size: the smallest arrays with sets and ways to confuse.
  mmu_l1_tlb #(.Entries4k(4), .Ways4k(2), .Entries2m(4), .Ways2m(2), .Entries1g(4), .Ways1g(2),
               .PaBits(PaBits)) u_l1 (.*);

  initial assume (!rst_ni);
endmodule
