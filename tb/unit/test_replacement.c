/*
 * Replacement policies and set indexing, on hand-worked sequences.
 */
#include "test_util.h"

#include "replacement.h"
#include "tlb.h"

/* True LRU, 4 ways: use 0,1,2,3 then 1,0.  Most to least recent is
 * 0,1,3,2, so the victim is 2; after 2 is used, it is 3. */
static void lru_hand_worked(void **state)
{
    (void)state;
    struct repl r;
    assert_int_equal(repl_init(&r, MMU_REPL_LRU, 2, 4, 1), 0);
    static const unsigned uses[] = {0, 1, 2, 3, 1, 0};
    for (unsigned i = 0; i < 6; i++)
        repl_touch(&r, 1, uses[i]);
    assert_int_equal(repl_victim(&r, 1), 2);
    assert_int_equal(repl_victim(&r, 1), 2); /* choosing does not change LRU */
    repl_touch(&r, 1, 2);
    assert_int_equal(repl_victim(&r, 1), 3);
    /* Set 0 was never touched: its own state, oldest way 3. */
    assert_int_equal(repl_victim(&r, 0), 3);
    repl_free(&r);
}

/* Tree-PLRU, 4 ways (root 1, node 2 over ways 0-1, node 3 over 2-3).
 * After using 0: node 1 -> right, node 3 = 0 -> victim 2.  After 2: node
 * 1 -> left, node 2 -> right (set by using 0) -> victim 1.  After 1:
 * victim 3.  After 3: victim 0.  Unlike LRU, a use of 3 after 0,2,1
 * makes 0 the victim although 0 is not the only old way. */
static void plru_hand_worked(void **state)
{
    (void)state;
    struct repl r;
    assert_int_equal(repl_init(&r, MMU_REPL_PLRU, 1, 4, 1), 0);
    assert_int_equal(repl_victim(&r, 0), 0); /* all nodes 0: leftmost */
    static const unsigned uses[] = {0, 2, 1, 3};
    static const unsigned victims[] = {2, 1, 3, 0};
    for (unsigned i = 0; i < 4; i++) {
        repl_touch(&r, 0, uses[i]);
        assert_int_equal(repl_victim(&r, 0), victims[i]);
    }
    repl_free(&r);
}

/* Tree-PLRU, 8 ways: after using 0..7 in order the victim is 0, the
 * least recent.  Using 0 again points the root right, node 3 left (away
 * from 7) and node 6 left (away from 5): the victim is 4, where true LRU
 * would pick 1. */
static void plru_eight_ways(void **state)
{
    (void)state;
    struct repl r;
    assert_int_equal(repl_init(&r, MMU_REPL_PLRU, 1, 8, 1), 0);
    for (unsigned w = 0; w < 8; w++)
        repl_touch(&r, 0, w);
    assert_int_equal(repl_victim(&r, 0), 0);
    repl_touch(&r, 0, 0);
    assert_int_equal(repl_victim(&r, 0), 4);
    repl_free(&r);
}

/* FIFO: the pointer advances only when a victim is taken; uses do not
 * matter. */
static void fifo_hand_worked(void **state)
{
    (void)state;
    struct repl r;
    assert_int_equal(repl_init(&r, MMU_REPL_FIFO, 2, 3, 1), 0);
    repl_touch(&r, 0, 2);
    assert_int_equal(repl_victim(&r, 0), 0);
    repl_touch(&r, 0, 0);
    assert_int_equal(repl_victim(&r, 0), 1);
    assert_int_equal(repl_victim(&r, 0), 2);
    assert_int_equal(repl_victim(&r, 0), 0);
    assert_int_equal(repl_victim(&r, 1), 0); /* per set */
    repl_free(&r);
}

/* Random: victim = (lfsr * ways) >> 16, then one LFSR step.  From the
 * seed 0xACE1 the LFSR goes 0x5670, 0xAB38; with 12 ways that is
 * 44257*12>>16 = 8, 22128*12>>16 = 4, 43832*12>>16 = 8. */
static void random_hand_worked(void **state)
{
    (void)state;
    assert_int_equal(lfsr16_step(0xACE1), 0x5670);
    assert_int_equal(lfsr16_step(0x5670), 0xAB38);
    struct repl r;
    assert_int_equal(repl_init(&r, MMU_REPL_RANDOM, 4, 12, 0xACE1), 0);
    assert_int_equal(repl_victim(&r, 3), 8);
    assert_int_equal(repl_victim(&r, 0), 4); /* one LFSR for all sets */
    assert_int_equal(repl_victim(&r, 1), 8);
    assert_int_equal(r.lfsr, lfsr16_step(0xAB38));
    repl_free(&r);
}

/* The polynomial is maximal: every non-zero state appears once. */
static void lfsr_maximal_period(void **state)
{
    (void)state;
    uint16_t s = 0xACE1;
    unsigned period = 0;
    do {
        s = lfsr16_step(s);
        period++;
        assert_int_not_equal(s, 0);
    } while (s != 0xACE1 && period < 70000);
    assert_int_equal(period, 65535);
}

