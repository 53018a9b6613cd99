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
        return r->tree ? 0 : -1;
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
    free(r->next);
    r->stamp = NULL;
    r->tree = NULL;
    r->next = NULL;
}

void repl_touch(struct repl *r, unsigned set, unsigned way)
{
    switch (r->policy) {
    case MMU_REPL_LRU:
        r->stamp[(size_t)set * r->ways + way] = r->clock++;
        break;
    case MMU_REPL_PLRU: {
        /* Walk from the leaf to the root, pointing every node away from
         * the way just used: 1 sends the victim search right. */
        uint64_t t = r->tree[set];
        for (unsigned n = r->ways + way; n > 1; n /= 2) {
            unsigned parent = n / 2;
            if (n % 2 == 0)
                t |= 1ull << parent;
            else
                t &= ~(1ull << parent);
        }
        r->tree[set] = t;
        break;
    }
    default: /* FIFO and RANDOM ignore use */
        break;
    }
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
