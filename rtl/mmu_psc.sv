// One paging-structure cache (docs/ARCHITECTURE.md, section 7; model/pscache.c), caching entries
// of walk level Level (5 PML5E, 4 PML4E, 3 PDPTE, 2 PDE). An entry is keyed by PCID and
// VA[56:Shift], Shift = 12 + 9 * (Level - 1) (with 4-level paging bits 56:48 repeat bit 47),
// and holds the base of the next table and the rights combined
// down to it. Entries are never global. NumEntries = 0 disables the cache. NumWays = 0 (or
// NumEntries) makes it fully associative; fewer ways make NumEntries / NumWays sets, a key's set
// its VA[Shift +: log2(sets)], as the model's (entry i is way i % NumWays of set i / NumWays).
// A lookup, a fill's match and an invalidation compare every entry's whole key, which holds the
// set's bits; only a fill's choice of way (an invalid one, else the victim) is within its set.
// Within a cycle the lookup reads the state at the cycle's start; at its end come the lookup's
// touch, then the invalidation, then the fill (docs/ARCHITECTURE.md 16.3), so that a fill sees
// the valid bits the invalidation leaves and ends as the most recently used entry.
`include "mmu_assert.svh"

module mmu_psc #(
  parameter int unsigned Level = 2,
  parameter int unsigned NumEntries = 32,
  parameter int unsigned NumWays = 0,
  parameter int unsigned Repl = mmu_pkg::ReplLru,
  parameter int unsigned PaBits = 46,
  parameter logic [15:0] LfsrSeed = 16'hACE1,
  localparam int unsigned Shift = mmu_pkg::PageShift4k + mmu_pkg::LevelBits * (Level - 1),
  localparam int unsigned TagW = mmu_pkg::VaBits - Shift,
  localparam int unsigned N = (NumEntries != 0) ? NumEntries : 1,
  localparam int unsigned WayW = (N > 1) ? $clog2(N) : 1,
  localparam int unsigned Ways = (NumWays != 0 && NumWays < N) ? NumWays : N,
  localparam int unsigned Sets = N / Ways,
  localparam int unsigned SetW = (Sets > 1) ? $clog2(Sets) : 1,
  localparam int unsigned InSetW = (Ways > 1) ? $clog2(Ways) : 1,
  localparam int unsigned PfnW = PaBits - mmu_pkg::PageShift4k
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  // Lookup, combinational.
  input  mmu_pkg::va_t     lk_va_i,
  input  mmu_pkg::pcid_t   lk_pcid_i,
  output logic             lk_hit_o,
  output logic [PfnW-1:0]  lk_table_o,
  output mmu_pkg::path_rights_t lk_rights_o,
  input  logic             touch_i,    // a lookup this cycle, its hit used (else no hit)
  // Fill.
  input  logic             fill_i,
  input  mmu_pkg::va_t     fill_va_i,
  input  mmu_pkg::pcid_t   fill_pcid_i,
  input  logic [PfnW-1:0]  fill_table_i,
  input  mmu_pkg::path_rights_t fill_rights_i,
  // Invalidate entries of inv_pcid_i (all if !inv_by_pcid_i), covering inv_va_i if inv_by_addr_i.
  input  logic             inv_i,
  input  logic             inv_by_pcid_i,
  input  mmu_pkg::pcid_t   inv_pcid_i,
  input  logic             inv_by_addr_i,
  input  mmu_pkg::va_t     inv_va_i,
  // Events for the counters: a fill was made, and it replaced a valid entry.
  output logic             filled_o,
  output logic             evicted_o
);
  localparam bit Enabled = (NumEntries != 0);

  if (Enabled && Repl == mmu_pkg::ReplPlru && (Ways & (Ways - 1)) != 0) begin : g_bad_plru
    $error("mmu_psc: tree-PLRU needs a power-of-two number of ways");
  end
  if (Enabled && (N % Ways != 0 || (Sets & (Sets - 1)) != 0)) begin : g_bad_sets
    $error("mmu_psc: NumEntries / NumWays must be a whole power of two");
  end

  logic [N-1:0]     valid_q, valid_d;
  logic [TagW-1:0]  tag_q    [N];
  mmu_pkg::pcid_t   pcid_q   [N];
  logic [PfnW-1:0]  table_q  [N];
  mmu_pkg::path_rights_t rights_q [N];

  logic [N-1:0]      lk_match, fill_match;
  logic [WayW-1:0]   lk_way, fill_way, invalid_way, match_way;
  logic [InSetW-1:0] victim;
  logic              has_invalid, has_match, evict;
  // The fill's set, and its ways' entries: fill_base + 0 .. Ways - 1.
  logic [SetW-1:0]   fill_set;
  logic [WayW-1:0]   fill_base;
  if (Sets > 1) begin : g_sets
    assign fill_set = fill_va_i[Shift +: SetW];
  end else begin : g_one_set
    assign fill_set = '0;
  end
  assign fill_base = WayW'(32'(fill_set) * Ways);  // (in 32 bits: Ways may be 2 ** WayW)

  // The lookup is compared only in a cycle that uses it (touch_i), the fill's way only in a cycle
  // that fills: the hardware is the same (nothing reads the other cycles' values), and a
  // simulator skips the compares in most cycles.
  always_comb begin
    lk_match = '0;
    lk_way = '0;
    if (touch_i) begin
      for (int unsigned i = 0; i < N; i++) begin
        lk_match[i] = Enabled && valid_q[i] && tag_q[i] == lk_va_i[mmu_pkg::VaBits-1:Shift] &&
                      pcid_q[i] == lk_pcid_i;
      end
      for (int i = N - 1; i >= 0; i--) begin
        if (lk_match[i]) lk_way = WayW'(i);
      end
    end
  end

  // The invalidation comes before the fill (16.3): the fill sees the valid bits it leaves.
  logic [N-1:0] valid_inv;
  always_comb begin
    valid_inv = valid_q;
    if (inv_i) begin
      for (int unsigned i = 0; i < N; i++) begin
        if ((!inv_by_pcid_i || pcid_q[i] == inv_pcid_i) &&
            (!inv_by_addr_i || tag_q[i] == inv_va_i[mmu_pkg::VaBits-1:Shift]))
          valid_inv[i] = 1'b0;
      end
    end
  end

  always_comb begin
    fill_match = '0;
    match_way = '0;
    invalid_way = '0;
    has_match = 1'b0;
    has_invalid = 1'b0;
    if (fill_i) begin
      for (int unsigned i = 0; i < N; i++) begin
        fill_match[i] = Enabled && valid_inv[i] &&
                        tag_q[i] == fill_va_i[mmu_pkg::VaBits-1:Shift] && pcid_q[i] == fill_pcid_i;
      end
      for (int i = N - 1; i >= 0; i--) begin
        if (fill_match[i]) begin
          has_match = 1'b1;
          match_way = WayW'(i);
        end
      end
      // The lowest invalid way of the fill's set.
      for (int w = Ways - 1; w >= 0; w--) begin
        if (!valid_inv[fill_base + WayW'(w)]) begin
          has_invalid = 1'b1;
          invalid_way = fill_base + WayW'(w);
        end
      end
    end
  end
  assign fill_way = has_match ? match_way : has_invalid ? invalid_way :
                    fill_base + WayW'(victim);

  assign lk_hit_o   = |lk_match;
  assign lk_table_o = table_q[lk_way];
  assign lk_rights_o = rights_q[lk_way];
  assign evict      = fill_i && Enabled && !has_match && !has_invalid;
  assign filled_o   = fill_i && Enabled;
  assign evicted_o  = evict;

  // The replacement unit sees sets and ways within a set (a fully associative cache: one set).
  mmu_repl #(.NumSets(Sets), .NumWays(Ways), .Policy(Repl), .LfsrSeed(LfsrSeed)) u_repl (
    .clk_i,
    .rst_ni,
    .touch_i    (Enabled && lk_hit_o),
    .touch_set_i(SetW'(32'(lk_way) / Ways)),
    .touch_way_i(InSetW'(32'(lk_way) % Ways)),
    .fill_i     (Enabled && fill_i),
    .fill_set_i (fill_set),
    .fill_way_i (InSetW'(fill_way - fill_base)),
    .take_i     (evict),
    .query_set_i(fill_set),
    .victim_o   (victim)
  );

  always_ff @(posedge clk_i) begin
    if (fill_i && Enabled) begin
      tag_q[fill_way]   <= fill_va_i[mmu_pkg::VaBits-1:Shift];
      pcid_q[fill_way]  <= fill_pcid_i;
      table_q[fill_way] <= fill_table_i;
      rights_q[fill_way] <= fill_rights_i;
    end
  end

  always_comb begin
    valid_d = valid_inv;
    if (fill_i && Enabled) valid_d[fill_way] = 1'b1;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) valid_q <= '0;
    else         valid_q <= valid_d;
  end

`ifdef MMU_ASSERTIONS
  `MMU_ASSERT_SETUP
  // Each valid entry sits in its key's set (a fill's way is within its set).
  if (Enabled && Sets > 1) begin : g_assert_sets
    for (genvar i = 0; i < N; i++) begin : g_entry
      logic [SetW-1:0] key_set;
      assign key_set = tag_q[i][SetW-1:0];
      `MMU_ASSERT_EACH(a_entry_in_its_set, !valid_q[i] || 32'(key_set) == i / Ways,
                       ("mmu_psc: entry %0d holds a key of set %0d", i, key_set))
    end
  end
`endif
`ifdef MMU_FORMAL_TLB
  // No two valid entries of one tag and PCID (a fill goes to the way that matches it): proven
  // by induction (scripts/formal, tasks psc and psc_sets).
  for (genvar a = 0; a < N; a++) begin : g_unique_a
    for (genvar b = a + 1; b < N; b++) begin : g_unique_b
      // (Unlabelled: Yosys gives a label one name in every iteration of a loop.)
      always @(posedge clk_i)
        if (f_past_valid && rst_ni)
          assert (!(valid_q[a] && valid_q[b] && tag_q[a] == tag_q[b] && pcid_q[a] == pcid_q[b]));
    end
  end
`endif
endmodule