/* Random victims over many draws use every way of a 12-way set. */
static void random_covers_all_ways(void **state)
{
    (void)state;
    struct repl r;
    unsigned seen[12] = {0};
    assert_int_equal(repl_init(&r, MMU_REPL_RANDOM, 1, 12, 0x1234), 0);
    for (unsigned i = 0; i < 1200; i++)
        seen[repl_victim(&r, 0)]++;
    for (unsigned w = 0; w < 12; w++)
        assert_true(seen[w] > 50);
    repl_free(&r);
}

/* The set of a 4 KiB entry is VA[12 + log2(sets) - 1 : 12]; of a 2 MiB
 * entry VA[21 + log2(sets) - 1 : 21].  The unified STLB uses both on one
 * array.  VA 0x12345678: VPN4K 0x12345, VPN2M 0x91. */
/* repl_use of a touch worked out in advance does what repl_touch does, for every policy and
 * widths up to 64 ways: two states, one touched each way with the same random uses, give the
 * same victims.  The seed is printed; MMUSIM_SEED replays it. */
static void use_matches_touch(void **state)
{
    (void)state;
    uint64_t s = test_seed("use_matches_touch");
    static const enum mmu_repl policies[] = {MMU_REPL_LRU, MMU_REPL_PLRU, MMU_REPL_FIFO,
                                             MMU_REPL_RANDOM};
    static const unsigned ways[] = {1, 2, 4, 8, 16, 64};
    for (unsigned p = 0; p < 4; p++)
        for (unsigned w = 0; w < 6; w++) {
            struct repl a, b;
            assert_int_equal(repl_init(&a, policies[p], 4, ways[w], 7), 0);
            assert_int_equal(repl_init(&b, policies[p], 4, ways[w], 7), 0);
            for (unsigned i = 0; i < 2000; i++) {
                s = s * 6364136223846793005ull + 1442695040888963407ull;
                unsigned set = (unsigned)(s >> 60) % 4, way = (unsigned)(s >> 33) % ways[w];
                if ((s >> 20) % 8 == 0) { /* a victim now and then (it commits FIFO, LFSR) */
                    assert_int_equal(repl_victim(&a, set), repl_victim(&b, set));
                    continue;
                }
                repl_touch(&a, set, way);
                struct repl_use u = repl_use_of(&b, set, way);
                repl_use(&u);
            }
            for (unsigned set = 0; set < 4; set++)
                assert_int_equal(repl_victim(&a, set), repl_victim(&b, set));
            repl_free(&a);
            repl_free(&b);
        }
}

static void set_index(void **state)
{
    (void)state;
    struct mmu_config c;
    mmu_config_default(&c);
    struct tlb dtlb, stlb;
    assert_int_equal(tlb_init_split(&dtlb, &c.dtlb_4k, &c.dtlb_2m, &c.dtlb_1g, 1), 0);
    assert_int_equal(tlb_init_unified(&stlb, &c.stlb, &c.stlb_1g, 1), 0);
    uint64_t va = 0x12345678;
    struct tlb_entry e4 = {.vpn = tlb_vpn(va, 12), .shift = 12, .pcid = 1};
    struct tlb_entry e2 = {.vpn = tlb_vpn(va, 21), .shift = 21, .pcid = 1};
    tlb_fill(&dtlb, &e4);
    tlb_fill(&dtlb, &e2);
    tlb_fill(&stlb, &e4);
    tlb_fill(&stlb, &e2);
    assert_true(tlb_way(&dtlb.arr[0], 0x5, 0)->valid);           /* 16 sets: 0x12345 & 15 */
    assert_true(tlb_way(&dtlb.arr[1], 0x1, 0)->valid);           /* 8 sets: 0x91 & 7 */
    assert_int_equal(tlb_way(&stlb.arr[0], 0x45, 0)->shift, 12); /* 128 sets: 0x12345 & 127 */
    assert_int_equal(tlb_way(&stlb.arr[0], 0x11, 0)->shift, 21); /* 0x91 & 127 */
    assert_int_equal(tlb_valid_count(&dtlb), 2);
    assert_int_equal(tlb_valid_count(&stlb), 2);
    /* The upper half of the address space is tagged by VA[56:12] too (bits 56:48 copy bit 47 in
     * 4-level paging), and its set is that of VA[47:12]. */
    assert_int_equal(tlb_vpn(0xffff800000003000ull, 12), 0x1ff800000003ull);
    assert_int_equal(tlb_set_of(&stlb.arr[0], tlb_vpn(0xffff800000003000ull, 12)), 0x3);
    tlb_free(&dtlb);
    tlb_free(&stlb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lru_hand_worked),        cmocka_unit_test(plru_hand_worked),
        cmocka_unit_test(plru_eight_ways),        cmocka_unit_test(fifo_hand_worked),
        cmocka_unit_test(random_hand_worked),     cmocka_unit_test(lfsr_maximal_period),
        cmocka_unit_test(random_covers_all_ways), cmocka_unit_test(set_index),
        cmocka_unit_test(use_matches_touch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
