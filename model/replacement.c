/*
 * Replacement policies.  docs/ARCHITECTURE.md, "Replacement", gives the
 * same rules in words; the RTL's replacement units implement them.
 */
#include <stdlib.h>

#include "replacement.h"

int repl_init(struct repl *r, enum mmu_repl policy, unsigned sets, unsigned ways, uint16_t seed)
{
    *r = (struct repl){.policy = policy, .sets = sets, .ways = ways, .lfsr = seed};
    switch (policy) {
    case MMU_REPL_LRU:
        /* True LRU as use stamps (issue 11): a touch is one store, and the
         * victim, the least recent way, has the smallest stamp.  The
         * recency order is the one of docs/ARCHITECTURE.md's ages (age 0 =
         * the largest stamp); at reset way 0 is the most recent and way
         * ways - 1 the least. */
        r->stamp = malloc((size_t)sets * ways * sizeof(*r->stamp));
        if (!r->stamp)
            return -1;
        for (unsigned s = 0; s < sets; s++)
            for (unsigned w = 0; w < ways; w++)
                r->stamp[(size_t)s * ways + w] = ways - 1 - w;
        r->clock = ways;
        return 0;
    case MMU_REPL_PLRU:
        r->tree = calloc(sets, sizeof(*r->tree));
        r->keep = malloc(ways * sizeof(*r->keep));
        r->point = malloc(ways * sizeof(*r->point));
        if (!r->tree || !r->keep || !r->point)
            return -1;
        /* A use of a way walks from its leaf to the root, pointing every node
         * away from it: a node is set (the victim search goes right) when the
         * way lies in its left subtree.  The nodes on the path are the ones a
         * touch writes; the rest it keeps. */
        for (unsigned w = 0; w < ways; w++) {
            uint64_t path = 0, point = 0;
            for (unsigned n = ways + w; n > 1; n /= 2) {
                path |= 1ull << (n / 2);
                if (n % 2 == 0)
                    point |= 1ull << (n / 2);
            }
            r->keep[w] = ~path;
            r->point[w] = point;
        }
        return 0;
    case MMU_REPL_FIFO:
        r->next = calloc(sets, sizeof(*r->next));
        return r->next ? 0 : -1;
    case MMU_REPL_RANDOM:
        return 0;
    default:
        return -1;
    }
}

void repl_free(struct repl *r)
{
    free(r->stamp);
    free(r->tree);
    free(r->keep);
    free(r->point);
    free(r->next);
    r->stamp = NULL;
    r->tree = NULL;
    r->keep = NULL;
    r->point = NULL;
    r->next = NULL;
}

unsigned repl_victim(struct repl *r, unsigned set)
{
    switch (r->policy) {
    case MMU_REPL_LRU: {
        const uint64_t *stamp = &r->stamp[(size_t)set * r->ways];
        unsigned victim = 0;
        for (unsigned w = 1; w < r->ways; w++)
            if (stamp[w] < stamp[victim])
                victim = w;
        return victim;
    }
    case MMU_REPL_PLRU: {
        unsigned n = 1;
        while (n < r->ways)
            n = 2 * n + (unsigned)((r->tree[set] >> n) & 1);
        return n - r->ways;
    }
    case MMU_REPL_FIFO: {
        unsigned w = r->next[set];
        r->next[set] = (uint16_t)((w + 1) % r->ways);
        return w;
    }
    default: { /* RANDOM: the high part of lfsr * ways, then step */
        unsigned w = (unsigned)(((uint32_t)r->lfsr * r->ways) >> 16);
        r->lfsr = lfsr16_step(r->lfsr);
        return w;
    }
    }
}
