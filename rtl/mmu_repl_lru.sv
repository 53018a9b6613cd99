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

  // Ages of a set, way w in bits [w*WayW +: WayW]: SRAM-like, indexed by set.
  logic [NumSets*RowW-1:0] age_q;  // set s in bits [s*RowW +: RowW]
  logic [RowW-1:0] query_row;

  // The ages of a set after a touch of way w. (Evaluated in the register update, under touch_i:
  // a simulator then skips it in the cycles without a touch, most of them.)
  function automatic logic [RowW-1:0] touched(logic [RowW-1:0] row, logic [WayW-1:0] w);
    logic [WayW-1:0] old_age;
    old_age = row[w*WayW +: WayW];
    touched = row;
    for (int unsigned v = 0; v < NumWays; v++) begin
      if (row[v*WayW +: WayW] < old_age) touched[v*WayW +: WayW] = row[v*WayW +: WayW] + 1'b1;
    end
    touched[w*WayW +: WayW] = '0;
  endfunction

  // The victim is searched in the set as the lookup's touch leaves it.
  always_comb begin
    victim_o = '0;
    query_row = '0;
    if (take_i) begin
      query_row = age_q[query_set_i*RowW +: RowW];
      if (touch_i && touch_set_i == query_set_i) query_row = touched(query_row, touch_way_i);
      for (int unsigned w = 0; w < NumWays; w++) begin
        if (query_row[w*WayW +: WayW] == WayW'(NumWays - 1)) victim_o = WayW'(w);
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int unsigned s = 0; s < NumSets; s++) begin
        for (int unsigned w = 0; w < NumWays; w++) age_q[s*RowW + w*WayW +: WayW] <= WayW'(w);
      end
    end else begin
      // The lookup's touch, then the fill's (whose set may be the same: it sees the first).
      if (touch_i)
        age_q[touch_set_i*RowW +: RowW] <= touched(age_q[touch_set_i*RowW +: RowW], touch_way_i);
      if (fill_i)
        age_q[fill_set_i*RowW +: RowW] <=
            touched((touch_i && touch_set_i == fill_set_i)
                        ? touched(age_q[fill_set_i*RowW +: RowW], touch_way_i)
                        : age_q[fill_set_i*RowW +: RowW], fill_way_i);
    end
  end
endmodule
