/*
 * 1 GiB pages (pdpe1gb, docs/ARCHITECTURE.md sections 1 and 4): a PDPTE with
 * PS = 1 is a leaf of shift 30; the DTLB and the STLB keep such pages in
 * arrays of their own; a TLB without one (the ITLB by default) keeps the
 * 2 MiB fraction the access lies in; responses give the page's size and
 * level whichever entry answered; reserved bits 29:13; an MMU without 1 GiB
 * pages faults on PS; invalidation, and D in the PDPTE.
 */
#include "test_util.h"

#define VA_G  0x0000004000000000ull /* PML4 0, PDPT 256: a 1 GiB page */
#define PA_G  0x0000000080000000ull
#define VA_G2 (VA_G + 0x12345678ull) /* the same page, another 2 MiB of it */

static struct fixture *giant_page(const struct mmu_config *cfg, uint64_t flags)
{
    struct fixture *f = fixture_new(cfg);
    map(f, VA_G, PA_G, PAGE_SHIFT_1G, flags);
    set_entry(f, VA_G, 4, entry_of(f, VA_G, 4) | PTE_A);
    return f;
}

static void expect(struct mmu_response r, uint64_t pa, enum mmu_source src)
{
    if (r.fault != MMU_FAULT_NONE || r.paddr != pa || r.source != src || r.level != 3 ||
        r.page_shift != PAGE_SHIFT_1G)
        fail_msg("got %s pa 0x%llx source %d level %u shift %u; expected pa 0x%llx source %d, "
                 "a 1 GiB page",
                 mmu_fault_name(r.fault), (unsigned long long)r.paddr, (int)r.source, r.level,
                 r.page_shift, (unsigned long long)pa, (int)src);
}

/* Two reads (PML4E, PDPTE), 9 + 1 + 2 x 21 cycles; then the DTLB's 1 GiB array answers for any
 * address of the page. */
static void walk_and_dtlb(void **state)
{
    (void)state;
    struct fixture *f = giant_page(NULL, PTE_RW | PTE_A | PTE_D);
    struct mmu_response r = xlate(f, VA_G + 8, MMU_ACC_READ, false);
    expect(r, PA_G + 8, MMU_SRC_WALK);
    assert_int_equal(f->nlog, 2);
    assert_int_equal(r.resp_cycle - r.accept_cycle, 52);
    expect(xlate(f, VA_G2, MMU_ACC_WRITE, false), PA_G + 0x12345678, MMU_SRC_L1);
    const struct mmu_stats *s = mmu_stats(f->m);
    assert_int_equal(s->tlb[MMU_TLB_DTLB].hits[MMU_ACC_WRITE][MMU_SIZE_1G], 1);
    assert_int_equal(s->tlb[MMU_TLB_DTLB].misses[MMU_ACC_READ][MMU_SIZE_1G], 1);
    assert_int_equal(s->tlb[MMU_TLB_DTLB].fills[MMU_SIZE_1G], 1);
    assert_int_equal(s->tlb[MMU_TLB_STLB].fills[MMU_SIZE_1G], 1);
    assert_int_equal(s->walk_start_level[4], 1);
    fixture_free(f);
}

/* The ITLB has no 1 GiB array: a fetch fills the 2 MiB fraction it lies in, so a fetch from
 * another 2 MiB of the page misses it and finds the page in the STLB's 1 GiB array.  Every
 * answer gives the page's size, 1 GiB. */
static void itlb_fractions(void **state)
{
    (void)state;
    struct fixture *f = giant_page(NULL, PTE_A);
    expect(xlate(f, VA_G + 0x100, MMU_ACC_FETCH, false), PA_G + 0x100, MMU_SRC_WALK);
    expect(xlate(f, VA_G + 0x1ff000, MMU_ACC_FETCH, false), PA_G + 0x1ff000, MMU_SRC_L1);
    expect(xlate(f, VA_G2, MMU_ACC_FETCH, false), PA_G + 0x12345678, MMU_SRC_STLB);
    expect(xlate(f, VA_G2 + 0x100, MMU_ACC_FETCH, false), PA_G + 0x12345778, MMU_SRC_L1);
    const struct mmu_stats *s = mmu_stats(f->m);
    const struct mmu_tlb_stats *it = &s->tlb[MMU_TLB_ITLB];
    assert_int_equal(it->fills[MMU_SIZE_2M], 2);
    assert_int_equal(it->fills[MMU_SIZE_1G], 0);
    assert_int_equal(it->hits[MMU_ACC_FETCH][MMU_SIZE_2M], 2);   /* by the entry that hit */
    assert_int_equal(it->misses[MMU_ACC_FETCH][MMU_SIZE_1G], 2); /* by the translation */
    assert_int_equal(s->walks, 1);
    assert_int_equal(mmu_tlb_valid_count(f->m, MMU_TLB_ITLB), 2);
    fixture_free(f);
}

/* Without an STLB 1 GiB array the STLB keeps fractions too; with no 1 GiB array anywhere, each
 * 2 MiB of the page walks once. */
