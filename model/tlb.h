/*
 * A TLB: the L1 ITLB and DTLB each have a 4 KiB, a 2 MiB and a 1 GiB array
 * looked up in parallel; the unified STLB keeps 4 KiB and 2 MiB pages in
 * one array and probes it once per size, with the set index of that size,
 * and 1 GiB pages in an array of their own.
 *
 * When entries of several sizes match an address, the smallest page's is
 * used.
 * Replacement state is updated only when a hit is used (tlb_touch) and on
 * fills.
 *
 * The memos (issue 11) remember hits that were used: the 4 KiB page and
 * PCID looked up and the way found, in a small table indexed by the page's
 * low bits.  A memo stays valid while no entry of the TLB changed (no
 * fill, no invalidation): until then a lookup of the same page and PCID
 * finds the same way.  So tlb_find answers such a lookup from its memo
 * without a search; the hit's touch is still done (tlb_touch_memo, worked
 * out in advance for the way), so replacement state is exactly what a
 * search's hit would leave.  A memo also knows which accesses its entry
 * allows without a fault or a dirty re-walk, under each mode (WP, NXE), so
 * the L1 hit path tells a hit by one compare and one bit.  tlb_touch sets
 * a memo; tlb_fill and tlb_invalidate drop them all (an entry's rights
 * and D bit change only by a fill).
 */
#ifndef MODEL_TLB_H
#define MODEL_TLB_H

#include <stdbool.h>
#include <stdint.h>

#include "pte.h"
#include "tlb_array.h"

#define TLB_MEMOS  64  /* a power of two, at most 64 */
#define TLB_ALLOWS 256 /* kinds of entry: R/W, U/S, NX, D and a 4-bit protection key */

struct tlb_hit {
    struct tlb_entry *e;
    enum mmu_size_id size;
    unsigned array, set, way;
    uint64_t page; /* the lookup's VA[47:12] */
    uint16_t pcid; /* the lookup's PCID */
};

/* What the L1 hit path reads of a memo, in one 64-byte line; the hit itself is kept apart. */
struct tlb_memo {
    uint64_t key;        /* tlb_memo_key of the lookup */
    uint32_t allows;     /* bit tlb_memo_bit: the access is a hit with no fault and no
                              re-walk; 0 when the memo is not valid */
    uint32_t size;       /* the hit's enum mmu_size_id */
    struct repl_use use; /* the touch of the hit's way */
    uint64_t pad[2];
};

struct tlb {
    struct tlb_array arr[MMU_SIZE_COUNT]; /* the STLB uses arr[0] and arr[1] (1 GiB) */
    uint8_t array_of[MMU_SIZE_COUNT];     /* page size -> index into arr */
    unsigned narrays;
    uint32_t filled; /* bit i: arr[i] has been filled (a lookup skips an array never filled) */
    struct tlb_memo memo[TLB_MEMOS];    /* memo[page % TLB_MEMOS] */
    uint64_t memo_valid;                /* bit i: memo[i] may be valid (those to drop) */
    struct tlb_hit memo_hit[TLB_MEMOS]; /* the hit of memo[i] */
    uint32_t allows[TLB_ALLOWS]; /* a memo's allows by its entry's rights and key (allows_index
                                    in tlb.c), for the MMU's SMEP, SMAP, PKE, AC and PKRU */
};

/* A memo's key: an address's page (VA[56:12], in place) and a PCID in one word. */
static inline uint64_t tlb_memo_key(uint64_t va, uint16_t pcid)
{
    return (va & 0x1fffffffffff000ull) | pcid;
}

/* The bit of a memo's allows for an access in a mode: 32 bits cover WP, NXE, the four values of
 * an access type and user; the bits of type 3 stay clear. */
static inline unsigned tlb_memo_mode(bool wp, bool nxe)
{
    return (unsigned)wp << 4 | (unsigned)nxe << 3;
}
static inline unsigned tlb_memo_bit(unsigned mode, enum mmu_access type, bool user)
{
    return mode | (unsigned)type << 1 | user;
}

static const unsigned page_shift_of_size[MMU_SIZE_COUNT] = {PAGE_SHIFT_4K, PAGE_SHIFT_2M,
                                                            PAGE_SHIFT_1G};

static inline enum mmu_size_id size_of_shift(unsigned shift)
{
    return shift == PAGE_SHIFT_4K   ? MMU_SIZE_4K
           : shift == PAGE_SHIFT_2M ? MMU_SIZE_2M
                                    : MMU_SIZE_1G;
}

/* An L1 TLB from its three arrays' configurations. */
int tlb_init_split(struct tlb *t, const struct mmu_array_config *c4k,
                   const struct mmu_array_config *c2m, const struct mmu_array_config *c1g,
                   uint16_t seed);
/* A unified TLB holding 4 KiB and 2 MiB pages in one array, c, and 1 GiB pages in c1g. */
int tlb_init_unified(struct tlb *t, const struct mmu_array_config *c,
                     const struct mmu_array_config *c1g, uint16_t seed);
void tlb_free(struct tlb *t);

/* Finds the entry a lookup of va with pcid uses.  No side effects. */
bool tlb_lookup(const struct tlb *t, uint64_t va, uint16_t pcid, struct tlb_hit *h);

/* The valid memo of va's page and pcid, or NULL; va is canonical. */
static inline const struct tlb_memo *tlb_memo(const struct tlb *t, uint64_t va, uint16_t pcid)
{
    const struct tlb_memo *memo = &t->memo[(va >> 12) & (TLB_MEMOS - 1)];
    return memo->key == tlb_memo_key(va, pcid) && memo->allows ? memo : NULL;
}

/* tlb_lookup, answered from a memo when one holds va's page and pcid; va is canonical. */
static inline bool tlb_find(const struct tlb *t, uint64_t va, uint16_t pcid, struct tlb_hit *h)
{
    const struct tlb_memo *memo = tlb_memo(t, va, pcid);
    if (memo) {
        *h = t->memo_hit[memo - t->memo];
        return true;
    }
    return tlb_lookup(t, va, pcid, h);
}

/* Records that the hit was used, for replacement, and remembers it. */
void tlb_touch(struct tlb *t, const struct tlb_hit *h);

/* tlb_touch of a hit tlb_memo gave: the memo is there already. */
static inline void tlb_touch_memo(const struct tlb_memo *memo)
{
    repl_use(&memo->use);
}
/* Fills the array of the entry's page size; returns true on an eviction. */
/* Whether t has an array for pages of this size (a disabled array is not filled). */
static inline bool tlb_has_size(const struct tlb *t, enum mmu_size_id size)
{
    return t->arr[t->array_of[size]].sets != 0;
}

bool tlb_fill(struct tlb *t, const struct tlb_entry *n);
/* The MMU's SMEP, SMAP, PKE, AC and PKRU changed (or are set at the start): every memo's allows
 * is worked out again (its WP and NXE bits are in the memo's bit index). */
void tlb_set_mode(struct tlb *t, const struct pte_mode *mode);
unsigned tlb_invalidate(struct tlb *t, const struct tlb_inval *inv);
unsigned tlb_valid_count(const struct tlb *t);

#endif
