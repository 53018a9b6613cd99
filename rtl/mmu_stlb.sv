// The unified second-level TLB (docs/ARCHITECTURE.md, sections 4 and 8; model/tlb.c): one
// registered-read mmu_tlb holding both page sizes, probed twice per lookup because the page size
// is not known before the entry is found:
//   probe4k_i      the 4 KiB set is read (mmu_top's L1 cycle, or a control operation's first)
//   stage4k_i      the 4 KiB probe is compared and kept; the 2 MiB set is read
//   stage2m_i      the 2 MiB probe is compared; the answer, 4 KiB probe first, is kept
//   answer_o       Latency cycles after the request was accepted: the kept answer is final
// An INVLPG probes the same way (inv_addr4k_i, inv_addr2m_i in place of the stage inputs) and
// clears what each probe matches. mmu_top sequences the cycles; this module keeps what each probe
// found, counts the latency, and makes the clears.
`include "mmu_assert.svh"

module mmu_stlb #(
  parameter int unsigned NumEntries = 1536,
  parameter int unsigned NumWays = 12,
  parameter int unsigned Repl = mmu_pkg::ReplLru,
  parameter int unsigned Latency = 9,
  parameter int unsigned PaBits = 46,
  parameter logic [15:0] LfsrSeed = 16'hACE1,
  localparam int unsigned Ways = (NumEntries != 0) ? NumWays : 1,
  localparam int unsigned WayW = (Ways > 1) ? $clog2(Ways) : 1,
  localparam int unsigned PfnW = PaBits - mmu_pkg::PageShift4k
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  // The lookup: its pages of both sizes and its PCID, held from probe4k_i to the answer.
  input  mmu_pkg::vpn_t    vpn4k_i,
  input  mmu_pkg::vpn_t    vpn2m_i,
  input  mmu_pkg::pcid_t   pcid_i,
  input  logic             probe4k_i,
  input  logic             stage4k_i,
  input  logic             stage2m_i,
  // The answer: valid from stage2m_i on, final when answer_o.
  output logic             answer_o,
  output logic             hit_o,
  output logic             is2m_o,
  output logic [PfnW-1:0]  pfn_o,
  output mmu_pkg::rights_t rights_o,
  output logic             dirty_o,
  output logic             global_o,
  // Use the answer's entry (an STLB hit copied to the L1).
  input  logic             touch_i,
  // Fill the walk's translation for the lookup's page of its size, tagged with pcid_i.
  input  logic             fill_i,
  input  logic             fill_is2m_i,
  input  logic             fill_global_i,
  input  logic [PfnW-1:0]  fill_pfn_i,
  input  mmu_pkg::rights_t fill_rights_i,
  input  logic             fill_dirty_i,
  // Clear what both probes matched (a fault: no stale entry survives it), in the answer cycle.
  input  logic             clr_probes_i,
  // INVLPG: clear what the 4 KiB probe, then the 2 MiB probe, matches; keep global entries if
  // inv_addr_keep_global_i.
  input  logic             inv_addr4k_i,
  input  logic             inv_addr2m_i,
  input  logic             inv_addr_keep_global_i,
  // Sweep by PCID and G bit, as mmu_tlb.
  input  logic             inv_i,
  input  logic             inv_by_pcid_i,
  input  mmu_pkg::pcid_t   inv_pcid_i,
  input  logic             inv_keep_global_i,
  output logic             filled_o,           // events for the counters, as mmu_tlb's
  output logic             evicted_o
`ifdef FORMAL
  ,
  // Formal only (scripts/formal, task unique): each kept probe's matches are what the array
  // matches now for the lookup's page ([0] the 4 KiB probe, [1] the 2 MiB one). mmu_top states
  // when they must be: from their compare to the walk's fill, which goes by them.
  output logic [1:0]       fv_probes_current_o
`endif
);
  if (Latency < 3) begin : g_bad_latency
    $error("mmu_stlb: Latency must be at least 3 (two probes and a compare)");
  end

  localparam int unsigned WaitW = 16;

  logic [Ways-1:0]  match, glb;
  logic [Ways-1:0]  wr_match;  // (a fill goes by the probes' matches: the array's is not read)
  logic             hit, dirty;
  logic [WayW-1:0]  way;
  logic [PfnW-1:0]  pfn;
  mmu_pkg::rights_t rights;
  logic             hit_global;

  // The 4 KiB probe, kept; the 2 MiB probe's matches, kept for the fill and the clear.
  logic             p4_hit_q, p4_dirty_q, p4_global_q;
  logic [WayW-1:0]  p4_way_q;
  logic [PfnW-1:0]  p4_pfn_q;
  mmu_pkg::rights_t p4_rights_q;
  logic [Ways-1:0]  p4_match_q, p2_match_q, p2_match;
`ifdef FORMAL
  logic [2*Ways-1:0] fv_match;  // what the array matches now for the 4 KiB and the 2 MiB page
