/*
 * 5-level paging (la57, docs/ARCHITECTURE.md sections 1, 7 and 8): walks of
 * five reads from the PML5, 57-bit canonical addresses, tags that hold
 * VA[56:48], the PML5E paging-structure cache, its invalidation, PS in a
 * PML5E, the walk timing and the latency bound; and 4-level paging left as
 * it was by the same build.
 */
#include "test_util.h"

/* 0x0012_3456_789a_b000: PML5 index 0x12, a 57-bit address (not canonical in 4-level paging). */
#define VA_HIGH      0x00123456789ab000ull
#define VA_HIGH_PML5 0x00133456789ab000ull /* differs in VA[56:48] only: PML5 index 0x13 */
#define VA_LOW       0x1000ull             /* PML5 index 0 */
#define VA_LOW_PML4  0x0000008000001000ull /* PML5 0, PML4 1: a PML5E-cache hit after VA_LOW */
#define VA_LOW_PT    0x5000ull             /* shares VA_LOW's PT: a PDE-cache hit */

static struct fixture *la57_fixture(bool blocking)
{
    struct mmu_config cfg;
    if (blocking)
        mmu_config_blocking(&cfg);
    else
        mmu_config_default(&cfg);
    cfg.la57 = true;
    return fixture_new(&cfg);
}

/* Sets A in every entry above va's leaf, so that a walk makes reads only. */
static void accessed_above(struct fixture *f, uint64_t va)
{
    for (unsigned level = PT_LEVELS_MAX; level >= 2; level--)
        set_entry(f, va, level, entry_of(f, va, level) | PTE_A);
}

static void expect_ok(struct mmu_response r, uint64_t pa, enum mmu_source src)
{
    if (r.fault != MMU_FAULT_NONE || r.paddr != pa || r.source != src || r.level != 1)
        fail_msg("got %s pa 0x%llx source %d level %u; expected pa 0x%llx source %d level 1",
                 mmu_fault_name(r.fault), (unsigned long long)r.paddr, (int)r.source, r.level,
                 (unsigned long long)pa, (int)src);
}

/* A walk from CR3's PML5: five reads, each of the entry its level indexes, in order. */
static void walks_five_levels(void **state)
{
    (void)state;
    struct fixture *f = la57_fixture(true);
    map(f, VA_HIGH, 0x200000, PAGE_SHIFT_4K, PTE_RW | PTE_A | PTE_D);
    accessed_above(f, VA_HIGH);
    struct mmu_response r = xlate(f, VA_HIGH | 0x123, MMU_ACC_READ, false);
    expect_ok(r, 0x200123, MMU_SRC_WALK);
    assert_int_equal(f->nlog, 5);
    for (unsigned i = 0; i < 5; i++) {
        uint64_t pa;
        assert_int_equal(aspace_entry_paddr(f->as, VA_HIGH, 5 - i, &pa), 0);
        assert_int_equal(f->log[i].paddr, pa);
        assert_false(f->log[i].write);
    }
    /* The PML5 is CR3's table: its entry for index 0x12. */
    assert_int_equal(f->log[0].paddr, aspace_pml4(f->as) + 8 * 0x12);
    /* 9 + 1 + 5 x 21 cycles (section 8's table). */
    assert_int_equal(r.resp_cycle - r.accept_cycle, 115);
    const struct mmu_stats *s = mmu_stats(f->m);
    assert_int_equal(s->walk_start_level[5], 1);
    assert_int_equal(s->psc_misses[MMU_PSC_PML5E], 1);
    assert_int_equal(s->walk_reads, 5);
    /* The TLBs answer it now. */
    r = xlate(f, VA_HIGH, MMU_ACC_READ, false);
    expect_ok(r, 0x200000, MMU_SRC_L1);
    fixture_free(f);
}

/* Addresses that differ only in VA[56:48] are different pages: the TLBs and caches tag bit 48
 * and up, and the walk of the second finds its PML5E not present. */
static void tags_hold_va_56_48(void **state)
{
    (void)state;
    for (int blocking = 1; blocking >= 0; blocking--) {
        struct fixture *f = la57_fixture(blocking);
        map(f, VA_HIGH, 0x200000, PAGE_SHIFT_4K, PTE_RW | PTE_US);
        expect_ok(xlate(f, VA_HIGH, MMU_ACC_READ, false), 0x200000, MMU_SRC_WALK);
        expect_ok(xlate(f, VA_HIGH, MMU_ACC_READ, false), 0x200000, MMU_SRC_L1);
        struct mmu_response r = xlate(f, VA_HIGH_PML5, MMU_ACC_WRITE, true);
        assert_int_equal(r.fault, MMU_FAULT_NOT_PRESENT);
        assert_int_equal(r.level, 5);
        assert_int_equal(r.error_code, PF_ERR_W | PF_ERR_U);
        assert_int_equal(r.source, MMU_SRC_WALK);
        fixture_free(f);
    }
}

