// The access check at a leaf (docs/ARCHITECTURE.md, section 2), on rights combined over the
// levels: U/S first, then R/W (honouring CR0.WP for supervisor writes), then NX (with EFER.NXE).
// Used for TLB hits by mmu_top and for leaves by mmu_walker. Fault codes are enum mmu_fault.
module mmu_perm_check (
  input  logic       rw_i,
  input  logic       us_i,
  input  logic       nx_i,
  input  logic       write_i,
  input  logic       fetch_i,
  input  logic       user_i,
  input  logic       wp_i,
  input  logic       nxe_i,
  output logic [2:0] fault_o
);
  localparam logic [2:0] FaultNone = 3'd0, FaultWrite = 3'd3, FaultUser = 3'd4, FaultNx = 3'd5;

  always_comb begin
    if (user_i && !us_i)                       fault_o = FaultUser;
    else if (write_i && !rw_i && (user_i || wp_i)) fault_o = FaultWrite;
    else if (fetch_i && nxe_i && nx_i)         fault_o = FaultNx;
    else                                       fault_o = FaultNone;
  end
endmodule
