/*
 * Page walks: 4 KiB and 2 MiB translations, the entries each walk reads
 * and writes, accessed/dirty write-back and the dirty re-walk.
 */
#include "test_util.h"

static uint64_t epa(struct fixture *f, uint64_t va, unsigned level)
{
    uint64_t pa;
    assert_int_equal(aspace_entry_paddr(f->as, va, level, &pa), 0);
    return pa;
}

/* Checks the walker's accesses in order: {level, write}. */
static void expect_log(struct fixture *f, uint64_t va, const unsigned (*acc)[2], unsigned n)
{
    assert_int_equal(f->nlog, n);
    for (unsigned i = 0; i < n; i++) {
        assert_int_equal(f->log[i].paddr, epa(f, va, acc[i][0]));
        assert_int_equal(f->log[i].write, acc[i][1]);
    }
}

/* The design notes' example: with 4 KiB pages, VA 0x2150 on a page mapped
 * to physical page 0x109 translates to 0x109150 (page 0x2, offset 0x150). */
static void design_notes_example(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(NULL);
    map(f, 0x2000, 0x109000, PAGE_SHIFT_4K, PTE_RW | PTE_US);
    struct mmu_response r = xlate(f, 0x2150, MMU_ACC_READ, true);
    assert_int_equal(r.fault, MMU_FAULT_NONE);
    assert_int_equal(r.paddr, 0x109150);
    assert_int_equal(r.page_shift, 12);
    assert_int_equal(r.level, 1);
    assert_int_equal(r.source, MMU_SRC_WALK);
    /* Again, from the DTLB. */
    r = xlate(f, 0x2fff, MMU_ACC_READ, true);
    assert_int_equal(r.paddr, 0x109fff);
    assert_int_equal(r.source, MMU_SRC_L1);
    fixture_free(f);
}

/* A 4 KiB walk with no cached entries reads all four levels and sets A in
 * each (read then write back, level by level); the leaf gets A only on a
 * read. */
static void walk_4k_sets_accessed(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(NULL);
    uint64_t va = 0x00007f1234567000ull;
    map(f, va, 0x3456000, PAGE_SHIFT_4K, PTE_RW | PTE_US);
    struct mmu_response r = xlate(f, va + 0x9a, MMU_ACC_READ, false);
    assert_int_equal(r.fault, MMU_FAULT_NONE);
    assert_int_equal(r.paddr, 0x345609a);
    static const unsigned acc[][2] = {{4, 0}, {4, 1}, {3, 0}, {3, 1},
                                      {2, 0}, {2, 1}, {1, 0}, {1, 1}};
    expect_log(f, va, acc, 8);
    for (unsigned level = 4; level >= 1; level--)
        assert_true(entry_of(f, va, level) & PTE_A);
    assert_false(entry_of(f, va, 1) & PTE_D);
    assert_int_equal(f->log[7].data, entry_of(f, va, 1)); /* the value written back */
    const struct mmu_stats *s = mmu_stats(f->m);
    assert_int_equal(s->walks, 1);
    assert_int_equal(s->walk_reads, 4);
    assert_int_equal(s->walk_writes, 4);
    fixture_free(f);
}

/* A 2 MiB walk stops at the PDE: offset bits 20:0 come from the address. */
static void walk_2m(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(NULL);
    map(f, 0x40000000, 0x80000000, PAGE_SHIFT_2M, PTE_RW | PTE_A | PTE_D);
    struct mmu_response r = xlate(f, 0x401fffff, MMU_ACC_WRITE, false);
    assert_int_equal(r.fault, MMU_FAULT_NONE);
    assert_int_equal(r.paddr, 0x801fffff);
    assert_int_equal(r.page_shift, 21);
    assert_int_equal(r.level, 2);
    /* A and D already set in the leaf: no leaf write. */
    static const unsigned acc[][2] = {{4, 0}, {4, 1}, {3, 0}, {3, 1}, {2, 0}};
    expect_log(f, 0x40000000, acc, 5);
    /* Another address in the same 2 MiB page hits the DTLB's 2 MiB array. */
    r = xlate(f, 0x40000010, MMU_ACC_READ, false);
    assert_int_equal(r.paddr, 0x80000010);
    assert_int_equal(r.source, MMU_SRC_L1);
    assert_int_equal(mmu_stats(f->m)->tlb[MMU_TLB_DTLB].hits[MMU_ACC_READ][MMU_SIZE_2M], 1);
    /* 21 offset bits from a TLB hit too: from the DTLB, then the STLB. */
    r = xlate(f, 0x40123456, MMU_ACC_READ, false);
    assert_int_equal(r.source, MMU_SRC_L1);
    assert_int_equal(r.paddr, 0x80123456);
    r = xlate(f, 0x401edcba, MMU_ACC_FETCH, false);
    assert_int_equal(r.source, MMU_SRC_STLB);
    assert_int_equal(r.paddr, 0x801edcba);
    /* The upper half of the canonical space, 2 MiB. */
    map(f, 0xffffffffffe00000ull, 0x200000, PAGE_SHIFT_2M, PTE_A);
    r = xlate(f, 0xffffffffffe00abcull, MMU_ACC_READ, false);
    assert_int_equal(r.paddr, 0x200abc);
    fixture_free(f);
}

