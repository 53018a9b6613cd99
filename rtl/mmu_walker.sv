// The hardware page walker (docs/ARCHITECTURE.md, sections 3 and 8; model/walker.c). One walk at
// a time, level by level, as model/walker.c does it:
//   start (cycle s)  the PML5E (with La57), PML4E, PDPTE and PDE caches (mmu_pscs) are looked
//                    up; start below the deepest hit, or at the top level (4, or 5 with La57)
//   RD_REQ           present the read of this level's entry until the memory accepts it; in
//                    the cycle it is accepted, the entry above it (which the walk went down
//                    through) fills its paging-structure cache (16.5)
//   RD_WAIT          when the data arrives, check it: fault, write back A/D, go down, or finish
//   WR_REQ, WR_WAIT  the A/D write-back of the entry: the whole entry with A (and D) set, or
//                    with SetBits (more than one walker) a set-bits write, whose data is the bits
//                    to set and which the memory ORs into the entry as it performs it (16.5)
//   (a response with mem_rsp_err_i, read or write, ends the walk with the fault bus-error at
//   this level: docs/ARCHITECTURE.md 16.5)
//   DONE             the response cycle (done_o), one cycle after the last memory response
`include "mmu_assert.svh"

module mmu_walker #(
  parameter int unsigned PaBits = 46,
  parameter bit          SetBits = 1'b0,
  parameter bit          La57 = 1'b0,  // 5-level paging: CR3 points to a PML5
  parameter bit          Pdpe1gb = 1'b1,  // 1 GiB pages: a PDPTE with PS = 1 is a leaf
  localparam int unsigned PfnW = PaBits - mmu_pkg::PageShift4k,
  localparam int unsigned NumPscs = mmu_pkg::NumPscs
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  // Walk request, in the cycle the walk starts.
  input  logic              start_i,
  input  mmu_pkg::va_t      va_i,
  input  mmu_pkg::access_e  access_i,
  input  logic              user_i,
  input  logic              implicit_i,
  input  mmu_pkg::pcid_t    pcid_i,
  input  logic [PfnW-1:0]   root_i,
  // The mode the leaf is checked against (mmu_ctrl's): it holds still while a walk is in
  // flight, since a control operation waits for every request to answer (16.7).
  input  mmu_pkg::mode_t    mode_i,
  // Result, in the response cycle.
  output logic              idle_o,   // no walk: a walk may start
  output logic              done_o,
  output mmu_pkg::fault_e   fault_o,
  output mmu_pkg::level_t   level_o,
  output logic [PfnW-1:0]   pfn_o,
  output logic [1:0]        size_o,   // the page's mmu_pkg::size_e
  output logic              global_o,
  output logic              dirty_o,
  output mmu_pkg::rights_t  rights_o,
  // Memory port.
  output logic              mem_req_valid_o,
  input  logic              mem_req_ready_i,
  output logic [PaBits-1:0] mem_req_addr_o,
  output logic              mem_req_we_o,
  output logic              mem_req_setbits_o,  // the write is a set-bits write (SetBits)
  output logic [63:0]       mem_req_wdata_o,
  input  logic              mem_rsp_valid_i,
  input  logic              mem_rsp_err_i,    // with mem_rsp_valid_i: an error, not data
  input  logic [63:0]       mem_rsp_rdata_i,
  // The paging-structure caches (mmu_pscs), [0] PDE, [1] PDPTE, [2] PML4E, [3] PML5E: their
  // lookup in the cycle the walk starts, and the fill of each entry the walk goes down through.
  input  logic [NumPscs-1:0]      psc_hit_i,
  input  logic [NumPscs*PfnW-1:0] psc_table_i,    // cache i's in [i*PfnW +: PfnW]
  input  logic [NumPscs*3-1:0]    psc_rights_i,   // cache i's in [i*3 +: 3]
  output logic [NumPscs-1:0]      psc_fill_o,     // one-hot: the cache of the entry
  output mmu_pkg::va_t      psc_fill_va_o,
  output mmu_pkg::pcid_t    psc_fill_pcid_o,
  output logic [PfnW-1:0]   psc_fill_table_o,
  output mmu_pkg::path_rights_t psc_fill_rights_o,
  // Event pulses for the statistics.
  output logic              ev_read_o,
  output logic              ev_write_o,
  output logic [NumPscs-1:0] ev_psc_hit_o   // at start: as psc_hit_i
`ifdef FORMAL
  ,
  // Formal only (scripts/formal, task bounded): the state, for the proof's measure of progress.
  output logic [2:0]        fv_state_o