/* Canonical means bits 63:56 equal with la57, 63:47 without. */
static void canonical_is_57_bits(void **state)
{
    (void)state;
    struct fixture *f = la57_fixture(true);
    const uint64_t non_canonical[] = {0x0100000000000000ull, 0xfeffffffffffffffull,
                                      0x8000000000000000ull};
    for (unsigned i = 0; i < 3; i++) {
        struct mmu_response r = xlate(f, non_canonical[i], MMU_ACC_READ, false);
        assert_int_equal(r.fault, MMU_FAULT_NON_CANONICAL);
        assert_int_equal(r.error_code, 0);
        assert_int_equal(r.level, 0);
    }
    /* Canonical in 57 bits (not in 48): each walks, and finds its PML5E not present. */
    const uint64_t canonical[] = {0x0000800000000000ull, 0x00ff000000000000ull,
                                  0xff00000000000000ull, 0xffff7fffffffffffull};
    for (unsigned i = 0; i < 4; i++) {
        struct mmu_response r = xlate(f, canonical[i], MMU_ACC_READ, false);
        assert_int_equal(r.fault, MMU_FAULT_NOT_PRESENT);
        assert_int_equal(r.level, 5);
        assert_int_equal(f->nlog, 1);
    }
    /* INVPCID type 0 refuses what is not canonical in 57 bits only. */
    assert_int_equal(mmu_invpcid(f->m, f->cycle, 0, 1, 0x0000800000000000ull), 0);
    assert_int_not_equal(mmu_invpcid(f->m, f->cycle + 10, 0, 1, 0x0100000000000000ull), 0);
    assert_true(va_is_canonical_bits(0x00ffffffffffffffull, VA_BITS_LA57));
    assert_false(va_is_canonical_bits(0x00ffffffffffffffull, VA_BITS));
    fixture_free(f);

    /* The same addresses in 4-level paging: the first canonical one is not. */
    f = fixture_new(NULL);
    assert_int_equal(xlate(f, 0x0000800000000000ull, MMU_ACC_READ, false).fault,
                     MMU_FAULT_NON_CANONICAL);
    fixture_free(f);
}

/* The PML5E cache: a walk below an entry it holds starts at level 4; a PDE-cache hit still reads
 * only the PTE; PCIDs tag it; a CR3 load flushes the new PCID's entries. */
static void pml5e_cache(void **state)
{
    (void)state;
    struct fixture *f = la57_fixture(true);
    const uint64_t vas[] = {VA_LOW, VA_LOW_PML4, VA_LOW_PT};
    for (unsigned i = 0; i < 3; i++) {
        map(f, vas[i], 0x100000 + 0x1000 * i, PAGE_SHIFT_4K, PTE_RW | PTE_A | PTE_D);
        accessed_above(f, vas[i]);
    }
    expect_ok(xlate(f, VA_LOW, MMU_ACC_READ, false), 0x100000, MMU_SRC_WALK);
    assert_int_equal(f->nlog, 5);
    assert_true(mmu_psc_holds(f->m, MMU_PSC_PML5E, VA_LOW, 1));
    assert_false(mmu_psc_holds(f->m, MMU_PSC_PML5E, VA_LOW, 2));
    assert_false(mmu_psc_holds(f->m, MMU_PSC_PML5E, VA_HIGH, 1));

    struct mmu_response r = xlate(f, VA_LOW_PML4, MMU_ACC_READ, false);
    expect_ok(r, 0x101000, MMU_SRC_WALK);
    assert_int_equal(f->nlog, 4); /* PML4E, PDPTE, PDE, PTE */
    uint64_t pa;
    assert_int_equal(aspace_entry_paddr(f->as, VA_LOW_PML4, 4, &pa), 0);
    assert_int_equal(f->log[0].paddr, pa);
    assert_int_equal(r.resp_cycle - r.accept_cycle, 94); /* 9 + 1 + 4 x 21 */

    expect_ok(xlate(f, VA_LOW_PT, MMU_ACC_READ, false), 0x102000, MMU_SRC_WALK);
    assert_int_equal(f->nlog, 1);

    const struct mmu_stats *s = mmu_stats(f->m);
    assert_int_equal(s->psc_hits[MMU_PSC_PML5E], 2);
    assert_int_equal(s->psc_misses[MMU_PSC_PML5E], 1);
    assert_int_equal(s->psc_fills[MMU_PSC_PML5E], 1);
    assert_int_equal(s->walk_start_level[5], 1);
    assert_int_equal(s->walk_start_level[4], 1);
    assert_int_equal(s->walk_start_level[1], 1);

    /* A CR3 load without no-flush drops the PCID's cache entries; INVLPG drops them too. */
    assert_int_equal(mmu_load_cr3(f->m, f->cycle, aspace_pml4(f->as), 1, false), 0);
    f->cycle = mmu_next_free_cycle(f->m);
    assert_int_equal(mmu_psc_valid_count(f->m, MMU_PSC_PML5E), 0);
    xlate(f, VA_LOW, MMU_ACC_READ, false);
    assert_int_equal(f->nlog, 5);
    assert_int_equal(mmu_psc_valid_count(f->m, MMU_PSC_PML5E), 1);
    assert_int_equal(mmu_invlpg(f->m, f->cycle, VA_HIGH), 0);
    f->cycle = mmu_next_free_cycle(f->m);
    assert_int_equal(mmu_psc_valid_count(f->m, MMU_PSC_PML5E), 0);
    fixture_free(f);
}

