// 16-bit Fibonacci LFSR, x^16 + x^14 + x^13 + x^11 + 1 (docs/ARCHITECTURE.md, section 5).
// One step: bit = s[0] ^ s[2] ^ s[3] ^ s[5]; s = {bit, s[15:1]}.
module mmu_lfsr #(
  parameter logic [15:0] Seed = 16'hACE1
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        step_i,
  output logic [15:0] state_o
);
  logic [15:0] state_d, state_q;

  always_comb begin
    state_d = state_q;
    if (step_i) state_d = {state_q[0] ^ state_q[2] ^ state_q[3] ^ state_q[5], state_q[15:1]};
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) state_q <= Seed;
    else         state_q <= state_d;
  end

  assign state_o = state_q;
endmodule