`endif
);
  typedef enum logic [2:0] {
    WIdle, WRdReq, WRdWait, WWrReq, WWrWait, WDone
  } walk_state_e;

  // The level of the table CR3 points to.
  localparam mmu_pkg::level_t TopLevel = La57 ? mmu_pkg::LevelPml5 : mmu_pkg::LevelPml4;

  walk_state_e      state_q, state_d;
  mmu_pkg::level_t  level_q, level_d;
  logic [PfnW-1:0]  table_q, table_d;
  mmu_pkg::rights_t rights_q, rights_d;
  mmu_pkg::pte_t    pte_q, pte_d;       // the entry, as (to be) written back
  logic             leaf_q, leaf_d;
  mmu_pkg::fault_e  fault_q, fault_d;
  logic             fill_q, fill_d;     // the entry above this level is to fill its cache
  // The walk's request, kept from its start.
  mmu_pkg::va_t     va_q, va_d;
  mmu_pkg::access_e access_q, access_d;
  logic             user_q, user_d, implicit_q, implicit_d;
  mmu_pkg::pcid_t   pcid_q, pcid_d;

  mmu_wave_state #(.Width(3)) u_state_wave (.state_i(state_q));

  // ---- the paging-structure caches' fill: the entry the walk went down through, when the
  // memory accepts the read of the level below it (this level: its table and the rights down
  // to it are the entry's) -------------------------------------------------------------------
  logic [NumPscs-1:0] psc_fill;
  assign psc_fill_o        = psc_fill;
  assign psc_fill_va_o     = va_q;
  assign psc_fill_pcid_o   = pcid_q;
  assign psc_fill_table_o  = table_q;
  assign psc_fill_rights_o = rights_q[2:0];

  // ---- the entry being checked: the read data in RD_WAIT, decoded only in the cycle it comes
  // (0 in others, which a simulator skips; the hardware does the same) ----------------------
  mmu_pkg::pte_t    e;
  logic [63:0]      rsvd;
  logic             e_leaf, need_wb;
  mmu_pkg::rights_t e_rights;
  mmu_pkg::fault_e  leaf_fault;
  logic [1:0]       psc_idx;  // the cache of the entry above this level: level + 1 - 2 (below
                              // the top level, which has no entry above it)

  assign e = mem_rsp_rdata_i;
  assign psc_idx = 2'(level_q - mmu_pkg::LevelPt);
  always_comb begin
    rsvd = '0;
    e_leaf = 1'b0;
    e_rights = '0;
    need_wb = 1'b0;
    leaf_fault = mmu_pkg::FaultNone;
    if (state_q == WRdWait && mem_rsp_valid_i) begin
      rsvd = mmu_pkg::pte_reserved_mask(mem_rsp_rdata_i, level_q, PaBits, mode_i.nxe, Pdpe1gb);
      e_leaf = mmu_pkg::pte_is_leaf(mem_rsp_rdata_i, level_q, Pdpe1gb);
      // (The key is the entry's; only the leaf's is kept in a TLB, and the caches above keep
      // no key.)
      e_rights = {mem_rsp_rdata_i[mmu_pkg::PteKeyLsb +: 4], rights_q.rw && e.rw,
                  rights_q.us && e.us, rights_q.nx || e.nx};
      need_wb = !e.a || (e_leaf && access_q == mmu_pkg::AccWrite && !e.d);
      leaf_fault = mmu_pkg::perm_fault(e_rights, access_q, user_q, implicit_q, mode_i);
    end
  end

  // ---- the walk ------------------------------------------------------------------------------
  always_comb begin
    state_d = state_q;
    level_d = level_q;
    table_d = table_q;
    rights_d = rights_q;
    pte_d = pte_q;
    leaf_d = leaf_q;
    fault_d = fault_q;
    fill_d = fill_q;
    {va_d, access_d, user_d, implicit_d, pcid_d} = {va_q, access_q, user_q, implicit_q, pcid_q};
    psc_fill = '0;
    ev_read_o = 1'b0;
    ev_write_o = 1'b0;
    ev_psc_hit_o = '0;
    mem_req_valid_o = 1'b0;
    mem_req_we_o = 1'b0;

    unique case (state_q)
      WIdle: begin
        if (start_i) begin
          {va_d, access_d, user_d, implicit_d, pcid_d} =
              {va_i, access_i, user_i, implicit_i, pcid_i};
          // The deepest hit wins.
          level_d = TopLevel;
          table_d = root_i;
          rights_d = {4'b0, mmu_pkg::RightsAll};
          for (int i = NumPscs - 1; i >= 0; i--) begin
            if (psc_hit_i[i]) begin
              level_d = 3'(i + 1);
              table_d = psc_table_i[i*PfnW +: PfnW];
              rights_d = {4'b0, psc_rights_i[i*3 +: 3]};
            end
          end
          ev_psc_hit_o = psc_hit_i;
          fault_d = mmu_pkg::FaultNone;
          fill_d = 1'b0;
          state_d = WRdReq;
        end
      end
      WRdReq: begin
        mem_req_valid_o = 1'b1;
        if (mem_req_ready_i) begin
          ev_read_o = 1'b1;
          if (level_q != TopLevel) psc_fill[psc_idx] = fill_q;
          fill_d = 1'b0;
          state_d = WRdWait;
        end
      end
      WRdWait: begin
        if (mem_rsp_valid_i && mem_rsp_err_i) begin
          fault_d = mmu_pkg::FaultBusError;
          state_d = WDone;
        end else if (mem_rsp_valid_i) begin
          pte_d = e;
          leaf_d = e_leaf;
          rights_d = e_rights;
          if (!e.p) begin
            fault_d = mmu_pkg::FaultNotPresent;
            state_d = WDone;
          end else if ((e & rsvd) != 0) begin
            fault_d = mmu_pkg::FaultReserved;
            state_d = WDone;
          end else if (e_leaf && leaf_fault != mmu_pkg::FaultNone) begin
            fault_d = leaf_fault;
            state_d = WDone;
          end else if (need_wb) begin
            pte_d.a = 1'b1;
            if (e_leaf && access_q == mmu_pkg::AccWrite) pte_d.d = 1'b1;
            state_d = WWrReq;
          end else if (e_leaf) begin
            state_d = WDone;
          end else begin
            fill_d = 1'b1;
            table_d = e.addr[PfnW-1:0];
            level_d = level_q - 3'd1;
            state_d = WRdReq;
          end
        end
      end
      WWrReq: begin
        mem_req_valid_o = 1'b1;
        mem_req_we_o = 1'b1;
        if (mem_req_ready_i) begin
          ev_write_o = 1'b1;
          state_d = WWrWait;
        end
      end
      WWrWait: begin
        if (mem_rsp_valid_i && mem_rsp_err_i) begin
          fault_d = mmu_pkg::FaultBusError;
          state_d = WDone;
        end else if (mem_rsp_valid_i) begin
          if (leaf_q) begin
            state_d = WDone;
          end else begin
            fill_d = 1'b1;
            table_d = pte_q.addr[PfnW-1:0];
            level_d = level_q - 3'd1;
            state_d = WRdReq;
          end
        end
      end
      WDone: state_d = WIdle;
      default: state_d = WIdle;
    endcase
  end

  assign mem_req_addr_o  = {table_q, mmu_pkg::pte_index(va_q, level_q), 3'b000};
  // A set-bits write carries A, and D for a leaf written to; a write of the entry, all of it.
  assign mem_req_setbits_o = SetBits && mem_req_we_o;
  assign mem_req_wdata_o = !SetBits ? pte_q
                         : {57'b0, leaf_q && access_q == mmu_pkg::AccWrite, 6'b100000};

  assign idle_o   = state_q == WIdle;
  assign done_o   = state_q == WDone;
`ifdef FORMAL
  assign fv_state_o = state_q;
