// Control registers (CR3, PCID, and the mode: WP, NXE, SMEP, SMAP, PKE, AC, PKRU) and the
// invalidation rules of each control operation (docs/ARCHITECTURE.md, section 6;
// model/control.c). mmu_top accepts an operation, presents it here in its execute cycle
// (exec_i), and carries out the invalidation this module decodes:
//   - a sweep (inv_o) of every TLB and paging-structure-cache entry by PCID and G bit, or
//   - an address-specific invalidation (addr_o): INVLPG and INVPCID type 0, which look the
//     address up in each TLB and clear what matches, and sweep the PSCs by PCID.
module mmu_ctrl #(
  parameter int unsigned PaBits = 46,
  parameter bit          La57 = 1'b0,  // 5-level paging: canonical addresses of 57 bits
  parameter bit          WpReset = 1'b1,
  parameter bit          NxeReset = 1'b1,
  parameter bit          SmepReset = 1'b0,
  parameter bit          SmapReset = 1'b0,
  parameter bit          PkeReset = 1'b0,
  parameter logic [31:0] PkruReset = 32'h0,
  localparam int unsigned PfnW = PaBits - mmu_pkg::PageShift4k
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  input  logic              exec_i,
  input  mmu_pkg::ctrl_op_e op_i,
  input  mmu_pkg::vaddr_t   value_i,
  input  mmu_pkg::pcid_t    pcid_i,
  input  mmu_pkg::invpcid_e invpcid_type_i,
  input  mmu_pkg::mode_t    mode_i,            // set mode: wp, nxe; set protection: the rest
  // Architectural state.
  output logic [PfnW-1:0]   cr3_base_o,
  output mmu_pkg::pcid_t    pcid_o,
  output mmu_pkg::mode_t    mode_o,
  // Decoded invalidation.
  output logic              inv_o,             // sweep TLBs and PSCs
  output logic              inv_by_pcid_o,
  output mmu_pkg::pcid_t    inv_pcid_o,
  output logic              inv_keep_global_o, // TLBs only: PSC entries are never global
  output logic              addr_o,            // address-specific: INVLPG, INVPCID 0
  output mmu_pkg::va_t      addr_va_o,
  output mmu_pkg::pcid_t    addr_pcid_o,
  output logic              addr_keep_global_o,
  output logic              addr_noop_o        // INVLPG of a non-canonical address
);
  logic [PfnW-1:0] cr3_base_q, cr3_base_d;
  mmu_pkg::pcid_t  pcid_q, pcid_d;
  mmu_pkg::mode_t  mode_q, mode_d;
  logic            noflush, canonical;

  assign noflush   = value_i[63];
  assign canonical = mmu_pkg::va_canonical(value_i, La57);

  always_comb begin
    inv_o = 1'b0;
    inv_by_pcid_o = 1'b0;
    inv_pcid_o = pcid_i;
    inv_keep_global_o = 1'b0;
    addr_o = 1'b0;
    addr_va_o = value_i[mmu_pkg::VaBits-1:0];
    addr_pcid_o = pcid_q;
    addr_keep_global_o = 1'b0;
    addr_noop_o = !canonical;
    unique case (op_i)
      mmu_pkg::OpLoadCr3: begin
        inv_o = !noflush;
        inv_by_pcid_o = 1'b1;
        inv_pcid_o = value_i[mmu_pkg::PcidBits-1:0];
        inv_keep_global_o = 1'b1;
      end
      mmu_pkg::OpInvlpg: addr_o = 1'b1;
      mmu_pkg::OpInvpcid: begin
        unique case (invpcid_type_i)
          mmu_pkg::InvpcidAddr: begin
            addr_o = 1'b1;
            addr_pcid_o = pcid_i;
            addr_keep_global_o = 1'b1;
            addr_noop_o = 1'b0;
          end
          mmu_pkg::InvpcidSingle: begin
            inv_o = 1'b1;
            inv_by_pcid_o = 1'b1;
            inv_keep_global_o = 1'b1;
          end
          mmu_pkg::InvpcidAll: inv_o = 1'b1;
          default: begin  // InvpcidAllNonGlobal
            inv_o = 1'b1;
            inv_keep_global_o = 1'b1;
          end
        endcase
      end
      mmu_pkg::OpFlushAll: inv_o = 1'b1;
      default: ;  // OpSetMode and OpSetProt invalidate nothing
    endcase
  end

  always_comb begin
    cr3_base_d = cr3_base_q;
    pcid_d = pcid_q;
    mode_d = mode_q;
    if (exec_i && op_i == mmu_pkg::OpLoadCr3) begin
      cr3_base_d = value_i[mmu_pkg::PageShift4k +: PfnW];
      pcid_d = value_i[mmu_pkg::PcidBits-1:0];
    end
    if (exec_i && op_i == mmu_pkg::OpSetMode) begin
      mode_d.wp = mode_i.wp;
      mode_d.nxe = mode_i.nxe;
    end
    if (exec_i && op_i == mmu_pkg::OpSetProt) begin
      mode_d.smep = mode_i.smep;
      mode_d.smap = mode_i.smap;
      mode_d.pke = mode_i.pke;
      mode_d.ac = mode_i.ac;
      mode_d.pkru = mode_i.pkru;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cr3_base_q <= '0;
      pcid_q     <= '0;
      // (EFLAGS.AC is 0 at reset: it is no CR4 bit.)
      mode_q     <= {WpReset, NxeReset, SmepReset, SmapReset, PkeReset, 1'b0, PkruReset};
    end else begin
      cr3_base_q <= cr3_base_d;
      pcid_q     <= pcid_d;
      mode_q     <= mode_d;
    end
  end

  assign cr3_base_o = cr3_base_q;
  assign pcid_o     = pcid_q;
  assign mode_o     = mode_q;
endmodule
