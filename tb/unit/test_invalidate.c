/*
 * The exact effect of every control operation on the TLBs and the
 * paging-structure caches (SDM vol. 3, 4.10.4), table-driven.
 *
 * Before each operation the MMU holds, in the DTLB and the STLB:
 *   A1, B1: pages A (0x1000) and B (0x2000) under PCID 1;
 *   A2, B2: the same pages under PCID 2;
 *   G:      the global page G (0x3000), filled under PCID 1;
 * and PML4E, PDPTE and PDE cache entries for the region under PCIDs 1 and
 * 2.  The current PCID is 2.
 */
#include "test_util.h"

#define VA_A 0x1000ull
#define VA_B 0x2000ull
#define VA_G 0x3000ull

enum {
    A1 = 1 << 0,
    B1 = 1 << 1,
    A2 = 1 << 2,
    B2 = 1 << 3,
    G = 1 << 4,
    PSC1 = 1 << 5,
    PSC2 = 1 << 6,
    ALL = 0x7f
};

static struct fixture *populated(void)
{
    struct fixture *f = fixture_new(NULL);
    map(f, VA_A, 0xa000, PAGE_SHIFT_4K, PTE_RW);
    map(f, VA_B, 0xb000, PAGE_SHIFT_4K, PTE_RW);
    map(f, VA_G, 0xc000, PAGE_SHIFT_4K, PTE_RW | PTE_G);
    xlate(f, VA_A, MMU_ACC_READ, false);
    xlate(f, VA_B, MMU_ACC_READ, false);
    xlate(f, VA_G, MMU_ACC_READ, false);
    assert_int_equal(mmu_load_cr3(f->m, f->cycle, aspace_pml4(f->as), 2, true), 0);
    f->cycle = mmu_next_free_cycle(f->m);
    xlate(f, VA_A, MMU_ACC_READ, false);
    xlate(f, VA_B, MMU_ACC_READ, false);
    assert_int_equal(xlate(f, VA_G, MMU_ACC_READ, false).source, MMU_SRC_L1); /* global */
    return f;
}

/* What the MMU holds, as a set of the bits above. */
static unsigned holdings(struct fixture *f, enum mmu_tlb_id t)
{
    struct mmu *m = f->m;
    unsigned h = 0;
    h |= mmu_tlb_holds(m, t, VA_A, 1) ? A1 : 0;
    h |= mmu_tlb_holds(m, t, VA_B, 1) ? B1 : 0;
    h |= mmu_tlb_holds(m, t, VA_A, 2) ? A2 : 0;
    h |= mmu_tlb_holds(m, t, VA_B, 2) ? B2 : 0;
    h |= mmu_tlb_holds(m, t, VA_G, 0x7ff) ? G : 0; /* a PCID nobody used */
    bool psc1 = true, psc2 = true;
    for (unsigned c = 0; c < mmu_psc_count(false); c++) { /* 4-level: three caches */
        psc1 = psc1 && mmu_psc_holds(m, c, VA_A, 1);
        psc2 = psc2 && mmu_psc_holds(m, c, VA_A, 2);
        /* each PCID's three entries come and go together */
        assert_int_equal(mmu_psc_holds(m, c, VA_A, 1), mmu_psc_holds(m, 0, VA_A, 1));
        assert_int_equal(mmu_psc_holds(m, c, VA_A, 2), mmu_psc_holds(m, 0, VA_A, 2));
    }
    h |= psc1 ? PSC1 : 0;
    h |= psc2 ? PSC2 : 0;
    return h;
}

