// The event counters that the co-simulation compares with the model's statistics
// (docs/ARCHITECTURE.md, section 11; model/stats.c): one counter per event, at mmu_pkg's Cnt*
// indices, each adding its event's pulse every cycle. Counter e is count_o[e*Width +: Width].
// Reset clears them.
module mmu_counters #(
  parameter int unsigned NumEvents = mmu_pkg::NumCounters,
  parameter int unsigned Width = 64
) (
  input  logic                       clk_i,
  input  logic                       rst_ni,
  input  logic [NumEvents-1:0]       event_i,
  output logic [NumEvents*Width-1:0] count_o
);
  // One register a counter, incremented only in a cycle with its event (a simulator then does
  // nothing for it in the others).
  for (genvar e = 0; e < NumEvents; e++) begin : g_count
    logic [Width-1:0] count_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni)         count_q <= '0;
      else if (event_i[e]) count_q <= count_q + 1'b1;
    end
    assign count_o[e*Width +: Width] = count_q;
  end
endmodule
