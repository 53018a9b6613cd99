// The access check at a leaf (docs/ARCHITECTURE.md, section 2; model/pte.c, pte_check_access), on
// rights combined over the levels: U/S first, then R/W (honouring CR0.WP for supervisor writes),
// then NX (with EFER.NXE). Used for TLB hits by mmu_top and for leaves by mmu_walker.
module mmu_perm_check (
  input  mmu_pkg::rights_t rights_i,
  input  mmu_pkg::access_e access_i,
  input  logic             user_i,
  input  logic             wp_i,
  input  logic             nxe_i,
  output mmu_pkg::fault_e  fault_o
);
  always_comb begin
    if (user_i && !rights_i.us) begin
      fault_o = mmu_pkg::FaultUser;
    end else if (access_i == mmu_pkg::AccWrite && !rights_i.rw && (user_i || wp_i)) begin
      fault_o = mmu_pkg::FaultWrite;
    end else if (access_i == mmu_pkg::AccFetch && nxe_i && rights_i.nx) begin
      fault_o = mmu_pkg::FaultNx;
    end else begin
      fault_o = mmu_pkg::FaultNone;
    end
  end
endmodule
