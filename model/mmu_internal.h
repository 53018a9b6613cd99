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

    char err[256];
};

/* Checks that cycle is not earlier than the previous arrival, and gives
 * the cycle the MMU accepts it.  Sets m->err and returns -1 if not. */
int mmu_accept_at(struct mmu *m, uint64_t cycle, uint64_t *accept);

/* Records the reason for the failure of the current call. */
__attribute__((format(printf, 2, 3))) void mmu_set_error(struct mmu *m, const char *fmt, ...);

#endif
