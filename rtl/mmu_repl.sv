// Replacement unit of one array (docs/ARCHITECTURE.md, section 5; model/replacement.c): one of
// LRU, tree-PLRU, FIFO or LFSR-random, by Policy (mmu_pkg::ReplLru .. ReplRandom, the order of
// enum mmu_repl in the C model).
// Two touches a cycle, in the order of docs/ARCHITECTURE.md 16.3: touch_i, a lookup's used hit,
// then fill_i, a fill's way (which so ends as the most recently used). take_i: a victim is taken
// from query_set_i this cycle, as the set is after the lookup's touch (victim_o is only
// meaningful then: LRU and PLRU search for it only then, which a simulator skips). Each policy
// reads only the inputs it needs (rtl/lint/verilator.vlt waives the rest).
module mmu_repl #(
  parameter int unsigned NumSets = 16,
  parameter int unsigned NumWays = 4,
  parameter int unsigned Policy = mmu_pkg::ReplLru,
  parameter logic [15:0] LfsrSeed = 16'hACE1,
  localparam int unsigned SetW = (NumSets > 1) ? $clog2(NumSets) : 1,
  localparam int unsigned WayW = (NumWays > 1) ? $clog2(NumWays) : 1
) (
  input  logic            clk_i,
  input  logic            rst_ni,
  input  logic            touch_i,
  input  logic [SetW-1:0] touch_set_i,
  input  logic [WayW-1:0] touch_way_i,
  input  logic            fill_i,
  input  logic [SetW-1:0] fill_set_i,
  input  logic [WayW-1:0] fill_way_i,
  input  logic            take_i,
  input  logic [SetW-1:0] query_set_i,
  output logic [WayW-1:0] victim_o
);
  if (Policy == mmu_pkg::ReplLru) begin : g_lru
    mmu_repl_lru #(.NumSets(NumSets), .NumWays(NumWays)) u_lru (
      .clk_i, .rst_ni, .touch_i, .touch_set_i, .touch_way_i, .fill_i, .fill_set_i, .fill_way_i,
      .take_i, .query_set_i, .victim_o
    );
  end else if (Policy == mmu_pkg::ReplPlru) begin : g_plru
    mmu_repl_plru #(.NumSets(NumSets), .NumWays(NumWays)) u_plru (
      .clk_i, .rst_ni, .touch_i, .touch_set_i, .touch_way_i, .fill_i, .fill_set_i, .fill_way_i,
      .take_i, .query_set_i, .victim_o
    );
  end else if (Policy == mmu_pkg::ReplFifo) begin : g_fifo
    mmu_repl_fifo #(.NumSets(NumSets), .NumWays(NumWays)) u_fifo (
      .clk_i, .rst_ni, .take_i, .query_set_i, .victim_o
    );
  end else begin : g_random
    logic [15:0] lfsr;
    logic [31:0] scaled;
    mmu_lfsr #(.Seed(LfsrSeed)) u_lfsr (.clk_i, .rst_ni, .step_i(take_i), .state_o(lfsr));
    assign scaled = {16'b0, lfsr} * NumWays;
    assign victim_o = scaled[16 +: WayW];
  end
endmodule
