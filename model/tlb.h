/*
 * A TLB: the L1 ITLB and DTLB each have a 4 KiB and a 2 MiB array looked
 * up in parallel; the unified STLB keeps both sizes in one array and
 * probes it once per size, with the set index of that size.
 *
 * When entries of both sizes match an address, the 4 KiB entry is used.
 * Replacement state is updated only when a hit is used (tlb_touch) and on
 * fills.
 */
#ifndef MODEL_TLB_H
#define MODEL_TLB_H

#include <stdbool.h>
#include <stdint.h>

#include "tlb_array.h"

struct tlb {
    struct tlb_array arr[MMU_SIZE_COUNT]; /* the STLB uses arr[0] only */
    uint8_t array_of[MMU_SIZE_COUNT];     /* page size -> index into arr */
    unsigned narrays;
};

struct tlb_hit {
    struct tlb_entry *e;
    enum mmu_size_id size;
    unsigned array, set, way;
};

static const unsigned page_shift_of_size[MMU_SIZE_COUNT] = {PAGE_SHIFT_4K, PAGE_SHIFT_2M};

static inline enum mmu_size_id size_of_shift(unsigned shift)
{
    return shift == PAGE_SHIFT_4K ? MMU_SIZE_4K : MMU_SIZE_2M;
}

/* An L1 TLB from its two arrays' configurations. */
int tlb_init_split(struct tlb *t, const struct mmu_array_config *c4k,
                   const struct mmu_array_config *c2m, uint16_t seed);
/* A unified TLB holding both sizes in one array. */
int tlb_init_unified(struct tlb *t, const struct mmu_array_config *c, uint16_t seed);
void tlb_free(struct tlb *t);

/* Finds the entry a lookup of va with pcid uses.  No side effects. */
bool tlb_lookup(const struct tlb *t, uint64_t va, uint16_t pcid, struct tlb_hit *h);
/* Records that the hit was used, for replacement. */
void tlb_touch(struct tlb *t, const struct tlb_hit *h);
/* Fills the array of the entry's page size; returns true on an eviction. */
bool tlb_fill(struct tlb *t, const struct tlb_entry *n);
unsigned tlb_invalidate(struct tlb *t, const struct tlb_inval *inv);
unsigned tlb_valid_count(const struct tlb *t);

#endif