`endif
  assign fault_o  = fault_q;
  assign level_o  = level_q;
  // (The leaf's level: 1, 2 or 3 for a 4 KiB, 2 MiB or 1 GiB page. The frame is the address
  // field's bits above the page offset: bit 12 of a large page's entry is its PAT bit.)
  assign size_o   = level_q == mmu_pkg::LevelPdpt ? 2'(mmu_pkg::Size1g)
                  : level_q == mmu_pkg::LevelPd   ? 2'(mmu_pkg::Size2m)
                                                  : 2'(mmu_pkg::Size4k);
  assign pfn_o    = size_o == 2'(mmu_pkg::Size2m) ? {pte_q.addr[PfnW-1:9], 9'b0}
                  : size_o == 2'(mmu_pkg::Size1g) ? {pte_q.addr[PfnW-1:18], 18'b0}
                                                  : pte_q.addr[PfnW-1:0];
  assign global_o = pte_q.g;
  assign dirty_o  = pte_q.d;
  assign rights_o = rights_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) state_q <= WIdle;
    else         state_q <= state_d;
  end

  always_ff @(posedge clk_i) begin
    level_q  <= level_d;
    table_q  <= table_d;
    rights_q <= rights_d;
    pte_q    <= pte_d;
    leaf_q   <= leaf_d;
    fault_q  <= fault_d;
    fill_q   <= fill_d;
    va_q     <= va_d;
    access_q <= access_d;
    user_q   <= user_d;
    implicit_q <= implicit_d;
    pcid_q   <= pcid_d;
  end

`ifdef MMU_ASSERTIONS
  `MMU_ASSERT_SETUP
  // The memory port's contract (section 13): a request is held, unchanged, until accepted. The
  // request of the cycle before is kept in registers of the check, not read with $past: the
  // Verilated model samples a $past operand when an evaluation begins, before the inputs
  // settle, so mem_req_ready_i (from the memory's ready, an input) would be the cycle before's
  // in a bench that evaluates once a cycle (tb/cosim/cosim_main.cpp's COSIM_ONE_EVAL).
  logic              waited_q;  // a request presented and not accepted in the cycle before
  logic [PaBits-1:0] waited_addr_q;
  logic              waited_we_q;
  logic [63:0]       waited_wdata_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) waited_q <= 1'b0;
    else         waited_q <= mem_req_valid_o && !mem_req_ready_i;
  end
  always_ff @(posedge clk_i) begin
    waited_addr_q  <= mem_req_addr_o;
    waited_we_q    <= mem_req_we_o;
    waited_wdata_q <= mem_req_wdata_o;
  end
  `MMU_ASSERT_WHEN(a_mem_req_held, waited_q,
                   mem_req_valid_o && mem_req_addr_o == waited_addr_q &&
                   mem_req_we_o == waited_we_q && mem_req_wdata_o == waited_wdata_q,
              ("mmu_walker: memory request dropped or changed before it was accepted"))
  // A memory response only while the walker waits for one (the memory's side of the contract).
  `MMU_ASSUME_WHEN(a_mem_rsp_expected, mem_rsp_valid_i, state_q == WRdWait || state_q == WWrWait,
              ("mmu_walker: memory response with no access outstanding"))
  `MMU_ASSUME_WHEN(a_mem_err_with_rsp, mem_rsp_err_i, mem_rsp_valid_i,
              ("mmu_walker: memory error with no response"))
  // Only 5-level paging has PML5Es to cache (section 7).
  `MMU_ASSERT(a_psc_fill_level, La57 || !psc_fill[3],
              ("mmu_walker: a PML5E-cache fill with 4-level paging"))
  `MMU_ASSERT(a_state_legal, state_q <= WDone, ("mmu_walker: illegal state %0d", state_q))
  // A walk's smep, smap or pk fault fits its access (section 2). (Its registers have no reset:
  // from a walk's start.)
  `MMU_ASSERT(a_prot_fault_fits,
              state_q == WIdle || mmu_pkg::prot_fault_fits(fault_q, access_q, user_q),
              ("mmu_walker: fault %0d for a %0s access (user %b)", fault_q, access_q.name(),
               user_q))
  // A leaf is at level 1, 2 or 3 (3 only with Pdpe1gb: section 2), so a walk's translation is
  // of one of the three page sizes, at the level of that size's leaf.
  `MMU_ASSERT(a_leaf_level,
              !((state_q == WWrReq || state_q == WWrWait) && leaf_q ||
                state_q == WDone && fault_q == mmu_pkg::FaultNone) ||
              (level_q >= mmu_pkg::LevelPt &&
               level_q <= (Pdpe1gb ? mmu_pkg::LevelPdpt : mmu_pkg::LevelPd)),
              ("mmu_walker: a leaf at level %0d (state %0d)", level_q, state_q))
  // A walk reads levels 4 (5 with La57) to 1 and ends at a leaf: a PTE is always one, so no
  // write-back at level 1 descends (the bounded-response proof's measure counts on it).
  `MMU_ASSERT(a_walk_levels,
              (state_q == WIdle || state_q == WDone ||
               (level_q >= mmu_pkg::LevelPt && level_q <= TopLevel)) &&
              (level_q != mmu_pkg::LevelPt || !(state_q == WWrReq || state_q == WWrWait) ||
               leaf_q),
              ("mmu_walker: level %0d in state %0d (leaf %b)", level_q, state_q, leaf_q))
`endif
endmodule
