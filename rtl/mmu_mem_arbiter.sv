// The walkers' memory port (docs/ARCHITECTURE.md 16.5; model/pipeline.c, memory_port): each
// walker presents at most one access at a time and holds it until the memory accepts it. In each
// cycle in which no access waits on the port, the port takes the access presented earliest, ties
// to the lower walker, and holds it until the memory accepts it (the memory accepts one a cycle,
// and performs them in that order). An access carries its walker's number as its tag; the
// memory's responses carry it back, in any order, one a cycle, and go to that walker.
`include "mmu_assert.svh"

module mmu_mem_arbiter #(
  parameter int unsigned Walkers = 2,
  parameter int unsigned PaBits = 46,
  localparam int unsigned TagBits = (Walkers > 1) ? $clog2(Walkers) : 1
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  // The walkers' side, walker w in bit w (its address in [w*PaBits +: PaBits], its data in
  // [w*64 +: 64]).
  input  logic [Walkers-1:0]        req_valid_i,
  output logic [Walkers-1:0]        req_ready_o,
  input  logic [Walkers*PaBits-1:0] req_addr_i,
  input  logic [Walkers-1:0]        req_we_i,
  input  logic [Walkers-1:0]        req_setbits_i,
  input  logic [Walkers*64-1:0]     req_wdata_i,
  output logic [Walkers-1:0]        rsp_valid_o,   // the response is walker w's
  // The memory's side.
  output logic                      mem_req_valid_o,
  input  logic                      mem_req_ready_i,
  output logic [TagBits-1:0]        mem_req_tag_o,
  output logic [PaBits-1:0]         mem_req_addr_o,
  output logic                      mem_req_we_o,
  output logic                      mem_req_setbits_o,
  output logic [63:0]               mem_req_wdata_o,
  input  logic                      mem_rsp_valid_i,
  input  logic [TagBits-1:0]        mem_rsp_tag_i
`ifdef FORMAL
  ,
  // Formal only (formal/mmu_formal.sv, task bounded_nb): the walkers whose access waits.
  output logic [Walkers-1:0]        fv_waiting_o
`endif
);
  if (Walkers < 1 || Walkers > 16) begin : g_bad_walkers
    $error("mmu_mem_arbiter: Walkers must be 1..16");
  end

  // waiting_q[w]: walker w's access was presented in an earlier cycle and is not accepted yet.
  // older_q[w][v]: of two waiting accesses, v's was presented first (or in the same cycle, v <
  // w). held_q: the port holds walker held_w_q's access until the memory accepts it.
  logic [Walkers-1:0]         waiting_q;
  logic [Walkers*Walkers-1:0] older_q, older;  // [w*Walkers + v]
  logic                       held_q;
  logic [TagBits-1:0]         held_w_q, pick;
  logic                       any;

  // Which of two presented accesses is older: the one waiting longer; among accesses presented
  // in this cycle, the lower walker.
  always_comb begin
    older = '0;
    for (int unsigned w = 0; w < Walkers; w++) begin
      for (int unsigned v = 0; v < Walkers; v++) begin
        if (v != w && req_valid_i[v])
          older[w*Walkers + v] = waiting_q[w] ? waiting_q[v] && older_q[w*Walkers + v]
                                              : waiting_q[v] || v < w;
      end
    end
  end

  // The oldest presented access, when the port holds none.
  always_comb begin
    any = 1'b0;
    pick = '0;
    for (int unsigned w = 0; w < Walkers; w++) begin
      if (req_valid_i[w] && older[w*Walkers +: Walkers] == '0) begin
        any = 1'b1;
        pick = TagBits'(w);
      end
    end
    if (held_q) begin
      any = 1'b1;
      pick = held_w_q;
    end
  end

  assign mem_req_valid_o   = any;
  assign mem_req_tag_o     = pick;
  assign mem_req_addr_o    = req_addr_i[pick*PaBits +: PaBits];
  assign mem_req_we_o      = req_we_i[pick];
  assign mem_req_setbits_o = req_setbits_i[pick];
  assign mem_req_wdata_o   = req_wdata_i[pick*64 +: 64];

  always_comb begin
    req_ready_o = '0;
    req_ready_o[pick] = any && mem_req_ready_i;
    rsp_valid_o = '0;
    rsp_valid_o[mem_rsp_tag_i] = mem_rsp_valid_i;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      waiting_q <= '0;
      held_q    <= 1'b0;
    end else begin
      waiting_q <= req_valid_i & ~req_ready_o;
      held_q    <= any && !mem_req_ready_i;
    end
  end

  // (The order of this cycle's presented accesses, kept: a bit for an access taken now is 0 in
  // the next cycle's order, as the walker's next access is younger than every waiting one.)
  always_ff @(posedge clk_i) begin
    held_w_q <= pick;
    older_q  <= older;
  end

`ifdef MMU_ASSERTIONS
  `MMU_ASSERT_SETUP
  // The responses' side of the contract: a tag names a walker.
  `MMU_ASSUME(a_rsp_tag_legal, !mem_rsp_valid_i || 32'(mem_rsp_tag_i) < Walkers,
              ("mmu_mem_arbiter: a response with tag %0d, for no walker", mem_rsp_tag_i))
  // The access the port holds is its walker's, still presented.
  `MMU_ASSERT(a_held_presented, !held_q || req_valid_i[held_w_q],
              ("mmu_mem_arbiter: walker %0d dropped the access the port holds", held_w_q))
  // A waiting access is still presented, and of two waiting accesses exactly one is the older
  // (else the port would take neither).
  `MMU_ASSERT(a_waiting_presented, (waiting_q & ~req_valid_i) == '0,
              ("mmu_mem_arbiter: walkers %b dropped a waiting access", waiting_q & ~req_valid_i))
  for (genvar w = 0; w < Walkers; w++) begin : g_assert_order
    for (genvar v = w + 1; v < Walkers; v++) begin : g_v
      logic v_older, w_older;
      assign v_older = older_q[w*Walkers + v];
      assign w_older = older_q[v*Walkers + w];
      `MMU_ASSERT_EACH(a_waiting_ordered, !(waiting_q[w] && waiting_q[v]) || v_older != w_older,
                       ("mmu_mem_arbiter: walkers %0d and %0d wait, both older or neither", w,
                        v))
    end
  end
`endif
`ifdef FORMAL
  assign fv_waiting_o = waiting_q;
`endif
endmodule
