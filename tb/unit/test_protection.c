/*
 * SMEP, SMAP and protection keys in the MMU (docs/ARCHITECTURE.md sections 2
 * and 6): the set-protection operation takes effect for the next request
 * without a flush, every TLB hit (the remembered ones too) is checked
 * against the new state, the PK bit of the error code comes from walks, L1
 * and STLB hits alike, and an implicit access is checked by SMAP whatever
 * EFLAGS.AC.  (tb/unit/test_pte.c has the rules case by case; the
 * cross-check runs them at random against its reference.)
 */
#include "test_util.h"

#define VA_USER 0x1000ull /* a user page with key 3 */
#define VA_SUP  0x2000ull /* a supervisor page */
#define KEY     3ull

static struct fixture *pages(void)
{
    struct fixture *f = fixture_new(NULL);
    map(f, VA_USER, 0x10000, PAGE_SHIFT_4K, PTE_RW | PTE_US | PTE_A | PTE_D | KEY << 59);
    map(f, VA_SUP, 0x20000, PAGE_SHIFT_4K, PTE_RW | PTE_A | PTE_D);
    return f;
}

static void prot(struct fixture *f, bool smep, bool smap, bool pke, bool ac, uint32_t pkru)
{
    assert_int_equal(mmu_set_protection(f->m, f->cycle, smep, smap, pke, ac, pkru), 0);
    f->cycle = mmu_next_free_cycle(f->m);
}

static void expect(struct mmu_response r, enum mmu_fault fault, uint32_t ec, enum mmu_source src)
{
    if (r.fault != fault || r.error_code != ec || r.source != src)
        fail_msg("got %s ec 0x%x source %d; expected %s ec 0x%x source %d", mmu_fault_name(r.fault),
                 r.error_code, (int)r.source, mmu_fault_name(fault), ec, (int)src);
}

/* A remembered L1 hit becomes a fault the cycle after PKRU forbids its key, with the PK bit;
 * nothing was flushed, and another key's page still hits. */
static void pkru_under_hits(void **state)
{
    (void)state;
    struct fixture *f = pages();
    prot(f, false, false, true, false, 0);
    expect(xlate(f, VA_USER, MMU_ACC_WRITE, true), MMU_FAULT_NONE, 0, MMU_SRC_WALK);
    expect(xlate(f, VA_USER, MMU_ACC_WRITE, true), MMU_FAULT_NONE, 0, MMU_SRC_L1);
    unsigned held = mmu_tlb_valid_count(f->m, MMU_TLB_DTLB);
    prot(f, false, false, true, false, 2u << (2 * KEY)); /* WD of key 3 */
    assert_int_equal(mmu_tlb_valid_count(f->m, MMU_TLB_DTLB), held);
    expect(xlate(f, VA_USER, MMU_ACC_READ, true), MMU_FAULT_NONE, 0, MMU_SRC_L1);
    expect(xlate(f, VA_USER, MMU_ACC_WRITE, true), MMU_FAULT_PK,
           PF_ERR_P | PF_ERR_W | PF_ERR_U | PF_ERR_PK, MMU_SRC_L1);
    /* the fault removed the DTLB's entry (the TLB that answered): the STLB's answers next, and
     * an AD key faults from there, which removes the STLB's too */
    prot(f, false, false, true, false, 1u << (2 * KEY));
    expect(xlate(f, VA_USER, MMU_ACC_READ, true), MMU_FAULT_PK, PF_ERR_P | PF_ERR_U | PF_ERR_PK,
           MMU_SRC_STLB);
    expect(xlate(f, VA_USER, MMU_ACC_FETCH, true), MMU_FAULT_NONE, 0, MMU_SRC_WALK); /* data only */
    prot(f, false, false, false, false, 1u << (2 * KEY)); /* PKE off: the key is ignored */
    expect(xlate(f, VA_USER, MMU_ACC_READ, true), MMU_FAULT_NONE, 0, MMU_SRC_STLB); /* fetch's */
    const struct mmu_stats *s = mmu_stats(f->m);
    assert_int_equal(s->faults[MMU_FAULT_PK], 2);
    assert_int_equal(s->ctrl_ops[MMU_CTRL_SET_PROT], 4);
    fixture_free(f);
}

