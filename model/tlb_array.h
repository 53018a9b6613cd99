/*
 * A tagged set-associative array: the storage of every TLB array and of
 * every paging-structure cache.
 *
 * An entry maps the naturally aligned region of 2^shift bytes holding a
 * virtual address: a page (shift 12 or 21) in a TLB, or the region one
 * paging-structure entry covers (21, 30, 39) in a paging-structure cache.
 * Its tag is the region number, vpn = VA[56:shift] (in 4-level paging bits
 * 56:48 of a canonical address copy bit 47); its set is the low bits
 * of vpn.  An array may hold entries of more than one shift (the STLB):
 * each lookup then names the shift it probes.
 *
 * An entry matches a lookup of (va, shift, pcid) when it is valid, of that
 * shift, has that vpn, and is global or has that PCID.  When several ways
 * match, the lowest-numbered way wins.
 */
#ifndef MODEL_TLB_ARRAY_H
#define MODEL_TLB_ARRAY_H

#include <stdbool.h>
#include <stdint.h>

#include "mmusim/mmu.h"
#include "pte.h"
#include "replacement.h"

struct tlb_entry {
    uint64_t vpn;  /* VA[56:shift] */
    uint64_t base; /* physical page base, or the next table's base */
    uint16_t pcid;
    uint8_t shift;
    uint8_t page_shift; /* TLB leaves: the page's (30 for a 2 MiB fraction of a 1 GiB page) */
    bool valid;
    bool global;
    bool dirty;           /* TLB leaves: the D bit as cached */
    struct pte_perm perm; /* rights combined from the root to this entry */
};

struct tlb_array {
    unsigned sets, ways; /* sets * ways == 0 means the array is disabled */
    struct tlb_entry *e; /* e[set * ways + way] */
    /* tag[i]: tlb_tag(e[i].vpn, e[i].shift) if e[i] is valid, else
     * TLB_TAG_INVALID; a search compares these 8 bytes a way (issue 11) */
    uint64_t *tag;
    struct repl repl;
};

#define TLB_TAG_INVALID UINT64_MAX /* no valid entry has it: vpn < 2^45 */

static inline uint64_t tlb_tag(uint64_t vpn, unsigned shift)
{
    return vpn << 6 | shift;
}

/* Which entries an invalidation removes: those covering va (if by_addr),
 * and then global entries unless keep_global, non-global entries only of
 * pcid (if by_pcid). */
struct tlb_inval {
    bool by_addr;
    uint64_t va;
    bool by_pcid;
    uint16_t pcid;
    bool keep_global;
};

int tlb_array_init(struct tlb_array *a, const struct mmu_array_config *c, uint16_t lfsr_seed);
void tlb_array_free(struct tlb_array *a);

static inline uint64_t tlb_vpn(uint64_t va, unsigned shift)
{
    return (va & ((1ull << VA_BITS_LA57) - 1)) >> shift;
}

static inline unsigned tlb_set_of(const struct tlb_array *a, uint64_t vpn)
{
    return (unsigned)(vpn & (a->sets - 1));
}

static inline struct tlb_entry *tlb_way(const struct tlb_array *a, unsigned set, unsigned way)
{
    return &a->e[(size_t)set * a->ways + way];
}

/* The way matching (va, shift, pcid), or -1.  No side effects. */
int tlb_array_find(const struct tlb_array *a, uint64_t va, unsigned shift, uint16_t pcid);

/* Writes *n (its vpn, shift and pcid say where) into the matching way if
 * there is one, else the lowest invalid way, else the policy's victim, and
 * touches it.  Returns true if a valid entry was evicted. */
bool tlb_array_fill(struct tlb_array *a, const struct tlb_entry *n);

/* Removes every entry the invalidation selects; returns how many. */
unsigned tlb_array_invalidate(struct tlb_array *a, const struct tlb_inval *inv);

unsigned tlb_array_valid_count(const struct tlb_array *a);

/* Adds a's valid entries to *c (see mmu_census in mmusim/mmu.h). */
void tlb_array_census(const struct tlb_array *a, uint16_t pcid, bool by_addr, uint64_t va,
                      struct mmu_census *c);

#endif
