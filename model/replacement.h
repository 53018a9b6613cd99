/*
 * Replacement policies of a set-associative array: true LRU, tree-PLRU,
 * FIFO and LFSR pseudo-random.  The state is per set (per array for the
 * LFSR).  The array itself picks an invalid way before asking for a
 * victim; this file only decides among valid ways.
 *
 * repl_touch() is called on every hit that is used and on every fill;
 * repl_victim() is called once per replacement of a valid entry and
 * commits its choice (FIFO advances, the LFSR steps).  A touch is a
 * constant number of operations for every policy and width (an LRU use
 * stamp; a PLRU set's tree bits masked and set at once), so that the L1
 * hit path can do it inline.
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
    uint64_t *keep;  /* PLRU, per way: the tree bits its touch leaves as they are */
    uint64_t *point; /* PLRU, per way: the tree bits its touch sets (pointing away from it) */
    uint16_t *next;  /* FIFO: per-set pointer to the next victim */
    uint16_t lfsr;   /* RANDOM */
};

int repl_init(struct repl *r, enum mmu_repl policy, unsigned sets, unsigned ways, uint16_t seed);
void repl_free(struct repl *r);

/* Records a use of way in set: it becomes the most recent (LRU) or every tree node on its path
 * points away from it (PLRU); FIFO and random ignore use. */
static inline void repl_touch(struct repl *r, unsigned set, unsigned way)
{
    if (r->policy == MMU_REPL_LRU)
        r->stamp[(size_t)set * r->ways + way] = r->clock++;
    else if (r->policy == MMU_REPL_PLRU)
        r->tree[set] = (r->tree[set] & r->keep[way]) | r->point[way];
}
unsigned repl_victim(struct repl *r, unsigned set);

/* A touch of one way worked out in advance, for a hit path that touches the same way again and
 * again: repl_use(&u) does what repl_touch(r, set, way) does.  Valid while r lives. */
struct repl_use {
    uint64_t *word;  /* LRU: the way's stamp; PLRU: the set's tree; NULL: use changes nothing */
    uint64_t *clock; /* LRU: r's clock; else NULL */
    uint64_t keep, point;
};

static inline struct repl_use repl_use_of(struct repl *r, unsigned set, unsigned way)
{
    if (r->policy == MMU_REPL_LRU)
        return (struct repl_use){.word = &r->stamp[(size_t)set * r->ways + way],
                                 .clock = &r->clock};
    if (r->policy == MMU_REPL_PLRU)
        return (struct repl_use){
            .word = &r->tree[set], .keep = r->keep[way], .point = r->point[way]};
    return (struct repl_use){0};
}

static inline void repl_use(const struct repl_use *u)
{
    if (u->clock)
        *u->word = (*u->clock)++;
    else if (u->word)
        *u->word = (*u->word & u->keep) | u->point;
}

/* One step of the 16-bit Fibonacci LFSR x^16 + x^14 + x^13 + x^11 + 1. */
static inline uint16_t lfsr16_step(uint16_t s)
{
    unsigned bit = (s ^ (s >> 2) ^ (s >> 3) ^ (s >> 5)) & 1u;
    return (uint16_t)((s >> 1) | (bit << 15));
}

#endif