/* PS in a PML5E is reserved; a fault after a walk removes the PML5E-cache entry covering it. */
static void pml5e_reserved_ps(void **state)
{
    (void)state;
    struct fixture *f = la57_fixture(true);
    map(f, VA_LOW, 0x100000, PAGE_SHIFT_4K, PTE_RW | PTE_US);
    map(f, VA_HIGH, 0x200000, PAGE_SHIFT_4K, PTE_RW | PTE_US);
    expect_ok(xlate(f, VA_LOW, MMU_ACC_READ, true), 0x100000, MMU_SRC_WALK);
    set_entry(f, VA_HIGH, 5, entry_of(f, VA_HIGH, 5) | PTE_PS);
    struct mmu_response r = xlate(f, VA_HIGH, MMU_ACC_FETCH, true);
    assert_int_equal(r.fault, MMU_FAULT_RESERVED);
    assert_int_equal(r.level, 5);
    assert_int_equal(r.error_code, PF_ERR_P | PF_ERR_RSVD | PF_ERR_U | PF_ERR_ID);
    assert_int_equal(f->nlog, 1);
    /* An unused address bit above pa_bits in a PML5E is reserved too. */
    set_entry(f, VA_HIGH, 5, (entry_of(f, VA_HIGH, 5) & ~PTE_PS) | 1ull << 47);
    r = xlate(f, VA_HIGH, MMU_ACC_READ, false);
    assert_int_equal(r.fault, MMU_FAULT_RESERVED);
    assert_int_equal(r.level, 5);
    fixture_free(f);
}

/* Section 8's bound with five levels, 9 + 10 x 21 + 1, reached by a write that sets every A and
 * D; and 16.9's walk term grows with the levels. */
static void latency_bound(void **state)
{
    (void)state;
    struct mmu_config cfg;
    mmu_config_blocking(&cfg);
    assert_int_equal(mmu_latency_bound(&cfg, 0, 20), 9 + 8 * 21 + 1);
    cfg.la57 = true;
    assert_int_equal(mmu_latency_bound(&cfg, 0, 20), 9 + 10 * 21 + 1);
    struct fixture *f = fixture_new(&cfg);
    map(f, VA_HIGH, 0x200000, PAGE_SHIFT_4K, PTE_RW);
    struct mmu_response r = xlate(f, VA_HIGH, MMU_ACC_WRITE, false);
    expect_ok(r, 0x200000, MMU_SRC_WALK);
    assert_int_equal(f->nlog, 10);
    assert_int_equal(r.resp_cycle - r.accept_cycle, 220);
    assert_int_equal(mmu_latency_bound(&cfg, 0, 20), r.resp_cycle - r.accept_cycle); /* reached */
    fixture_free(f);

    mmu_config_default(&cfg);
    uint64_t four = mmu_latency_bound(&cfg, 3, 46);
    cfg.la57 = true;
    uint64_t five = mmu_latency_bound(&cfg, 3, 46);
    /* 1 + M (stlb_latency - 1 + 2 Tw + 1), Tw = 1 + 2L (W (S + 1) + Mem) */
    uint64_t tw4 = 1 + 8 * (2 * 4 + 46), tw5 = 1 + 10 * (2 * 4 + 46);
    assert_int_equal(four, 1 + 8 * (8 + 2 * tw4 + 1));
    assert_int_equal(five, 1 + 8 * (8 + 2 * tw5 + 1));
}

