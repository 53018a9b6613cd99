/*
 * Every kind of fault, at every level where it can occur, with its #PF
 * error code; faults are never cached, and a fault removes what the
 * faulting lookup matched.
 */
#include "test_util.h"

/* One page at 0x1000: PML4[0] -> PDPT[0] -> PD[0] -> PT[1]. */
#define VA_OK       0x1000ull
#define VA_NO_PML4E 0x0000008000000000ull /* PML4 index 1 */
#define VA_NO_PDPTE 0x0000000040000000ull /* PDPT index 1 */
#define VA_NO_PDE   0x0000000000200000ull /* PD index 1 */
#define VA_NO_PTE   0x2000ull             /* PT index 2 */

static void expect_fault(struct fixture *f, uint64_t va, enum mmu_access type, bool user,
                         enum mmu_fault fault, unsigned level, uint32_t ec)
{
    struct mmu_response r = xlate(f, va, type, user);
    if (r.fault != fault || r.level != level || r.error_code != ec)
        fail_msg("0x%llx %s user=%d: got %s level %u ec 0x%x; expected %s level %u ec 0x%x",
                 (unsigned long long)va, mmu_access_name(type), user, mmu_fault_name(r.fault),
                 r.level, r.error_code, mmu_fault_name(fault), level, ec);
}

static struct fixture *one_page(uint64_t flags)
{
    struct fixture *f = fixture_new(NULL);
    map(f, VA_OK, 0x9000, PAGE_SHIFT_4K, flags);
    return f;
}

static void not_present_each_level(void **state)
{
    (void)state;
    struct fixture *f = one_page(PTE_RW | PTE_US);
    expect_fault(f, VA_NO_PML4E, MMU_ACC_READ, false, MMU_FAULT_NOT_PRESENT, 4, 0);
    expect_fault(f, VA_NO_PDPTE, MMU_ACC_WRITE, false, MMU_FAULT_NOT_PRESENT, 3, PF_ERR_W);
    expect_fault(f, VA_NO_PDE, MMU_ACC_READ, true, MMU_FAULT_NOT_PRESENT, 2, PF_ERR_U);
    expect_fault(f, VA_NO_PTE, MMU_ACC_FETCH, true, MMU_FAULT_NOT_PRESENT, 1, PF_ERR_U | PF_ERR_ID);
    /* A not-present entry's other bits are ignored, reserved ones too. */
    set_entry(f, VA_OK, 1, 0x000ff00000000000ull | PTE_PS);
    expect_fault(f, VA_OK, MMU_ACC_READ, false, MMU_FAULT_NOT_PRESENT, 1, 0);
    assert_int_equal(mmu_stats(f->m)->faults[MMU_FAULT_NOT_PRESENT], 5);
    assert_int_equal(mmu_tlb_valid_count(f->m, MMU_TLB_DTLB), 0);
    fixture_free(f);
}

/* Reserved bits, each level: a set bit in the entry at `level`. */
static void reserved_each_level(void **state)
{
    (void)state;
    const uint64_t bit46 = 1ull << 46;
    struct {
        unsigned level;
        uint64_t bits;
    } cases[] = {
        {4, PTE_PS}, {4, bit46}, {3, PTE_PS}, {3, bit46}, {2, bit46}, {1, bit46}, {1, 1ull << 51},
    };
    const uint32_t ec = PF_ERR_P | PF_ERR_RSVD | PF_ERR_W | PF_ERR_U;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct fixture *f = one_page(PTE_RW | PTE_US);
        set_entry(f, VA_OK, cases[i].level, entry_of(f, VA_OK, cases[i].level) | cases[i].bits);
        expect_fault(f, VA_OK, MMU_ACC_WRITE, true, MMU_FAULT_RESERVED, cases[i].level, ec);
        /* No A bit was written into the faulting entry. */
        assert_false(entry_of(f, VA_OK, cases[i].level) & PTE_A);
        fixture_free(f);
    }
    /* Bits 20:13 of a 2 MiB PDE. */
    struct fixture *f = fixture_new(NULL);
    map(f, 0x40000000, 0x80000000, PAGE_SHIFT_2M, PTE_RW);
    set_entry(f, 0x40000000, 2, entry_of(f, 0x40000000, 2) | (1ull << 17));
    expect_fault(f, 0x40000000, MMU_ACC_READ, false, MMU_FAULT_RESERVED, 2, PF_ERR_P | PF_ERR_RSVD);
    fixture_free(f);
}

/* NX with NXE = 0 is reserved, at any level; with NXE = 1 it forbids
 * fetches, from whatever level it comes. */
