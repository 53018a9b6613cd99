// Replacement unit of one array: one of LRU, tree-PLRU, FIFO or LFSR-random, by Policy
// (0 lru, 1 plru, 2 fifo, 3 random; the order of enum mmu_repl in the C model).
// touch_i: a used hit or a fill; take_i: a victim is taken from query_set_i this cycle.
module mmu_repl #(
  parameter int unsigned NumSets = 16,
  parameter int unsigned NumWays = 4,
  parameter int unsigned Policy = 0,
  parameter logic [15:0] LfsrSeed = 16'hACE1,
  localparam int unsigned SetW = (NumSets > 1) ? $clog2(NumSets) : 1,
  localparam int unsigned WayW = (NumWays > 1) ? $clog2(NumWays) : 1
) (
  input  logic            clk_i,
  input  logic            rst_ni,
  input  logic            touch_i,
  input  logic [SetW-1:0] touch_set_i,
  input  logic [WayW-1:0] touch_way_i,
  input  logic            take_i,
  input  logic [SetW-1:0] query_set_i,
  output logic [WayW-1:0] victim_o
);
  if (Policy == 0) begin : g_lru
    mmu_repl_lru #(.NumSets(NumSets), .NumWays(NumWays)) u_lru (
      .clk_i, .rst_ni, .touch_i, .touch_set_i, .touch_way_i, .query_set_i, .victim_o
    );
    logic unused_take;
    assign unused_take = take_i;
  end else if (Policy == 1) begin : g_plru
    mmu_repl_plru #(.NumSets(NumSets), .NumWays(NumWays)) u_plru (
      .clk_i, .rst_ni, .touch_i, .touch_set_i, .touch_way_i, .query_set_i, .victim_o
    );
    logic unused_take;
    assign unused_take = take_i;
  end else if (Policy == 2) begin : g_fifo
    mmu_repl_fifo #(.NumSets(NumSets), .NumWays(NumWays)) u_fifo (
      .clk_i, .rst_ni, .take_i, .query_set_i, .victim_o
    );
    logic unused_touch;
    assign unused_touch = touch_i ^ ^touch_set_i ^ ^touch_way_i;
  end else begin : g_random
    logic [15:0] lfsr;
    logic [31:0] scaled;
    mmu_lfsr #(.Seed(LfsrSeed)) u_lfsr (.clk_i, .rst_ni, .step_i(take_i), .state_o(lfsr));
    assign scaled = {16'b0, lfsr} * NumWays;
    assign victim_o = scaled[16 +: WayW];
    logic unused;
    assign unused = touch_i ^ ^touch_set_i ^ ^touch_way_i ^ ^query_set_i ^ ^scaled;
  end
endmodule
