/*
 * The hardware page walker: one walk at a time through 4-level x86-64
 * page tables, reading each entry through the memory port, checking it,
 * writing back A and D bits, and filling the paging-structure caches.
 *
 * The timing of every step is in docs/ARCHITECTURE.md, "Walk timing".
 * Not modelled: 1 GiB pages, 5-level paging, PAT/PWT/PCD memory types.
 */
#ifndef MODEL_WALKER_H
#define MODEL_WALKER_H

#include <stdbool.h>
#include <stdint.h>

#include "mmusim/mmu.h"
#include "pscache.h"
#include "tlb_array.h"

struct walker {
    struct mmu_mem_port port;
    unsigned pa_bits;
    struct pscache *psc;
    struct mmu_stats *stats;
    char *err; /* where a memory-port failure is described */
    size_t errlen;
};

struct walk_req {
    uint64_t va;
    enum mmu_access type;
    bool user;
    bool wp, nxe;
    uint16_t pcid;
    uint64_t root;  /* PML4 base from CR3 */
    uint64_t start; /* the cycle of the paging-structure-cache lookup */
};

struct walk_result {
    enum mmu_fault fault;
    unsigned level;        /* where the walk stopped */
    struct tlb_entry leaf; /* the translation, when fault == NONE */
    uint64_t done;         /* the cycle of the response */
};

/* Walks for req.  Returns 0, or -1 if the memory port failed. */
int walk(struct walker *w, const struct walk_req *req, struct walk_result *res);

#endif
