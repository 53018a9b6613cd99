// The proof harness of mmu_top (scripts/formal; docs/VERIFICATION.md, "Formal proofs"). Every
// input of mmu_top is free but for the rules of its environment: reset in the first cycle, and
// the rules the RTL states as assumptions (MMU_ASSUME: legal control codes, a memory response
// only while the walker waits for one). The page tables are the memory's read data, so the
// proofs hold for every page-table content. mmu_top's parameters are set by scripts/formal
// (chparam, from a configuration of rtl/configs.txt); StlbLatency and PaBits here are the same.
//
// What is proven is each task's set of assertions, chosen with defines:
//   MMU_FORMAL_PORTS    the port contracts of mmu_top and the walker (`MMU_ASSERT in the RTL)
//   MMU_FORMAL_BOUNDED  with a memory that accepts within MaxStall cycles and answers within
//                       MaxLatency, every accepted request is answered within Bound cycles
//   MMU_FORMAL_BROKEN   a property that does not hold (the test that a failure is reported
//                       with its counterexample)
`include "mmu_assert.svh"

module mmu_formal #(
  parameter int unsigned PaBits = 46,
  parameter int unsigned StlbLatency = 9,
  parameter int unsigned MaxStall = 0,
  parameter int unsigned MaxLatency = 1,
  // docs/ARCHITECTURE.md section 6: the STLB answers StlbLatency cycles after acceptance; a
  // walk then makes at most 8 accesses (4 reads, 4 A/D write-backs), each presented the cycle
  // after the previous one's response and answered within 1 + MaxStall + MaxLatency cycles of
  // it; the response is the cycle after the last.
  localparam int unsigned Bound = StlbLatency + 8 * (1 + MaxStall + MaxLatency) + 1
) (
  input logic              clk_i,
  input logic              rst_ni,
  input logic              req_valid_i,
  input logic [63:0]       req_vaddr_i,
  input logic [1:0]        req_type_i,
  input logic              req_user_i,
  input logic              ctrl_valid_i,
  input logic [2:0]        ctrl_op_i,
  input logic [63:0]       ctrl_value_i,
  input logic [11:0]       ctrl_pcid_i,
  input logic [1:0]        ctrl_invpcid_type_i,
  input logic              ctrl_wp_i,
  input logic              ctrl_nxe_i,
  input logic              mem_req_ready_i,
  input logic              mem_rsp_valid_i,
  input logic [63:0]       mem_rsp_rdata_i,
  // mmu_top's outputs, outputs here so that a trace shows them all (the counters are left out)
  output logic              req_ready_o,
  output logic              resp_valid_o,
  output logic [PaBits-1:0] resp_paddr_o,
  output logic              resp_is2m_o,
  output logic [2:0]        resp_fault_o,
  output logic [4:0]        resp_error_o,
  output logic [2:0]        resp_level_o,
  output logic [1:0]        resp_source_o,
  output logic              ctrl_ready_o,
  output logic              ctrl_done_o,
  output logic              mem_req_valid_o,
  output logic [PaBits-1:0] mem_req_addr_o,
  output logic              mem_req_we_o,
  output logic [63:0]       mem_req_wdata_o
);
  // The instance has the name of the co-simulation's top, so that the counterexample's trace has
  // the scopes waves/mmu.gtkw names (scripts/formal renames this module's scope to TOP).
  mmu_top mmu_top (
    .clk_i, .rst_ni,
    .req_valid_i, .req_ready_o, .req_vaddr_i, .req_type_i, .req_user_i,
    .resp_valid_o, .resp_paddr_o, .resp_is2m_o, .resp_fault_o, .resp_error_o, .resp_level_o,
    .resp_source_o,
    .ctrl_valid_i, .ctrl_ready_o, .ctrl_op_i, .ctrl_value_i, .ctrl_pcid_i, .ctrl_invpcid_type_i,
    .ctrl_wp_i, .ctrl_nxe_i, .ctrl_done_o,
    .mem_req_valid_o, .mem_req_ready_i, .mem_req_addr_o, .mem_req_we_o, .mem_req_wdata_o,
    .mem_rsp_valid_i, .mem_rsp_rdata_i,
    .cnt_requests_o(), .cnt_itlb_hits_o(), .cnt_dtlb_hits_o(), .cnt_stlb_hits_o(),
    .cnt_walks_o(), .cnt_walk_reads_o(), .cnt_walk_writes_o(), .cnt_psc_pde_hits_o(),
    .cnt_psc_pdpte_hits_o(), .cnt_psc_pml4e_hits_o(), .cnt_faults_o(), .cnt_dirty_rewalks_o(),
    .cnt_itlb_fills_o(), .cnt_dtlb_fills_o(), .cnt_stlb_fills_o(), .cnt_itlb_evictions_o(),
    .cnt_dtlb_evictions_o(), .cnt_stlb_evictions_o(), .cnt_psc_pde_fills_o(),
    .cnt_psc_pdpte_fills_o(), .cnt_psc_pml4e_fills_o(), .cnt_psc_pde_evictions_o(),
    .cnt_psc_pdpte_evictions_o(), .cnt_psc_pml4e_evictions_o()
  );

  initial assume (!rst_ni);
  `MMU_ASSERT_SETUP

`ifdef MMU_FORMAL_BOUNDED
  // The memory: a request not accepted for MaxStall cycles is accepted in the next; a response
  // comes within MaxLatency cycles of the acceptance (and only then: a_mem_rsp_expected).
  logic [7:0] f_stall, f_wait, f_age;
  logic       f_mem_open, f_req_open;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      {f_stall, f_wait, f_age, f_mem_open, f_req_open} <= '0;
    end else begin
      f_stall <= (mem_req_valid_o && !mem_req_ready_i) ? f_stall + 8'd1 : 8'd0;
      if (mem_req_valid_o && mem_req_ready_i) {f_mem_open, f_wait} <= {1'b1, 8'd1};
      else if (mem_rsp_valid_i) f_mem_open <= 1'b0;
      else if (f_mem_open) f_wait <= f_wait + 8'd1;
      // The request in service: its age, from 1 in the cycle after acceptance.
      if (req_valid_i && req_ready_o) {f_req_open, f_age} <= {1'b1, 8'd1};
      else if (resp_valid_o) f_req_open <= 1'b0;
      else if (f_req_open) f_age <= f_age + 8'd1;
    end
  end
  `MMU_ASSUME(a_mem_accepts, !(mem_req_valid_o && f_stall >= 8'(MaxStall)) || mem_req_ready_i,
              ("memory stalled over MaxStall"))
  `MMU_ASSUME(a_mem_answers, !(f_mem_open && f_wait >= 8'(MaxLatency)) || mem_rsp_valid_i,
              ("memory answered after MaxLatency"))
  `MMU_ASSERT(a_bounded_response, !(f_req_open && f_age >= 8'(Bound)) || resp_valid_o,
              ("no response within Bound cycles"))
  // Helpers for the induction: the counters stay within their bounds.
  `MMU_ASSERT(a_age_bounded, !f_req_open || f_age <= 8'(Bound), ("request age over Bound"))
  `MMU_ASSERT(a_stall_bounded, f_stall <= 8'(MaxStall), ("stall over MaxStall"))
  `MMU_ASSERT(a_wait_bounded, !f_mem_open || f_wait <= 8'(MaxLatency),
              ("memory wait over MaxLatency"))
`endif

`ifdef MMU_FORMAL_BROKEN
  // Wrong on purpose: the MMU answers.
  `MMU_ASSERT(a_broken_never_answers, !resp_valid_o, ("a response"))
`endif
endmodule