/* The STLB answers with the PK bit too: the DTLB entry evicted, the STLB's kept. */
static void pk_from_stlb(void **state)
{
    (void)state;
    struct fixture *f = pages();
    prot(f, false, false, true, false, 0);
    expect(xlate(f, VA_USER, MMU_ACC_READ, true), MMU_FAULT_NONE, 0, MMU_SRC_WALK);
    for (uint64_t k = 1; k <= 64; k++) /* 64 pages of DTLB set 1's neighbours: evict it */
        map(f, VA_USER + (k << 16), 0x100000 + (k << 12), PAGE_SHIFT_4K, PTE_US | PTE_A);
    for (uint64_t k = 1; k <= 64; k++)
        xlate(f, VA_USER + (k << 16), MMU_ACC_READ, true);
    assert_false(mmu_tlb_holds(f->m, MMU_TLB_DTLB, VA_USER, 1));
    assert_true(mmu_tlb_holds(f->m, MMU_TLB_STLB, VA_USER, 1));
    prot(f, false, false, true, false, 1u << (2 * KEY));
    expect(xlate(f, VA_USER, MMU_ACC_READ, false), MMU_FAULT_PK, PF_ERR_P | PF_ERR_PK,
           MMU_SRC_STLB);
    fixture_free(f);
}

/* SMEP and SMAP on supervisor accesses to a user page, from the L1 once cached; EFLAGS.AC lets
 * explicit data accesses through, never implicit ones; supervisor pages are never concerned. */
static void smep_smap(void **state)
{
    (void)state;
    struct fixture *f = pages();
    expect(xlate(f, VA_USER, MMU_ACC_FETCH, false), MMU_FAULT_NONE, 0, MMU_SRC_WALK);
    expect(xlate(f, VA_USER, MMU_ACC_READ, false), MMU_FAULT_NONE, 0, MMU_SRC_STLB);
    prot(f, true, true, false, false, 0);
    expect(xlate(f, VA_USER, MMU_ACC_FETCH, false), MMU_FAULT_SMEP, PF_ERR_P | PF_ERR_ID,
           MMU_SRC_L1);
    expect(xlate(f, VA_USER, MMU_ACC_FETCH, true), MMU_FAULT_NONE, 0, MMU_SRC_STLB);
    expect(xlate(f, VA_USER, MMU_ACC_READ, false), MMU_FAULT_SMAP, PF_ERR_P, MMU_SRC_L1);
    prot(f, true, true, false, true, 0); /* STAC */
    expect(xlate(f, VA_USER, MMU_ACC_WRITE, false), MMU_FAULT_NONE, 0, MMU_SRC_STLB);
    expect(xlate(f, VA_USER, MMU_ACC_WRITE, false), MMU_FAULT_NONE, 0, MMU_SRC_L1);
    struct mmu_request imp = {
        .vaddr = VA_USER, .type = MMU_ACC_READ, .cycle = f->cycle, .implicit = true};
    struct mmu_response r;
    assert_int_equal(mmu_translate(f->m, &imp, &r), 0);
    expect(r, MMU_FAULT_SMAP, PF_ERR_P, MMU_SRC_L1); /* not answered by the memo */
    f->cycle = r.resp_cycle;
    expect(xlate(f, VA_SUP, MMU_ACC_FETCH, false), MMU_FAULT_NONE, 0, MMU_SRC_WALK);
    /* An implicit access is a supervisor one: a user one is refused. */
    imp.user = true;
    imp.cycle = f->cycle;
    assert_int_equal(mmu_translate(f->m, &imp, &r), -1);
    assert_non_null(strstr(mmu_error(f->m), "implicit supervisor-mode access"));
    const struct mmu_stats *s = mmu_stats(f->m);
    assert_int_equal(s->faults[MMU_FAULT_SMEP], 1);
    assert_int_equal(s->faults[MMU_FAULT_SMAP], 2);
    fixture_free(f);
}

/* The reset values come from the configuration. */
static void reset_values(void **state)
{
    (void)state;
    struct mmu_config cfg;
    mmu_config_blocking(&cfg);
    cfg.smap = true;
    cfg.pke = true;
    cfg.pkru = 1u << (2 * KEY);
    struct fixture *f = fixture_new(&cfg);
    map(f, VA_USER, 0x10000, PAGE_SHIFT_4K, PTE_RW | PTE_US | KEY << 59);
    expect(xlate(f, VA_USER, MMU_ACC_READ, true), MMU_FAULT_PK, PF_ERR_P | PF_ERR_U | PF_ERR_PK,
           MMU_SRC_WALK);
    expect(xlate(f, VA_USER, MMU_ACC_READ, false), MMU_FAULT_SMAP, PF_ERR_P | PF_ERR_PK,
           MMU_SRC_WALK);
    fixture_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pkru_under_hits),
        cmocka_unit_test(pk_from_stlb),
        cmocka_unit_test(smep_smap),
        cmocka_unit_test(reset_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
