// A self-checking SystemVerilog bench of mmu_top with the model as its scoreboard, through DPI-C
// (dpi/mmusim_dpi_pkg.sv), as a UVM scoreboard would use it: every response is compared with the
// model's translation of that ID's request (address, page size, fault, error code, level), on
// the same page tables, mode and CR3. The bench's memory model serves both: the RTL through its
// memory port, the model through the functions this module exports (a copy of the same tables,
// so that each side sets its own A and D bits).
//
// Built with Verilator's --binary --timing (tb/dpi/run.sh). Plusargs: +seed=N (the random stream, printed),
// +requests=N (random requests, default 3000). tb_params.svh, written by run.sh, gives the
// configuration: MMU_PARAMS (mmu_top's parameter list), MMU_PARAM_TEXT (the same as text, for
// the model), MMU_ID_BITS, MMU_TAG_BITS, MMU_PA_BITS.
`include "tb_params.svh"

module tb_mmu_dpi;
  import mmusim_dpi_pkg::*;

  localparam int IdBits = `MMU_ID_BITS;
  localparam int TagBits = `MMU_TAG_BITS;
  localparam int MemLatency = 20;  // cycles from a walker access's acceptance to its response
  localparam longint unsigned AddrMask = 64'h000f_ffff_ffff_f000;

  logic clk = 1'b0, rst_n = 1'b0;
  always #5 clk = ~clk;

  // ---- the DUT ---------------------------------------------------------------------------------
  logic              req_valid = 1'b0, req_ready, req_user = 1'b0, req_implicit = 1'b0;
  logic [63:0]       req_vaddr = '0;
  logic [1:0]        req_type = '0;
  logic [IdBits-1:0] req_id = '0;
  logic              resp_valid [2];
  logic [`MMU_PA_BITS-1:0] resp_paddr [2];
  logic [1:0]        resp_size [2], resp_source [2];
  logic [3:0]        resp_fault [2];
  logic [5:0]        resp_error [2];
  logic [2:0]        resp_level [2];
  logic [IdBits-1:0] resp_id [2];
  logic              ctrl_valid = 1'b0, ctrl_ready, ctrl_done;
  logic [2:0]        ctrl_op = '0;
  logic [63:0]       ctrl_value = '0;
  logic [11:0]       ctrl_pcid = '0;
  logic [1:0]        ctrl_invpcid_type = '0;
  logic              ctrl_wp = 1'b0, ctrl_nxe = 1'b0, ctrl_smep = 1'b0, ctrl_smap = 1'b0;
  logic              ctrl_pke = 1'b0, ctrl_ac = 1'b0;
  logic [31:0]       ctrl_pkru = '0;
  logic               mem_req_valid, mem_req_we, mem_req_setbits;
  logic [TagBits-1:0] mem_req_tag;
  logic [`MMU_PA_BITS-1:0] mem_req_addr;
  logic [63:0]        mem_req_wdata;
  logic               mem_rsp_valid = 1'b0;
  logic [TagBits-1:0] mem_rsp_tag = '0;
  logic [63:0]        mem_rsp_rdata = '0;

  /* verilator lint_off PINMISSING */  // (the event counters are the lockstep benches' to check)
  mmu_top `MMU_PARAMS u_dut (
    .clk_i(clk), .rst_ni(rst_n),
    .req_valid_i(req_valid), .req_ready_o(req_ready), .req_vaddr_i(req_vaddr),
    .req_type_i(req_type), .req_user_i(req_user), .req_implicit_i(req_implicit),
    .req_id_i(req_id),
    .resp_valid_o(resp_valid[0]), .resp_paddr_o(resp_paddr[0]), .resp_size_o(resp_size[0]),
    .resp_fault_o(resp_fault[0]), .resp_error_o(resp_error[0]), .resp_level_o(resp_level[0]),
    .resp_source_o(resp_source[0]), .resp_id_o(resp_id[0]),
    .mresp_valid_o(resp_valid[1]), .mresp_paddr_o(resp_paddr[1]), .mresp_size_o(resp_size[1]),
    .mresp_fault_o(resp_fault[1]), .mresp_error_o(resp_error[1]),
    .mresp_level_o(resp_level[1]), .mresp_source_o(resp_source[1]), .mresp_id_o(resp_id[1]),
    .ctrl_valid_i(ctrl_valid), .ctrl_ready_o(ctrl_ready), .ctrl_op_i(ctrl_op),
    .ctrl_value_i(ctrl_value), .ctrl_pcid_i(ctrl_pcid), .ctrl_invpcid_type_i(ctrl_invpcid_type),
    .ctrl_wp_i(ctrl_wp), .ctrl_nxe_i(ctrl_nxe), .ctrl_smep_i(ctrl_smep),
    .ctrl_smap_i(ctrl_smap), .ctrl_pke_i(ctrl_pke), .ctrl_ac_i(ctrl_ac),
    .ctrl_pkru_i(ctrl_pkru), .ctrl_done_o(ctrl_done),
    .mem_req_valid_o(mem_req_valid), .mem_req_ready_i(1'b1), .mem_req_tag_o(mem_req_tag),
    .mem_req_addr_o(mem_req_addr), .mem_req_we_o(mem_req_we),
    .mem_req_setbits_o(mem_req_setbits), .mem_req_wdata_o(mem_req_wdata),
    .mem_rsp_valid_i(mem_rsp_valid), .mem_rsp_tag_i(mem_rsp_tag), .mem_rsp_err_i(1'b0),
    .mem_rsp_rdata_i(mem_rsp_rdata)
  );
  /* verilator lint_on PINMISSING */

  // ---- the bench's memory: the RTL's, and the model's copy through the exports ---------------
  longint unsigned rtl_mem [longint unsigned];
  longint unsigned model_mem [longint unsigned];
  export "DPI-C" function mmusim_dpi_bench_read;
  export "DPI-C" function mmusim_dpi_bench_write;
  function automatic int mmusim_dpi_bench_read(input longint unsigned paddr,
                                               output longint unsigned value);
    value = model_mem.exists(paddr) ? model_mem[paddr] : 64'd0;
    return 0;
  endfunction
  function automatic int mmusim_dpi_bench_write(input longint unsigned paddr,
                                                input longint unsigned value);
    model_mem[paddr] = value;
    return 0;
  endfunction

  // Page tables, 4-level, as an OS writes them: tables above a leaf P|RW|US.
  longint unsigned next_frame = 64'h10_0000;
  longint unsigned root;
  function automatic longint unsigned frame();
    frame = next_frame;
    next_frame += 64'h1000;
  endfunction
  function automatic void map(longint unsigned va, longint unsigned pa, int leaf_level,
                              longint unsigned flags);
    longint unsigned table_pa = root, entry;
    for (int level = 4; level >= leaf_level; level--) begin
      entry = table_pa + 8 * ((va >> (12 + 9 * (level - 1))) & 511);
      if (level == leaf_level) begin
        rtl_mem[entry] = pa | flags | 64'h1 | (level > 1 ? 64'h80 : 64'h0);
        return;
      end
      if (!rtl_mem.exists(entry) || !rtl_mem[entry][0]) rtl_mem[entry] = frame() | 64'h7;
      table_pa = rtl_mem[entry] & AddrMask;
    end
  endfunction

  // ---- one cycle ------------------------------------------------------------------------------
  // Everything happens at the falling edge, where nothing of the DUT moves: the inputs of the
  // cycle staged by the tasks below (nxt_*) are applied, and 1 ns later the cycle's outputs are
  // read: responses scored, memory accesses performed, handshakes seen. So an input applied at
  // the falling edge of cycle c is what the DUT samples at the rising edge ending c.
  longint unsigned cycle = 0;
  typedef struct {
    longint unsigned due;
    logic [TagBits-1:0] tag;
    longint unsigned data;
  } mem_rsp_t;
  mem_rsp_t rsp_q[$];
  logic              nxt_req_valid = 1'b0, nxt_req_user = 1'b0, nxt_req_implicit = 1'b0;
  logic [63:0]       nxt_req_vaddr = '0;
  logic [1:0]        nxt_req_type = '0;
  logic [IdBits-1:0] nxt_req_id = '0;
  logic              nxt_ctrl_valid = 1'b0;
  bit req_accepted, ctrl_accepted, ctrl_completed;

  task automatic step();
    @(negedge clk);
    {req_valid, req_vaddr, req_type, req_user, req_implicit, req_id} =
        {nxt_req_valid, nxt_req_vaddr, nxt_req_type, nxt_req_user, nxt_req_implicit, nxt_req_id};
    ctrl_valid = nxt_ctrl_valid;
    // The memory's response of this cycle: each MemLatency cycles after its access, in order.
    if (rsp_q.size() != 0 && rsp_q[0].due <= cycle) begin
      {mem_rsp_valid, mem_rsp_tag, mem_rsp_rdata} = {1'b1, rsp_q[0].tag, rsp_q[0].data};
      void'(rsp_q.pop_front());
    end else begin
      mem_rsp_valid = 1'b0;
    end
    #1;
    if (rst_n) begin
      if (mem_req_valid) begin  // (always ready: accepted at this cycle's end)
        mem_rsp_t r;
        longint unsigned a = 64'(mem_req_addr);
        r.tag = mem_req_tag;
        r.data = 0;
        r.due = cycle + MemLatency;
        if (rsp_q.size() != 0 && rsp_q[rsp_q.size() - 1].due >= r.due)
          r.due = rsp_q[rsp_q.size() - 1].due + 1;
        if (mem_req_we)
          rtl_mem[a] = mem_req_setbits ? mem_req_wdata | (rtl_mem.exists(a) ? rtl_mem[a] : 64'd0)
                                       : mem_req_wdata;
        else r.data = rtl_mem.exists(a) ? rtl_mem[a] : 64'd0;
        rsp_q.push_back(r);
      end
      for (int lane = 0; lane < 2; lane++) if (resp_valid[lane]) score(lane);
    end
    req_accepted = req_valid && req_ready;
    ctrl_accepted = ctrl_valid && ctrl_ready;
    ctrl_completed = ctrl_done;
    cycle++;
  endtask

  // ---- the scoreboard ----------------------------------------------------------------------
  chandle h, f;
  int unsigned seed = 1, requests = 3000;
  bit debug = 1'b0;
  bit [(1 << IdBits)-1:0] open_ids = '0;
  longint unsigned open_va [1 << IdBits];
  int open_access [1 << IdBits];
  bit open_user [1 << IdBits], open_implicit [1 << IdBits];
  int checked = 0, mismatches = 0, prot_changes = 0;
  int large_offsets = 0;  // translations of a 1 GiB page beyond its first 2 MiB
  int faults_seen [16];

  function automatic void score(int lane);
    longint unsigned paddr, accept, resp_cycle;
    int page_shift, fault, error_code, level, source, id, want_size;
    int rid = int'(resp_id[lane]);
    if (!open_ids[rid]) begin
      $error("MISMATCH seed %0d cycle %0d: ID %0d answered and not open", seed, cycle, rid);
      mismatches++;
      return;
    end
    open_ids[rid] = 1'b0;
    if (debug) $display("cycle %0d: lane %0d answered ID %0d", cycle, lane, rid);
    if (mmusim_dpi_translate(h, open_va[rid], open_access[rid], int'(open_user[rid]),
                             int'(open_implicit[rid]), mmusim_dpi_next_free_cycle(h), paddr,
                             page_shift, fault, error_code, level, source, accept, resp_cycle,
                             id) != 0)
      $fatal(1, "the model refused a request: %s", mmusim_dpi_error(h));
    want_size = page_shift == 30 ? 2 : page_shift == 21 ? 1 : 0;
    checked++;
    faults_seen[fault]++;
    if (fault == FaultNone && page_shift == 30 && ((open_va[rid] >> 21) & 511) != 0)
      large_offsets++;
    if (64'(resp_paddr[lane]) != paddr || int'(resp_size[lane]) != want_size ||
        int'(resp_fault[lane]) != fault || int'(resp_error[lane]) != error_code ||
        int'(resp_level[lane]) != level) begin
      mismatches++;
      $error("MISMATCH seed %0d cycle %0d: access %0d user %0d va=%h (ID %0d, %s lane): RTL %h size %0d fault %0d ec %h level %0d; the model %h size %0d fault %0d ec %h level %0d; replay with +seed=%0d",
             seed, cycle, open_access[rid], open_user[rid], open_va[rid], rid,
             lane == 0 ? "hit" : "miss", resp_paddr[lane], resp_size[lane], resp_fault[lane],
             resp_error[lane], resp_level[lane], paddr, want_size, fault, error_code, level,
             seed);
    end
  endfunction

  // A response of the in-flight model (the ID's address, its answer, whether the ID was out)
  // against the blocking model's translation of the same read.
  function automatic bit check_in_flight(longint unsigned va, longint unsigned pa, int flt,
                                         bit was_waiting);
    longint unsigned want, acc, rc_cycle;
    int shift, f, ec, lvl, src, id;
    if (!was_waiting) $fatal(1, "dpi bench: an in-flight response to an ID not out");
    if (mmusim_dpi_translate(h, va, AccRead, 0, 0, mmusim_dpi_next_free_cycle(h), want, shift, f,
                             ec, lvl, src, acc, rc_cycle, id) != 0)
      $fatal(1, "dpi bench: %s", mmusim_dpi_error(h));
    if (want != pa || f != flt)
      $fatal(1, "dpi bench: in flight va %h: %h fault %0d, blocking %h fault %0d", va, pa, flt,
             want, f);
    return 1'b1;
  endfunction

  // The package's requests in flight: a second model of the same configuration on the same
  // memory takes every directed page at once under distinct IDs (issue), runs to each event
  // (advance) and gives its responses (poll), in any order; each must be what the blocking
  // model answers (run while both have the reset's mode), and every ID answered once.
  task automatic in_flight_check(chandle f);
    longint unsigned at, pa, acc, rc_cycle, done;
    int shift, flt, ec, lvl, src, id, n = 0, polled = 0;
    bit [(1 << IdBits)-1:0] waiting = '0;
    longint unsigned va_of [1 << IdBits];
    if (mmusim_dpi_control(f, OpLoadCr3, 0, root, 0, 0, 0, 0, done) != 0)
      $fatal(1, "dpi bench: the in-flight model: %s", mmusim_dpi_error(f));
    foreach (pages_va[k]) begin
      if (&waiting) begin  // every ID out: take one response first
        while (mmusim_dpi_poll(f, pa, shift, flt, ec, lvl, src, acc, rc_cycle, id) == 0)
          if (mmusim_dpi_advance(f, mmusim_dpi_next_event(f)) != 0)
            $fatal(1, "dpi bench: advance: %s", mmusim_dpi_error(f));
        void'(check_in_flight(va_of[id], pa, flt, waiting[id]));
        waiting[id] = 1'b0;
        polled++;
      end
      for (id = 0; waiting[id]; id++) begin end
      if (mmusim_dpi_issue(f, pages_va[k], AccRead, 0, 0, id, mmusim_dpi_next_free_cycle(f),
                           at) != 0)
        $fatal(1, "dpi bench: issue: %s", mmusim_dpi_error(f));
      waiting[id] = 1'b1;
      va_of[id] = pages_va[k];
      n++;
    end
    while (mmusim_dpi_outstanding(f) != 0 || waiting != '0) begin
      int got = mmusim_dpi_poll(f, pa, shift, flt, ec, lvl, src, acc, rc_cycle, id);
      if (got < 0) $fatal(1, "dpi bench: poll: %s", mmusim_dpi_error(f));
      if (got == 1) begin
        void'(check_in_flight(va_of[id], pa, flt, waiting[id]));
        waiting[id] = 1'b0;
        polled++;
      end else if (mmusim_dpi_advance(f, mmusim_dpi_next_event(f)) != 0) begin
        $fatal(1, "dpi bench: advance: %s", mmusim_dpi_error(f));
      end
    end
    if (polled != n) $fatal(1, "dpi bench: %0d requests in flight, %0d answered", n, polled);
    $display("dpi bench: %0d requests in flight through the package, each answered once as the blocking model answers", n);
    mmusim_dpi_free(f);
  endtask

  // ---- the stimulus ------------------------------------------------------------------------
  longint unsigned pages_va [$];
  int pages_level [$];

  function automatic longint unsigned pick_address();
    int r = $urandom_range(99);
    int k;
    longint unsigned span;
    if (r < 3) return 64'h0000_9000_0000_0000 + 64'($urandom_range(1 << 20));  // non-canonical
    if (r < 8) return 64'h7e00_0000_0000 + 64'($urandom);                   // not mapped
    k = $urandom_range(pages_va.size() - 1);
    span = 64'd1 << (12 + 9 * (pages_level[k] - 1));
    if (pages_level[k] == 3 && $urandom_range(99) < 80) span = 64'd4 << 21;
    return pages_va[k] + ((({$urandom, $urandom}) % span) & ~64'd7);
  endfunction

  task automatic control(int op, longint unsigned value, int flags, int pkru);
    longint unsigned done;
    while (open_ids != '0) step();
    ctrl_op = 3'(op);
    ctrl_value = value;
    {ctrl_wp, ctrl_nxe, ctrl_smep, ctrl_smap, ctrl_pke, ctrl_ac} =
        {flags[0], flags[1], flags[2], flags[3], flags[4], flags[5]};
    ctrl_pkru = 32'(pkru);
    nxt_ctrl_valid = 1'b1;
    do step(); while (!ctrl_accepted);
    nxt_ctrl_valid = 1'b0;
    while (!ctrl_completed) step();
    if (mmusim_dpi_control(h, op, mmusim_dpi_next_free_cycle(h), value, 0, 0, flags, pkru,
                           done) != 0)
      $fatal(1, "the model refused control operation %0d: %s", op, mmusim_dpi_error(h));
  endtask

  task automatic request(longint unsigned va, int access, bit user, bit implicit);
    int rid;
    while (&open_ids) step();
    do rid = $urandom_range((1 << IdBits) - 1); while (open_ids[rid]);
    {nxt_req_valid, nxt_req_vaddr, nxt_req_type, nxt_req_user, nxt_req_implicit, nxt_req_id} =
        {1'b1, va, 2'(access), user, implicit, IdBits'(rid)};
    do step(); while (!req_accepted);
    nxt_req_valid = 1'b0;
    if (debug) $display("cycle %0d: accepted ID %0d va %h", cycle, rid, va);
    open_ids[rid] = 1'b1;
    open_va[rid] = va;
    open_access[rid] = access;
    open_user[rid] = user;
    open_implicit[rid] = implicit;
  endtask

  initial begin
    longint unsigned kinds [5] = '{64'h6, 64'h4, 64'h2, 64'h8000_0000_0000_0006, 64'h102};
    int total;
    void'($value$plusargs("seed=%d", seed));
    void'($value$plusargs("requests=%d", requests));
    debug = $test$plusargs("debug");
    void'($urandom(seed));
    $display("dpi bench: seed %0d (replay: +seed=%0d), %0d requests, parameters %s", seed, seed,
             requests, `MMU_PARAM_TEXT);
    h = mmusim_dpi_new_rtl(`MMU_PARAM_TEXT, MemLatency);
    if (mmusim_dpi_ok(h) == 0) $fatal(1, "the model: %s", mmusim_dpi_error(h));
    if (mmusim_dpi_use_bench_memory(h) != 0) $fatal(1, "the model: %s", mmusim_dpi_error(h));
    // A second model of the configuration on the same memory, for the requests in flight.
    // (use_bench_memory is called here, in the module's own scope: the exports' scope.)
    f = mmusim_dpi_new_rtl(`MMU_PARAM_TEXT, MemLatency);
    if (mmusim_dpi_ok(f) == 0 || mmusim_dpi_use_bench_memory(f) != 0)
      $fatal(1, "the in-flight model: %s", mmusim_dpi_error(f));
    // A refused configuration reaches the bench as a message, not an abort.
    begin
      chandle bad = mmusim_dpi_new("stlb.entriez=4");
      if (mmusim_dpi_ok(bad) != 0) $fatal(1, "a bad configuration was accepted");
      $display("dpi bench: a bad configuration is refused: %s", mmusim_dpi_error(bad));
      mmusim_dpi_free(bad);
    end

    root = frame();
    for (int i = 0; i < 48; i++) begin
      longint unsigned va = 64'h7f00_0000_0000 + 64'(i / 16) * 64'h4000_0000 + 64'(i % 16) * 64'h3000;
      map(va, 64'h4000_0000 + 64'(i) * 64'h1000, 1, kinds[$urandom_range(4)]);
      pages_va.push_back(va);
      pages_level.push_back(1);
    end
    for (int i = 0; i < 6; i++) begin
      longint unsigned va = 64'h6_0000_0000 + 64'(i) * 64'h20_0000;
      map(va, 64'h8000_0000 + 64'(i) * 64'h20_0000, 2, kinds[$urandom_range(4)]);
      pages_va.push_back(va);
      pages_level.push_back(2);
    end
    for (int i = 0; i < 2; i++) begin
      longint unsigned va = 64'h80_0000_0000 + 64'(i) * 64'h4000_0000;
      map(va, 64'h1_0000_0000 * 64'(i + 1), 3, kinds[$urandom_range(4)]);
      pages_va.push_back(va);
      pages_level.push_back(3);
    end
    model_mem = rtl_mem;

    repeat (3) step();
    rst_n = 1'b1;
    step();
    control(OpLoadCr3, root, 0, 0);
    // Directed: every page, each access, user and supervisor.
    foreach (pages_va[k])
      for (int access = 0; access < 3; access++)
        for (int user = 0; user < 2; user++) request(pages_va[k], access, user[0], 1'b0);
    in_flight_check(f);
    // Random, with mode, protection-key, INVLPG and flush changes under way.
    for (int i = 1; i <= int'(requests); i++) begin
      int access = $urandom_range(3) == 0 ? AccWrite : $urandom_range(3) == 0 ? AccFetch
                                                                               : AccRead;
      bit user = $urandom_range(1) == 1;
      bit implicit = !user && access != AccFetch && $urandom_range(9) == 0;
      if (i % 250 == 0)
        case ((i / 250) % 4)
          1: begin
            // The first two settings are fixed, so that every run meets SMEP, SMAP without
            // AC, and a key-0 page whose writes, then accesses, PKRU forbids; then random.
            int flags = (($urandom_range(1) == 1) ? FlagSmep : 0) |
                        (($urandom_range(1) == 1) ? FlagSmap : 0) | FlagPke |
                        (($urandom_range(1) == 1) ? FlagAc : 0);
            // (Key 0, every page's, forbids all data accesses a quarter of the time only, so
            // that user pages keep answering: the large pages' offsets are checked through them.)
            int pkru = int'($urandom) & ($urandom_range(3) == 0 ? ~0 : ~1);
            if (prot_changes == 0) {flags, pkru} = {FlagSmep | FlagSmap | FlagPke, (pkru & ~1) | 2};
            if (prot_changes == 1) {flags, pkru} = {FlagSmap | FlagPke | FlagAc, pkru & ~1};
            prot_changes++;
            control(OpSetProt, 0, flags, pkru);
          end
          2: control(OpInvlpg, pages_va[$urandom_range(pages_va.size() - 1)], 0, 0);
          3: control(OpSetMode, 0, (($urandom_range(9) < 7) ? FlagWp : 0) |
                     (($urandom_range(9) < 8) ? FlagNxe : 0), 0);
          default: control(OpFlushAll, 0, 0, 0);
        endcase
      request(pick_address(), access, user, implicit);
    end
    total = pages_va.size() * 6 + int'(requests);
    for (int c = 0; c < 20000 && open_ids != '0; c++) step();
    if (open_ids != '0) $fatal(1, "seed %0d: IDs %b never answered", seed, open_ids);
    $display("dpi bench: %0d responses scored against the model, %0d mismatches; faults seen: none %0d, not-present %0d, write %0d, user %0d, nx %0d, non-canonical %0d, smep %0d, smap %0d, pk %0d",
             checked, mismatches, faults_seen[0], faults_seen[1], faults_seen[3],
             faults_seen[4], faults_seen[5], faults_seen[6], faults_seen[8], faults_seen[9],
             faults_seen[10]);
    if (mismatches != 0 || checked != total) $fatal(1, "dpi bench: FAILED");
    if (requests >= 1000 && large_offsets < 5)
      $fatal(1, "dpi bench: seed %0d: %0d translations of 1 GiB pages beyond 2 MiB", seed,
             large_offsets);
    if (requests >= 3000)
      for (int f = 0; f <= 10; f++)
        if (f != 2 && f != 7 && faults_seen[f] == 0)
          $fatal(1, "dpi bench: seed %0d: fault %0d never seen", seed, f);
    // A study through the package (+study=TRACE, +study_config=KEYS): its report, which run.sh
    // compares with `mmusim run --json`'s.
    begin
      string trace, keys = "";
      if ($value$plusargs("study=%s", trace)) begin
        string report;
        void'($value$plusargs("study_config=%s", keys));
        report = mmusim_dpi_run_json(h, keys, trace);
        if (report == "") $fatal(1, "dpi bench: the study: %s", mmusim_dpi_error(h));
        $display("dpi bench: study report follows\n%s--- end of report", report);
      end
    end
    mmusim_dpi_free(h);
    $display("dpi bench: PASSED");
    $finish;
  end
endmodule