/* Requests in flight (the default) walk five levels too: two walkers, merged misses, and every
 * response the blocking MMU's translation. */
static void in_flight(void **state)
{
    (void)state;
    struct fixture *nb = la57_fixture(false), *bl = la57_fixture(true);
    uint64_t vas[16];
    for (unsigned i = 0; i < 16; i++) {
        vas[i] = (i % 2 ? VA_HIGH : VA_LOW) + ((uint64_t)i << 21) + ((uint64_t)(i % 3) << 12);
        map(nb, vas[i], 0x400000 + 0x1000ull * i, PAGE_SHIFT_4K, PTE_RW | PTE_US);
        map(bl, vas[i], 0x400000 + 0x1000ull * i, PAGE_SHIFT_4K, PTE_RW | PTE_US);
    }
    uint64_t cycle = nb->cycle;
    for (unsigned i = 0; i < 32; i++) {
        struct mmu_request req = {.vaddr = vas[(i * 7) % 16] + 8 * i,
                                  .type = i % 3 == 0 ? MMU_ACC_WRITE : MMU_ACC_READ,
                                  .user = true,
                                  .cycle = cycle,
                                  .id = i};
        uint64_t accept;
        assert_int_equal(mmu_issue(nb->m, &req, &accept), 0);
        cycle = accept + 1;
    }
    uint64_t last = 0;
    struct mmu_response got[32];
    unsigned n = 0;
    while (mmu_outstanding(nb->m))
        assert_int_equal(mmu_advance(nb->m, last += 50), 0);
    struct mmu_response r;
    while (mmu_poll(nb->m, &r))
        got[n++] = r;
    assert_int_equal(n, 32);
    for (unsigned k = 0; k < n; k++) {
        unsigned i = got[k].id;
        struct mmu_response b =
            xlate(bl, vas[(i * 7) % 16] + 8 * i, i % 3 == 0 ? MMU_ACC_WRITE : MMU_ACC_READ, true);
        assert_int_equal(got[k].fault, MMU_FAULT_NONE);
        assert_int_equal(got[k].paddr, b.paddr);
    }
    const struct mmu_stats *s = mmu_stats(nb->m);
    assert_true(s->walks_peak >= 2);
    assert_int_equal(s->psc_hits[MMU_PSC_PML5E] + s->psc_misses[MMU_PSC_PML5E], s->walks);
    assert_true(s->walk_start_level[5] >= 1);
    fixture_free(nb);
    fixture_free(bl);
}

/* The address-space builder: a 5-level space maps 57-bit addresses and refuses 58-bit ones;
 * a 4-level one refuses 57-bit ones; level 5 exists only in the first. */
static void aspace_levels(void **state)
{
    (void)state;
    char err[200];
    struct phys_mem *pm = phys_mem_create(46, err, sizeof err);
    assert_non_null(pm);
    struct aspace *five = aspace_create_levels(pm, 5, err, sizeof err);
    struct aspace *four = aspace_create_levels(pm, 4, err, sizeof err);
    assert_non_null(five);
    assert_non_null(four);
    assert_null(aspace_create_levels(pm, 3, err, sizeof err));
    assert_non_null(strstr(err, "4 or 5"));
    assert_int_equal(aspace_map(five, VA_HIGH, 0x1000, PAGE_SHIFT_4K, 0), 0);
    assert_int_not_equal(aspace_map(five, 0x0100000000000000ull, 0x1000, PAGE_SHIFT_4K, 0), 0);
    assert_non_null(strstr(aspace_error(five), "canonical"));
    assert_int_not_equal(aspace_map(four, VA_HIGH, 0x1000, PAGE_SHIFT_4K, 0), 0);
    uint64_t pa;
    assert_int_equal(aspace_entry_paddr(five, VA_HIGH, 5, &pa), 0);
    assert_int_equal(pa, aspace_pml4(five) + 8 * 0x12);
    assert_int_not_equal(aspace_entry_paddr(four, VA_LOW, 5, &pa), 0);
    aspace_destroy(five);
    aspace_destroy(four);
    phys_mem_destroy(pm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(walks_five_levels),
        cmocka_unit_test(tags_hold_va_56_48),
        cmocka_unit_test(canonical_is_57_bits),
        cmocka_unit_test(pml5e_cache),
        cmocka_unit_test(pml5e_reserved_ps),
        cmocka_unit_test(latency_bound),
        cmocka_unit_test(in_flight),
        cmocka_unit_test(aspace_levels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
