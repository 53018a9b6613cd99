/*
 * Reserved bits and #PF error codes of x86-64 4-level and 5-level paging
 * with CR4.PCIDE = 1 and CR4.PGE = 1 (SDM vol. 3, 4.5 to 4.7); the access
 * checks, SMEP, SMAP and protection keys included, are in pte.h.
 */
#include "pte.h"

uint64_t pte_reserved_mask(uint64_t e, unsigned level, unsigned pa_bits, bool nxe, bool pdpe1gb)
{
    /* Address-field bits 51:pa_bits, at every level. */
    uint64_t rsvd = PTE_ADDR_MASK & ~((1ull << pa_bits) - 1);
    if (!nxe)
        rsvd |= PTE_NX;
    switch (level) {
    case PT_LEVEL_PML5:
    case PT_LEVEL_PML4:
        rsvd |= PTE_PS;
        break;
    case PT_LEVEL_PDPT:
        if (!pdpe1gb)
            rsvd |= PTE_PS; /* an MMU without 1 GiB pages */
        else if (e & PTE_PS)
            rsvd |= PDPTE_1G_RSVD_MASK;
        break;
    case PT_LEVEL_PD:
        if (e & PTE_PS)
            rsvd |= PDE_2M_RSVD_MASK;
        break;
    default: /* PT: bit 7 is PAT, nothing more reserved */
        break;
    }
    return rsvd;
}

uint32_t pte_error_code(enum mmu_fault f, enum mmu_access type, bool user, bool nxe, bool pk)
{
    if (f == MMU_FAULT_NONE || f == MMU_FAULT_NON_CANONICAL || f == MMU_FAULT_BUS_ERROR)
        return 0;
    uint32_t ec = 0;
    if (f != MMU_FAULT_NOT_PRESENT)
        ec |= PF_ERR_P;
    if (f == MMU_FAULT_RESERVED)
        ec |= PF_ERR_RSVD;
    if (type == MMU_ACC_WRITE)
        ec |= PF_ERR_W;
    if (user)
        ec |= PF_ERR_U;
    if (type == MMU_ACC_FETCH && nxe)
        ec |= PF_ERR_ID;
    if (pk && f != MMU_FAULT_NOT_PRESENT && f != MMU_FAULT_RESERVED)
        ec |= PF_ERR_PK;
    return ec;
}