static void every_operation(void **state)
{
    (void)state;
    const uint64_t noflush = 1ull << 63;
    struct {
        const char *name;
        struct mmu_ctrl c;
        unsigned kept;
        uint16_t pcid_after;
    } cases[] = {
        {"nothing", {.op = MMU_CTRL_SET_MODE, .wp = true, .nxe = true}, ALL, 2},
        {"INVLPG A (current PCID 2)", {.op = MMU_CTRL_INVLPG, .value = VA_A}, ALL & ~A2 & ~PSC2, 2},
        {"INVLPG G: global entries of the page go",
         {.op = MMU_CTRL_INVLPG, .value = VA_G},
         ALL & ~G & ~PSC2,
         2},
        {"INVLPG non-canonical: no-op", {.op = MMU_CTRL_INVLPG, .value = 1ull << 60}, ALL, 2},
        {"INVPCID 0, A, PCID 1",
         {.op = MMU_CTRL_INVPCID, .invpcid_type = 0, .pcid = 1, .value = VA_A},
         ALL & ~A1 & ~PSC1,
         2},
        {"INVPCID 0, G, PCID 1: global kept",
         {.op = MMU_CTRL_INVPCID, .invpcid_type = 0, .pcid = 1, .value = VA_G},
         ALL & ~PSC1,
         2},
        {"INVPCID 1, PCID 1",
         {.op = MMU_CTRL_INVPCID, .invpcid_type = 1, .pcid = 1},
         ALL & ~A1 & ~B1 & ~PSC1,
         2},
        {"INVPCID 1, PCID 2",
         {.op = MMU_CTRL_INVPCID, .invpcid_type = 1, .pcid = 2},
         ALL & ~A2 & ~B2 & ~PSC2,
         2},
        {"INVPCID 2", {.op = MMU_CTRL_INVPCID, .invpcid_type = 2}, 0, 2},
        {"INVPCID 3", {.op = MMU_CTRL_INVPCID, .invpcid_type = 3}, G, 2},
        {"CR3 <- PCID 1", {.op = MMU_CTRL_LOAD_CR3, .value = 1}, ALL & ~A1 & ~B1 & ~PSC1, 1},
        {"CR3 <- PCID 2", {.op = MMU_CTRL_LOAD_CR3, .value = 2}, ALL & ~A2 & ~B2 & ~PSC2, 2},
        {"CR3 <- PCID 1, no-flush", {.op = MMU_CTRL_LOAD_CR3, .value = noflush | 1}, ALL, 1},
        {"CR3 <- PCID 3", {.op = MMU_CTRL_LOAD_CR3, .value = 3}, ALL, 3},
        {"flush all", {.op = MMU_CTRL_FLUSH_ALL}, 0, 2},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct fixture *f = populated();
        assert_int_equal(holdings(f, MMU_TLB_DTLB), ALL);
        assert_int_equal(holdings(f, MMU_TLB_STLB) & ~(PSC1 | PSC2), ALL & ~(PSC1 | PSC2));
        struct mmu_ctrl c = cases[i].c;
        if (c.op == MMU_CTRL_LOAD_CR3)
            c.value |= aspace_pml4(f->as);
        ctrl(f, c);
        unsigned d = holdings(f, MMU_TLB_DTLB);
        unsigned s = holdings(f, MMU_TLB_STLB) & ~(PSC1 | PSC2);
        if (d != cases[i].kept || s != (cases[i].kept & ~(PSC1 | PSC2)))
            fail_msg("%s: DTLB/PSC kept 0x%x, STLB kept 0x%x; expected 0x%x", cases[i].name, d, s,
                     cases[i].kept);
        assert_int_equal(mmu_current_pcid(f->m), cases[i].pcid_after);
        fixture_free(f);
    }
}

/* INVLPG removes an entry of either page size covering the address. */
static void invlpg_both_sizes(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(NULL);
    map(f, 0x40000000, 0x80000000, PAGE_SHIFT_2M, PTE_RW);
    map(f, 0x1000, 0x9000, PAGE_SHIFT_4K, PTE_RW);
    xlate(f, 0x40000000, MMU_ACC_READ, false);
    xlate(f, 0x1000, MMU_ACC_READ, false);
    ctrl(f, (struct mmu_ctrl){.op = MMU_CTRL_INVLPG, .value = 0x401ff000});
    assert_false(mmu_tlb_holds(f->m, MMU_TLB_DTLB, 0x40000000, 1));
    assert_false(mmu_tlb_holds(f->m, MMU_TLB_STLB, 0x40000000, 1));
    assert_true(mmu_tlb_holds(f->m, MMU_TLB_DTLB, 0x1000, 1));
    assert_int_equal(xlate(f, 0x40000000, MMU_ACC_READ, false).source, MMU_SRC_WALK);
    fixture_free(f);
}

