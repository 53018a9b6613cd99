/*
 * TLB arrays: PCID and global matching, fills (in place, invalid way
 * first, then the victim), the 4 KiB-over-2 MiB priority, and invalidation
 * selectors.
 */
#include "test_util.h"

#include "tlb.h"

static struct tlb_entry leaf(uint64_t va, unsigned shift, uint16_t pcid, bool global, uint64_t base)
{
    return (struct tlb_entry){.vpn = tlb_vpn(va, shift),
                              .shift = (uint8_t)shift,
                              .page_shift = (uint8_t)shift,
                              .pcid = pcid,
                              .global = global,
                              .base = base,
                              .perm = pte_perm_all()};
}

static void init_dtlb(struct tlb *t, unsigned entries4k, unsigned ways4k)
{
    struct mmu_array_config c4 = {entries4k, ways4k, MMU_REPL_LRU};
    struct mmu_array_config c2 = {8, 8, MMU_REPL_LRU}, c1 = {4, 4, MMU_REPL_LRU};
    assert_int_equal(tlb_init_split(t, &c4, &c2, &c1, 1), 0);
}

/* A non-global entry matches only its PCID; a global one every PCID. */
static void pcid_and_global_matching(void **state)
{
    (void)state;
    struct tlb t;
    struct tlb_hit h;
    init_dtlb(&t, 64, 4);
    struct tlb_entry a = leaf(0x1000, 12, 5, false, 0xa000);
    struct tlb_entry g = leaf(0x2000, 12, 5, true, 0xb000);
    tlb_fill(&t, &a);
    tlb_fill(&t, &g);
    /* table: (va, pcid) -> hit? */
    assert_true(tlb_lookup(&t, 0x1fff, 5, &h));
    assert_int_equal(h.e->base, 0xa000);
    assert_false(tlb_lookup(&t, 0x1000, 6, &h)); /* other PCID */
    assert_false(tlb_lookup(&t, 0x1000, 0, &h));
    assert_true(tlb_lookup(&t, 0x2000, 5, &h));
    assert_true(tlb_lookup(&t, 0x2000, 6, &h)); /* global: any PCID */
    assert_true(tlb_lookup(&t, 0x2000, 0xfff, &h));
    assert_false(tlb_lookup(&t, 0x3000, 5, &h)); /* other page */
    tlb_free(&t);
}

/* The same page under two PCIDs is two entries; refilling one replaces it
 * in place rather than duplicating it. */
static void fill_in_place(void **state)
{
    (void)state;
    struct tlb t;
    struct tlb_hit h;
    init_dtlb(&t, 64, 4);
    struct tlb_entry p1 = leaf(0x5000, 12, 1, false, 0x1000);
    struct tlb_entry p2 = leaf(0x5000, 12, 2, false, 0x2000);
    tlb_fill(&t, &p1);
    tlb_fill(&t, &p2);
    assert_int_equal(tlb_valid_count(&t), 2);
    p1.base = 0x3000;
    p1.dirty = true;
    assert_false(tlb_fill(&t, &p1));
    assert_int_equal(tlb_valid_count(&t), 2);
    assert_true(tlb_lookup(&t, 0x5000, 1, &h));
    assert_int_equal(h.e->base, 0x3000);
    assert_true(h.e->dirty);
    assert_true(tlb_lookup(&t, 0x5000, 2, &h));
    assert_int_equal(h.e->base, 0x2000);
    tlb_free(&t);
}

/* A lookup can match a global entry and a non-global one of the same page (cached under another
 * PCID before the global one): a fill goes to the way of its own kind, never leaving two global
 * entries, nor two of one PCID (the formal proof's counterexample, docs/VERIFICATION.md). */
