// The access check at a leaf (docs/ARCHITECTURE.md, section 2; model/pte.h, pte_check_access),
// on the rights combined over the levels and the leaf's protection key, in the contract's order:
// U/S, SMEP, SMAP, R/W (honouring CR0.WP for supervisor writes), NX (with EFER.NXE), then the
// key against PKRU. The function mmu_pkg::perm_fault as a module, for TLB hits in mmu_top (the
// walker and the miss queue call the function where they use its result).
module mmu_perm_check (
  input  mmu_pkg::rights_t rights_i,
  input  mmu_pkg::access_e access_i,
  input  logic             user_i,
  input  logic             implicit_i,  // an implicit supervisor-mode access (SMAP whatever AC)
  input  mmu_pkg::mode_t   mode_i,
  output mmu_pkg::fault_e  fault_o
);
  assign fault_o = mmu_pkg::perm_fault(rights_i, access_i, user_i, implicit_i, mode_i);
endmodule
