// The assertions' one form, read by Verilator (the co-simulation and the SystemC bench, with
// --assert) and by Yosys's formal front end (scripts/formal, which defines FORMAL).
//
//   `MMU_ASSERT(label, cond, (message...))  cond holds at every rising edge of clk_i out of reset
//   `MMU_ASSUME(label, cond, (message...))  the same, a rule the MMU's environment keeps: an
//                                           assertion in simulation (the bench must keep it),
//                                           an assumption in a proof
//   `MMU_REQUIRE(label, cond, (message...)) a rule the module's user inside the MMU keeps (the
//                                           L1 TLB's fill tagged with its lookup's PCID, kept
//                                           by mmu_top): an assumption only in the proof of a
//                                           unit on its own (its harness defines
//                                           MMU_FORMAL_UNIT); an assertion in simulation and in
//                                           the proofs of mmu_top, which so prove it is kept
//
//   `MMU_ASSERT_EACH(label, cond, (message...)) `MMU_ASSERT inside a generate loop: Yosys gives
//                                           a label one name in every iteration, so a proof
//                                           names it by its file and line instead
//   `MMU_ASSUME_EACH(label, cond, (message...)) `MMU_ASSUME inside a generate loop, the same way
//   `MMU_ASSERT_STATE(label, changed, cond, (message...)) `MMU_ASSERT_EACH of a condition on
//                                           registered state that can change only at an edge
//                                           after which the register `changed` is set:
//                                           simulation checks it only in those cycles (an
//                                           immediate assertion, which a simulator skips in the
//                                           others: the miss queue's entries, at most cycles);
//                                           a proof checks it in every cycle
//   `MMU_ASSERT_WHEN(label, when, cond, (message...)) `MMU_ASSERT_EACH of (!when || cond):
//                                           cond in the cycles `when` holds, which is all
//                                           simulation evaluates of it (a compare's result in
//                                           the cycles with a compare)
//   `MMU_ASSUME_WHEN(label, when, cond, (message...)) the same, an `MMU_ASSUME
//
// cond is a plain expression of the cycle (registers of the check for the one before, not $past:
// mmu_walker.sv says why). In simulation it is an immediate assertion at every rising edge of
// clk_i out of reset (the values before the edge, as a concurrent assertion samples them; a
// concurrent one also made Verilator copy every value it reads at each evaluation, 4% of
// cosim_default's instructions), which prints the message when it fails; in a proof, an
// immediate assertion clocked by clk_i from the second cycle on, out of reset. Yosys's own
// front end reads neither SVA's implication nor `disable iff`, hence the macros. Synthesis
// (SYNTHESIS without FORMAL) sees none of it: MMU_ASSERTIONS guards each module's block of
// assertions.
`ifndef MMU_ASSERT_SVH
`define MMU_ASSERT_SVH

`ifdef FORMAL
  `define MMU_ASSERTIONS
  // The first cycle has no past; reset is assumed in it (scripts/formal's wrappers).
  `define MMU_ASSERT_SETUP \
    logic f_past_valid = 1'b0; \
    always @(posedge clk_i) f_past_valid <= 1'b1;
  `define MMU_ASSERT(label, cond, message) \
    always @(posedge clk_i) if (f_past_valid && rst_ni) label: assert (cond);
  `define MMU_ASSUME(label, cond, message) \
    always @(posedge clk_i) if (f_past_valid && rst_ni) label: assume (cond);
  `define MMU_ASSERT_EACH(label, cond, message) \
    always @(posedge clk_i) if (f_past_valid && rst_ni) assert (cond);
  `define MMU_ASSUME_EACH(label, cond, message) \
    always @(posedge clk_i) if (f_past_valid && rst_ni) assume (cond);
  `define MMU_ASSERT_STATE(label, changed, cond, message) \
    always @(posedge clk_i) if (f_past_valid && rst_ni) assert (cond);
  `define MMU_ASSERT_WHEN(label, when, cond, message) \
    always @(posedge clk_i) if (f_past_valid && rst_ni && (when)) assert (cond);
  `define MMU_ASSUME_WHEN(label, when, cond, message) \
    always @(posedge clk_i) if (f_past_valid && rst_ni && (when)) assume (cond);
`ifdef MMU_FORMAL_UNIT
  `define MMU_REQUIRE(label, cond, message) `MMU_ASSUME(label, cond, message)
`else
  `define MMU_REQUIRE(label, cond, message) `MMU_ASSERT(label, cond, message)
`endif
`elsif SYNTHESIS
`else
  `define MMU_ASSERTIONS
  `define MMU_ASSERT_SETUP
  `define MMU_ASSERT(label, cond, message) \
    always @(posedge clk_i) if (rst_ni) label: assert (cond) else $error message;
  `define MMU_ASSUME(label, cond, message) `MMU_ASSERT(label, cond, message)
  `define MMU_REQUIRE(label, cond, message) `MMU_ASSERT(label, cond, message)
  `define MMU_ASSERT_EACH(label, cond, message) `MMU_ASSERT(label, cond, message)
  `define MMU_ASSUME_EACH(label, cond, message) `MMU_ASSERT(label, cond, message)
  `define MMU_ASSERT_STATE(label, changed, cond, message) \
    always @(posedge clk_i) if (rst_ni && (changed)) label: assert (cond) else $error message;
  `define MMU_ASSERT_WHEN(label, when, cond, message) \
    always @(posedge clk_i) if (rst_ni && (when)) label: assert (cond) else $error message;
  `define MMU_ASSUME_WHEN(label, when, cond, message) `MMU_ASSERT_WHEN(label, when, cond, message)
`endif

`endif