static void nx_each_level(void **state)
{
    (void)state;
    for (unsigned level = 4; level >= 1; level--) {
        struct fixture *f = one_page(PTE_RW | PTE_US);
        set_entry(f, VA_OK, level, entry_of(f, VA_OK, level) | PTE_NX);
        expect_fault(f, VA_OK, MMU_ACC_FETCH, true, MMU_FAULT_NX, 1,
                     PF_ERR_P | PF_ERR_U | PF_ERR_ID);
        expect_fault(f, VA_OK, MMU_ACC_READ, true, MMU_FAULT_NONE, 1, 0);
        assert_int_equal(mmu_set_mode(f->m, f->cycle, true, false), 0);
        assert_int_equal(mmu_flush_all(f->m, f->cycle), 0);
        f->cycle = mmu_next_free_cycle(f->m);
        expect_fault(f, VA_OK, MMU_ACC_READ, false, MMU_FAULT_RESERVED, level,
                     PF_ERR_P | PF_ERR_RSVD);
        expect_fault(f, VA_OK, MMU_ACC_FETCH, false, MMU_FAULT_RESERVED, level,
                     PF_ERR_P | PF_ERR_RSVD); /* I/D is 0 when NXE = 0 */
        fixture_free(f);
    }
    /* A 2 MiB NX page. */
    struct fixture *f = fixture_new(NULL);
    map(f, 0x40000000, 0x80000000, PAGE_SHIFT_2M, PTE_NX);
    expect_fault(f, 0x40000000, MMU_ACC_FETCH, false, MMU_FAULT_NX, 2, PF_ERR_P | PF_ERR_ID);
    fixture_free(f);
}

/* R/W = 0 at any level makes the page read-only for user writes, and for
 * supervisor writes when WP = 1; the fault is reported at the leaf. */
static void write_protect_each_level(void **state)
{
    (void)state;
    for (unsigned level = 4; level >= 1; level--) {
        struct fixture *f = one_page(PTE_RW | PTE_US);
        set_entry(f, VA_OK, level, entry_of(f, VA_OK, level) & ~PTE_RW);
        expect_fault(f, VA_OK, MMU_ACC_WRITE, true, MMU_FAULT_WRITE, 1,
                     PF_ERR_P | PF_ERR_W | PF_ERR_U);
        expect_fault(f, VA_OK, MMU_ACC_WRITE, false, MMU_FAULT_WRITE, 1, PF_ERR_P | PF_ERR_W);
        expect_fault(f, VA_OK, MMU_ACC_READ, true, MMU_FAULT_NONE, 1, 0);
        /* The leaf's D stays clear: a faulting write does not set it. */
        assert_false(entry_of(f, VA_OK, 1) & PTE_D);
        /* WP = 0: supervisor writes ignore R/W, user writes do not. */
        assert_int_equal(mmu_set_mode(f->m, f->cycle, false, true), 0);
        f->cycle = mmu_next_free_cycle(f->m);
        expect_fault(f, VA_OK, MMU_ACC_WRITE, false, MMU_FAULT_NONE, 1, 0);
        expect_fault(f, VA_OK, MMU_ACC_WRITE, true, MMU_FAULT_WRITE, 1,
                     PF_ERR_P | PF_ERR_W | PF_ERR_U);
        assert_true(entry_of(f, VA_OK, 1) & PTE_D);
        fixture_free(f);
    }
    struct fixture *f = fixture_new(NULL);
    map(f, 0x40000000, 0x80000000, PAGE_SHIFT_2M, PTE_US);
    expect_fault(f, 0x40000000, MMU_ACC_WRITE, true, MMU_FAULT_WRITE, 2,
                 PF_ERR_P | PF_ERR_W | PF_ERR_U);
    fixture_free(f);
}

/* U/S = 0 at any level makes the page supervisor-only. */
static void user_supervisor_each_level(void **state)
{
    (void)state;
    for (unsigned level = 4; level >= 1; level--) {
        struct fixture *f = one_page(PTE_RW | PTE_US);
        set_entry(f, VA_OK, level, entry_of(f, VA_OK, level) & ~PTE_US);
        expect_fault(f, VA_OK, MMU_ACC_READ, true, MMU_FAULT_USER, 1, PF_ERR_P | PF_ERR_U);
        expect_fault(f, VA_OK, MMU_ACC_FETCH, true, MMU_FAULT_USER, 1,
                     PF_ERR_P | PF_ERR_U | PF_ERR_ID);
        expect_fault(f, VA_OK, MMU_ACC_WRITE, false, MMU_FAULT_NONE, 1, 0);
        fixture_free(f);
    }
    struct fixture *f = fixture_new(NULL);
    map(f, 0x40000000, 0x80000000, PAGE_SHIFT_2M, PTE_RW);
    expect_fault(f, 0x40000000, MMU_ACC_READ, true, MMU_FAULT_USER, 2, PF_ERR_P | PF_ERR_U);
    fixture_free(f);
}