static void fill_of_its_own_kind(void **state)
{
    (void)state;
    struct tlb t;
    init_dtlb(&t, 2, 2); /* one set of two ways */
    for (int order = 0; order < 2; order++) {
        struct tlb_entry n = leaf(0x7000, 12, 1, false, 0x1000);
        struct tlb_entry g = leaf(0x7000, 12, 2, true, 0x2000); /* from PCID 2's tables */
        /* N first: G's fill, looked up under PCID 2, does not match N and takes the other way. */
        tlb_fill(&t, &n);
        tlb_fill(&t, &g);
        assert_int_equal(tlb_valid_count(&t), 2);
        /* Under PCID 1 both match. A global refill must replace G, a non-global one N. */
        struct tlb_entry refill =
            order ? leaf(0x7000, 12, 1, false, 0x4000) : leaf(0x7000, 12, 1, true, 0x3000);
        assert_false(tlb_fill(&t, &refill));
        struct mmu_census c = {0};
        tlb_array_census(&t.arr[0], 1, true, 0x7000, &c);
        assert_int_equal(c.global, 1);
        assert_int_equal(c.pcid, 1);
        assert_int_equal(c.other, 0);
        struct tlb_inval all = {0};
        tlb_invalidate(&t, &all);
    }
    tlb_free(&t);
}

/* A 4-entry 2-way array has 2 sets; pages 0,2,4 (VPN even) share set 0.
 * Fills take invalid ways first; the third even page evicts the LRU way,
 * and a lookup hit that is touched protects its entry. */
static void fill_evicts_lru(void **state)
{
    (void)state;
    struct tlb t;
    struct tlb_hit h;
    init_dtlb(&t, 4, 2);
    struct tlb_entry p0 = leaf(0x0000, 12, 1, false, 0x10000);
    struct tlb_entry p2 = leaf(0x2000, 12, 1, false, 0x12000);
    struct tlb_entry p4 = leaf(0x4000, 12, 1, false, 0x14000);
    struct tlb_entry p6 = leaf(0x6000, 12, 1, false, 0x16000);
    assert_false(tlb_fill(&t, &p0));
    assert_false(tlb_fill(&t, &p2));
    assert_int_equal(tlb_way(&t.arr[0], 0, 0)->vpn, 0);
    assert_int_equal(tlb_way(&t.arr[0], 0, 1)->vpn, 2);
    assert_true(tlb_lookup(&t, 0x0000, 1, &h));
    tlb_touch(&t, &h);              /* page 0 becomes most recent */
    assert_true(tlb_fill(&t, &p4)); /* evicts page 2, in way 1 */
    assert_int_equal(tlb_way(&t.arr[0], 0, 1)->vpn, 4);
    assert_false(tlb_lookup(&t, 0x2000, 1, &h));
    assert_true(tlb_fill(&t, &p6)); /* now page 0 is oldest */
    assert_int_equal(tlb_way(&t.arr[0], 0, 0)->vpn, 6);
    /* Invalidating way 0 makes it the next fill's target. */
    struct tlb_inval inv = {.by_addr = true, .va = 0x6000, .by_pcid = true, .pcid = 1};
    assert_int_equal(tlb_invalidate(&t, &inv), 1);
    assert_false(tlb_fill(&t, &p2));
    assert_int_equal(tlb_way(&t.arr[0], 0, 0)->vpn, 2);
    tlb_free(&t);
}

/* The memos (issue 11): a TLB used through tlb_find and tlb_touch finds
 * the same ways, evicts the same entries and ends with the same contents as
 * one used through tlb_lookup and repl_touch alone, under every policy, over
 * a random mix of hits, 4 KiB, 2 MiB and 1 GiB fills and invalidations. */
