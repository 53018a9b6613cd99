// FIFO (round-robin) replacement: per set a pointer, 0 at reset. The victim is the pointer's
// way; taking it advances the pointer modulo NumWays. Touches do nothing.
module mmu_repl_fifo #(
  parameter int unsigned NumSets = 16,
  parameter int unsigned NumWays = 4,
  localparam int unsigned SetW = (NumSets > 1) ? $clog2(NumSets) : 1,
  localparam int unsigned WayW = (NumWays > 1) ? $clog2(NumWays) : 1
) (
  input  logic            clk_i,
  input  logic            rst_ni,
  input  logic            take_i,
  input  logic [SetW-1:0] query_set_i,
  output logic [WayW-1:0] victim_o
);
  logic [NumSets*WayW-1:0] ptr_q;  // set s in [s*WayW +: WayW]
  logic [WayW-1:0]         ptr;

  assign ptr = ptr_q[query_set_i*WayW +: WayW];
  assign victim_o = ptr;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) ptr_q <= '0;
    else if (take_i)
      ptr_q[query_set_i*WayW +: WayW] <= (ptr == WayW'(NumWays - 1)) ? '0 : ptr + 1'b1;
  end
endmodule
