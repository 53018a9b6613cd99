/*
 * The tagged set-associative array shared by TLBs and paging-structure
 * caches.
 */
#include <stdlib.h>

#include "tlb_array.h"

int tlb_array_init(struct tlb_array *a, const struct mmu_array_config *c, uint16_t lfsr_seed)
{
    *a = (struct tlb_array){0};
    if (c->entries == 0)
        return 0;
    a->ways = c->ways;
    a->sets = c->entries / c->ways;
    a->e = calloc(c->entries, sizeof(*a->e));
    a->tag = malloc(c->entries * sizeof(*a->tag));
    if (a->tag)
        for (unsigned i = 0; i < c->entries; i++)
            a->tag[i] = TLB_TAG_INVALID;
    if (!a->e || !a->tag || repl_init(&a->repl, c->repl, a->sets, a->ways, lfsr_seed)) {
        tlb_array_free(a);
        return -1;
    }
    return 0;
}

void tlb_array_free(struct tlb_array *a)
{
    free(a->e);
    free(a->tag);
    repl_free(&a->repl);
    *a = (struct tlb_array){0};
}

int tlb_array_find(const struct tlb_array *a, uint64_t va, unsigned shift, uint16_t pcid)
{
    if (a->sets == 0)
        return -1;
    uint64_t vpn = tlb_vpn(va, shift);
    unsigned set = tlb_set_of(a, vpn);
    const uint64_t *tag = &a->tag[(size_t)set * a->ways];
    uint64_t want = tlb_tag(vpn, shift);
    for (unsigned w = 0; w < a->ways; w++)
        if (tag[w] == want) {
            const struct tlb_entry *e = tlb_way(a, set, w);
            if (e->global || e->pcid == pcid)
                return (int)w;
        }
    return -1;
}

bool tlb_array_fill(struct tlb_array *a, const struct tlb_entry *n)
{
    if (a->sets == 0)
        return false;
    unsigned set = tlb_set_of(a, n->vpn);
    /* One pass: the first matching way, else the first invalid one. */
    unsigned way = a->ways, invalid = a->ways;
    for (unsigned w = 0; w < a->ways; w++) {
        const struct tlb_entry *e = tlb_way(a, set, w);
        /* An entry of the new one's kind: global, or of its PCID (not a global entry that
         * the lookup also matched, docs/ARCHITECTURE.md section 4). */
        if (e->valid && e->shift == n->shift && e->vpn == n->vpn && e->global == n->global &&
            (e->global || e->pcid == n->pcid)) {
            way = w;
            break;
        }
        if (!e->valid && invalid == a->ways)
            invalid = w;
    }
    if (way == a->ways)
        way = invalid;
    bool evicted = false;
    if (way == a->ways) {
        way = repl_victim(&a->repl, set);
        evicted = true;
    }
    *tlb_way(a, set, way) = *n;
    tlb_way(a, set, way)->valid = true;
    a->tag[(size_t)set * a->ways + way] = tlb_tag(n->vpn, n->shift);
    repl_touch(&a->repl, set, way);
    return evicted;
}

static bool inval_selects(const struct tlb_inval *inv, const struct tlb_entry *e)
{
    if (!e->valid)
        return false;
    if (inv->by_addr && e->vpn != tlb_vpn(inv->va, e->shift))
        return false;
    if (e->global)
        return !inv->keep_global;
    return !inv->by_pcid || e->pcid == inv->pcid;
}

static unsigned invalidate_set(struct tlb_array *a, unsigned set, const struct tlb_inval *inv)
{
    unsigned n = 0;
    for (unsigned w = 0; w < a->ways; w++) {
        struct tlb_entry *e = tlb_way(a, set, w);
        if (inval_selects(inv, e)) {
            e->valid = false;
            a->tag[(size_t)set * a->ways + w] = TLB_TAG_INVALID;
            n++;
        }
    }
    return n;
}

unsigned tlb_array_invalidate(struct tlb_array *a, const struct tlb_inval *inv)
{
    unsigned n = 0;
    if (!inv->by_addr) {
        for (unsigned s = 0; s < a->sets; s++)
            n += invalidate_set(a, s, inv);
        return n;
    }
    /* An entry of shift s covering va can only sit in the set of
     * VA[56:s]: visit those sets, each once. */
    static const unsigned shifts[] = {12, 21, 30, 39, 48};
    unsigned done[5];
    unsigned ndone = 0;
    for (unsigned i = 0; i < 5 && a->sets; i++) {
        unsigned set = tlb_set_of(a, tlb_vpn(inv->va, shifts[i]));
        bool seen = false;
        for (unsigned j = 0; j < ndone; j++)
            seen = seen || done[j] == set;
        if (!seen) {
            done[ndone++] = set;
            n += invalidate_set(a, set, inv);
        }
    }
    return n;
}

unsigned tlb_array_valid_count(const struct tlb_array *a)
{
    unsigned n = 0;
    size_t total = (size_t)a->sets * a->ways;
    for (size_t i = 0; i < total; i++)
        n += a->e[i].valid;
    return n;
}

void tlb_array_census(const struct tlb_array *a, uint16_t pcid, bool by_addr, uint64_t va,
                      struct mmu_census *c)
{
    size_t total = (size_t)a->sets * a->ways;
    for (size_t i = 0; i < total; i++) {
        const struct tlb_entry *e = &a->e[i];
        if (!e->valid || (by_addr && e->vpn != tlb_vpn(va, e->shift)))
            continue;
        if (e->global)
            c->global++;
        else if (e->pcid == pcid)
            c->pcid++;
        else
            c->other++;
    }
}