`endif

  // The answer: combined from the probes in stage2m_i, then as kept.
  logic             ans_hit, ans_is2m, ans_dirty, ans_global;
  logic [WayW-1:0]  ans_way;
  logic [PfnW-1:0]  ans_pfn;
  mmu_pkg::rights_t ans_rights;
  logic             ans_hit_q, ans_is2m_q, ans_dirty_q, ans_global_q;
  logic [WayW-1:0]  ans_way_q;
  logic [PfnW-1:0]  ans_pfn_q;
  mmu_pkg::rights_t ans_rights_q;

  // Cycles left to the answer once both probes are in: Latency - 3 after stage2m_i.
  logic [WaitW-1:0] wait_q, wait_d;
  logic             waiting_q, waiting_d;

  always_comb begin
    if (stage2m_i) begin
      ans_hit    = p4_hit_q || hit;
      ans_is2m   = !p4_hit_q;
      ans_way    = p4_hit_q ? p4_way_q : way;
      ans_pfn    = p4_hit_q ? p4_pfn_q : pfn;
      ans_rights = p4_hit_q ? p4_rights_q : rights;
      ans_dirty  = p4_hit_q ? p4_dirty_q : dirty;
      ans_global = p4_hit_q ? p4_global_q : hit_global;
      p2_match   = match;
    end else begin
      ans_hit    = ans_hit_q;
      ans_is2m   = ans_is2m_q;
      ans_way    = ans_way_q;
      ans_pfn    = ans_pfn_q;
      ans_rights = ans_rights_q;
      ans_dirty  = ans_dirty_q;
      ans_global = ans_global_q;
      p2_match   = p2_match_q;
    end
  end

  assign answer_o = (stage2m_i && Latency == 3) || (waiting_q && wait_q == '0);
  assign hit_o    = ans_hit;
  assign is2m_o   = ans_is2m;
  assign pfn_o    = ans_pfn;
  assign rights_o = ans_rights;
  assign dirty_o  = ans_dirty;
  assign global_o = ans_global;

  always_comb begin
    waiting_d = waiting_q;
    wait_d = wait_q;
    if (stage2m_i) begin
      waiting_d = Latency > 3;
      wait_d = WaitW'(Latency - 4);
    end else if (waiting_q) begin
      waiting_d = wait_q != '0;
      wait_d = wait_q - WaitW'(1);
    end
  end

  // Clears: a fault clears both probes' matches at once; an INVLPG clears each probe's matches
  // as it is compared.
  logic [1:0]      clr;
  logic [Ways-1:0] clr_mask4k, clr_mask2m, inv_addr_mask;

  assign inv_addr_mask = match & ~(inv_addr_keep_global_i ? glb : '0);
  assign clr        = {clr_probes_i || inv_addr2m_i, clr_probes_i || inv_addr4k_i};
  assign clr_mask4k = clr_probes_i ? p4_match_q : inv_addr_mask;
  assign clr_mask2m = clr_probes_i ? p2_match : inv_addr_mask;

  mmu_tlb #(.NumEntries(NumEntries), .NumWays(NumWays), .Repl(Repl), .PaBits(PaBits),
            .RegRead(1'b1), .NumClears(2), .LfsrSeed(LfsrSeed)) u_array (
    .clk_i, .rst_ni,
    .lk_vpn_i(probe4k_i ? vpn4k_i : vpn2m_i), .lk_is2m_i(!probe4k_i), .lk_pcid_i(pcid_i),
    .cmp_i(stage4k_i || stage2m_i || inv_addr4k_i || inv_addr2m_i),
    .lk_match_o(match), .lk_global_o(glb), .lk_hit_o(hit), .lk_way_o(way), .lk_pfn_o(pfn),
    .lk_rights_o(rights), .lk_dirty_o(dirty),
    .touch_i, .touch_vpn_i(ans_is2m ? vpn2m_i : vpn4k_i), .touch_way_i(ans_way),
    .fill_i, .fill_match_i(fill_is2m_i ? p2_match_q : p4_match_q),
    .fill_vpn_i(fill_is2m_i ? vpn2m_i : vpn4k_i), .fill_is2m_i, .fill_pcid_i(pcid_i),
    .fill_global_i, .fill_pfn_i, .fill_rights_i, .fill_dirty_i, .wr_cmp_i(1'b0),
    .wr_match_o(wr_match),
    .clr_i(clr), .clr_vpn_i({vpn2m_i, vpn4k_i}), .clr_mask_i({clr_mask2m, clr_mask4k}),
    .inv_i, .inv_by_pcid_i, .inv_pcid_i, .inv_keep_global_i, .filled_o, .evicted_o
`ifdef FORMAL
    , .fv_vpn_i({vpn2m_i, vpn4k_i}), .fv_is2m_i(2'b10), .fv_pcid_i({pcid_i, pcid_i}),
    .fv_match_o(fv_match)
`endif
  );
`ifdef FORMAL
  assign fv_probes_current_o = {p2_match_q == fv_match[Ways +: Ways],
                                p4_match_q == fv_match[0 +: Ways]};
`endif
  assign hit_global = glb[way];

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      waiting_q <= 1'b0;
      wait_q    <= '0;
    end else begin
      waiting_q <= waiting_d;
      wait_q    <= wait_d;
    end
  end

  always_ff @(posedge clk_i) begin
    if (stage4k_i) begin
      p4_hit_q    <= hit;
      p4_way_q    <= way;
      p4_pfn_q    <= pfn;
      p4_rights_q <= rights;
      p4_dirty_q  <= dirty;
      p4_global_q <= hit_global;
      p4_match_q  <= match;
    end
    if (stage2m_i) begin
      p2_match_q   <= match;
      ans_hit_q    <= ans_hit;
      ans_is2m_q   <= ans_is2m;
      ans_way_q    <= ans_way;
      ans_pfn_q    <= ans_pfn;
      ans_rights_q <= ans_rights;
      ans_dirty_q  <= ans_dirty;
      ans_global_q <= ans_global;
    end
  end

`ifdef MMU_ASSERTIONS
`ifndef MMU_FORMAL_PORTS
  `MMU_ASSERT_SETUP
  // The probes compare rows read in the cycle before: only then is a match meaningful.
  `MMU_ASSERT(a_unique_match,
              !(stage4k_i || stage2m_i || inv_addr4k_i || inv_addr2m_i) ||
              ($onehot0(match & glb) && $onehot0(match & ~glb)),
              ("mmu_stlb: two entries of one set match one probe (match %b, global %b)", match,
               glb))
`endif
`endif
endmodule
