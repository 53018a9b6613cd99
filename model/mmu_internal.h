/*
 * The state of one MMU, shared by the files that make up its top:
 * mmu.c (translation and timing), control.c (control operations) and
 * stats.c (counters and inspection).
 */
#ifndef MODEL_MMU_INTERNAL_H
#define MODEL_MMU_INTERNAL_H

#include "mmusim/mmu.h"
#include "pscache.h"
#include "tlb.h"
#include "inflight.h"
#include "walker.h"

struct mmu {
    struct mmu_config cfg;
    struct tlb tlb[MMU_TLB_COUNT]; /* ITLB, DTLB, STLB */
    struct pscache psc;
    struct walker walker;
    struct mmu_stats stats;

    /* Architectural control state. */
    uint64_t cr3_base; /* PML4 base */
    uint16_t pcid;     /* current PCID */
    bool wp, nxe;

    /* Timing. */
    uint64_t free_cycle;   /* first cycle the next request can be accepted */
    uint64_t last_arrival; /* cycle of the last request or control operation */
    bool counted;          /* stats.first_accept is set */

    /* Several requests in flight (section 16, model/inflight.c). */
    struct inflight nb;
    bool blocking; /* the configuration is `blocking`: mmu_translate takes section 8's path */

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
/* Fills TLB t with e and counts the fill and any eviction. */
void mmu_fill(struct mmu *m, enum mmu_tlb_id t, const struct tlb_entry *e);
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

/* mmu_translate with the MMU of section 16: issue, then run to its response. */
int mmu_translate_inflight(struct mmu *m, const struct mmu_request *req, struct mmu_response *resp);

/* Records the reason for the failure of the current call. */
__attribute__((format(printf, 2, 3))) void mmu_set_error(struct mmu *m, const char *fmt, ...);

#endif
