// Control registers and the invalidation rules of each control operation
// (docs/ARCHITECTURE.md, section 6). mmu_top accepts an operation, presents it here in its
// execute cycle (exec_i), and carries out the invalidation this module decodes:
//   - a sweep (inv_o) of every TLB and paging-structure-cache entry by PCID and G bit, or
//   - an address-specific invalidation (addr_o): INVLPG and INVPCID type 0, which look the
//     address up in each TLB and clear what matches, and sweep the PSCs by PCID.
// Op codes are enum mmu_ctrl_op of the C model.
module mmu_ctrl #(
  parameter int unsigned PaBits = 46,
  parameter bit          WpReset = 1'b1,
  parameter bit          NxeReset = 1'b1,
  localparam int unsigned PfnW = PaBits - 12
) (
  input  logic            clk_i,
  input  logic            rst_ni,
  input  logic            exec_i,
  input  logic [2:0]      op_i,
  input  logic [63:0]     value_i,
  input  logic [11:0]     pcid_i,
  input  logic [1:0]      invpcid_type_i,
  input  logic            wp_i,
  input  logic            nxe_i,
  // Architectural state.
  output logic [PfnW-1:0] cr3_base_o,
  output logic [11:0]     pcid_o,
  output logic            wp_o,
  output logic            nxe_o,
  // Decoded invalidation.
  output logic            inv_o,             // sweep TLBs and PSCs
  output logic            inv_by_pcid_o,
  output logic [11:0]     inv_pcid_o,
  output logic            inv_keep_global_o, // TLBs only: PSC entries are never global
  output logic            addr_o,            // address-specific: INVLPG, INVPCID 0
  output logic [47:0]     addr_va_o,
  output logic [11:0]     addr_pcid_o,
  output logic            addr_keep_global_o,
  output logic            addr_noop_o        // INVLPG of a non-canonical address
);
  localparam logic [2:0] OpLoadCr3 = 3'd0, OpInvlpg = 3'd1, OpInvpcid = 3'd2, OpFlushAll = 3'd3,
                         OpSetMode = 3'd4;

  logic [PfnW-1:0] cr3_base_q;
  logic [11:0]     pcid_q;
  logic            wp_q, nxe_q;
  logic            noflush, canonical;

  assign noflush   = value_i[63];
  assign canonical = value_i[63:47] == '0 || value_i[63:47] == '1;

  always_comb begin
    inv_o = 1'b0;
    inv_by_pcid_o = 1'b0;
    inv_pcid_o = pcid_i;
    inv_keep_global_o = 1'b0;
    addr_o = 1'b0;
    addr_va_o = value_i[47:0];
    addr_pcid_o = pcid_q;
    addr_keep_global_o = 1'b0;
    addr_noop_o = !canonical;
    unique case (op_i)
      OpLoadCr3: begin
        inv_o = !noflush;
        inv_by_pcid_o = 1'b1;
        inv_pcid_o = value_i[11:0];
        inv_keep_global_o = 1'b1;
      end
      OpInvlpg: addr_o = 1'b1;
      OpInvpcid: begin
        unique case (invpcid_type_i)
          2'd0: begin
            addr_o = 1'b1;
            addr_pcid_o = pcid_i;
            addr_keep_global_o = 1'b1;
            addr_noop_o = 1'b0;
          end
          2'd1: begin
            inv_o = 1'b1;
            inv_by_pcid_o = 1'b1;
            inv_keep_global_o = 1'b1;
          end
          2'd2: inv_o = 1'b1;
          default: begin
            inv_o = 1'b1;
            inv_keep_global_o = 1'b1;
          end
        endcase
      end
      OpFlushAll: inv_o = 1'b1;
      default: ;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cr3_base_q <= '0;
      pcid_q     <= '0;
      wp_q       <= WpReset;
      nxe_q      <= NxeReset;
    end else if (exec_i) begin
      if (op_i == OpLoadCr3) begin
        cr3_base_q <= value_i[12 +: PfnW];
        pcid_q     <= value_i[11:0];
      end
      if (op_i == OpSetMode) begin
        wp_q  <= wp_i;
        nxe_q <= nxe_i;
      end
    end
  end

  assign cr3_base_o = cr3_base_q;
  assign pcid_o     = pcid_q;
  assign wp_o       = wp_q;
  assign nxe_o      = nxe_q;

  logic unused_value;
  assign unused_value = ^{value_i[62:48], value_i[63:12 + PfnW]};
endmodule
