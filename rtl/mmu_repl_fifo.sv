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
  logic [NumSets-1:0][WayW-1:0] ptr_q;

  assign victim_o = ptr_q[query_set_i];

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ptr_q <= '0;
    end else if (take_i) begin
      ptr_q[query_set_i] <= (ptr_q[query_set_i] == WayW'(NumWays - 1)) ? '0
                                                                          : ptr_q[query_set_i] + 1'b1;
    end
  end
endmodule
