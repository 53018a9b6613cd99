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
        r->age = malloc((size_t)sets * ways * sizeof(*r->age));
        if (!r->age)
            return -1;
        for (unsigned s = 0; s < sets; s++)
            for (unsigned w = 0; w < ways; w++)
                r->age[(size_t)s * ways + w] = (uint16_t)w;
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
    free(r->age);
    free(r->tree);
    free(r->next);
    r->age = NULL;
    r->tree = NULL;
    r->next = NULL;
}

void repl_touch(struct repl *r, unsigned set, unsigned way)
{
    switch (r->policy) {
    case MMU_REPL_LRU: {
        uint16_t *age = &r->age[(size_t)set * r->ways];
        uint16_t old = age[way];
        for (unsigned w = 0; w < r->ways; w++)
            if (age[w] < old)
                age[w]++;
        age[way] = 0;
        break;
    }
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
        const uint16_t *age = &r->age[(size_t)set * r->ways];
        for (unsigned w = 0; w < r->ways; w++)
            if (age[w] == r->ways - 1)
                return w;
        return 0; /* unreachable: ages are a permutation */
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
