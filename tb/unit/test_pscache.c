/*
 * Paging-structure caches: which levels a walk skips, PCID tagging,
 * replacement, the rights they carry, and disabling them.
 */
#include "test_util.h"

/* Addresses relative to page P = 0x1000 (PML4 0, PDPT 0, PD 0, PT 1). */
#define VA_P         0x1000ull
#define VA_SAME_PT   0x5000ull             /* shares the PT: PDE-cache hit */
#define VA_SAME_PD   0x00400000ull         /* shares the PD: PDPTE-cache hit */
#define VA_SAME_PDPT 0x80000000ull         /* shares the PDPT: PML4E-cache hit */
#define VA_OTHER     0x0000010000000000ull /* PML4 index 2: no hit */

static struct fixture *mapped(const struct mmu_config *cfg)
{
    struct fixture *f = fixture_new(cfg);
    const uint64_t vas[] = {VA_P, VA_SAME_PT, VA_SAME_PD, VA_SAME_PDPT, VA_OTHER};
    for (unsigned i = 0; i < 5; i++)
        map(f, vas[i], 0x100000 + 0x1000 * i, PAGE_SHIFT_4K, PTE_RW | PTE_A | PTE_D);
    /* Intermediate entries get A on the first walk; set it now so that
     * each walk below makes reads only. */
    for (unsigned i = 0; i < 5; i++)
        for (unsigned level = 4; level >= 2; level--)
            set_entry(f, vas[i], level, entry_of(f, vas[i], level) | PTE_A);
    return f;
}

/* Reads a walk makes (each TLB miss here is a fresh page). */
static unsigned walk_reads(struct fixture *f, uint64_t va)
{
    struct mmu_response r = xlate(f, va, MMU_ACC_READ, false);
    assert_int_equal(r.fault, MMU_FAULT_NONE);
    assert_int_equal(r.source, MMU_SRC_WALK);
    for (unsigned i = 0; i < f->nlog; i++)
        assert_false(f->log[i].write);
    return f->nlog;
}

/* Reads made by a walk that may also write back A bits. */
static unsigned walk_reads_of(struct fixture *f, uint64_t va)
{
    struct mmu_response r = xlate(f, va, MMU_ACC_READ, false);
    assert_int_equal(r.source, MMU_SRC_WALK);
    unsigned n = 0;
    for (unsigned i = 0; i < f->nlog; i++)
        n += !f->log[i].write;
    return n;
}

static void skips_levels(void **state)
{
    (void)state;
    struct fixture *f = mapped(NULL);
    assert_int_equal(walk_reads(f, VA_P), 4);
    assert_int_equal(walk_reads(f, VA_SAME_PT), 1);   /* PDE cache: PTE only */
    assert_int_equal(walk_reads(f, VA_SAME_PD), 2);   /* PDPTE cache: PDE, PTE */
    assert_int_equal(walk_reads(f, VA_SAME_PDPT), 3); /* PML4E cache: PDPTE, PDE, PTE */
    assert_int_equal(walk_reads(f, VA_OTHER), 4);
    /* The first read is of the level below the deepest hit. */
    uint64_t pa;
    assert_int_equal(aspace_entry_paddr(f->as, VA_OTHER, 4, &pa), 0);
    assert_int_equal(f->log[0].paddr, pa);
    const struct mmu_stats *s = mmu_stats(f->m);
    assert_int_equal(s->walk_start_level[4], 2);
    assert_int_equal(s->walk_start_level[3], 1);
    assert_int_equal(s->walk_start_level[2], 1);
    assert_int_equal(s->walk_start_level[1], 1);
    /* Every cache is looked up on every walk, and every hit counts. */
    assert_int_equal(s->psc_hits[MMU_PSC_PDE], 1);
    assert_int_equal(s->psc_hits[MMU_PSC_PDPTE], 2);
    assert_int_equal(s->psc_hits[MMU_PSC_PML4E], 3);
    assert_int_equal(s->psc_misses[MMU_PSC_PML4E], 2);
    fixture_free(f);
}

static void tagged_by_pcid(void **state)
{
    (void)state;
    struct fixture *f = mapped(NULL);
    assert_int_equal(walk_reads(f, VA_P), 4);
    assert_int_equal(mmu_load_cr3(f->m, f->cycle, aspace_pml4(f->as), 9, true), 0);
    f->cycle = mmu_next_free_cycle(f->m);
    assert_int_equal(walk_reads(f, VA_SAME_PT), 4); /* PCID 9 has no cached entries */
    assert_int_equal(walk_reads(f, VA_P), 1);
    fixture_free(f);
}

/* The PML4E cache has 2 entries, LRU.  Slots 0 and 1 fill it; a walk
 * that hits only the PML4E cache (slot 0, another PDPTE) makes slot 0 the
 * most recent, so slot 2 evicts slot 1.  Without the hit it would evict
 * slot 0. */
