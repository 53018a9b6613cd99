// The access check at a leaf (docs/ARCHITECTURE.md, section 2; model/pte.c, pte_check_access), on
// rights combined over the levels: U/S first, then R/W (honouring CR0.WP for supervisor writes),
// then NX (with EFER.NXE). The function mmu_pkg::perm_fault as a module, for TLB hits in
// mmu_top (the walker and the miss queue call the function where they use its result).
module mmu_perm_check (
  input  mmu_pkg::rights_t rights_i,
  input  mmu_pkg::access_e access_i,
  input  logic             user_i,
  input  logic             wp_i,
  input  logic             nxe_i,
  output mmu_pkg::fault_e  fault_o
);
  assign fault_o = mmu_pkg::perm_fault(rights_i, access_i, user_i, wp_i, nxe_i);
endmodule
