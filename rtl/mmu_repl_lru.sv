// True LRU replacement: per set, an age per way (a permutation, 0 = most recent).
// A touch of way w ages every way younger than w and makes w the youngest;
// the victim is the way of age NumWays-1. At reset way w has age w.
module mmu_repl_lru #(
  parameter int unsigned NumSets = 16,
  parameter int unsigned NumWays = 4,
  localparam int unsigned SetW = (NumSets > 1) ? $clog2(NumSets) : 1,
  localparam int unsigned WayW = (NumWays > 1) ? $clog2(NumWays) : 1
) (
  input  logic            clk_i,
  input  logic            rst_ni,
  input  logic            touch_i,
  input  logic [SetW-1:0] touch_set_i,
  input  logic [WayW-1:0] touch_way_i,
  input  logic            fill_i,      // a second touch, after touch_i's
  input  logic [SetW-1:0] fill_set_i,
  input  logic [WayW-1:0] fill_way_i,
  input  logic            take_i,  // victim_o is taken (it is 0 in other cycles)
  input  logic [SetW-1:0] query_set_i,
  output logic [WayW-1:0] victim_o
);
  localparam int unsigned RowW = NumWays * WayW;

  // Ages of a set, way w in bits [w*WayW +: WayW]: a row of a memory indexed by set. A set not
  // touched since reset (fresh_q) has the reset order, way w age w, whatever its row holds: the
  // rows need no reset, which would make a simulator copy all of them at every update.
  logic [RowW-1:0]    age_q [NumSets];
  logic [NumSets-1:0] fresh_q;
  logic [RowW-1:0]    query_row, touch_row, fill_row;

  function automatic logic [RowW-1:0] reset_row();
    for (int unsigned w = 0; w < NumWays; w++) reset_row[w*WayW +: WayW] = WayW'(w);
  endfunction
  localparam logic [RowW-1:0] ResetRow = reset_row();

  // The ages of a set after a touch of way w.
  function automatic logic [RowW-1:0] touched(logic [RowW-1:0] row, logic [WayW-1:0] w);
    logic [WayW-1:0] old_age;
    old_age = row[w*WayW +: WayW];
    touched = row;
    for (int unsigned v = 0; v < NumWays; v++) begin
      if (row[v*WayW +: WayW] < old_age) touched[v*WayW +: WayW] = row[v*WayW +: WayW] + 1'b1;
    end
    touched[w*WayW +: WayW] = '0;
  endfunction

  // The victim is searched in the set as the lookup's touch leaves it. (Each row is read only in
  // the cycles that use it: a simulator skips the others.)
  always_comb begin
    victim_o = '0;
    query_row = '0;
    if (take_i) begin
      query_row = fresh_q[query_set_i] ? ResetRow : age_q[query_set_i];
      if (touch_i && touch_set_i == query_set_i) query_row = touched(query_row, touch_way_i);
      for (int unsigned w = 0; w < NumWays; w++) begin
        if (query_row[w*WayW +: WayW] == WayW'(NumWays - 1)) victim_o = WayW'(w);
      end
    end
  end

  // The rows written: the touched set's, then the filled set's (after the touch, if the same).
  always_comb begin
    touch_row = '0;
    fill_row = '0;
    if (touch_i)
      touch_row = touched(fresh_q[touch_set_i] ? ResetRow : age_q[touch_set_i], touch_way_i);
    if (fill_i)
      fill_row = touched((touch_i && touch_set_i == fill_set_i) ? touch_row
                         : fresh_q[fill_set_i] ? ResetRow : age_q[fill_set_i], fill_way_i);
  end

  always_ff @(posedge clk_i) begin
    if (touch_i) age_q[touch_set_i] <= touch_row;
    if (fill_i)  age_q[fill_set_i]  <= fill_row;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      fresh_q <= '1;
    end else begin
      if (touch_i) fresh_q[touch_set_i] <= 1'b0;
      if (fill_i)  fresh_q[fill_set_i]  <= 1'b0;
    end
  end
endmodule
