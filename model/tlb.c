/*
 * L1 TLBs and the unified STLB, built from tagged arrays (tlb_array.c).
 */
#include "tlb.h"

/* Drops every memo. */
static void drop_memos(struct tlb *t)
{
    for (uint64_t v = t->memo_valid; v; v &= v - 1)
        t->memo[__builtin_ctzll(v)].allows = 0;
    t->memo_valid = 0;
}

/* What decides a memo's allows: an entry's rights, D bit and protection key, as 8 bits. */
static unsigned allows_index(struct pte_perm perm, bool dirty)
{
    return (unsigned)perm.rw | (unsigned)perm.us << 1 | (unsigned)perm.nx << 2 |
           (unsigned)dirty << 3 | (unsigned)perm.pkey << 4;
}

/* The explicit accesses an entry allows, under each WP and NXE, with SMEP, SMAP, PKE, AC and
 * PKRU of prot. */
static uint32_t allows_of(struct pte_perm perm, bool dirty, const struct pte_mode *prot)
{
    uint32_t allows = 0;
    for (unsigned mode = 0; mode < 4; mode++)
        for (unsigned type = 0; type < MMU_ACC_COUNT; type++)
            for (unsigned user = 0; user < 2; user++) {
                struct pte_mode m = *prot;
                m.wp = mode & 2;
                m.nxe = mode & 1;
                if (pte_check_access(perm, type, user, false, &m) == MMU_FAULT_NONE &&
                    (type != MMU_ACC_WRITE || dirty))
                    allows |= 1u << tlb_memo_bit(tlb_memo_mode(m.wp, m.nxe), type, user);
            }
    return allows;
}

/* Each memo made works its allows out from t->allows, made here for the 256 kinds of entry
 * (24 rights checks each, where a memo is made on every hit that is not one), at the start and
 * whenever SMEP, SMAP, PKE, AC or PKRU change. */
static void make_allows(struct tlb *t, const struct pte_mode *prot)
{
    /* Without protection keys the key bits (7:4 of the index) change nothing: the first 16
     * kinds, then copies. */
    unsigned kinds = prot->pke ? TLB_ALLOWS : 16;
    for (unsigned k = 0; k < kinds; k++) {
        struct pte_perm perm = {
            .rw = k & 1, .us = k >> 1 & 1, .nx = k >> 2 & 1, .pkey = (uint8_t)(k >> 4)};
        t->allows[k] = allows_of(perm, k >> 3 & 1, prot);
    }
    for (unsigned k = kinds; k < TLB_ALLOWS; k++)
        t->allows[k] = t->allows[k % 16];
}

void tlb_set_mode(struct tlb *t, const struct pte_mode *mode)
{
    drop_memos(t);
    make_allows(t, mode);
}

int tlb_init_split(struct tlb *t, const struct mmu_array_config *c4k,
                   const struct mmu_array_config *c2m, const struct mmu_array_config *c1g,
                   uint16_t seed)
{
    *t = (struct tlb){.array_of = {0, 1, 2}, .narrays = 3};
    drop_memos(t);
    make_allows(t, &(struct pte_mode){0});
    if (tlb_array_init(&t->arr[0], c4k, seed) || tlb_array_init(&t->arr[1], c2m, seed) ||
        tlb_array_init(&t->arr[2], c1g, seed)) {
        tlb_free(t);
        return -1;
    }
    return 0;
}

int tlb_init_unified(struct tlb *t, const struct mmu_array_config *c,
                     const struct mmu_array_config *c1g, uint16_t seed)
{
    *t = (struct tlb){.array_of = {0, 0, 1}, .narrays = 2};
    drop_memos(t);
    make_allows(t, &(struct pte_mode){0});
    if (tlb_array_init(&t->arr[0], c, seed) || tlb_array_init(&t->arr[1], c1g, seed)) {
        tlb_free(t);
        return -1;
    }
    return 0;
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
        if (!(t->filled >> i & 1))
            continue; /* empty since its start: most runs never fill the 1 GiB arrays */
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

/* The accesses an entry allows as a hit, as tlb_memo's allows: for every mode, type and
 * privilege, no fault (pte_check_access) and, for a write, D set. */
void tlb_touch(struct tlb *t, const struct tlb_hit *h)
{
    struct repl *r = &t->arr[h->array].repl;
    repl_touch(r, h->set, h->way);
    unsigned i = h->page & (TLB_MEMOS - 1);
    uint64_t key = tlb_memo_key(h->page << 12, h->pcid);
    struct tlb_memo *memo = &t->memo[i];
    struct tlb_hit *old = &t->memo_hit[i];
    if (memo->allows && memo->key == key && old->e == h->e)
        return; /* remembered already (entries change only with every memo dropped) */
    *memo = (struct tlb_memo){.key = key,
                              .allows = t->allows[allows_index(h->e->perm, h->e->dirty)],
                              .size = h->size,
                              .use = repl_use_of(r, h->set, h->way)};
    *old = *h;
    t->memo_valid |= 1ull << i;
}

bool tlb_fill(struct tlb *t, const struct tlb_entry *n)
{
    drop_memos(t);
    unsigned i = t->array_of[size_of_shift(n->shift)];
    t->filled |= 1u << i;
    return tlb_array_fill(&t->arr[i], n);
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
