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
//                       (one request in flight: the configuration tiny)
//   MMU_FORMAL_BOUNDED_NB  the same with requests in flight (nb_tiny): every accepted request is
//                       answered within BoundNb cycles, docs/ARCHITECTURE.md 16.9's bound
//   MMU_FORMAL_BROKEN   a property that does not hold (the test that a failure is reported
//                       with its counterexample)
`include "mmu_assert.svh"

module mmu_formal #(
  parameter int unsigned PaBits = 46,
  parameter int unsigned StlbLatency = 9,
  parameter int unsigned MaxStall = 0,
  parameter int unsigned MaxLatency = 1,
  // mmu_top's request ID width and walker count (scripts/formal sets them with the rest of the
  // configuration): the widths of the ID and memory-tag ports.
  parameter int unsigned IdBits = 8,
  parameter int unsigned Walkers = 2,
  parameter int unsigned MissEntries = 2,
  parameter bit          La57 = 1'b0,  // mmu_top's: walks of five levels
  // The levels a walk reads at most: 4, or 5 with La57.
  localparam int unsigned Levels = La57 ? 5 : 4,
  localparam int unsigned TagW = (Walkers > 1) ? $clog2(Walkers) : 1,
  localparam int unsigned IdxW = (MissEntries > 1) ? $clog2(MissEntries) : 1,
  // docs/ARCHITECTURE.md section 6: the STLB answers StlbLatency cycles after acceptance; a
  // walk then makes at most 2 Levels accesses (a read and an A/D write-back a level), each
  // presented the cycle after the previous one's response and answered within 1 + MaxStall +
  // MaxLatency cycles of it; the response is the cycle after the last.
  localparam int unsigned Bound = StlbLatency + 2 * Levels * (1 + MaxStall + MaxLatency) + 1
) (
  input logic              clk_i,
  input logic              rst_ni,
  input logic              req_valid_i,
  input logic [63:0]       req_vaddr_i,
  input logic [1:0]        req_type_i,
  input logic              req_user_i,
  input logic              req_implicit_i,
  input logic [IdBits-1:0] req_id_i,
  input logic              ctrl_valid_i,
  input logic [2:0]        ctrl_op_i,
  input logic [63:0]       ctrl_value_i,
  input logic [11:0]       ctrl_pcid_i,
  input logic [1:0]        ctrl_invpcid_type_i,
  input logic              ctrl_wp_i,
  input logic              ctrl_nxe_i,
  input logic              ctrl_smep_i,
  input logic              ctrl_smap_i,
  input logic              ctrl_pke_i,
  input logic              ctrl_ac_i,
  input logic [31:0]       ctrl_pkru_i,
  input logic              mem_req_ready_i,
  input logic              mem_rsp_valid_i,
  input logic [TagW-1:0]   mem_rsp_tag_i,  // (mmu_mem_arbiter assumes a tag outstanding)
  input logic              mem_rsp_err_i,  // free: bus errors at any access are proved too
  input logic [63:0]       mem_rsp_rdata_i,
  // mmu_top's outputs, outputs here so that a trace shows them all (the counters are left out)
  output logic              req_ready_o,
  output logic              resp_valid_o,
  output logic [PaBits-1:0] resp_paddr_o,
  output logic [1:0]        resp_size_o,
  output logic [3:0]        resp_fault_o,
  output logic [5:0]        resp_error_o,
  output logic [2:0]        resp_level_o,
  output logic [1:0]        resp_source_o,
  output logic [IdBits-1:0] resp_id_o,
  output logic              mresp_valid_o,
  output logic [PaBits-1:0] mresp_paddr_o,
  output logic [1:0]        mresp_size_o,
  output logic [3:0]        mresp_fault_o,
  output logic [5:0]        mresp_error_o,
  output logic [2:0]        mresp_level_o,
  output logic [1:0]        mresp_source_o,
  output logic [IdBits-1:0] mresp_id_o,
  output logic              ctrl_ready_o,
  output logic              ctrl_done_o,
  output logic              mem_req_valid_o,
  output logic [TagW-1:0]   mem_req_tag_o,
  output logic [PaBits-1:0] mem_req_addr_o,
  output logic              mem_req_we_o,
  output logic              mem_req_setbits_o,
  output logic [63:0]       mem_req_wdata_o
);
  // The instance has the name of the co-simulation's top, so that the counterexample's trace has
  // the scopes waves/mmu.gtkw names (scripts/formal renames this module's scope to TOP).
  mmu_top mmu_top (
    .clk_i, .rst_ni,
    .req_valid_i, .req_ready_o, .req_vaddr_i, .req_type_i, .req_user_i, .req_implicit_i,
    .req_id_i,
    .resp_valid_o, .resp_paddr_o, .resp_size_o, .resp_fault_o, .resp_error_o, .resp_level_o,
    .resp_source_o, .resp_id_o,
    .mresp_valid_o, .mresp_paddr_o, .mresp_size_o, .mresp_fault_o, .mresp_error_o, .mresp_level_o,
    .mresp_source_o, .mresp_id_o,
    .ctrl_valid_i, .ctrl_ready_o, .ctrl_op_i, .ctrl_value_i, .ctrl_pcid_i, .ctrl_invpcid_type_i,
    .ctrl_wp_i, .ctrl_nxe_i, .ctrl_smep_i, .ctrl_smap_i, .ctrl_pke_i, .ctrl_ac_i, .ctrl_pkru_i,
    .ctrl_done_o,
    .mem_req_valid_o, .mem_req_ready_i, .mem_req_tag_o, .mem_req_addr_o, .mem_req_we_o,
    .mem_req_setbits_o, .mem_req_wdata_o, .mem_rsp_valid_i, .mem_rsp_tag_i, .mem_rsp_err_i,
    .mem_rsp_rdata_i,
    .cnt_requests_o(), .cnt_itlb_hits_o(), .cnt_dtlb_hits_o(), .cnt_stlb_hits_o(),
    .cnt_walks_o(), .cnt_walk_reads_o(), .cnt_walk_writes_o(), .cnt_psc_pde_hits_o(),
    .cnt_psc_pdpte_hits_o(), .cnt_psc_pml4e_hits_o(), .cnt_psc_pml5e_hits_o(), .cnt_faults_o(), .cnt_dirty_rewalks_o(),
    .cnt_merged_misses_o(), .cnt_miss_queue_full_o(), .cnt_walks_peak_o(), .cnt_walker_busy_o(),
    .cnt_latency_o(),
    .cnt_itlb_fills_o(), .cnt_dtlb_fills_o(), .cnt_stlb_fills_o(), .cnt_itlb_evictions_o(),
    .cnt_dtlb_evictions_o(), .cnt_stlb_evictions_o(), .cnt_psc_pde_fills_o(),
    .cnt_psc_pdpte_fills_o(), .cnt_psc_pml4e_fills_o(), .cnt_psc_pde_evictions_o(),
    .cnt_psc_pdpte_evictions_o(), .cnt_psc_pml4e_evictions_o(), .cnt_psc_pml5e_fills_o(),
    .cnt_psc_pml5e_evictions_o(),
    .fv_state_o(fv_state), .fv_walk_state_o(fv_walk_state), .fv_walk_level_o(fv_walk_level),
    .fv_q_code_o(fv_q_code), .fv_q_count_o(fv_q_count), .fv_q_prim_o(fv_q_prim),
    .fv_q_age_o(fv_q_age), .fv_walk_states_o(fv_walk_states), .fv_walk_levels_o(fv_walk_levels),
    .fv_walk_entry_o(fv_walk_entry), .fv_probed_o(fv_probed),
    .fv_port_waiting_o(fv_port_waiting), .fv_q_older_o(fv_q_older)
  );
  logic [3:0] fv_state;
  logic [2:0] fv_walk_state, fv_walk_level;
  logic [MissEntries*3-1:0]    fv_q_code;
  logic [MissEntries*10-1:0]   fv_q_count;
  logic [MissEntries*IdxW-1:0] fv_q_prim;
  logic [MissEntries*64-1:0]   fv_q_age;
  logic [Walkers*3-1:0]        fv_walk_states, fv_walk_levels;
  logic [Walkers*IdxW-1:0]     fv_walk_entry;
  logic                        fv_probed;
  logic [Walkers-1:0]          fv_port_waiting;
  logic [MissEntries*MissEntries-1:0] fv_q_older;

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
      else if (resp_valid_o || mresp_valid_o) f_req_open <= 1'b0;
      else if (f_req_open) f_age <= f_age + 8'd1;
    end
  end
  `MMU_ASSUME(a_mem_accepts, !(mem_req_valid_o && f_stall >= 8'(MaxStall)) || mem_req_ready_i,
              ("memory stalled over MaxStall"))
  `MMU_ASSUME(a_mem_answers, !(f_mem_open && f_wait >= 8'(MaxLatency)) || mem_rsp_valid_i,
              ("memory answered after MaxLatency"))
  `MMU_ASSERT(a_bounded_response,
              !(f_req_open && f_age >= 8'(Bound)) || resp_valid_o || mresp_valid_o,
              ("no response within Bound cycles"))
  // Helpers for the induction: the counters stay within their bounds.
  `MMU_ASSERT(a_age_bounded, !f_req_open || f_age <= 8'(Bound), ("request age over Bound"))
  `MMU_ASSERT(a_stall_bounded, f_stall <= 8'(MaxStall), ("stall over MaxStall"))
  `MMU_ASSERT(a_wait_bounded, !f_mem_open || f_wait <= 8'(MaxLatency),
              ("memory wait over MaxLatency"))

  // The measure of progress that makes a_bounded_response inductive: for the request in
  // service, its age plus the most cycles its answer can still take is at most Bound. The
  // states are mmu_top's top_state_e and mmu_walker's walk_state_e (fv_* ports, FORMAL only).
  // From the first cycle of a walk's read at level L, the answer (the walker's WDone cycle) is
  // at most 2 A L cycles away, A = 1 + MaxStall + MaxLatency the cycles of one access: a read
  // and a write-back at each level left. The STLB's answer comes at SStlb2m (StlbLatency = 3):
  // a walk's first read is at age 4, so the answer is at most 4 + 2 Levels A = Bound. (With a longer
  // latency, SStlbWait would need its own line: the proof would fail, not pass wrongly.)
  localparam int unsigned A = 1 + MaxStall + MaxLatency;
  localparam logic [3:0] SL1 = 4'd1, SStlb4k = 4'd2, SStlb2m = 4'd3, SStlbWait = 4'd4,
                         SWalk = 4'd5;
  localparam logic [2:0] WIdle = 3'd0, WRdReq = 3'd1, WRdWait = 3'd2, WWrReq = 3'd3,
                         WWrWait = 3'd4, WDone = 3'd5;
  logic [3:0]  f_state;
  logic [2:0]  f_ws, f_level;
  logic [15:0] f_left;  // the most cycles from this one to the answer
  assign {f_state, f_ws, f_level} = {fv_state, fv_walk_state, fv_walk_level};
  always_comb begin
    unique case (f_ws)
      WRdReq:  f_left = 16'(2 * A) * 16'(f_level) - 16'(f_stall);
      WRdWait: f_left = 16'(MaxLatency + 1) - 16'(f_wait) + 16'(A) * (16'(2) * 16'(f_level) -
                        16'(1));
      WWrReq:  f_left = 16'(A) - 16'(f_stall) + 16'(2 * A) * (16'(f_level) - 16'(1));
      WWrWait: f_left = 16'(MaxLatency + 1) - 16'(f_wait) + 16'(2 * A) * (16'(f_level) - 16'(1));
      default: f_left = '0;
    endcase
  end
  `MMU_ASSERT(a_open_is_request, f_req_open == (f_state >= SL1 && f_state <= SWalk),
              ("request open %b in state %0d", f_req_open, f_state))
  // With StlbLatency = 3 the STLB answers in SStlb2m: SStlbWait, where it would wait, is never
  // entered.
  `MMU_ASSERT(a_stlb_answers_at_once, StlbLatency != 3 || f_state != SStlbWait,
              ("mmu_top waits for the STLB"))
  `MMU_ASSERT(a_age_by_state,
              (f_state != SL1 || f_age == 8'd1) && (f_state != SStlb4k || f_age == 8'd2) &&
              (f_state != SStlb2m || f_age == 8'd3),
              ("age %0d in state %0d", f_age, f_state))
  `MMU_ASSERT(a_walker_in_walk, (f_state == SWalk) == (f_ws != WIdle) &&
              (f_state != SWalk || f_age >= 8'd4),
              ("walker state %0d in state %0d at age %0d", f_ws, f_state, f_age))
  `MMU_ASSERT(a_mem_open_is_wait, f_mem_open == (f_ws == WRdWait || f_ws == WWrWait),
              ("memory open %b in walker state %0d", f_mem_open, f_ws))
  `MMU_ASSERT(a_stall_is_request, f_stall == 8'd0 || f_ws == WRdReq || f_ws == WWrReq,
              ("stall %0d in walker state %0d", f_stall, f_ws))
  `MMU_ASSERT(a_progress, f_state != SWalk || 16'(f_age) + f_left <= 16'(Bound),
              ("age %0d with %0d cycles left over Bound", f_age, f_left))
`endif

`ifdef MMU_FORMAL_BOUNDED_NB
  // docs/ARCHITECTURE.md 16.9, with requests in flight. The memory accepts an access within
  // MaxStall cycles of its presentation to the memory and answers it within MaxLatency cycles of
  // accepting it, in any order (a tag's answer within MaxLatency of that tag's acceptance).
  //   A      = W (MaxStall + 1) + MaxLatency: one access of a walk, from its presentation by the
  //            walker to the next one's (the port takes it behind at most one access of each
  //            other walker, each at most MaxStall + 1 port cycles)
  //   Tw     = 1 + 2 Levels A: a walk, from its start to its completion (WDone)
  //   X      = (StlbLatency - 1) + Tw: the oldest entry, from any state to its answer (the
  //            configuration has no more entries than walkers: no entry waits for a walker)
  //   BoundNb = 1 + M X: mmu_latency_bound (model/config.c) for this configuration
  localparam int unsigned W = Walkers, M = MissEntries;
  localparam int unsigned PortW = W * (MaxStall + 1);
  localparam int unsigned An = PortW + MaxLatency;
  localparam int unsigned Tw = 1 + 2 * Levels * An;
  localparam int unsigned X = StlbLatency - 1 + Tw;
  localparam int unsigned BoundNb = 1 + M * X;
  if (M > W || M < 2) begin : g_bad_config
    $error("mmu_formal: bounded_nb's measure needs 2 <= MissEntries <= Walkers");
  end
  localparam logic [2:0] QFree = 3'd0, QProbeWait = 3'd1, QProbing = 3'd2, QMerged = 3'd3,
                         QWaiting = 3'd4, QWalking = 3'd5, QReady = 3'd6;
  localparam logic [2:0] WIdle = 3'd0, WRdReq = 3'd1, WRdWait = 3'd2, WWrReq = 3'd3,
                         WWrWait = 3'd4, WDone = 3'd5;

  // The harness's counters stop at their maximum: a proof's induction may begin in any state,
  // and a counter that wrapped to 0 would hide a wait it should count.
  function automatic logic [7:0] inc(logic [7:0] n);
    inc = n == 8'hff ? n : n + 8'd1;
  endfunction

  // The memory port: f_stall, the cycles the access on the port has not been accepted.
  logic [7:0] f_stall;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) f_stall <= '0;
    else         f_stall <= (mem_req_valid_o && !mem_req_ready_i) ? inc(f_stall) : 8'd0;
  end
  `MMU_ASSUME(a_mem_accepts, !(mem_req_valid_o && f_stall >= 8'(MaxStall)) || mem_req_ready_i,
              ("memory stalled over MaxStall"))
  `MMU_ASSERT(a_stall_bounded, f_stall <= 8'(MaxStall), ("stall over MaxStall"))

  // Each walker: the cycles its access has been presented and not accepted (f_wstall), the
  // cycles since the memory accepted it (f_wait, while f_open), and the most cycles from this
  // one to its walk's completion (f_left: from a read at level L, a read and a write-back at
  // each level left, each An cycles from its presentation to the next's).
  logic [W-1:0]    f_open;
  logic [W*8-1:0]  f_wstall, f_wait;
  logic [W*16-1:0] f_left;
  for (genvar w = 0; w < W; w++) begin : g_walker
    logic [2:0] ws, lv;
    logic       pres, acc, rsp;
    logic [7:0] wstall, wait_n;
    logic [15:0] left;
    assign ws = fv_walk_states[w*3 +: 3];
    assign lv = fv_walk_levels[w*3 +: 3];
    assign pres = ws == WRdReq || ws == WWrReq;
    assign acc = mem_req_valid_o && mem_req_ready_i && mem_req_tag_o == TagW'(w);
    assign rsp = mem_rsp_valid_i && mem_rsp_tag_i == TagW'(w);
    assign wstall = f_wstall[w*8 +: 8];
    assign wait_n = f_wait[w*8 +: 8];
    always_ff @(posedge clk_i) begin
      if (!rst_ni) begin
        {f_open[w], f_wstall[w*8 +: 8], f_wait[w*8 +: 8]} <= '0;
      end else begin
        f_wstall[w*8 +: 8] <= pres && !acc ? inc(wstall) : 8'd0;
        if (acc) {f_open[w], f_wait[w*8 +: 8]} <= {1'b1, 8'd1};
        else if (rsp) f_open[w] <= 1'b0;
        else if (f_open[w]) f_wait[w*8 +: 8] <= inc(wait_n);
      end
    end
    `MMU_ASSUME_EACH(a_mem_answers, !(f_open[w] && wait_n >= 8'(MaxLatency)) || rsp,
                ("memory answered walker %0d after MaxLatency", w))
    always_comb begin
      unique case (ws)
        WRdReq:  left = 16'(2 * An) * 16'(lv) - 16'(wstall);
        WRdWait: left = 16'(MaxLatency + 1) - 16'(wait_n) + 16'(An) * (16'(2) * 16'(lv) - 16'(1));
        WWrReq:  left = 16'(An) - 16'(wstall) + 16'(2 * An) * (16'(lv) - 16'(1));
        WWrWait: left = 16'(MaxLatency + 1) - 16'(wait_n) + 16'(2 * An) * (16'(lv) - 16'(1));
        default: left = '0;
      endcase
    end
    assign f_left[w*16 +: 16] = left;
    `MMU_ASSERT_EACH(a_wstall_bounded, wstall <= 8'(PortW - 1) && (pres || wstall == 8'd0) &&
                     (wstall != 8'd0) == fv_port_waiting[w],
                ("walker %0d waited %0d cycles for the port in state %0d", w, wstall, ws))
    `MMU_ASSERT_EACH(a_wait_bounded, f_open[w] == (ws == WRdWait || ws == WWrWait) &&
                (!f_open[w] || wait_n <= 8'(MaxLatency)),
                ("walker %0d: memory open %b, waited %0d, in state %0d", w, f_open[w], wait_n,
                 ws))
    `MMU_ASSERT_EACH(a_walk_within_tw, ws == WIdle || ws == WDone || left <= 16'(Tw - 1),
                ("walker %0d has %0d cycles left", w, left))
  end

  // Each entry: the most cycles from this one to the cycle its result is known (f_known), and
  // its age. A request accepted in cycle t takes its entry in t + 1 (age 2 in t + 2).
  //   probe wait  it begins its probe when the STLB's read port is free of the 2 MiB read of the
  //               probe begun in the cycle before and of the older entries waiting for the port
  //               (two cycles each, the oldest first); the probe answers StlbLatency - 1 cycles
  //               after it begins, and a miss starts its walk in that cycle
  //   probing     it answers when its count is 0; then as above
  //   waiting     its walk starts behind those of the older entries waiting for a walker or
  //               whose probe answers (one walk starts a cycle; a walker is free: no more
  //               entries than walkers)
  //   walking     its walker's f_left
  //   merged      its primary's, and if the result does not serve it, its own walk from the
  //               next cycle
  //   ready       0
  // Once its result is known, it answers behind at most M - 1 older entries, one a cycle.
  logic [M*16-1:0] f_known;
  logic [M-1:0]    f_probe_wait, f_ready;  // the entries in each of these states
  for (genvar i = 0; i < M; i++) begin : g_state_bits
    assign f_probe_wait[i] = fv_q_code[i*3 +: 3] == QProbeWait;
    assign f_ready[i]      = fv_q_code[i*3 +: 3] == QReady;
  end
  for (genvar i = 0; i < M; i++) begin : g_known
    logic [2:0]  state;
    logic [9:0]  count;
    logic [15:0] known, ahead;  // ahead: the port's cycles taken before its probe begins
    assign state = fv_q_code[i*3 +: 3];
    assign count = fv_q_count[i*10 +: 10];
    logic [15:0] starts;  // the walks that start before its own
    always_comb begin
      ahead = 16'(fv_probed);
      starts = '0;
      for (int unsigned j = 0; j < M; j++) begin  // (the older entry has the greater age)
        if (j != i && fv_q_age[j*64 +: 64] > fv_q_age[i*64 +: 64]) begin
          if (f_probe_wait[j]) ahead = ahead + 16'd2;
          if (fv_q_code[j*3 +: 3] == QWaiting ||
              (fv_q_code[j*3 +: 3] == QProbing && fv_q_count[j*10 +: 10] == '0))
            starts = starts + 16'd1;
        end
      end
    end
    always_comb begin
      known = '0;
      unique case (state)
        QProbeWait: known = ahead + 16'(StlbLatency - 1 + Tw);
        QProbing:   known = 16'(count) + 16'(Tw);
        QWaiting:   known = starts + 16'(Tw);
        QWalking:
          for (int unsigned w = 0; w < W; w++)
            if (fv_walk_states[w*3 +: 3] != WIdle && fv_walk_entry[w*IdxW +: IdxW] == IdxW'(i))
              known = f_left[w*16 +: 16];
        default: known = '0;
      endcase
    end
    assign f_known[i*16 +: 16] = known;
  end

  for (genvar i = 0; i < M; i++) begin : g_entry
    logic [2:0]  state;
    logic [63:0] age, prim_known, others_ready;
    logic [IdxW-1:0] prim;
    assign state = fv_q_code[i*3 +: 3];
    assign age = fv_q_age[i*64 +: 64];
    assign prim = fv_q_prim[i*IdxW +: IdxW];
    assign prim_known = 64'(f_known[prim*16 +: 16]);
    assign others_ready = 64'($countones(f_ready & ~(M'(1) << i)));
    // What the proof shows: no request is in the queue for more than BoundNb cycles, so each is
    // answered (an entry is freed only by its answer) at most BoundNb cycles after acceptance.
    `MMU_ASSERT_EACH(a_nb_bounded, state == QFree || age <= 64'(BoundNb),
                ("entry %0d in state %0d at age %0d, over %0d", i, state, age, BoundNb))
    // The measure of progress that makes it inductive.
    `MMU_ASSERT_EACH(a_nb_progress,
                state == QFree ||
                (state == QReady ? age + others_ready <= 64'(BoundNb)
                 : state == QMerged ? age + prim_known + 64'(Tw + M) <= 64'(BoundNb)
                 : age + 64'(f_known[i*16 +: 16]) + 64'(M - 1) <= 64'(BoundNb)),
                ("entry %0d in state %0d at age %0d: known in %0d (primary's %0d)", i, state,
                 age, f_known[i*16 +: 16], prim_known))
    `MMU_ASSERT_EACH(a_nb_age_in_entry, state == QFree || age >= 64'd2,
                ("entry %0d in state %0d at age %0d", i, state, age))
    // The miss queue's age matrix agrees with the ages (one request is accepted a cycle), which
    // the measure orders the entries by.
    for (genvar j = 0; j < M; j++) begin : g_pair
      if (j != i) begin : g_other
        logic [63:0] age_j;
        assign age_j = fv_q_age[j*64 +: 64];
        `MMU_ASSERT_EACH(a_nb_ages_ordered,
                         state == QFree || fv_q_code[j*3 +: 3] == QFree ||
                         (age_j != age && fv_q_older[i*M + j] == (age_j > age)),
                         ("entries %0d and %0d at ages %0d and %0d", i, j, age, age_j))
      end
    end
  end
`endif

`ifdef MMU_FORMAL_BROKEN
  // Wrong on purpose: the MMU answers.
  `MMU_ASSERT(a_broken_never_answers, !resp_valid_o && !mresp_valid_o, ("a response"))
`endif
endmodule
