/*
 * Control operations: CR3 loads, INVLPG, INVPCID, the full flush and the
 * WP/NXE mode bits, with the x86 rules (SDM vol. 3, 4.10.4) for which TLB
 * and paging-structure-cache entries each removes.  The table in
 * docs/ARCHITECTURE.md, "Invalidation", is this file in words.
 *
 * CR4.PCIDE is 1 throughout: every entry is tagged with a PCID.
 */
#include "mmu_internal.h"
#include "pte.h"

/* Cycles an operation keeps the MMU busy.  Address-specific invalidations
 * read the STLB's 4 KiB and 2 MiB sets before clearing; the others clear
 * valid bits held in flip-flops in one cycle. */
#define CTRL_CYCLES         1
#define CTRL_CYCLES_BY_ADDR 3

static void invalidate(struct mmu *m, const struct tlb_inval *tlb_inv,
                       const struct tlb_inval *psc_inv)
{
    for (unsigned t = 0; t < MMU_TLB_COUNT; t++)
        tlb_invalidate(&m->tlb[t], tlb_inv);
    psc_invalidate(&m->psc, psc_inv);
}

/* Checks an operation as x86 would (#GP cases) before anything changes. */
static int check(struct mmu *m, const struct mmu_ctrl *c)
{
    switch (c->op) {
    case MMU_CTRL_LOAD_CR3: {
        uint64_t rsvd = ~(1ull << 63) & ~((1ull << m->cfg.pa_bits) - 1);
        if (c->value & rsvd) {
            mmu_set_error(m, "load CR3 0x%llx: bits above the %u-bit physical address are set",
                          (unsigned long long)c->value, m->cfg.pa_bits);
            return -1;
        }
        return 0;
    }
    case MMU_CTRL_INVPCID:
        if (c->invpcid_type > 3) {
            mmu_set_error(m, "INVPCID: type %u is not 0..3", c->invpcid_type);
            return -1;
        }
        if (c->pcid > 0xfff) {
            mmu_set_error(m, "INVPCID: PCID 0x%x is wider than 12 bits", c->pcid);
            return -1;
        }
        if (c->invpcid_type == 0 && !va_is_canonical_bits(c->value, va_bits(m->cfg.la57))) {
            mmu_set_error(m, "INVPCID type 0: address 0x%llx is not canonical",
                          (unsigned long long)c->value);
            return -1;
        }
        return 0;
    case MMU_CTRL_INVLPG:
    case MMU_CTRL_FLUSH_ALL:
    case MMU_CTRL_SET_MODE:
    case MMU_CTRL_SET_PROT:
        return 0;
    default:
        mmu_set_error(m, "control operation %d is unknown", (int)c->op);
        return -1;
    }
}