static void memo_matches_plain_lookup(void **state)
{
    (void)state;
    const enum mmu_repl policies[] = {MMU_REPL_LRU, MMU_REPL_PLRU, MMU_REPL_FIFO, MMU_REPL_RANDOM};
    for (unsigned p = 0; p < 4; p++) {
        struct mmu_array_config c4 = {8, 4, policies[p]};
        struct mmu_array_config c2 = {4, 2, policies[p]}, c1 = {2, 2, policies[p]};
        struct tlb a, b; /* a: with memos; b: plain */
        assert_int_equal(tlb_init_split(&a, &c4, &c2, &c1, 7), 0);
        assert_int_equal(tlb_init_split(&b, &c4, &c2, &c1, 7), 0);
        uint64_t s = 12345;
        for (unsigned i = 0; i < 20000; i++) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            unsigned r = (unsigned)(s >> 33);
            /* 12 pages in each of two 2 MiB regions, two PCIDs. */
            uint64_t va = ((uint64_t)(r % 2) << 21) | ((uint64_t)((r >> 1) % 12) << 12);
            uint16_t pcid = (uint16_t)(1 + (r >> 5) % 2);
            struct tlb_hit ha, hb;
            bool fa = tlb_find(&a, va, pcid, &ha);
            bool fb = tlb_lookup(&b, va, pcid, &hb);
            assert_int_equal(fa, fb);
            unsigned op = (r >> 8) % 16;
            if (op == 0) {
                struct tlb_inval inv = {.by_addr = true, .va = va, .by_pcid = true, .pcid = pcid};
                assert_int_equal(tlb_invalidate(&a, &inv), tlb_invalidate(&b, &inv));
            } else if (fa) {
                assert_int_equal(ha.array, hb.array);
                assert_int_equal(ha.set, hb.set);
                assert_int_equal(ha.way, hb.way);
                tlb_touch(&a, &ha);
                repl_touch(&b.arr[hb.array].repl, hb.set, hb.way);
            } else {
                unsigned shift = op == 1 ? 21 : op == 2 ? 30 : 12;
                struct tlb_entry e = leaf(va, shift, pcid, false, va);
                assert_int_equal(tlb_fill(&a, &e), tlb_fill(&b, &e));
            }
        }
        for (unsigned k = 0; k < 2; k++)
            for (unsigned set = 0; set < a.arr[k].sets; set++)
                for (unsigned w = 0; w < a.arr[k].ways; w++) {
                    const struct tlb_entry *ea = tlb_way(&a.arr[k], set, w);
                    const struct tlb_entry *eb = tlb_way(&b.arr[k], set, w);
                    assert_int_equal(ea->valid, eb->valid);
                    assert_int_equal(ea->vpn, eb->vpn);
                    assert_int_equal(ea->pcid, eb->pcid);
                }
        tlb_free(&a);
        tlb_free(&b);
    }
}

/* When a 4 KiB and a 2 MiB entry both cover an address, the 4 KiB one is
 * used, in the split L1 and in the unified STLB alike. */
static void small_page_wins(void **state)
{
    (void)state;
    struct mmu_config c;
    mmu_config_default(&c);
    struct tlb l1, stlb;
    struct tlb_hit h;
    init_dtlb(&l1, 64, 4);
    assert_int_equal(tlb_init_unified(&stlb, &c.stlb, &c.stlb_1g, 1), 0);
    struct tlb_entry big = leaf(0x40000000, 21, 1, false, 0x80000000);
    struct tlb_entry small = leaf(0x40001000, 12, 1, false, 0x7000);
    struct tlb *both[] = {&l1, &stlb};
    for (int i = 0; i < 2; i++) {
        tlb_fill(both[i], &big);
        assert_true(tlb_lookup(both[i], 0x40001234, 1, &h));
        assert_int_equal(h.size, MMU_SIZE_2M);
        tlb_fill(both[i], &small);
        assert_true(tlb_lookup(both[i], 0x40001234, 1, &h));
        assert_int_equal(h.size, MMU_SIZE_4K);
        assert_int_equal(h.e->base, 0x7000);
        assert_true(tlb_lookup(both[i], 0x40002000, 1, &h));
        assert_int_equal(h.size, MMU_SIZE_2M);
    }
    tlb_free(&l1);
    tlb_free(&stlb);
}

