/*
 * Paging-structure caches (SDM vol. 3, 4.10.3): the PML5E (5-level paging
 * only), PML4E, PDPTE and PDE caches.  An entry of the cache for level L
 * (5, 4, 3, 2) is keyed by the PCID and VA[56:shift(L)], where shift(L) =
 * 12 + 9 * (L - 1), and holds the physical base of the table at level
 * L - 1 together with the rights combined from the root down to the cached
 * entry.
 *
 * The caches of the mode's levels are looked up at the start of a walk,
 * every hit is touched, and the walk starts below the deepest hit.  A
 * non-leaf entry is cached when the walk uses it.  Entries are never
 * global.
 */
#ifndef MODEL_PSCACHE_H
#define MODEL_PSCACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "tlb_array.h"

struct pscache {
    struct tlb_array c[MMU_PSC_COUNT]; /* c[L - 2] caches level-L entries */
};

struct psc_result {
    unsigned start_level; /* level of the walk's first read: the top level with no hit */
    uint64_t table;       /* base of the table at start_level */
    struct pte_perm perm; /* rights combined above start_level */
    bool hit[MMU_PSC_COUNT];
};

static inline enum mmu_psc_id psc_of_level(unsigned level)
{
    return (enum mmu_psc_id)(level - 2);
}

int psc_init(struct pscache *p, const struct mmu_array_config cfg[MMU_PSC_COUNT], uint16_t seed);
void psc_free(struct pscache *p);

/* Looks up the caches of levels 2 to `levels` (4, or 5 with la57) for va; root is the base of
 * the table at `levels` (CR3's), used with no hit. */
void psc_lookup(struct pscache *p, unsigned levels, uint64_t va, uint16_t pcid, uint64_t root,
                struct psc_result *r);

/* Caches the non-leaf entry at level (5, 4, 3 or 2) that points to table,
 * with the rights combined down to and including it. */
/* Returns false if the level's cache is disabled; else fills it and says in *evicted whether a
 * valid entry was replaced. */
bool psc_fill(struct pscache *p, unsigned level, uint64_t va, uint16_t pcid, uint64_t table,
              struct pte_perm perm, bool *evicted);

void psc_invalidate(struct pscache *p, const struct tlb_inval *inv);

#endif
