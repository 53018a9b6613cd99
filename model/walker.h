/*
 * The hardware page walker: 4-level or 5-level x86-64 page tables, read an
 * entry at a time through the memory port, each entry checked, A and D written back,
 * the paging-structure caches filled.
 *
 * A walk is a state machine (struct walk) that says which memory access
 * comes next: walk_begin looks the caches up and gives the first read,
 * walk_step takes each access's response and gives the next access or the
 * result.  The pipeline (docs/ARCHITECTURE.md section 16, model/pipeline.c)
 * steps each of its walkers' walks, interleaved on the one memory port; with
 * one walker, as in `blocking`, that is section 8's walk.
 *
 * The timing of every step is in docs/ARCHITECTURE.md, "Walk timing".
 * Not modelled: PAT/PWT/PCD memory types.
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
    unsigned levels; /* 4, or 5 with la57: the level of the table CR3 points to */
    bool pdpe1gb;    /* 1 GiB pages: a PDPTE with PS = 1 is a leaf */
    bool set_bits;   /* A/D written as an atomic set of bits (section 16.5), not the whole entry */
    struct pscache *psc;
    struct mmu_stats *stats;
    char *err; /* where a memory-port failure is described */
    size_t errlen;
};

struct walk_req {
    uint64_t va;
    enum mmu_access type;
    bool user;
    bool implicit;               /* an implicit supervisor-mode access */
    const struct pte_mode *mode; /* what the leaf's access check reads (pte.h): the MMU's, which
                                    no control operation changes while a walk runs (16.7) */
    uint16_t pcid;
    uint64_t root;  /* PML4 (la57: PML5) base from CR3 */
    uint64_t start; /* the cycle of the paging-structure-cache lookup */
};

struct walk_result {
    enum mmu_fault fault;
    bool pk;               /* a fault at a present leaf whose key forbids the access */
    unsigned level;        /* where the walk stopped */
    struct tlb_entry leaf; /* the translation, when fault == NONE */
    uint64_t done;         /* the cycle of the response */
};

/* One walk in progress. */
struct walk {
    struct walk_req req;
    unsigned level;            /* of the entry being read or written back */
    uint64_t table;            /* base of the table at level */
    struct pte_perm perm;      /* rights combined above level (down to it once read) */
    uint64_t entry;            /* the entry at level, once read */
    bool writing;              /* acc is the entry's A/D write-back */
    struct mmu_mem_access acc; /* the access to present next: paddr, write, data */
    /* The non-leaf entry above level, cached when the read of level is accepted. */
    bool fill_pending;
    uint64_t fill_table;
    struct pte_perm fill_perm;
};

/* Cycle req->start: looks the caches up and counts the walk; k->acc is the first read, presented
 * in req->start + 1. */
void walk_begin(struct walker *w, const struct walk_req *req, struct walk *k);

/* Presents k->acc to the memory port in cycle issue.  Returns 0 with its timing in k->acc, 1
 * when the memory answered with an error (a bus error, timing given), or -1 when the port gave
 * no valid timing (w->err says what). */
int walk_present(struct walker *w, struct walk *k, uint64_t issue);

/* The memory accepted k->acc: counts it, and caches the entry above when it was the next
 * level's read. */
void walk_accepted(struct walker *w, struct walk *k);

/* k->acc's response: data for a read, error if the memory answered with an error.  Checks the
 * entry and returns true with the next access in k->acc (presented in the cycle after the
 * response), or false with the walk's outcome in *res (res->done is the caller's). */
bool walk_step(struct walker *w, struct walk *k, uint64_t data, bool error,
               struct walk_result *res);

#endif