static void stlb_fractions(void **state)
{
    (void)state;
    struct mmu_config cfg;
    mmu_config_blocking(&cfg);
    cfg.dtlb_1g.entries = 0;
    cfg.stlb_1g.entries = 0;
    struct fixture *f = giant_page(&cfg, PTE_RW | PTE_A | PTE_D);
    expect(xlate(f, VA_G, MMU_ACC_READ, false), PA_G, MMU_SRC_WALK);
    expect(xlate(f, VA_G + 0x1000, MMU_ACC_READ, false), PA_G + 0x1000, MMU_SRC_L1);
    expect(xlate(f, VA_G2, MMU_ACC_READ, false), PA_G + 0x12345678, MMU_SRC_WALK);
    const struct mmu_stats *s = mmu_stats(f->m);
    assert_int_equal(s->walks, 2);
    assert_int_equal(s->tlb[MMU_TLB_STLB].fills[MMU_SIZE_2M], 2);
    assert_int_equal(s->tlb[MMU_TLB_DTLB].fills[MMU_SIZE_2M], 2);
    /* A fraction is tagged by its own 2 MiB: the STLB hits it for that 2 MiB only. */
    struct mmu_ctrl inv = {.op = MMU_CTRL_INVPCID, .invpcid_type = 0, .pcid = 1, .value = VA_G2};
    ctrl(f, inv); /* the DTLB's and STLB's fractions of VA_G2 go; VA_G's stay */
    expect(xlate(f, VA_G2, MMU_ACC_READ, false), PA_G + 0x12345678, MMU_SRC_WALK);
    expect(xlate(f, VA_G + 8, MMU_ACC_READ, false), PA_G + 8, MMU_SRC_L1);
    fixture_free(f);
}

/* Reserved bits 29:13 of a 1 GiB PDPTE; without pdpe1gb, PS itself. */
static void reserved(void **state)
{
    (void)state;
    struct fixture *f = giant_page(NULL, PTE_RW | PTE_US);
    set_entry(f, VA_G, 3, entry_of(f, VA_G, 3) | 1ull << 20);
    struct mmu_response r = xlate(f, VA_G, MMU_ACC_WRITE, true);
    assert_int_equal(r.fault, MMU_FAULT_RESERVED);
    assert_int_equal(r.level, 3);
    assert_int_equal(r.error_code, PF_ERR_P | PF_ERR_RSVD | PF_ERR_W | PF_ERR_U);
    set_entry(f, VA_G, 3, (entry_of(f, VA_G, 3) & ~(1ull << 20)) | 1ull << 12); /* PAT: fine */
    expect(xlate(f, VA_G, MMU_ACC_WRITE, true), PA_G, MMU_SRC_WALK);
    fixture_free(f);

    struct mmu_config cfg;
    mmu_config_blocking(&cfg);
    cfg.pdpe1gb = false;
    f = giant_page(&cfg, PTE_RW | PTE_US);
    r = xlate(f, VA_G, MMU_ACC_READ, false);
    assert_int_equal(r.fault, MMU_FAULT_RESERVED);
    assert_int_equal(r.level, 3);
    fixture_free(f);
}

/* A write sets A and D in the PDPTE, the leaf; INVLPG anywhere in the page removes it from the
 * DTLB and the STLB. */
static void dirty_and_invlpg(void **state)
{
    (void)state;
    struct fixture *f = giant_page(NULL, PTE_RW);
    expect(xlate(f, VA_G2, MMU_ACC_READ, false), PA_G + 0x12345678, MMU_SRC_WALK);
    assert_int_equal(entry_of(f, VA_G, 3) & (PTE_A | PTE_D), PTE_A);
    expect(xlate(f, VA_G, MMU_ACC_WRITE, false), PA_G, MMU_SRC_WALK); /* a dirty re-walk */
    assert_int_equal(entry_of(f, VA_G, 3) & (PTE_A | PTE_D), PTE_A | PTE_D);
    assert_int_equal(mmu_stats(f->m)->dirty_rewalks, 1);
    expect(xlate(f, VA_G + 0x3ffffff8, MMU_ACC_WRITE, false), PA_G + 0x3ffffff8, MMU_SRC_L1);
    ctrl(f, (struct mmu_ctrl){.op = MMU_CTRL_INVLPG, .value = VA_G + 0x20000000});
    assert_false(mmu_tlb_holds(f->m, MMU_TLB_DTLB, VA_G, 1));
    assert_false(mmu_tlb_holds(f->m, MMU_TLB_STLB, VA_G, 1));
    expect(xlate(f, VA_G, MMU_ACC_READ, false), PA_G, MMU_SRC_WALK);
    fixture_free(f);
}

/* The address-space builder maps and refuses 1 GiB pages as it does 2 MiB ones. */
static void aspace_1g(void **state)
{
    (void)state;
    struct fixture *f = giant_page(NULL, PTE_RW);
    assert_int_not_equal(aspace_map(f->as, VA_G + 0x1000, 0x5000, PAGE_SHIFT_4K, 0), 0);
    assert_non_null(strstr(aspace_error(f->as), "1 GiB page already maps"));
    assert_int_not_equal(aspace_map(f->as, VA_G + PAGE_SIZE_2M, PA_G, PAGE_SHIFT_1G, 0), 0);
    assert_non_null(strstr(aspace_error(f->as), "not aligned to its 1 GiB page"));
    map(f, 0x1000, 0x5000, PAGE_SHIFT_4K, 0);
    assert_int_not_equal(aspace_map(f->as, 0, PA_G, PAGE_SHIFT_1G, 0), 0);
    assert_non_null(strstr(aspace_error(f->as), "a page table is already there"));
    assert_int_equal(aspace_protect(f->as, VA_G, PAGE_SHIFT_1G, PTE_US), 0);
    assert_int_equal(entry_of(f, VA_G, 3), PA_G | PTE_P | PTE_PS | PTE_US);
    assert_int_equal(aspace_unmap(f->as, VA_G, PAGE_SHIFT_1G), 0);
    assert_int_equal(entry_of(f, VA_G, 3), 0);
    fixture_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(walk_and_dtlb),    cmocka_unit_test(itlb_fractions),
        cmocka_unit_test(stlb_fractions),   cmocka_unit_test(reserved),
        cmocka_unit_test(dirty_and_invlpg), cmocka_unit_test(aspace_1g),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