static void replacement(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(NULL);
    const uint64_t slot[3] = {0x1000, 0x0000008000001000ull, 0x0000010000001000ull};
    const uint64_t slot0_other_pdpte = 0x80001000;
    for (unsigned i = 0; i < 3; i++)
        map(f, slot[i], 0x100000, PAGE_SHIFT_4K, PTE_RW);
    map(f, slot0_other_pdpte, 0x100000, PAGE_SHIFT_4K, PTE_RW);
    xlate(f, slot[0], MMU_ACC_READ, false);
    xlate(f, slot[1], MMU_ACC_READ, false);
    assert_int_equal(mmu_psc_valid_count(f->m, MMU_PSC_PML4E), 2);
    assert_int_equal(walk_reads_of(f, slot0_other_pdpte), 3); /* PML4E hit */
    assert_int_equal(walk_reads_of(f, slot[2]), 4);
    assert_true(mmu_psc_holds(f->m, MMU_PSC_PML4E, slot[0], 1));
    assert_false(mmu_psc_holds(f->m, MMU_PSC_PML4E, slot[1], 1));
    assert_true(mmu_psc_holds(f->m, MMU_PSC_PML4E, slot[2], 1));
    fixture_free(f);
}

/* Rights above the cached level come with the cached entry: a read-only
 * PDPTE still forbids writes on a walk that starts at the PTE. */
static void carries_rights(void **state)
{
    (void)state;
    struct fixture *f = mapped(NULL);
    set_entry(f, VA_P, 3, entry_of(f, VA_P, 3) & ~PTE_RW);
    assert_int_equal(walk_reads(f, VA_P), 4);
    struct mmu_response r = xlate(f, VA_SAME_PT, MMU_ACC_WRITE, false);
    assert_int_equal(f->nlog, 1);
    assert_int_equal(r.fault, MMU_FAULT_WRITE);
    fixture_free(f);
}

/* Size 0 disables a cache: with all three off, every walk reads 4
 * entries; with only the PDE cache off, the PDPTE cache still serves. */
static void disabled(void **state)
{
    (void)state;
    struct mmu_config c;
    mmu_config_default(&c);
    for (unsigned i = 0; i < MMU_PSC_COUNT; i++)
        c.psc[i].entries = 0;
    struct fixture *f = mapped(&c);
    assert_int_equal(walk_reads(f, VA_P), 4);
    assert_int_equal(walk_reads(f, VA_SAME_PT), 4);
    assert_int_equal(mmu_stats(f->m)->walk_start_level[4], 2);
    fixture_free(f);

    mmu_config_default(&c);
    c.psc[MMU_PSC_PDE].entries = 0;
    f = mapped(&c);
    assert_int_equal(walk_reads(f, VA_P), 4);
    assert_int_equal(walk_reads(f, VA_SAME_PT), 2);
    fixture_free(f);
}

/* A set-associative PDE cache (4 entries, 2 ways: 2 sets) is indexed by VA[21] (the low bit
 * of VA[47:21]): three page tables of even 2 MiB regions share set 0, so the third evicts the
 * least recently used of the first two, while a region of set 1 evicts nothing; fully
 * associative, the same 4 entries keep all four. */
static void set_associative(void **state)
{
    (void)state;
    const uint64_t region[4] = {0x000000, 0x400000, 0x800000, 0x200000}; /* sets 0, 0, 0, 1 */
    for (unsigned ways = 2; ways <= 4; ways += 2) {
        struct mmu_config c;
        mmu_config_default(&c);
        c.psc[MMU_PSC_PDE] = (struct mmu_array_config){4, ways, MMU_REPL_LRU};
        struct fixture *f = fixture_new(&c);
        for (unsigned i = 0; i < 4; i++) {
            map(f, region[i] + 0x1000, 0x100000, PAGE_SHIFT_4K, PTE_RW);
            map(f, region[i] + 0x2000, 0x101000, PAGE_SHIFT_4K, PTE_RW);
        }
        for (unsigned i = 0; i < 4; i++)
            walk_reads_of(f, region[i] + 0x1000);
        bool fully = ways == 4;
        assert_int_equal(mmu_psc_holds(f->m, MMU_PSC_PDE, region[0], 1), fully);
        for (unsigned i = 1; i < 4; i++)
            assert_true(mmu_psc_holds(f->m, MMU_PSC_PDE, region[i], 1));
        /* Region 0's page table is read again from its PDPTE (PDPTE-cache hit) or not at all. */
        assert_int_equal(walk_reads_of(f, region[0] + 0x2000), fully ? 1 : 2);
        /* INVLPG empties the paging-structure caches of the PCID, every set (SDM 4.10.4.1). */
        assert_int_equal(mmu_invlpg(f->m, f->cycle, region[3] + 0x5000), 0);
        f->cycle = mmu_next_free_cycle(f->m);
        for (unsigned i = 0; i < 4; i++)
            assert_false(mmu_psc_holds(f->m, MMU_PSC_PDE, region[i], 1));
        fixture_free(f);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(skips_levels), cmocka_unit_test(tagged_by_pcid),
        cmocka_unit_test(replacement),  cmocka_unit_test(carries_rights),
        cmocka_unit_test(disabled),     cmocka_unit_test(set_associative),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
