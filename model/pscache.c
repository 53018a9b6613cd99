/*
 * Paging-structure caches, built from tagged arrays (tlb_array.c).
 */
#include "pscache.h"

int psc_init(struct pscache *p, const struct mmu_array_config cfg[MMU_PSC_COUNT], uint16_t seed)
{
    *p = (struct pscache){0};
    for (unsigned i = 0; i < MMU_PSC_COUNT; i++)
        if (tlb_array_init(&p->c[i], &cfg[i], seed)) {
            psc_free(p);
            return -1;
        }
    return 0;
}

void psc_free(struct pscache *p)
{
    for (unsigned i = 0; i < MMU_PSC_COUNT; i++)
        tlb_array_free(&p->c[i]);
}

void psc_lookup(struct pscache *p, unsigned levels, uint64_t va, uint16_t pcid, uint64_t root,
                struct psc_result *r)
{
    *r = (struct psc_result){.start_level = levels, .table = root, .perm = pte_perm_all()};
    /* From the top level's cache down, so the deepest hit is the last one kept. */
    for (unsigned level = levels; level >= 2; level--) {
        struct tlb_array *a = &p->c[psc_of_level(level)];
        unsigned shift = pt_level_shift(level);
        int way = tlb_array_find(a, va, shift, pcid);
        if (way < 0)
            continue;
        unsigned set = tlb_set_of(a, tlb_vpn(va, shift));
        const struct tlb_entry *e = tlb_way(a, set, (unsigned)way);
        repl_touch(&a->repl, set, (unsigned)way);
        r->hit[psc_of_level(level)] = true;
        r->start_level = level - 1;
        r->table = e->base;
        r->perm = e->perm;
    }
}

bool psc_fill(struct pscache *p, unsigned level, uint64_t va, uint16_t pcid, uint64_t table,
              struct pte_perm perm, bool *evicted)
{
    struct tlb_array *a = &p->c[psc_of_level(level)];
    if (a->sets == 0)
        return false;
    unsigned shift = pt_level_shift(level);
    struct tlb_entry n = {.vpn = tlb_vpn(va, shift),
                          .base = table,
                          .pcid = pcid,
                          .shift = (uint8_t)shift,
                          .perm = perm};
    *evicted = tlb_array_fill(a, &n);
    return true;
}

void psc_invalidate(struct pscache *p, const struct tlb_inval *inv)
{
    for (unsigned i = 0; i < MMU_PSC_COUNT; i++)
        tlb_array_invalidate(&p->c[i], inv);
}