/* A write sets A and D in the leaf in one write-back. */
static void write_sets_dirty(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(NULL);
    map(f, 0x5000, 0x6000, PAGE_SHIFT_4K, PTE_RW);
    struct mmu_response r = xlate(f, 0x5008, MMU_ACC_WRITE, false);
    assert_int_equal(r.fault, MMU_FAULT_NONE);
    uint64_t pte = entry_of(f, 0x5000, 1);
    assert_int_equal(pte & (PTE_A | PTE_D), PTE_A | PTE_D);
    assert_int_equal(f->log[f->nlog - 1].paddr, epa(f, 0x5000, 1));
    assert_true(f->log[f->nlog - 1].write);
    /* D is only ever set in the leaf. */
    assert_false(entry_of(f, 0x5000, 2) & PTE_D);
    fixture_free(f);
}

/* Read, then write: the write finds a clean entry in the DTLB and in the
 * STLB, so it walks again (from the PDE cache) to set D, and refills both
 * TLBs with D = 1; the next write hits. */
static void dirty_rewalk(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(NULL);
    map(f, 0x5000, 0x6000, PAGE_SHIFT_4K, PTE_RW);
    xlate(f, 0x5000, MMU_ACC_READ, false);
    assert_false(entry_of(f, 0x5000, 1) & PTE_D);

    struct mmu_response r = xlate(f, 0x5010, MMU_ACC_WRITE, false);
    assert_int_equal(r.source, MMU_SRC_WALK);
    assert_int_equal(r.paddr, 0x6010);
    static const unsigned acc[][2] = {{1, 0}, {1, 1}};
    expect_log(f, 0x5000, acc, 2);
    assert_int_equal(f->log[1].data & (PTE_A | PTE_D), PTE_A | PTE_D);
    const struct mmu_stats *s = mmu_stats(f->m);
    assert_int_equal(s->dirty_rewalks, 1);
    assert_int_equal(s->walks, 2);
    assert_int_equal(mmu_tlb_valid_count(f->m, MMU_TLB_DTLB), 1); /* refilled in place */
    assert_int_equal(mmu_tlb_valid_count(f->m, MMU_TLB_STLB), 1);

    r = xlate(f, 0x5018, MMU_ACC_WRITE, false);
    assert_int_equal(r.source, MMU_SRC_L1);
    assert_int_equal(f->nlog, 0);
    assert_int_equal(s->dirty_rewalks, 1);
    fixture_free(f);
}

/* A page walked for data is found in the STLB by a fetch, which fills
 * the ITLB from it. */
static void stlb_serves_other_l1(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(NULL);
    map(f, 0x5000, 0x6000, PAGE_SHIFT_4K, PTE_RW);
    map(f, 0x7000, 0x8000, PAGE_SHIFT_4K, PTE_RW);
    xlate(f, 0x5000, MMU_ACC_READ, false);  /* DTLB and STLB: clean */
    xlate(f, 0x5000, MMU_ACC_WRITE, false); /* re-walk: both dirty */
    /* A fetch of the same page fills the ITLB from the STLB (dirty). */
    struct mmu_response r = xlate(f, 0x5000, MMU_ACC_FETCH, false);
    assert_int_equal(r.source, MMU_SRC_STLB);
    fixture_free(f);
}

/* Table entries the walker writes back keep every other bit. */
static void writeback_keeps_bits(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(NULL);
    map(f, 0x1000, 0x2000, PAGE_SHIFT_4K, PTE_RW | PTE_PCD | PTE_PWT | PTE_G);
    uint64_t before = entry_of(f, 0x1000, 1) | (5ull << 9) | (0x7full << 52);
    set_entry(f, 0x1000, 1, before);
    xlate(f, 0x1000, MMU_ACC_WRITE, false);
    assert_int_equal(entry_of(f, 0x1000, 1), before | PTE_A | PTE_D);
    fixture_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(design_notes_example),
        cmocka_unit_test(walk_4k_sets_accessed),
        cmocka_unit_test(walk_2m),
        cmocka_unit_test(write_sets_dirty),
        cmocka_unit_test(dirty_rewalk),
        cmocka_unit_test(stlb_serves_other_l1),
        cmocka_unit_test(writeback_keeps_bits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
