// The hardware page walker and its paging-structure caches (docs/ARCHITECTURE.md, sections 3, 7
// and 8). One walk at a time, level by level, as model/walker.c does it:
//   start (cycle s)  look up the PML4E, PDPTE and PDE caches; start below the deepest hit
//   RD_REQ           present the read of this level's entry until the memory accepts it
//   RD_WAIT          when the data arrives, check it: fault, write back A/D, go down, or finish
//   WR_REQ, WR_WAIT  the A/D write-back of the entry
//   DONE             the response cycle (done_o), one cycle after the last memory response
module mmu_walker #(
  parameter int unsigned PaBits = 46,
  parameter int unsigned PscPdeEntries = 32,
  parameter int unsigned PscPdpteEntries = 4,
  parameter int unsigned PscPml4eEntries = 2,
  parameter int unsigned PscPdeRepl = 0,
  parameter int unsigned PscPdpteRepl = 0,
  parameter int unsigned PscPml4eRepl = 0,
  parameter logic [15:0] LfsrSeed = 16'hACE1,
  localparam int unsigned PfnW = PaBits - 12
) (
  input  logic            clk_i,
  input  logic            rst_ni,
  // Walk request, in the cycle the walk starts.
  input  logic            start_i,
  input  logic [47:0]     va_i,
  input  logic            write_i,
  input  logic            fetch_i,
  input  logic            user_i,
  input  logic            wp_i,
  input  logic            nxe_i,
  input  logic [11:0]     pcid_i,
  input  logic [PfnW-1:0] root_i,
  // Result, in the response cycle.
  output logic            done_o,
  output logic [2:0]      fault_o,
  output logic [2:0]      level_o,
  output logic [PfnW-1:0] pfn_o,
  output logic            is2m_o,
  output logic            global_o,
  output logic            dirty_o,
  output logic            rw_o,
  output logic            us_o,
  output logic            nx_o,
  // Memory port.
  output logic            mem_req_valid_o,
  input  logic            mem_req_ready_i,
  output logic [PaBits-1:0] mem_req_addr_o,
  output logic            mem_req_we_o,
  output logic [63:0]     mem_req_wdata_o,
  input  logic            mem_rsp_valid_i,
  input  logic [63:0]     mem_rsp_rdata_i,
  // Paging-structure-cache invalidation (control operations and faults).
  input  logic            psc_inv_i,
  input  logic            psc_inv_by_pcid_i,
  input  logic [11:0]     psc_inv_pcid_i,
  input  logic            psc_inv_by_addr_i,
  input  logic [47:0]     psc_inv_va_i,
  // Event pulses for the statistics.
  output logic            ev_read_o,
  output logic            ev_write_o,
  output logic [2:0]      ev_psc_hit_o     // at start: [0] PDE, [1] PDPTE, [2] PML4E
);
  localparam logic [2:0] FaultNone = 3'd0, FaultNotPresent = 3'd1, FaultReserved = 3'd2;
  localparam logic [63:0] PteP = 64'h1, PteRw = 64'h2, PteUs = 64'h4, PteA = 64'h20,
                          PteD = 64'h40, PtePs = 64'h80, PteG = 64'h100,
                          PteNx = 64'h8000_0000_0000_0000;

  typedef enum logic [2:0] {
    WIdle, WRdReq, WRdWait, WWrReq, WWrWait, WDone
  } walk_state_e;

  walk_state_e     state_q, state_d;
  // The state as a plain number: waveform viewers apply translate filters (waves/filters) to it,
  // which they do not to enum-typed signals. Nothing else reads it.
  /* verilator lint_off UNUSEDSIGNAL */
  logic [2:0] state_code;
  /* verilator lint_on UNUSEDSIGNAL */
  assign state_code = state_q;
  logic [2:0]      level_q, level_d;
  logic [PfnW-1:0] table_q, table_d;
  logic            rw_q, rw_d, us_q, us_d, nx_q, nx_d;
  logic [63:0]     pte_q, pte_d;       // the entry, as (to be) written back
  logic            leaf_q, leaf_d;
  logic [2:0]      fault_q, fault_d;
  logic [47:0]     va_q;
  logic            write_q, fetch_q, user_q, wp_q, nxe_q;
  logic [11:0]     pcid_q;

  // ---- paging-structure caches -------------------------------------------------------------
  logic [2:0]      psc_hit, psc_rw, psc_us, psc_nx, psc_fill;
  logic [PfnW-1:0] psc_table [3];

  mmu_psc #(.Level(2), .NumEntries(PscPdeEntries), .Repl(PscPdeRepl), .PaBits(PaBits),
            .LfsrSeed(LfsrSeed)) u_psc_pde (
    .clk_i, .rst_ni, .lk_va_i(va_i), .lk_pcid_i(pcid_i), .lk_hit_o(psc_hit[0]),
    .lk_table_o(psc_table[0]), .lk_rw_o(psc_rw[0]), .lk_us_o(psc_us[0]), .lk_nx_o(psc_nx[0]),
    .touch_i(start_i), .fill_i(psc_fill[0]), .fill_va_i(va_q), .fill_pcid_i(pcid_q),
    .fill_table_i(pte_d[12 +: PfnW]), .fill_rw_i(rw_d), .fill_us_i(us_d), .fill_nx_i(nx_d),
    .inv_i(psc_inv_i), .inv_by_pcid_i(psc_inv_by_pcid_i), .inv_pcid_i(psc_inv_pcid_i),
    .inv_by_addr_i(psc_inv_by_addr_i), .inv_va_i(psc_inv_va_i)
  );
  mmu_psc #(.Level(3), .NumEntries(PscPdpteEntries), .Repl(PscPdpteRepl), .PaBits(PaBits),
            .LfsrSeed(LfsrSeed)) u_psc_pdpte (
    .clk_i, .rst_ni, .lk_va_i(va_i), .lk_pcid_i(pcid_i), .lk_hit_o(psc_hit[1]),
    .lk_table_o(psc_table[1]), .lk_rw_o(psc_rw[1]), .lk_us_o(psc_us[1]), .lk_nx_o(psc_nx[1]),
    .touch_i(start_i), .fill_i(psc_fill[1]), .fill_va_i(va_q), .fill_pcid_i(pcid_q),
    .fill_table_i(pte_d[12 +: PfnW]), .fill_rw_i(rw_d), .fill_us_i(us_d), .fill_nx_i(nx_d),
    .inv_i(psc_inv_i), .inv_by_pcid_i(psc_inv_by_pcid_i), .inv_pcid_i(psc_inv_pcid_i),
    .inv_by_addr_i(psc_inv_by_addr_i), .inv_va_i(psc_inv_va_i)
  );
  mmu_psc #(.Level(4), .NumEntries(PscPml4eEntries), .Repl(PscPml4eRepl), .PaBits(PaBits),
            .LfsrSeed(LfsrSeed)) u_psc_pml4e (
    .clk_i, .rst_ni, .lk_va_i(va_i), .lk_pcid_i(pcid_i), .lk_hit_o(psc_hit[2]),
    .lk_table_o(psc_table[2]), .lk_rw_o(psc_rw[2]), .lk_us_o(psc_us[2]), .lk_nx_o(psc_nx[2]),
    .touch_i(start_i), .fill_i(psc_fill[2]), .fill_va_i(va_q), .fill_pcid_i(pcid_q),
    .fill_table_i(pte_d[12 +: PfnW]), .fill_rw_i(rw_d), .fill_us_i(us_d), .fill_nx_i(nx_d),
    .inv_i(psc_inv_i), .inv_by_pcid_i(psc_inv_by_pcid_i), .inv_pcid_i(psc_inv_pcid_i),
    .inv_by_addr_i(psc_inv_by_addr_i), .inv_va_i(psc_inv_va_i)
  );

  // ---- the entry being checked: the read data in RD_WAIT ------------------------------------
  logic [63:0] e;
  logic [63:0] rsvd;
  logic        e_leaf, e_rw, e_us, e_nx, need_wb;
  logic [2:0]  leaf_fault;
  logic [8:0]  index;
  logic [1:0]  psc_idx;  // the cache of this level's entries: level - 2

  assign psc_idx = 2'(level_q - 3'd2);

  assign e = mem_rsp_rdata_i;

  always_comb begin
    rsvd = 64'h000f_ffff_ffff_f000 & ~((64'h1 << PaBits) - 64'h1);
    if (!nxe_q) rsvd |= PteNx;
    if (level_q == 3'd4 || level_q == 3'd3) rsvd |= PtePs;
    if (level_q == 3'd2 && (e & PtePs) != 0) rsvd |= 64'h0000_0000_001f_e000;
  end

  assign e_leaf = level_q == 3'd1 || (level_q == 3'd2 && (e & PtePs) != 0);
  assign e_rw = rw_q && (e & PteRw) != 0;
  assign e_us = us_q && (e & PteUs) != 0;
  assign e_nx = nx_q || (e & PteNx) != 0;
  assign need_wb = (e & PteA) == 0 || (e_leaf && write_q && (e & PteD) == 0);

  mmu_perm_check u_perm (
    .rw_i(e_rw), .us_i(e_us), .nx_i(e_nx), .write_i(write_q), .fetch_i(fetch_q), .user_i(user_q),
    .wp_i(wp_q), .nxe_i(nxe_q), .fault_o(leaf_fault)
  );

  always_comb begin
    case (level_q)
      3'd4:    index = va_q[47:39];
      3'd3:    index = va_q[38:30];
      3'd2:    index = va_q[29:21];
      default: index = va_q[20:12];
    endcase
  end

  // ---- the walk ------------------------------------------------------------------------------
  always_comb begin
    state_d = state_q;
    level_d = level_q;
    table_d = table_q;
    rw_d = rw_q;
    us_d = us_q;
    nx_d = nx_q;
    pte_d = pte_q;
    leaf_d = leaf_q;
    fault_d = fault_q;
    psc_fill = '0;
    ev_read_o = 1'b0;
    ev_write_o = 1'b0;
    ev_psc_hit_o = '0;
    mem_req_valid_o = 1'b0;
    mem_req_we_o = 1'b0;

    unique case (state_q)
      WIdle: begin
        if (start_i) begin
          // The deepest hit wins.
          level_d = 3'd4;
          table_d = root_i;
          {rw_d, us_d, nx_d} = 3'b110;
          if (psc_hit[2]) begin
            level_d = 3'd3;
            table_d = psc_table[2];
            {rw_d, us_d, nx_d} = {psc_rw[2], psc_us[2], psc_nx[2]};
          end
          if (psc_hit[1]) begin
            level_d = 3'd2;
            table_d = psc_table[1];
            {rw_d, us_d, nx_d} = {psc_rw[1], psc_us[1], psc_nx[1]};
          end
          if (psc_hit[0]) begin
            level_d = 3'd1;
            table_d = psc_table[0];
            {rw_d, us_d, nx_d} = {psc_rw[0], psc_us[0], psc_nx[0]};
          end
          ev_psc_hit_o = psc_hit;
          fault_d = FaultNone;
          state_d = WRdReq;
        end
      end
      WRdReq: begin
        mem_req_valid_o = 1'b1;
        if (mem_req_ready_i) begin
          ev_read_o = 1'b1;
          state_d = WRdWait;
        end
      end
      WRdWait: begin
        if (mem_rsp_valid_i) begin
          pte_d = e;
          leaf_d = e_leaf;
          {rw_d, us_d, nx_d} = {e_rw, e_us, e_nx};
          if ((e & PteP) == 0) begin
            fault_d = FaultNotPresent;
            state_d = WDone;
          end else if ((e & rsvd) != 0) begin
            fault_d = FaultReserved;
            state_d = WDone;
          end else if (e_leaf && leaf_fault != FaultNone) begin
            fault_d = leaf_fault;
            state_d = WDone;
          end else if (need_wb) begin
            pte_d = e | PteA | ((e_leaf && write_q) ? PteD : 64'h0);
            state_d = WWrReq;
          end else if (e_leaf) begin
            state_d = WDone;
          end else begin
            psc_fill[psc_idx] = 1'b1;
            table_d = e[12 +: PfnW];
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
        if (mem_rsp_valid_i) begin
          if (leaf_q) begin
            state_d = WDone;
          end else begin
            psc_fill[psc_idx] = 1'b1;
            table_d = pte_q[12 +: PfnW];
            level_d = level_q - 3'd1;
            state_d = WRdReq;
          end
        end
      end
      WDone: state_d = WIdle;
      default: state_d = WIdle;
    endcase
  end

  assign mem_req_addr_o  = {table_q, index, 3'b000};
  assign mem_req_wdata_o = pte_q;

  assign done_o   = state_q == WDone;
  assign fault_o  = fault_q;
  assign level_o  = level_q;
  assign is2m_o   = level_q == 3'd2;
  assign pfn_o    = is2m_o ? {pte_q[21 +: PfnW - 9], 9'b0} : pte_q[12 +: PfnW];
  assign global_o = (pte_q & PteG) != 0;
  assign dirty_o  = (pte_q & PteD) != 0;
  assign rw_o     = rw_q;
  assign us_o     = us_q;
  assign nx_o     = nx_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) state_q <= WIdle;
    else         state_q <= state_d;
  end

  always_ff @(posedge clk_i) begin
    level_q <= level_d;
    table_q <= table_d;
    rw_q    <= rw_d;
    us_q    <= us_d;
    nx_q    <= nx_d;
    pte_q   <= pte_d;
    leaf_q  <= leaf_d;
    fault_q <= fault_d;
    if (start_i && state_q == WIdle) begin
      va_q    <= va_i;
      write_q <= write_i;
      fetch_q <= fetch_i;
      user_q  <= user_i;
      wp_q    <= wp_i;
      nxe_q   <= nxe_i;
      pcid_q  <= pcid_i;
    end
  end
endmodule