int mmu_control(struct mmu *m, const struct mmu_ctrl *c, uint64_t *done)
{
    if (check(m, c))
        return -1;
    /* Section 16.7: accepted once every accepted request has answered (here, or by the
     * caller's mmu_advance before). */
    uint64_t last = 0;
    if (c->cycle >= m->last_arrival && pipeline_drain(m, &last))
        return -1;
    if (m->nb.last_resp > m->free_cycle)
        m->free_cycle = m->nb.last_resp;
    uint64_t t;
    if (mmu_accept_at(m, c->cycle, &t))
        return -1;

    unsigned cycles = CTRL_CYCLES;
    struct tlb_inval all = {0};
    switch (c->op) {
    case MMU_CTRL_LOAD_CR3: {
        bool noflush = c->value >> 63;
        m->cr3_base = c->value & PTE_ADDR_MASK & ((1ull << m->cfg.pa_bits) - 1);
        m->pcid = (uint16_t)(c->value & 0xfff);
        m->stats.cr3_noflush += noflush;
        if (!noflush) {
            /* Non-global TLB entries and all PSC entries of the new PCID. */
            struct tlb_inval inv = {.by_pcid = true, .pcid = m->pcid, .keep_global = true};
            invalidate(m, &inv, &inv);
        }
        break;
    }
    case MMU_CTRL_INVLPG: {
        /* The page's entries of the current PCID and its global entries;
         * every PSC entry of the current PCID.  A non-canonical address
         * is a no-op, as on x86. */
        cycles = CTRL_CYCLES_BY_ADDR;
        if (va_is_canonical_bits(c->value, va_bits(m->cfg.la57))) {
            struct tlb_inval inv = {
                .by_addr = true, .va = c->value, .by_pcid = true, .pcid = m->pcid};
            struct tlb_inval psc = {.by_pcid = true, .pcid = m->pcid};
            invalidate(m, &inv, &psc);
        }
        break;
    }
    case MMU_CTRL_INVPCID: {
        m->stats.invpcid_type[c->invpcid_type]++;
        struct tlb_inval inv = {0};
        struct tlb_inval psc = {0};
        switch (c->invpcid_type) {
        case 0: /* individual address, not global; PSC entries of the PCID */
            cycles = CTRL_CYCLES_BY_ADDR;
            inv = (struct tlb_inval){.by_addr = true,
                                     .va = c->value,
                                     .by_pcid = true,
                                     .pcid = c->pcid,
                                     .keep_global = true};
            psc = (struct tlb_inval){.by_pcid = true, .pcid = c->pcid};
            break;
        case 1: /* single context, not global */
            inv = (struct tlb_inval){.by_pcid = true, .pcid = c->pcid, .keep_global = true};
            psc = inv;
            break;
        case 2: /* all contexts, global included */
            break;
        default: /* 3: all contexts, global kept */
            inv.keep_global = true;
            break;
        }
        invalidate(m, &inv, &psc);
        break;
    }
    case MMU_CTRL_FLUSH_ALL:
        invalidate(m, &all, &all);
        break;
    case MMU_CTRL_SET_PROT: /* no flush: every hit is checked against the new state */
        m->mode.smep = c->smep;
        m->mode.smap = c->smap;
        m->mode.pke = c->pke;
        m->mode.ac = c->ac;
        m->mode.pkru = c->pkru;
        for (unsigned t = 0; t < MMU_TLB_COUNT; t++)
            tlb_set_mode(&m->tlb[t], &m->mode);
        break;
    default: /* MMU_CTRL_SET_MODE: takes effect for the next request */
        m->mode.wp = c->wp;
        m->mode.nxe = c->nxe;
        break;
    }
    m->stats.ctrl_ops[c->op]++;
    m->free_cycle = t + cycles;
    m->stats.last_cycle = m->free_cycle;
    if (done)
        *done = m->free_cycle;
    return 0;
}

int mmu_load_cr3(struct mmu *m, uint64_t cycle, uint64_t pml4, uint16_t pcid, bool noflush)
{
    if ((pml4 & (PAGE_SIZE_4K - 1)) || pcid > 0xfff) {
        mmu_set_error(m,
                      "load CR3: PML4 base 0x%llx must be 4 KiB aligned and PCID 0x%x "
                      "at most 12 bits",
                      (unsigned long long)pml4, pcid);
        return -1;
    }
    struct mmu_ctrl c = {
        .op = MMU_CTRL_LOAD_CR3, .value = pml4 | pcid | ((uint64_t)noflush << 63), .cycle = cycle};
    return mmu_control(m, &c, NULL);
}

int mmu_invlpg(struct mmu *m, uint64_t cycle, uint64_t vaddr)
{
    struct mmu_ctrl c = {.op = MMU_CTRL_INVLPG, .value = vaddr, .cycle = cycle};
    return mmu_control(m, &c, NULL);
}

int mmu_invpcid(struct mmu *m, uint64_t cycle, unsigned type, uint16_t pcid, uint64_t vaddr)
{
    struct mmu_ctrl c = {
        .op = MMU_CTRL_INVPCID, .invpcid_type = type, .pcid = pcid, .value = vaddr, .cycle = cycle};
    return mmu_control(m, &c, NULL);
}

int mmu_flush_all(struct mmu *m, uint64_t cycle)
{
    struct mmu_ctrl c = {.op = MMU_CTRL_FLUSH_ALL, .cycle = cycle};
    return mmu_control(m, &c, NULL);
}

int mmu_set_mode(struct mmu *m, uint64_t cycle, bool wp, bool nxe)
{
    struct mmu_ctrl c = {.op = MMU_CTRL_SET_MODE, .wp = wp, .nxe = nxe, .cycle = cycle};
    return mmu_control(m, &c, NULL);
}

int mmu_set_protection(struct mmu *m, uint64_t cycle, bool smep, bool smap, bool pke, bool ac,
                       uint32_t pkru)
{
    struct mmu_ctrl c = {.op = MMU_CTRL_SET_PROT,
                         .smep = smep,
                         .smap = smap,
                         .pke = pke,
                         .ac = ac,
                         .pkru = pkru,
                         .cycle = cycle};
    return mmu_control(m, &c, NULL);
}