static void non_canonical(void **state)
{
    (void)state;
    struct fixture *f = one_page(PTE_RW | PTE_US);
    expect_fault(f, 0x0000800000000000ull, MMU_ACC_READ, false, MMU_FAULT_NON_CANONICAL, 0, 0);
    expect_fault(f, 0xffff7ffffffff000ull, MMU_ACC_WRITE, true, MMU_FAULT_NON_CANONICAL, 0, 0);
    expect_fault(f, 0x8000000000001000ull, MMU_ACC_FETCH, true, MMU_FAULT_NON_CANONICAL, 0, 0);
    assert_int_equal(mmu_stats(f->m)->walks, 0);
    fixture_free(f);
}

/* A faulting translation is never cached: fix the entry, and the next
 * access walks and succeeds with no invalidation in between. */
static void faults_not_cached(void **state)
{
    (void)state;
    struct fixture *f = one_page(PTE_RW | PTE_US);
    uint64_t pte = entry_of(f, VA_OK, 1);
    set_entry(f, VA_OK, 1, pte & ~PTE_P);
    expect_fault(f, VA_OK, MMU_ACC_READ, false, MMU_FAULT_NOT_PRESENT, 1, 0);
    assert_false(mmu_tlb_holds(f->m, MMU_TLB_DTLB, VA_OK, 1));
    assert_false(mmu_tlb_holds(f->m, MMU_TLB_STLB, VA_OK, 1));
    set_entry(f, VA_OK, 1, pte);
    struct mmu_response r = xlate(f, VA_OK, MMU_ACC_READ, false);
    assert_int_equal(r.fault, MMU_FAULT_NONE);
    assert_int_equal(r.source, MMU_SRC_WALK);
    fixture_free(f);
}

/* A permission fault from a TLB hit answers from the TLB and removes the
 * entries that lookup matched; the next access goes one level further. */
static void fault_on_tlb_hit_invalidates(void **state)
{
    (void)state;
    struct fixture *f = one_page(PTE_US); /* read-only */
    xlate(f, VA_OK, MMU_ACC_READ, true);
    assert_true(mmu_tlb_holds(f->m, MMU_TLB_DTLB, VA_OK, 1));
    struct mmu_response r = xlate(f, VA_OK, MMU_ACC_WRITE, true);
    assert_int_equal(r.fault, MMU_FAULT_WRITE);
    assert_int_equal(r.source, MMU_SRC_L1);
    assert_int_equal(r.resp_cycle, r.accept_cycle + 1);
    assert_false(mmu_tlb_holds(f->m, MMU_TLB_DTLB, VA_OK, 1));
    assert_true(mmu_tlb_holds(f->m, MMU_TLB_STLB, VA_OK, 1));
    r = xlate(f, VA_OK, MMU_ACC_WRITE, true);
    assert_int_equal(r.fault, MMU_FAULT_WRITE);
    assert_int_equal(r.source, MMU_SRC_STLB);
    assert_false(mmu_tlb_holds(f->m, MMU_TLB_STLB, VA_OK, 1));
    /* The OS makes the page writable without invalidating: the walk sees it. */
    set_entry(f, VA_OK, 1, entry_of(f, VA_OK, 1) | PTE_RW);
    r = xlate(f, VA_OK, MMU_ACC_WRITE, true);
    assert_int_equal(r.fault, MMU_FAULT_NONE);
    assert_int_equal(r.source, MMU_SRC_WALK);
    fixture_free(f);
}

/* A walk that faults removes the paging-structure-cache entries that
 * would be used for its address, so the next walk reads from the root. */
static void walk_fault_invalidates_psc(void **state)
{
    (void)state;
    struct fixture *f = one_page(PTE_RW);
    xlate(f, VA_OK, MMU_ACC_READ, false);
    assert_true(mmu_psc_holds(f->m, MMU_PSC_PDE, VA_NO_PTE, 1));
    expect_fault(f, VA_NO_PTE, MMU_ACC_READ, false, MMU_FAULT_NOT_PRESENT, 1, 0);
    assert_int_equal(f->nlog, 1); /* it read only the PTE, via the PDE cache */
    assert_false(mmu_psc_holds(f->m, MMU_PSC_PDE, VA_NO_PTE, 1));
    assert_false(mmu_psc_holds(f->m, MMU_PSC_PML4E, VA_NO_PTE, 1));
    assert_true(mmu_tlb_holds(f->m, MMU_TLB_DTLB, VA_OK, 1)); /* another page: kept */
    expect_fault(f, VA_NO_PTE, MMU_ACC_READ, false, MMU_FAULT_NOT_PRESENT, 1, 0);
    assert_int_equal(f->nlog, 4);
    fixture_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(not_present_each_level),
        cmocka_unit_test(reserved_each_level),
        cmocka_unit_test(nx_each_level),
        cmocka_unit_test(write_protect_each_level),
        cmocka_unit_test(user_supervisor_each_level),
        cmocka_unit_test(non_canonical),
        cmocka_unit_test(faults_not_cached),
        cmocka_unit_test(fault_on_tlb_hit_invalidates),
        cmocka_unit_test(walk_fault_invalidates_psc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
