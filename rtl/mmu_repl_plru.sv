// Tree pseudo-LRU (NumWays a power of two): per set, nodes 1..NumWays-1 of a heap-numbered
// tree. A touch of way w sets, on the path from leaf NumWays+w to the root, each parent's bit
// to 1 if it came from the left (even) child, 0 if from the right. The victim follows
// n = 2n + bit(n) from the root. Reset: all bits 0.
module mmu_repl_plru #(
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
  logic [NumSets*NumWays-1:0] tree_q;  // set s in [s*NumWays +: NumWays]; its bit 0 unused
  logic [NumWays-1:0] query_tree;


  // The tree of a set after a touch of way w. (Evaluated in the register update, under touch_i:
  // a simulator then skips it in the cycles without a touch, most of them.)
  function automatic logic [NumWays-1:0] touched(logic [NumWays-1:0] tree, logic [WayW-1:0] w);
    int unsigned n;
    touched = tree;
    n = NumWays + 32'(w);
    for (int unsigned l = 0; l < WayW; l++) begin
      if (n > 1) begin
        touched[n / 2] = (n % 2 == 0);
        n = n / 2;
      end
    end
  endfunction

  always_comb begin
    int unsigned n;
    n = NumWays;
    query_tree = '0;
    if (take_i) begin
      // The victim is searched in the set as the lookup's touch leaves it.
      query_tree = tree_q[query_set_i*NumWays +: NumWays];
      if (touch_i && touch_set_i == query_set_i) query_tree = touched(query_tree, touch_way_i);
      n = 1;
      for (int unsigned l = 0; l < WayW; l++) begin
        if (n < NumWays) n = 2 * n + 32'(query_tree[n]);
      end
    end
    victim_o = (NumWays > 1) ? WayW'(n - NumWays) : '0;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      tree_q <= '0;
    end else begin
      // The lookup's touch, then the fill's (whose set may be the same: it sees the first).
      if (touch_i)
        tree_q[touch_set_i*NumWays +: NumWays] <= touched(tree_q[touch_set_i*NumWays +: NumWays],
                                                          touch_way_i);
      if (fill_i)
        tree_q[fill_set_i*NumWays +: NumWays] <=
            touched((touch_i && touch_set_i == fill_set_i)
                        ? touched(tree_q[fill_set_i*NumWays +: NumWays], touch_way_i)
                        : tree_q[fill_set_i*NumWays +: NumWays], fill_way_i);
    end
  end
endmodule