/* INVLPG removes every paging-structure-cache entry of the current PCID,
 * whatever address it names. */
static void invlpg_empties_psc_of_pcid(void **state)
{
    (void)state;
    struct fixture *f = populated(); /* current PCID 2 */
    ctrl(f, (struct mmu_ctrl){.op = MMU_CTRL_INVLPG, .value = 0x0000010000000000ull});
    for (unsigned c = 0; c < mmu_psc_count(false); c++) { /* 4-level: three caches */
        assert_false(mmu_psc_holds(f->m, c, VA_A, 2));
        assert_true(mmu_psc_holds(f->m, c, VA_A, 1));
    }
    assert_int_equal(holdings(f, MMU_TLB_DTLB) & ~(PSC1 | PSC2), ALL & ~(PSC1 | PSC2));
    fixture_free(f);
}

/* The point of invalidation: a changed mapping is seen only after it. */
static void stale_until_invalidated(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(NULL);
    map(f, 0x1000, 0x9000, PAGE_SHIFT_4K, PTE_RW);
    assert_int_equal(xlate(f, 0x1000, MMU_ACC_READ, false).paddr, 0x9000);
    map(f, 0x1000, 0x7000, PAGE_SHIFT_4K, PTE_RW);
    assert_int_equal(xlate(f, 0x1000, MMU_ACC_READ, false).paddr, 0x9000); /* stale */
    ctrl(f, (struct mmu_ctrl){.op = MMU_CTRL_INVLPG, .value = 0x1000});
    assert_int_equal(xlate(f, 0x1000, MMU_ACC_READ, false).paddr, 0x7000);
    fixture_free(f);
}

/* Operations x86 rejects with #GP leave the MMU unchanged. */
static void rejected_operations(void **state)
{
    (void)state;
    struct fixture *f = populated();
    struct mmu_ctrl bad[] = {
        {.op = MMU_CTRL_INVPCID, .invpcid_type = 4},
        {.op = MMU_CTRL_INVPCID, .invpcid_type = 1, .pcid = 0x1000},
        {.op = MMU_CTRL_INVPCID, .invpcid_type = 0, .pcid = 1, .value = 1ull << 50},
        {.op = MMU_CTRL_LOAD_CR3, .value = 1ull << 50},
        {.op = MMU_CTRL_COUNT},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        bad[i].cycle = f->cycle;
        assert_int_equal(mmu_control(f->m, &bad[i], NULL), -1);
        assert_true(mmu_error(f->m)[0] != '\0');
    }
    assert_int_equal(holdings(f, MMU_TLB_DTLB), ALL);
    assert_int_equal(mmu_load_cr3(f->m, f->cycle, 0x1234, 1, false), -1); /* unaligned */
    fixture_free(f);
}

/* Counters by operation. */
static void counted(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(NULL);
    ctrl(f, (struct mmu_ctrl){.op = MMU_CTRL_INVPCID, .invpcid_type = 3});
    ctrl(f, (struct mmu_ctrl){.op = MMU_CTRL_INVPCID, .invpcid_type = 3});
    ctrl(f, (struct mmu_ctrl){.op = MMU_CTRL_LOAD_CR3, .value = (1ull << 63) | 5});
    ctrl(f, (struct mmu_ctrl){.op = MMU_CTRL_FLUSH_ALL});
    const struct mmu_stats *s = mmu_stats(f->m);
    assert_int_equal(s->ctrl_ops[MMU_CTRL_INVPCID], 2);
    assert_int_equal(s->invpcid_type[3], 2);
    assert_int_equal(s->ctrl_ops[MMU_CTRL_LOAD_CR3], 2); /* and the fixture's */
    assert_int_equal(s->cr3_noflush, 1);
    assert_int_equal(s->ctrl_ops[MMU_CTRL_FLUSH_ALL], 1);
    fixture_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_operation),
        cmocka_unit_test(invlpg_both_sizes),
        cmocka_unit_test(stale_until_invalidated),
        cmocka_unit_test(rejected_operations),
        cmocka_unit_test(invlpg_empties_psc_of_pcid),
        cmocka_unit_test(counted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
