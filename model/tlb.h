/*
 * A TLB: the L1 ITLB and DTLB each have a 4 KiB and a 2 MiB array looked
 * up in parallel; the unified STLB keeps both sizes in one array and
 * probes it once per size, with the set index of that size.
 *
 * When entries of both sizes match an address, the 4 KiB entry is used.
 * Replacement state is updated only when a hit is used (tlb_touch) and on
 * fills.
 *
 * The memos (issue 11) remember hits that were used: the 4 KiB page and
 * PCID looked up and the way found, in a small table indexed by the page's
 * low bits.  A memo stays valid while its way is the last one touched in
 * its set and no entry changed (no fill, no invalidation): then a lookup of
 * the same page and PCID finds the same way, and touching it again leaves
 * every policy's state as it is (an LRU or PLRU touch of a set's most
 * recent way changes nothing; FIFO and random ignore use; replacement
 * state is per set).  So tlb_find answers such a lookup from its memo, and
 * tlb_touch skips the policy update for it.  tlb_touch sets a memo and
 * drops those of other ways of the same set; tlb_fill and tlb_invalidate
 * drop them all.
 */
#ifndef MODEL_TLB_H
#define MODEL_TLB_H

#include <stdbool.h>
#include <stdint.h>

#include "tlb_array.h"

#define TLB_MEMOS 32 /* a power of two, at most 32 */

struct tlb_hit {
    struct tlb_entry *e;
    enum mmu_size_id size;
    unsigned array, set, way;
    uint64_t page; /* the lookup's VA[47:12] */
    uint16_t pcid; /* the lookup's PCID */
};

struct tlb {
    struct tlb_array arr[MMU_SIZE_COUNT]; /* the STLB uses arr[0] only */
    uint8_t array_of[MMU_SIZE_COUNT];     /* page size -> index into arr */
    unsigned narrays;
    uint32_t memo_valid;            /* bit i: memo[i] is valid */
    uint64_t memo_key[TLB_MEMOS];   /* tlb_memo_key of memo[i], or TLB_MEMO_NONE if invalid */
    struct tlb_hit memo[TLB_MEMOS]; /* memo[page % TLB_MEMOS] */
};

#define TLB_MEMO_NONE UINT64_MAX /* no key: pages are below 2^36 */

/* A memo's key: the page (VA[47:12]) and the PCID in one word. */
static inline uint64_t tlb_memo_key(uint64_t page, uint16_t pcid)
{
    return page << 12 | pcid;
}

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

/* The memo of (page, pcid), page = VA[47:12], or NULL. */
static inline const struct tlb_hit *tlb_memo(const struct tlb *t, uint64_t page, uint16_t pcid)
{
    unsigned i = (unsigned)page & (TLB_MEMOS - 1);
    return t->memo_key[i] == tlb_memo_key(page, pcid) ? &t->memo[i] : NULL;
}

/* tlb_lookup, answered from a memo when one holds va's page and pcid. */
static inline bool tlb_find(const struct tlb *t, uint64_t va, uint16_t pcid, struct tlb_hit *h)
{
    const struct tlb_hit *memo = tlb_memo(t, tlb_vpn(va, PAGE_SHIFT_4K), pcid);
    if (memo) {
        *h = *memo;
        return true;
    }
    return tlb_lookup(t, va, pcid, h);
}

/* Records that the hit was used, for replacement. */
void tlb_touch(struct tlb *t, const struct tlb_hit *h);
/* Fills the array of the entry's page size; returns true on an eviction. */
bool tlb_fill(struct tlb *t, const struct tlb_entry *n);
unsigned tlb_invalidate(struct tlb *t, const struct tlb_inval *inv);
unsigned tlb_valid_count(const struct tlb *t);

#endif
