// The miss queue (docs/ARCHITECTURE.md 16.3 to 16.5; model/pipeline.c): every request that
// missed its L1 TLB, from its L1 lookup until the miss lane answers it, and the decisions each
// cycle makes for them, in the contract's order:
//   the STLB's read port   the 2 MiB read of the probe begun in the cycle before; else the oldest
//                          entry waiting for the port begins its probe (its 4 KiB read); else
//                          the new miss, if it is a primary
//   the new miss           the hit lane's miss takes the lowest free entry; it merges with the
//                          primary of its 4 KiB page (registered state), or is a primary
//   the STLB's answer      the probe begun stlb_latency - 1 cycles before: a hit or fault makes
//                          its entry's result known, a miss (or a clean entry) makes it wait for
//                          a walker
//   a walk's completion    its entry's result is known
//   the secondaries        of a primary whose result is known: each that the result serves is
//                          ready from the next cycle; of the others, the oldest becomes a
//                          primary waiting for a walker, and the rest its secondaries
//   the miss lane          the oldest entry whose result is known answers, and is freed
//   a walk's start         the lowest free walker takes the oldest entry waiting for one
// Entries are ordered by age (the cycle each was taken, one a cycle): an age matrix.
`include "mmu_assert.svh"

module mmu_miss_queue #(
  parameter int unsigned Entries = 1,
  parameter int unsigned Walkers = 1,
  parameter int unsigned IdBits = 4,
  parameter int unsigned PaBits = 46,
  parameter int unsigned StlbLatency = 9,
  localparam int unsigned IdxW = (Entries > 1) ? $clog2(Entries) : 1,
  localparam int unsigned WalkerW = (Walkers > 1) ? $clog2(Walkers) : 1,
  localparam int unsigned PfnW = PaBits - mmu_pkg::PageShift4k,
  localparam int unsigned CountW = 10
) (
  input  logic                              clk_i,
  input  logic                              rst_ni,
  input  mmu_pkg::mode_t                    mode_i,
  // The hit lane's miss (the request accepted in the cycle before; a canonical address).
  input  logic                              new_i,
  input  mmu_pkg::va_t                      new_va_i,
  input  mmu_pkg::access_e                  new_access_i,
  input  logic                              new_user_i,
  input  logic                              new_implicit_i,
  input  logic [IdBits-1:0]                 new_id_i,
  input  logic                              new_clean_i,     // its L1 entry was clean
  input  logic [63:0]                       new_accept_i,    // the cycle it was accepted
  output logic                              new_merged_o,    // (an event for the counters)
  output logic [Entries-1:0]                free_o,          // entries free at the cycle's start
  // The STLB's read port, and the probes' slots (mmu_stlb: slot i is entry i).
  output logic                              rd_o,
  output logic [1:0]                        rd_size_o,       // a mmu_pkg::size_e: 4 KiB, 2 MiB
  output mmu_pkg::va_t                      rd_va_o,
  output logic [IdxW-1:0]                   rd_slot_o,
  output logic [Entries*mmu_pkg::VaBits-1:0] entry_va_o,
  output logic [Entries-1:0]                inherit_o,
  output logic [Entries*IdxW-1:0]           inherit_src_o,
  // The STLB's answer: entry ans_idx_o's probe answers (ans_o); its access, and what the STLB
  // holds for it: a hit (used), a fault, or a clean entry (a write's, D = 0).
  output logic                              ans_o,
  output logic [IdxW-1:0]                   ans_idx_o,
  output mmu_pkg::access_e                  ans_access_o,
  output logic                              ans_user_o,
  output logic                              ans_implicit_o,
  input  logic                              ans_hit_i,
  input  logic [mmu_pkg::FaultW-1:0]        ans_fault_i,     // FaultNone when not a fault
  input  logic                              ans_clean_i,
  input  logic [1:0]                        ans_size_i,      // the page's mmu_pkg::size_e
  input  logic                              ans_frac_i,      // a 2 MiB fraction of it
  input  logic [PfnW-1:0]                   ans_pfn_i,
  input  mmu_pkg::rights_t                  ans_rights_i,
  input  logic                              ans_dirty_i,
  input  logic                              ans_global_i,
  // The walkers: which is free, which starts (start_o: walker start_walker_o, entry
  // start_idx_o's request), and the one whose walk completes in this cycle with its result.
  input  logic [Walkers-1:0]                w_free_i,
  output logic                              start_o,
  output logic [WalkerW-1:0]                start_walker_o,
  output mmu_pkg::va_t                      start_va_o,
  output mmu_pkg::access_e                  start_access_o,
  output logic                              start_user_o,
  output logic                              start_implicit_o,
  input  logic                              done_i,
  input  logic [WalkerW-1:0]                done_walker_i,
  input  logic [mmu_pkg::FaultW-1:0]        done_fault_i,    // mmu_pkg::fault_e
  input  mmu_pkg::level_t                   done_level_i,
  input  logic [PfnW-1:0]                   done_pfn_i,
  input  logic [1:0]                        done_size_i,
  input  logic                              done_global_i,
  input  logic                              done_dirty_i,
  input  mmu_pkg::rights_t                  done_rights_i,
  // The miss lane: entry ml_idx_o answers, with its request and result; ml_walked_o: a primary
  // answered from its own walk (it fills the STLB, and its fault clears the caches too).
  output logic                              ml_o,
  output logic [IdxW-1:0]                   ml_idx_o,
  output logic [IdBits-1:0]                 ml_id_o,
  output mmu_pkg::va_t                      ml_va_o,
  output mmu_pkg::access_e                  ml_access_o,
  output logic                              ml_user_o,
  output mmu_pkg::source_e                  ml_source_o,
  output logic                              ml_walked_o,
  output logic                              ml_clean_o,
  output logic [mmu_pkg::FaultW-1:0]        ml_fault_o,      // mmu_pkg::fault_e
  output mmu_pkg::level_t                   ml_level_o,
  output logic [PfnW-1:0]                   ml_pfn_o,
  output logic [1:0]                        ml_size_o,
  output logic                              ml_frac_o,       // the STLB's fraction answered it
  output logic                              ml_global_o,
  output logic                              ml_dirty_o,
  output mmu_pkg::rights_t                  ml_rights_o,
  output logic [63:0]                       ml_accept_o      // (for the latency histogram)
`ifdef MMU_ASSERTIONS
  ,
  // For mmu_top's assertions only: the IDs the entries hold, a bit each.
  output logic [(1 << IdBits)-1:0]          fv_ids_o
