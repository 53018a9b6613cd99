/*
 * The state of one MMU, shared by the files that make up its top:
 * mmu.c (translation and timing), control.c (control operations) and
 * stats.c (counters and inspection).
 */
#ifndef MODEL_MMU_INTERNAL_H
#define MODEL_MMU_INTERNAL_H

#include "mmusim/mmu.h"
#include "pscache.h"
#include "pte.h"
#include "tlb.h"
#include "pipeline.h"
#include "walker.h"

struct mmu {
    struct mmu_config cfg;
    struct tlb tlb[MMU_TLB_COUNT]; /* ITLB, DTLB, STLB */
    struct pscache psc;
    struct walker walker;
    struct mmu_stats stats;

    /* Architectural control state. */
    uint64_t cr3_base;    /* PML4 base */
    uint16_t pcid;        /* current PCID */
    struct pte_mode mode; /* CR0.WP, EFER.NXE, CR4.SMEP/SMAP/PKE, EFLAGS.AC, PKRU */

    /* Timing. */
    uint64_t free_cycle;   /* first cycle the next request can be accepted */
    uint64_t last_arrival; /* cycle of the last request or control operation */
    bool counted;          /* stats.first_accept is set */

    /* The pipeline (section 16, model/pipeline.c). */
    struct pipeline nb;

    char err[256];
};

/* Checks that cycle is not earlier than the previous arrival, and gives
 * the cycle the MMU accepts it.  Sets m->err and returns -1 if not. */
int mmu_accept_at(struct mmu *m, uint64_t cycle, uint64_t *accept);

/* Outcome of looking a request up in one TLB. */
enum lookup_outcome { LOOKUP_MISS, LOOKUP_CLEAN, LOOKUP_HIT, LOOKUP_FAULT };

/* Looks req up in TLB t: counts a hit and touches it, or gives a fault with its level in
 * *resp, or says that it missed or found a clean entry for a write (section 4). */
enum lookup_outcome mmu_lookup(struct mmu *m, enum mmu_tlb_id t, const struct mmu_request *req,
                               struct tlb_hit *h, struct mmu_response *resp);
/* A fault's invalidation (section 2): the address in l1, and in the STLB and the
 * paging-structure caches when they were looked up. */
void mmu_fault_invalidate(struct mmu *m, uint64_t va, enum mmu_tlb_id l1, bool stlb, bool psc);
/* Fills TLB t with e, the translation of va, and counts the fill and any eviction.  A 1 GiB
 * translation fills a TLB without 1 GiB entries with its 2 MiB fraction that holds va. */
void mmu_fill(struct mmu *m, enum mmu_tlb_id t, const struct tlb_entry *e, uint64_t va);
/* Counts a miss in TLB t by the response's outcome. */
void mmu_count_miss(struct mmu *m, enum mmu_tlb_id t, enum mmu_access type,
                    const struct mmu_response *r);
/* A response's error code, ID and counters (faults, latency, wait, last cycle). */
void mmu_count_response(struct mmu *m, const struct mmu_request *req, struct mmu_response *resp);
/* Counts the first acceptance's cycle, for the average of walks in progress. */
static inline void mmu_count_accept(struct mmu *m, uint64_t t)
{
    if (!m->counted) {
        m->counted = true;
        m->stats.first_accept = t;
    }
}

static inline unsigned latency_bucket(uint64_t latency)
{
    unsigned k = latency ? 63u - (unsigned)__builtin_clzll(latency) : 0;
    return k < MMU_LATENCY_BUCKETS ? k : MMU_LATENCY_BUCKETS - 1;
}

/* The memo of l1 that answers an access to va's page as a hit, or NULL: it holds the page and
 * PCID, and its entry allows the access (bit = tlb_memo_bit of the MMU's mode, the access type
 * and privilege) without a fault or a dirty re-walk.  Anything else (a miss, a fault, a write
 * to a clean entry) takes the full path.  The PCID and bit come as arguments so that a loop
 * keeps them in registers. */
static inline const struct tlb_memo *memo_answers(const struct tlb *l1, uint64_t va, uint16_t pcid,
                                                  unsigned bit)
{
    const struct tlb_memo *memo = &l1->memo[(va >> 12) & (TLB_MEMOS - 1)];
    return memo->key == tlb_memo_key(va, pcid) && (memo->allows >> bit & 1) ? memo : NULL;
}

/* memo_answers for a request: also NULL for a bad type, an address not canonical for virtual
 * addresses of va_bits bits, or an implicit supervisor-mode access (memos are of explicit
 * ones). */
static inline const struct tlb_memo *memo_hit(const struct tlb *l1, uint16_t pcid, unsigned mode,
                                              unsigned va_bits, const struct mmu_request *req)
{
    if ((unsigned)req->type >= MMU_ACC_COUNT || req->implicit ||
        !va_is_canonical_bits(req->vaddr, va_bits))
        return NULL;
    return memo_answers(l1, req->vaddr, pcid, tlb_memo_bit(mode, req->type, req->user));
}

/* An L1 hit that a memo answers (the outcome and counters of mmu_lookup's hit, without a
 * search), with its translation in *resp; false when no memo answers req. */
static inline bool mmu_memo_hit(struct mmu *m, const struct mmu_request *req, enum mmu_tlb_id l1,
                                struct mmu_response *resp)
{
    const struct tlb_memo *memo = memo_hit(
        &m->tlb[l1], m->pcid, tlb_memo_mode(m->mode.wp, m->mode.nxe), va_bits(m->cfg.la57), req);
    if (!memo)
        return false;
    const struct tlb_entry *e = m->tlb[l1].memo_hit[memo - m->tlb[l1].memo].e;
    tlb_touch_memo(memo);
    m->stats.tlb[l1].hits[req->type][memo->size]++;
    resp->paddr = e->base | (req->vaddr & ((1ull << e->shift) - 1));
    resp->page_shift = e->page_shift;
    resp->level = pt_level_of_shift(e->page_shift);
    resp->source = MMU_SRC_L1;
    return true;
}

/* Records the reason for the failure of the current call. */
__attribute__((format(printf, 2, 3))) void mmu_set_error(struct mmu *m, const char *fmt, ...);

#endif
