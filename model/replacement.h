/*
 * Replacement policies of a set-associative array: true LRU, tree-PLRU,
 * FIFO and LFSR pseudo-random.  The state is per set (per array for the
 * LFSR).  The array itself picks an invalid way before asking for a
 * victim; this file only decides among valid ways.
 *
 * repl_touch() is called on every hit that is used and on every fill;
 * repl_victim() is called once per replacement of a valid entry and
 * commits its choice (FIFO advances, the LFSR steps).
 */
#ifndef MODEL_REPLACEMENT_H
#define MODEL_REPLACEMENT_H

#include <stdint.h>

#include "mmusim/mmu.h"

#define REPL_MAX_WAYS      1024 /* the widest set a configuration may have */
#define REPL_PLRU_MAX_WAYS 64   /* tree bits of a set fit in 64 bits */

struct repl {
    enum mmu_repl policy;
    unsigned sets, ways;
    uint64_t *stamp; /* LRU: sets * ways use stamps; the largest of a set is its most recent way */
    uint64_t clock;  /* LRU: the next stamp, larger than every stamp given */
    uint64_t *tree;  /* PLRU: bit n (1 .. ways-1) of set s is node n of its tree */
    uint16_t *next;  /* FIFO: per-set pointer to the next victim */
    uint16_t lfsr;   /* RANDOM */
};

int repl_init(struct repl *r, enum mmu_repl policy, unsigned sets, unsigned ways, uint16_t seed);
void repl_free(struct repl *r);
void repl_touch(struct repl *r, unsigned set, unsigned way);
unsigned repl_victim(struct repl *r, unsigned set);

/* One step of the 16-bit Fibonacci LFSR x^16 + x^14 + x^13 + x^11 + 1. */
static inline uint16_t lfsr16_step(uint16_t s)
{
    unsigned bit = (s ^ (s >> 2) ^ (s >> 3) ^ (s >> 5)) & 1u;
    return (uint16_t)((s >> 1) | (bit << 15));
}

#endif