`endif
`ifdef FORMAL
  ,
  // Formal only (formal/mmu_formal.sv's measures of progress): each entry's state (state_e),
  // probe count, primary and acceptance cycle, each walker's entry, whether the STLB's read port
  // holds a probe's 2 MiB read, and the age matrix (row i: older_q[i]).
  output logic [Entries*3-1:0]              fv_code_o,
  output logic [Entries*CountW-1:0]         fv_count_o,
  output logic [Entries*IdxW-1:0]           fv_prim_o,
  output logic [Entries*64-1:0]             fv_accept_o,
  output logic [Walkers*IdxW-1:0]           fv_walk_entry_o,
  output logic                              fv_probed_o,
  output logic [Entries*Entries-1:0]        fv_older_o
`endif
);
  if (Entries < 1 || Entries > 32) begin : g_bad_entries
    $error("mmu_miss_queue: Entries must be 1..32");
  end

  typedef enum logic [2:0] {
    QFree,
    QProbeWait,  // a primary waiting for the STLB's read port
    QProbing,    // a primary whose probe is under way: it answers when count_q is 0
    QMerged,     // a secondary waiting for its primary's result
    QWaiting,    // a primary waiting for a walker
    QWalking,    // a primary being walked
    QReady       // its result is known: the miss lane may answer it
  } state_e;

  // A result: a translation or a fault (fault_e), from the STLB or a walk.
  typedef struct packed {
    logic [3:0]       fault;   // mmu_pkg::fault_e (Yosys 0.23 takes no package type here)
    logic [2:0]       level;
    logic [PfnW-1:0]  pfn;
    logic [1:0]       size;    // the page's mmu_pkg::size_e
    logic             frac;    // an STLB entry that is a 2 MiB fraction of the page
    logic             global;
    logic             dirty;
    logic [mmu_pkg::RightsW-1:0] rights;  // mmu_pkg::rights_t
  } result_t;

  // ---- the entries ---------------------------------------------------------------------------
  // Each entry's state, one-hot: entry i is in exactly one state, bit i of that state's vector.
  // Every decision below reads a state's entries at once.
  logic [Entries-1:0] free_q, probe_wait_q, probing_q, merged_q, waiting_q, walking_q, ready_q;
  logic [Entries-1:0] primary;  // waiting for the port, probing, waiting for a walker, or walked
  assign primary = probe_wait_q | probing_q | waiting_q | walking_q;
  mmu_pkg::va_t      va_q [Entries];
  logic [1:0]        access_q [Entries];
  logic [Entries-1:0] user_q, implicit_q, clean_q, sec_q, src_walk_q;
  logic [IdBits-1:0] id_q [Entries];
  logic [63:0]       accept_q [Entries];  // the cycle each request was accepted
  logic [IdxW-1:0]   prim_q [Entries];
  logic [CountW-1:0] count_q [Entries];
  localparam int unsigned ResW = mmu_pkg::FaultW + 3 + PfnW + 5 + mmu_pkg::RightsW;  // result_t
  logic [ResW-1:0]   res_q [Entries];  // result_t (nor arrays of packed structs)
  // older_q[i][j]: entry j is older than entry i.
  logic [Entries-1:0] older_q [Entries];
  // The walker of each walk: the entry it walks for.
  logic [IdxW-1:0]   walk_entry_q [Walkers];
  // The STLB's read port: a probe began in the cycle before (its 2 MiB read is this cycle's).
  logic              probed_q;
  logic [IdxW-1:0]   probed_idx_q;

  for (genvar i = 0; i < Entries; i++) begin : g_va
    assign entry_va_o[i*mmu_pkg::VaBits +: mmu_pkg::VaBits] = va_q[i];
  end

  // The oldest of a set of entries (by older_q, as it stands at the cycle's start).
  function automatic logic [IdxW-1:0] oldest(logic [Entries-1:0] set);
    oldest = '0;
    for (int unsigned i = 0; i < Entries; i++) begin
      if (set[i] && (older_q[i] & set) == '0) oldest = IdxW'(i);
    end
  endfunction

  // Entry i, as a vector.
  function automatic logic [Entries-1:0] bit_of(logic [IdxW-1:0] i);
    bit_of = Entries'(1) << i;
  endfunction

  // An access type from its code in the entries (a plain vector: Yosys 0.23 keeps no arrays of
  // enums).
  function automatic mmu_pkg::access_e access_of(logic [1:0] code);
    unique case (code)
      2'd1:    access_of = mmu_pkg::AccWrite;
      2'd2:    access_of = mmu_pkg::AccFetch;
      default: access_of = mmu_pkg::AccRead;
    endcase
  endfunction

  // ---- the new miss: its entry, and the primary it merges with -------------------------------
  logic [Entries-1:0] prim_match;
  logic [IdxW-1:0]    new_idx, new_prim;
  // (Each decision below is computed only in the cycles that use it, under an if: a simulator
  // then skips it in the others. The hardware does the same.)
  always_comb begin
    new_idx = '0;
    new_prim = '0;
    prim_match = '0;
    for (int i = Entries - 1; i >= 0; i--) begin
      if (free_q[i]) new_idx = IdxW'(i);
    end
    if (new_i) begin
      for (int i = Entries - 1; i >= 0; i--) begin
        prim_match[i] = primary[i] &&
                        va_q[i][mmu_pkg::VaBits-1:mmu_pkg::PageShift4k] ==
                        new_va_i[mmu_pkg::VaBits-1:mmu_pkg::PageShift4k];
        if (prim_match[i]) new_prim = IdxW'(i);
      end
    end
  end
  assign free_o       = free_q;
  assign new_merged_o = new_i && |prim_match;

  // ---- the STLB's read port --------------------------------------------------------------------
  logic               probe_begin;
  logic [IdxW-1:0]    probe_idx;
  always_comb begin
    probe_begin = 1'b0;
    probe_idx = probe_wait_q != '0 ? oldest(probe_wait_q) : '0;
    rd_o = 1'b0;
    rd_size_o = 2'(mmu_pkg::Size4k);
    rd_slot_o = probed_idx_q;
    rd_va_o = va_q[probed_idx_q];
    if (probed_q) begin
      rd_o = 1'b1;
      rd_size_o = 2'(mmu_pkg::Size2m);
    end else if (probe_wait_q != '0) begin
      probe_begin = 1'b1;
    end else if (new_i && !new_merged_o) begin
      probe_begin = 1'b1;
      probe_idx = new_idx;
    end
    if (probe_begin) begin
      rd_o = 1'b1;
      rd_slot_o = probe_idx;
      rd_va_o = probe_idx == new_idx && new_i ? new_va_i : va_q[probe_idx];
    end
  end

  // ---- the STLB's answer -----------------------------------------------------------------------
  logic [Entries-1:0] answering;
  always_comb begin
    for (int unsigned i = 0; i < Entries; i++)
      answering[i] = probing_q[i] && count_q[i] == '0;
  end
  assign ans_o        = answering != '0;
  assign ans_idx_o    = ans_o ? oldest(answering) : '0;  // (one: probes begin two cycles apart)
  assign ans_access_o = access_of(access_q[ans_idx_o]);
  assign ans_user_o   = user_q[ans_idx_o];
  assign ans_implicit_o = implicit_q[ans_idx_o];

  logic    ans_known, ans_walk;  // the probe's result is known; it waits for a walker
  result_t ans_res;
  assign ans_known = ans_o && (ans_hit_i || ans_fault_i != mmu_pkg::FaultNone) && !ans_clean_i;
  assign ans_walk  = ans_o && !ans_known;
  assign ans_res   = {ans_fault_i, mmu_pkg::level_of_size(ans_size_i), ans_pfn_i, ans_size_i,
                       ans_frac_i, ans_global_i, ans_dirty_i, ans_rights_i};

  // ---- a walk's completion ---------------------------------------------------------------------
  logic [IdxW-1:0] done_idx;
  result_t         done_res;
  assign done_idx = walk_entry_q[done_walker_i];
  assign done_res = {done_fault_i, done_level_i, done_pfn_i, done_size_i, 1'b0, done_global_i,
                     done_dirty_i, done_rights_i};

  // ---- the secondaries of the primaries whose result is known in this cycle ------------------
  // Known primary q (0: the STLB's answer, 1: the walk's), its secondaries: the entries merged
  // into it at the cycle's start, and the new miss if it merged into it. Each passes if the
  // result serves its request (the new miss's for its entry) as a hit would: no fault, the
  // access allowed, and D set for a write (16.4's check); of those that fail, the oldest is the
  // heir, a primary waiting for a walker.
  logic [1:0]         known;
  logic [IdxW-1:0]    known_idx [2];
  logic [Entries-1:0] sec_of [2], pass [2], fail [2];
  logic [IdxW-1:0]    heir [2];
  always_comb begin
    logic [3:0]         r_fault;
    logic [mmu_pkg::RightsW-1:0] r_rights;
    logic               r_dirty, new_here, user, implicit, serves;
    logic [1:0]         access;
    logic [Entries-1:0] fail_old;
    {r_fault, r_rights, r_dirty, new_here, user, implicit, serves, access, fail_old} = '0;
    known = {done_i, ans_known};
    known_idx[0] = ans_idx_o;
    known_idx[1] = done_idx;
    for (int unsigned q = 0; q < 2; q++) begin
      sec_of[q] = '0;
      pass[q] = '0;
      fail[q] = '0;
      heir[q] = '0;
      if (known[q]) begin
        {r_fault, r_rights, r_dirty} = q == 0
            ? {ans_res.fault, ans_res.rights, ans_res.dirty}
            : {done_res.fault, done_res.rights, done_res.dirty};
        for (int unsigned i = 0; i < Entries; i++) begin
          new_here = new_merged_o && IdxW'(i) == new_idx;
          sec_of[q][i] = (merged_q[i] && prim_q[i] == known_idx[q]) ||
                         (new_here && new_prim == known_idx[q]);
          access = new_here ? 2'(new_access_i) : access_q[i];
          user   = new_here ? new_user_i : user_q[i];
          implicit = new_here ? new_implicit_i : implicit_q[i];
          serves = r_fault == 4'(mmu_pkg::FaultNone) &&
                   mmu_pkg::perm_fault(r_rights, access, user, implicit, mode_i) ==
                       mmu_pkg::FaultNone &&
                   (access != 2'(mmu_pkg::AccWrite) || r_dirty);
          pass[q][i] = sec_of[q][i] && serves;
          fail[q][i] = sec_of[q][i] && !serves;
        end
        // (The new miss is the youngest: its row and column of the age matrix are set at the
        // cycle's end, so it is the heir only when it fails alone.)
        fail_old = fail[q];
        if (new_merged_o) fail_old[new_idx] = 1'b0;
        heir[q] = fail_old != '0 ? oldest(fail_old) : new_idx;
      end
    end
  end

  // ---- the miss lane ---------------------------------------------------------------------------
  logic [Entries-1:0] ready;
  logic               ml_from_ans, ml_from_done;
  result_t            ml_res;
  always_comb begin
    ready = ready_q | (ans_known ? bit_of(ans_idx_o) : '0) | (done_i ? bit_of(done_idx) : '0);
    ml_o = ready != '0;
    ml_idx_o = ml_o ? oldest(ready) : '0;
    ml_from_ans = ans_known && ml_idx_o == ans_idx_o;
    ml_from_done = done_i && ml_idx_o == done_idx;
    ml_res = ml_from_ans ? ans_res : ml_from_done ? done_res : res_q[ml_idx_o];
  end
  assign ml_id_o     = id_q[ml_idx_o];
  assign ml_va_o     = va_q[ml_idx_o];
  assign ml_access_o = access_of(access_q[ml_idx_o]);
  assign ml_user_o   = user_q[ml_idx_o];
  assign ml_walked_o = ml_from_done || (!ml_from_ans && src_walk_q[ml_idx_o] && !sec_q[ml_idx_o]);
  assign ml_source_o = (ml_from_done || (!ml_from_ans && src_walk_q[ml_idx_o])) ? mmu_pkg::SrcWalk
                                                                                 : mmu_pkg::SrcStlb;
  assign ml_clean_o  = clean_q[ml_idx_o];
  assign ml_fault_o  = ml_res.fault;
  assign ml_level_o  = ml_res.level;
  assign ml_pfn_o    = ml_res.pfn;
  assign ml_size_o   = ml_res.size;
  assign ml_frac_o   = ml_res.frac;
  assign ml_global_o = ml_res.global;
  assign ml_dirty_o  = ml_res.dirty;
  assign ml_rights_o = ml_res.rights;
  assign ml_accept_o = accept_q[ml_idx_o];

  // ---- a walk's start --------------------------------------------------------------------------
  logic [Entries-1:0] waiting;
  logic [IdxW-1:0]    start_idx;
  always_comb begin
    waiting = waiting_q | (ans_walk ? bit_of(ans_idx_o) : '0);
    start_walker_o = '0;
    for (int w = Walkers - 1; w >= 0; w--) begin
      if (w_free_i[w]) start_walker_o = WalkerW'(w);
    end
    start_o = waiting != '0 && w_free_i != '0;
    start_idx = waiting != '0 ? oldest(waiting) : '0;
  end
  assign start_va_o     = va_q[start_idx];
  assign start_access_o = access_of(access_q[start_idx]);
  assign start_user_o   = user_q[start_idx];
  assign start_implicit_o = implicit_q[start_idx];

  // ---- the next state --------------------------------------------------------------------------
  // Each event moves entries to a state; where two move one entry in a cycle, the later in this
  // list wins: the new miss, a probe's begin, the STLB's answer, a walk's completion, the
  // secondaries (of the STLB's answer, then of the walk's), a walk's start, the miss lane.
  // Taken in reverse, each moves the entries that no later one has moved.
  logic [Entries-1:0] to_free, to_probe_wait, to_probing, to_merged, to_waiting, to_walking,
                      to_ready, moved;
  always_comb begin
    logic [Entries-1:0] m;
    logic [Entries-1:0] heir_of [2];  // the heir of known primary q, if a secondary fails
    {to_free, to_probe_wait, to_probing, to_merged, to_waiting, to_walking, to_ready, moved} = '0;
    m = '0;
    inherit_o = '0;
    inherit_src_o = '0;
    for (int unsigned q = 0; q < 2; q++) heir_of[q] = fail[q] & bit_of(heir[q]);
    if (new_i || probe_begin || ans_o || done_i || start_o || ml_o) begin
      if (ml_o) begin
        to_free = bit_of(ml_idx_o);
        moved = to_free;
      end
      if (start_o) begin
        to_walking = bit_of(start_idx) & ~moved;
        moved = moved | to_walking;
      end
      for (int q = 1; q >= 0; q--) begin
        m = heir_of[q] & ~moved;
        to_waiting = to_waiting | m;
        moved = moved | m;
        m = pass[q] & ~moved;
        to_ready = to_ready | m;
        moved = moved | m;
      end
      if (done_i) begin
        m = bit_of(done_idx) & ~moved;
        to_ready = to_ready | m;
        moved = moved | m;
      end
      if (ans_o) begin
        m = bit_of(ans_idx_o) & ~moved;
        if (ans_known) to_ready = to_ready | m;
        else           to_waiting = to_waiting | m;
        moved = moved | m;
      end
      if (probe_begin) begin
        to_probing = bit_of(probe_idx) & ~moved;
        moved = moved | to_probing;
      end
      if (new_i) begin
        m = bit_of(new_idx) & ~moved;
        if (new_merged_o) to_merged = m;
        else              to_probe_wait = m;
        moved = moved | m;
      end
      // A failed secondary that becomes a primary takes its old primary's matches.
      inherit_o = heir_of[0] | heir_of[1];
      if (inherit_o != '0) begin
        for (int unsigned i = 0; i < Entries; i++) begin
          if (inherit_o[i])
            inherit_src_o[i*IdxW +: IdxW] = heir_of[1][i] ? known_idx[1] : known_idx[0];
        end
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      free_q <= '1;
      {probe_wait_q, probing_q, merged_q, waiting_q, walking_q, ready_q} <= '0;
    end else if (moved != '0) begin
      free_q       <= (free_q & ~moved) | to_free;
      probe_wait_q <= (probe_wait_q & ~moved) | to_probe_wait;
      probing_q    <= (probing_q & ~moved) | to_probing;
      merged_q     <= (merged_q & ~moved) | to_merged;
      waiting_q    <= (waiting_q & ~moved) | to_waiting;
      walking_q    <= (walking_q & ~moved) | to_walking;
      ready_q      <= (ready_q & ~moved) | to_ready;
    end
  end

  // Each entry's state as its state_e value (0 to 6 in the enum's order above), for waveforms and
  // proofs: bit k of the code is set in the states whose value has bit k.
  logic [Entries-1:0] code0, code1, code2;
  logic [2:0]         code [Entries];
  assign code0 = probe_wait_q | merged_q | walking_q;
  assign code1 = probing_q | merged_q | ready_q;
  assign code2 = waiting_q | walking_q | ready_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) probed_q <= 1'b0;
    else         probed_q <= probe_begin;
  end
  always_ff @(posedge clk_i) begin
    probed_idx_q <= probe_idx;
    if (start_o) walk_entry_q[start_walker_o] <= start_idx;
  end

  for (genvar i = 0; i < Entries; i++) begin : g_entry
    localparam logic [IdxW-1:0] Me = IdxW'(i);
    logic taken;  // the new miss takes this entry
    assign taken = new_i && new_idx == Me;
    assign code[i] = {code2[i], code1[i], code0[i]};
    mmu_wave_state #(.Width(3)) u_state_wave (.state_i(code[i]));

    // Each array's element is written at one place, its value chosen before (a simulator
    // prepares every place an array is written at, in every cycle).
    logic probe_me, ans_me, done_me, res_we, prim_we;
    logic [IdxW-1:0] prim_d;
    result_t         res_d;
    assign probe_me = probe_begin && probe_idx == Me;
    assign ans_me   = ans_o && ans_idx_o == Me;
    assign done_me  = done_i && done_idx == Me;
    // Its result: the STLB's answer or a walk's, for itself or its primary (a secondary passes).
    assign res_we = ans_me || done_me || pass[0][i] || pass[1][i];
    assign res_d  = pass[1][i] ? done_res : pass[0][i] ? ans_res : done_me ? done_res : ans_res;
    // Its primary: the new miss's, or the heir when it fails with it.
    always_comb begin
      prim_we = taken;
      prim_d = new_prim;
      for (int unsigned q = 0; q < 2; q++) begin
        if (fail[q][i] && heir[q] != Me) begin
          prim_we = 1'b1;
          prim_d = heir[q];
        end
      end
    end

    always_ff @(posedge clk_i) begin
      if (taken) begin
        va_q[i]       <= new_va_i;
        access_q[i]   <= 2'(new_access_i);
        user_q[i]     <= new_user_i;
        implicit_q[i] <= new_implicit_i;
        id_q[i]       <= new_id_i;
        accept_q[i]   <= new_accept_i;
        clean_q[i]    <= new_clean_i;
      end
      if (prim_we) prim_q[i] <= prim_d;
      // Every other entry is older than a new one; it is older than none.
      if (new_i) older_q[i] <= taken ? ~(Entries'(1) << i) : older_q[i] & ~(Entries'(1) << new_idx);
      if (probe_me || probing_q[i])
        count_q[i] <= probe_me ? CountW'(StlbLatency - 2) : count_q[i] - 1'b1;
      if (res_we) res_q[i] <= res_d;
      if (ans_me) begin
        clean_q[i]    <= clean_q[i] || ans_clean_i;
        src_walk_q[i] <= 1'b0;
        sec_q[i]      <= 1'b0;
      end
      if (done_me) begin
        src_walk_q[i] <= 1'b1;
        sec_q[i]      <= 1'b0;
      end
      for (int unsigned q = 0; q < 2; q++) begin
        if (pass[q][i]) begin
          src_walk_q[i] <= q == 1;
          sec_q[i]      <= 1'b1;
        end
      end
    end
  end

`ifdef FORMAL
  for (genvar i = 0; i < Entries; i++) begin : g_fv_entry
    assign fv_code_o[i*3 +: 3]           = code[i];
    assign fv_count_o[i*CountW +: CountW] = count_q[i];
    assign fv_prim_o[i*IdxW +: IdxW]      = prim_q[i];
    assign fv_accept_o[i*64 +: 64]        = accept_q[i];
    assign fv_older_o[i*Entries +: Entries] = older_q[i];
  end
  for (genvar w = 0; w < Walkers; w++) begin : g_fv_walker
    assign fv_walk_entry_o[w*IdxW +: IdxW] = walk_entry_q[w];
  end
  assign fv_probed_o = probed_q;
