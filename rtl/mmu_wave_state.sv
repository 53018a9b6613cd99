// A plain-number copy of a state machine's enum-typed state, for waveforms only. GTKWave applies
// the translate filters of waves/filters/ to plain vectors, but not to the enum-typed signals in
// the FST files that the benches write, so each state machine instantiates this once as
// u_state_wave, and waves/mmu.gtkw shows u_state_wave.code through its filter. Nothing reads it;
// synthesis removes it.
module mmu_wave_state #(
  parameter int unsigned Width = 4
) (
  input logic [Width-1:0] state_i
);
  logic [Width-1:0] code;
  assign code = state_i;
endmodule
