/*
 * L1 TLBs and the unified STLB, built from tagged arrays (tlb_array.c).
 */
#include "tlb.h"

/* Drops every memo. */
static void drop_memos(struct tlb *t)
{
    t->memo_valid = 0;
    for (unsigned i = 0; i < TLB_MEMOS; i++)
        t->memo_key[i] = TLB_MEMO_NONE;
}

int tlb_init_split(struct tlb *t, const struct mmu_array_config *c4k,
                   const struct mmu_array_config *c2m, uint16_t seed)
{
    *t = (struct tlb){.array_of = {0, 1}, .narrays = 2};
    drop_memos(t);
    if (tlb_array_init(&t->arr[0], c4k, seed) || tlb_array_init(&t->arr[1], c2m, seed)) {
        tlb_free(t);
        return -1;
    }
    return 0;
}

int tlb_init_unified(struct tlb *t, const struct mmu_array_config *c, uint16_t seed)
{
    *t = (struct tlb){.array_of = {0, 0}, .narrays = 1};
    drop_memos(t);
    return tlb_array_init(&t->arr[0], c, seed);
}

void tlb_free(struct tlb *t)
{
    for (unsigned i = 0; i < MMU_SIZE_COUNT; i++)
        tlb_array_free(&t->arr[i]);
}

bool tlb_lookup(const struct tlb *t, uint64_t va, uint16_t pcid, struct tlb_hit *h)
{
    for (unsigned s = 0; s < MMU_SIZE_COUNT; s++) {
        unsigned i = t->array_of[s];
        const struct tlb_array *a = &t->arr[i];
        int way = tlb_array_find(a, va, page_shift_of_size[s], pcid);
        if (way >= 0) {
            unsigned set = tlb_set_of(a, tlb_vpn(va, page_shift_of_size[s]));
            *h = (struct tlb_hit){.e = tlb_way(a, set, (unsigned)way),
                                  .size = (enum mmu_size_id)s,
                                  .array = i,
                                  .set = set,
                                  .way = (unsigned)way,
                                  .page = tlb_vpn(va, PAGE_SHIFT_4K),
                                  .pcid = pcid};
            return true;
        }
    }
    return false;
}

void tlb_touch(struct tlb *t, const struct tlb_hit *h)
{
    /* A memo of this way means it was the last one touched in its set and
     * nothing changed since: touching it again would change nothing.  A
     * memo of another way of the set stops being the set's last touched. */
    bool again = false;
    for (uint32_t v = t->memo_valid; v; v &= v - 1) {
        unsigned i = (unsigned)__builtin_ctz(v);
        const struct tlb_hit *o = &t->memo[i];
        if (o->set == h->set && o->array == h->array) {
            if (o->way == h->way)
                again = true;
            else {
                t->memo_valid &= ~(1u << i);
                t->memo_key[i] = TLB_MEMO_NONE;
            }
        }
    }
    if (!again)
        repl_touch(&t->arr[h->array].repl, h->set, h->way);
    unsigned i = (unsigned)h->page & (TLB_MEMOS - 1);
    t->memo[i] = *h;
    t->memo_valid |= 1u << i;
    t->memo_key[i] = tlb_memo_key(h->page, h->pcid);
}

bool tlb_fill(struct tlb *t, const struct tlb_entry *n)
{
    drop_memos(t);
    return tlb_array_fill(&t->arr[t->array_of[size_of_shift(n->shift)]], n);
}

unsigned tlb_invalidate(struct tlb *t, const struct tlb_inval *inv)
{
    drop_memos(t);
    unsigned n = 0;
    for (unsigned i = 0; i < t->narrays; i++)
        n += tlb_array_invalidate(&t->arr[i], inv);
    return n;
}

unsigned tlb_valid_count(const struct tlb *t)
{
    unsigned n = 0;
    for (unsigned i = 0; i < t->narrays; i++)
        n += tlb_array_valid_count(&t->arr[i]);
    return n;
}