/* An array of 0 entries never holds anything. */
static void disabled_array(void **state)
{
    (void)state;
    struct mmu_array_config c4 = {64, 4, MMU_REPL_LRU}, off = {0, 0, MMU_REPL_LRU};
    struct tlb t;
    struct tlb_hit h;
    assert_int_equal(tlb_init_split(&t, &c4, &off, &off, 1), 0);
    struct tlb_entry big = leaf(0x40000000, 21, 1, false, 0x80000000);
    assert_false(tlb_fill(&t, &big));
    assert_false(tlb_lookup(&t, 0x40000000, 1, &h));
    assert_int_equal(tlb_valid_count(&t), 0);
    tlb_free(&t);
}

/* Invalidation selectors, on one array holding: A (pcid 1), B (pcid 2),
 * G (global, filled under pcid 1), all for page 0x9000, and C (pcid 1) for
 * page 0xa000. */
static void invalidation_selectors(void **state)
{
    (void)state;
    struct {
        struct tlb_inval inv;
        unsigned removed; /* bit 0 A, 1 B, 2 G, 3 C */
    } cases[] = {
        /* INVLPG 0x9000 in PCID 1: A and G */
        {{.by_addr = true, .va = 0x9000, .by_pcid = true, .pcid = 1}, 0x5},
        /* INVPCID 0, 0x9000, PCID 2: B only (global kept) */
        {{.by_addr = true, .va = 0x9000, .by_pcid = true, .pcid = 2, .keep_global = true}, 0x2},
        /* INVPCID 1, PCID 1: A and C */
        {{.by_pcid = true, .pcid = 1, .keep_global = true}, 0x9},
        /* INVPCID 2: all */
        {{0}, 0xf},
        /* INVPCID 3: all but G */
        {{.keep_global = true}, 0xb},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct tlb t;
        struct tlb_hit h;
        init_dtlb(&t, 64, 4);
        struct tlb_entry a = leaf(0x9000, 12, 1, false, 0x1000);
        struct tlb_entry b = leaf(0x9000, 12, 2, false, 0x2000);
        struct tlb_entry g = leaf(0x9000, 12, 1, true, 0x3000);
        struct tlb_entry c = leaf(0xa000, 12, 1, false, 0x4000);
        tlb_fill(&t, &a);
        tlb_fill(&t, &b);
        /* G would replace A in place (a lookup by PCID 1 matches A), so
         * put it in with another PCID, as a global entry for 0x9000. */
        g.pcid = 3;
        tlb_fill(&t, &g);
        tlb_fill(&t, &c);
        assert_int_equal(tlb_valid_count(&t), 4);
        unsigned n = tlb_invalidate(&t, &cases[i].inv);
        assert_int_equal(n, __builtin_popcount(cases[i].removed));
        /* Check each entry by its own base through the ways directly. */
        uint64_t bases[] = {0x1000, 0x2000, 0x3000, 0x4000};
        for (unsigned k = 0; k < 4; k++) {
            bool present = false;
            for (unsigned s = 0; s < t.arr[0].sets; s++)
                for (unsigned w = 0; w < t.arr[0].ways; w++)
                    present = present || (tlb_way(&t.arr[0], s, w)->valid &&
                                          tlb_way(&t.arr[0], s, w)->base == bases[k]);
            assert_int_equal(present, !(cases[i].removed & (1u << k)));
        }
        (void)h;
        tlb_free(&t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pcid_and_global_matching), cmocka_unit_test(fill_in_place),
        cmocka_unit_test(fill_evicts_lru),          cmocka_unit_test(memo_matches_plain_lookup),
        cmocka_unit_test(small_page_wins),          cmocka_unit_test(disabled_array),
        cmocka_unit_test(invalidation_selectors),   cmocka_unit_test(fill_of_its_own_kind),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
