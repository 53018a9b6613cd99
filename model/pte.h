/*
 * The rules of an x86-64 paging-structure entry, in one place: which bits
 * are reserved at each level, what is a leaf, how access rights combine
 * across levels, and which fault and #PF error code an access gets.
 * The walker applies them to entries it reads; the TLB-hit path applies
 * the same permission check to cached rights.
 */
#ifndef MODEL_PTE_H
#define MODEL_PTE_H

#include <stdbool.h>
#include <stdint.h>

#include "mmusim/mmu.h"
#include "mmusim/pte.h"

/* Rights accumulated from the root down to some level: the AND of R/W and
 * U/S, the OR of NX (SDM vol. 3, 4.6); and, once the leaf is read, its
 * protection key (bits 62:59). */
struct pte_perm {
    bool rw, us, nx;
    uint8_t pkey;
};

/* The state an access is checked against: CR0.WP, EFER.NXE, CR4.SMEP, CR4.SMAP, CR4.PKE,
 * EFLAGS.AC and PKRU. */
struct pte_mode {
    bool wp, nxe, smep, smap, pke, ac;
    uint32_t pkru;
};

static inline struct pte_perm pte_perm_all(void)
{
    return (struct pte_perm){.rw = true, .us = true, .nx = false};
}

static inline struct pte_perm pte_perm_combine(struct pte_perm p, uint64_t e)
{
    p.rw = p.rw && (e & PTE_RW);
    p.us = p.us && (e & PTE_US);
    p.nx = p.nx || (e & PTE_NX);
    return p;
}

/* Whether a present entry at level ends the walk: a PTE, a PDE with PS = 1 (2 MiB) or a PDPTE
 * with PS = 1 (1 GiB; without pdpe1gb its PS is reserved, which pte_reserved_mask finds
 * first). */
static inline bool pte_is_leaf(uint64_t e, unsigned level)
{
    return level == PT_LEVEL_PT ||
           ((level == PT_LEVEL_PD || level == PT_LEVEL_PDPT) && (e & PTE_PS));
}

/* The bits of a present entry at level that must be zero; pdpe1gb: 1 GiB pages exist. */
uint64_t pte_reserved_mask(uint64_t e, unsigned level, unsigned pa_bits, bool nxe, bool pdpe1gb);

/* The physical base an entry points to: the next table, or the page of
 * 2^page_shift bytes for a leaf. */
static inline uint64_t pte_addr(uint64_t e, unsigned page_shift)
{
    return e & PTE_ADDR_MASK & ~((1ull << page_shift) - 1);
}

/* Whether the protection key of p forbids the access (SDM vol. 3A, 4.6.2): with CR4.PKE, a data
 * access to a user-mode address whose key has AD set in PKRU, or a write whose key has WD set by
 * a user-mode access or with CR0.WP.  It decides the error code's PK bit whatever the fault. */
static inline bool pte_pkey_forbids(struct pte_perm p, enum mmu_access type, bool user,
                                    const struct pte_mode *m)
{
    if (!m->pke || !p.us || type == MMU_ACC_FETCH)
        return false;
    uint32_t bits = m->pkru >> (2 * p.pkey);
    return (bits & 1) || ((bits & 2) && type == MMU_ACC_WRITE && (user || m->wp));
}

/* The fault, if any, of an access with combined rights p at a leaf, in the order of
 * docs/ARCHITECTURE.md section 2: user-supervisor, SMEP, SMAP, write-protect, NX, protection
 * key.  implicit: an implicit supervisor-mode access (SMAP whatever AC). */
static inline enum mmu_fault pte_check_access(struct pte_perm p, enum mmu_access type, bool user,
                                              bool implicit, const struct pte_mode *m)
{
    if (user && !p.us)
        return MMU_FAULT_USER;
    if (!user && p.us) { /* a supervisor-mode access to a user-mode address */
        if (type == MMU_ACC_FETCH && m->smep)
            return MMU_FAULT_SMEP;
        if (type != MMU_ACC_FETCH && m->smap && (implicit || !m->ac))
            return MMU_FAULT_SMAP;
    }
    if (type == MMU_ACC_WRITE && !p.rw && (user || m->wp))
        return MMU_FAULT_WRITE;
    if (type == MMU_ACC_FETCH && m->nxe && p.nx)
        return MMU_FAULT_NX;
    if (pte_pkey_forbids(p, type, user, m))
        return MMU_FAULT_PK;
    return MMU_FAULT_NONE;
}

/* The #PF error code of a fault (0 for none, a non-canonical address or a bus error); pk: the
 * access's protection key forbids it (pte_pkey_forbids), for a fault found at a present leaf. */
uint32_t pte_error_code(enum mmu_fault f, enum mmu_access type, bool user, bool nxe, bool pk);

#endif