`endif

`ifdef MMU_ASSERTIONS
  `MMU_ASSERT_SETUP
  // At most one primary per page (16.4): a new miss matches at most one.
  `MMU_ASSERT(a_one_primary_per_page, !new_i || $onehot0(prim_match),
              ("mmu_miss_queue: entries %b are all primaries of page 0x%h", prim_match,
               new_va_i[mmu_pkg::VaBits-1:mmu_pkg::PageShift4k]))
  // A new miss finds a free entry (ready's rule, 16.2).
  `MMU_ASSERT(a_entry_free, !new_i || free_q != '0,
              ("mmu_miss_queue: a miss with no free entry"))
  // One probe answers a cycle (probes begin two cycles apart).
  `MMU_ASSERT(a_one_answer, $onehot0(answering),
              ("mmu_miss_queue: probes of entries %b answer at once", answering))
  // The entries' invariants below are of their registers alone (and the walkers' busy bits,
  // which change with them): simulation checks them in the cycles after an edge that changed
  // them (chg_q), a proof in every cycle.
  logic chg_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) chg_q <= 1'b1;
    else         chg_q <= new_i || probe_begin || ans_o || done_i || start_o || ml_o ||
                          probing_q != '0;
  end
  logic ages_chg_q;  // (the age matrix's: a new miss)
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) ages_chg_q <= 1'b1;
    else         ages_chg_q <= new_i;
  end
  // The IDs the entries hold, each once (with mmu_top's a_ids_open, the ID contract).
  always_comb begin
    fv_ids_o = '0;
    for (int unsigned i = 0; i < Entries; i++)
      if (!free_q[i]) fv_ids_o[id_q[i]] = 1'b1;
  end
  logic [5:0] fv_used, fv_ids_count;
  always_comb begin
    fv_used = 6'($countones(~free_q));
    fv_ids_count = 6'($countones(fv_ids_o));
  end
  `MMU_ASSERT_STATE(a_entry_ids_unique, chg_q, fv_used == fv_ids_count,
              ("mmu_miss_queue: %0d entries in use hold %0d IDs", fv_used, fv_ids_count))
  // Each busy walker walks for an entry in state walking, and each such entry has its walker.
  for (genvar w = 0; w < Walkers; w++) begin : g_assert_walker
    logic [2:0]      walked_state;
    logic [IdxW-1:0] walked_entry;
    assign walked_entry = walk_entry_q[w];
    assign walked_state = code[walked_entry];
    `MMU_ASSERT_STATE(a_walker_entry, chg_q, w_free_i[w] || walking_q[walked_entry],
                ("mmu_miss_queue: walker %0d busy for entry %0d in state %0d", w, walked_entry,
                 walked_state))
  end
  // Two busy walkers walk for two entries.
  for (genvar a = 0; a < Walkers; a++) begin : g_assert_walker_a
    for (genvar b = a + 1; b < Walkers; b++) begin : g_b
      logic [IdxW-1:0] entry_a, entry_b;
      assign entry_a = walk_entry_q[a];
      assign entry_b = walk_entry_q[b];
      `MMU_ASSERT_STATE(a_walkers_apart, chg_q,
                        w_free_i[a] || w_free_i[b] || entry_a != entry_b,
                       ("mmu_miss_queue: walkers %0d and %0d both walk for entry %0d", a, b,
                        entry_a))
    end
  end
  for (genvar i = 0; i < Entries; i++) begin : g_assert_entry
    logic              walked;
    logic [2:0]        state;
    logic [CountW-1:0] count;
    logic [IdxW-1:0]   prim;
    assign state = code[i];
    assign count = count_q[i];
    assign prim  = prim_q[i];
    always_comb begin
      walked = 1'b0;
      for (int unsigned w = 0; w < Walkers; w++)
        if (!w_free_i[w] && walk_entry_q[w] == IdxW'(i)) walked = 1'b1;
    end
    // The age matrix orders the entries in use, the only ones oldest() is asked about: none
    // older than itself, and of two exactly one the older (which the proofs' induction needs).
    // Only a new miss writes the matrix or takes a free entry, and freeing one keeps the order
    // of the others: these are checked after the edges of new misses (ages_chg_q).
    logic self_older;
    assign self_older = older_q[i][i];
    `MMU_ASSERT_STATE(a_age_irreflexive, ages_chg_q, free_q[i] || !self_older,
                     ("mmu_miss_queue: entry %0d older than itself", i))
    for (genvar j = i + 1; j < Entries; j++) begin : g_pair
      logic       j_older, i_older;  // entry j is older than entry i; i than j
      assign j_older = older_q[i][j];
      assign i_older = older_q[j][i];
      `MMU_ASSERT_STATE(a_ages_ordered, ages_chg_q,
                        free_q[i] || free_q[j] || j_older != i_older,
                       ("mmu_miss_queue: entries %0d and %0d both older, or neither", i, j))
    end
    `MMU_ASSERT_STATE(a_entry_walker, chg_q, walking_q[i] == walked,
                ("mmu_miss_queue: entry %0d in state %0d, walked %b", i, state, walked))
    // A secondary's primary is a primary (with a_one_primary_per_page, no entry is orphaned).
    logic [2:0] prim_state;
    assign prim_state = code[prim];
    `MMU_ASSERT_STATE(a_primary_live, chg_q, !merged_q[i] || primary[prim],
                ("mmu_miss_queue: entry %0d merged into entry %0d in state %0d", i, prim,
                 prim_state))
    // A result kept for the miss lane is one a translation can give (mmu_top's
    // a_resp_size_fits, by induction).
    /* verilator lint_off UNUSEDSIGNAL */  // (the check reads the fault, size and level only)
    result_t res;
    /* verilator lint_on UNUSEDSIGNAL */
    assign res = res_q[i];
    `MMU_ASSERT_STATE(a_result_fits, chg_q,
                      !ready_q[i] || mmu_pkg::result_fits(res.fault, res.size, res.level),
                ("mmu_miss_queue: entry %0d ready with size %0d at level %0d", i, res.size,
                 res.level))
    `MMU_ASSERT_STATE(a_probe_count, chg_q,
                      !probing_q[i] || count <= CountW'(StlbLatency - 2),
                ("mmu_miss_queue: entry %0d probing with count %0d", i, count))
    `MMU_ASSERT_STATE(a_probe_begun, chg_q,
                      !(probing_q[i] && count == CountW'(StlbLatency - 2)) ||
                      (probed_q && probed_idx_q == IdxW'(i)),
                ("mmu_miss_queue: entry %0d began its probe; the port reads for entry %0d (%b)",
                 i, probed_idx_q, probed_q))
  end
  // Each entry is in exactly one state: of the state vectors, every entry is in one (in_one)
  // and none in two (in_two).
  logic [Entries-1:0] in_one, in_two;
  always_comb begin
    in_one = '0;
    in_two = '0;
    for (int unsigned k = 0; k < 7; k++) begin
      logic [Entries-1:0] v;
      unique case (k)
        0:       v = free_q;
        1:       v = probe_wait_q;
        2:       v = probing_q;
        3:       v = merged_q;
        4:       v = waiting_q;
        5:       v = walking_q;
        default: v = ready_q;
      endcase
      in_two = in_two | (in_one & v);
      in_one = in_one | v;
    end
  end
  `MMU_ASSERT_STATE(a_state_legal, chg_q, in_one == '1 && in_two == '0,
                    ("mmu_miss_queue: entries %b in no state, entries %b in two", ~in_one,
                     in_two))
  // Two probes under way began at least two cycles apart (each reads the port twice): no two
  // probing entries have equal or adjacent counts. near has the bit of each count seen (a count
  // a_probe_count rejects sets the top one).
  logic [StlbLatency-1:0] near;
  logic [IdxW-1:0]        too_near;  // an entry whose count is at most 1 from another's
  logic                   probes_apart;
  always_comb begin
    logic [StlbLatency-1:0] at;
    at = '0;
    near = '0;
    too_near = '0;
    probes_apart = 1'b1;
    for (int unsigned i = 0; i < Entries; i++) begin
      if (probing_q[i]) begin
        at = count_q[i] <= CountW'(StlbLatency - 2) ? StlbLatency'(1) << count_q[i]
                                                     : StlbLatency'(1) << (StlbLatency - 1);
        if ((near & (at | at << 1 | at >> 1)) != '0) begin
          probes_apart = 1'b0;
          too_near = IdxW'(i);
        end
        near = near | at;
      end
    end
  end
  logic [CountW-1:0] too_near_count;
  assign too_near_count = count_q[too_near];
  `MMU_ASSERT_STATE(a_probes_apart, chg_q, probes_apart,
                    ("mmu_miss_queue: entry %0d probes with count %0d, near another (counts %b)",
                     too_near, too_near_count, near))
  // The STLB's read port holds the 2 MiB read of a probe begun in the cycle before: its entry
  // is probing, with its count as the probe's begin set it (and such an entry's probe is the
  // one the port holds).
  logic [2:0]        probed_state;
  logic [CountW-1:0] probed_count;
  assign probed_state = code[probed_idx_q];
  assign probed_count = count_q[probed_idx_q];
  `MMU_ASSERT_STATE(a_probed_probing, chg_q,
                    !probed_q || (probing_q[probed_idx_q] &&
                                  probed_count == CountW'(StlbLatency - 2)),
                    ("mmu_miss_queue: the port reads for entry %0d, in state %0d with count %0d",
                     probed_idx_q, probed_state, probed_count))
  // A walk completes for an entry being walked.
  logic [2:0] done_state;
  assign done_state = code[done_idx];
  `MMU_ASSERT(a_done_walking, !done_i || walking_q[done_idx],
              ("mmu_miss_queue: walker %0d completes for entry %0d, in state %0d", done_walker_i,
               done_idx, done_state))
`endif
endmodule
