/*
 * Entry rules: reserved bits by level, leaves, rights combined across
 * levels, the access check and the #PF error code.  Tables follow the
 * SDM (vol. 3, 4.5 to 4.7).
 */
#include "test_util.h"

#include "pte.h"

static void reserved_bits(void **state)
{
    (void)state;
    const uint64_t above46 = 0x000fc00000000000ull; /* bits 51:46 */
    struct {
        uint64_t e;
        unsigned level;
        unsigned pa_bits;
        bool nxe;
        bool reserved;
        const char *why;
        bool no1g; /* an MMU without 1 GiB pages (pdpe1gb = 0) */
    } cases[] = {
        {PTE_P | 0x1000, 4, 46, true, false, "plain PML4E", false},
        {PTE_P | PTE_PS, 4, 46, true, true, "PS in a PML4E", false},
        {PTE_P | PTE_PS, 3, 46, true, true, "PS in a PDPTE: no 1 GiB pages", true},
        {PTE_P | PTE_PS, 3, 46, true, false, "1 GiB PDPTE", false},
        {PTE_P | PTE_PS | (1ull << 13), 3, 46, true, true, "bit 13 of a 1 GiB PDPTE", false},
        {PTE_P | PTE_PS | (1ull << 29), 3, 46, true, true, "bit 29 of a 1 GiB PDPTE", false},
        {PTE_P | PTE_PS | (1ull << 12), 3, 46, true, false, "PAT bit of a 1 GiB PDPTE", false},
        {PTE_P | PTE_PS | (1ull << 30), 3, 46, true, false, "bit 30: a 1 GiB frame's address",
         false},
        {PTE_P | (1ull << 13), 3, 46, true, false, "bit 13 of a PDPTE pointing to a table", false},
        {PTE_P | PTE_PS, 5, 46, true, true, "PS in a PML5E", false},
        {PTE_P | PTE_PS, 2, 46, true, false, "2 MiB PDE", false},
        {PTE_P | PTE_PS | (1ull << 13), 2, 46, true, true, "bit 13 of a 2 MiB PDE", false},
        {PTE_P | PTE_PS | (1ull << 20), 2, 46, true, true, "bit 20 of a 2 MiB PDE", false},
        {PTE_P | PTE_PS | (1ull << 12), 2, 46, true, false, "PAT bit of a 2 MiB PDE", false},
        {PTE_P | (1ull << 13), 2, 46, true, false, "bit 13 of a PDE pointing to a table", false},
        {PTE_P | PTE_PS, 1, 46, true, false, "PAT bit in a PTE", false},
        {PTE_P | (1ull << 45), 1, 46, true, false, "top address bit within 46", false},
        {PTE_P | (1ull << 46), 1, 46, true, true, "address bit 46 of 46", false},
        {PTE_P | (1ull << 46), 3, 48, true, false, "bit 46 with 48-bit addresses", false},
        {PTE_P | (1ull << 51), 4, 46, true, true, "address bit 51", false},
        {PTE_P | (1ull << 52) | (1ull << 62), 1, 46, true, false, "bits 62:52 are ignored", false},
        {PTE_P | PTE_NX, 1, 46, true, false, "NX with NXE", false},
        {PTE_P | PTE_NX, 3, 46, false, true, "NX without NXE", false},
        {PTE_P | (7ull << 9), 4, 46, true, false, "bits 11:9 are ignored", false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint64_t m = pte_reserved_mask(cases[i].e, cases[i].level, cases[i].pa_bits, cases[i].nxe,
                                       !cases[i].no1g);
        if (((cases[i].e & m) != 0) != cases[i].reserved)
            fail_msg("case %zu (%s): reserved=%d expected %d", i, cases[i].why,
                     (cases[i].e & m) != 0, cases[i].reserved);
    }
    assert_int_equal(pte_reserved_mask(0, 1, 46, true, true) & above46, above46);
}

static void leaves(void **state)
{
    (void)state;
    assert_true(pte_is_leaf(PTE_P, 1));
    assert_true(pte_is_leaf(PTE_P | PTE_PS, 2));
    assert_false(pte_is_leaf(PTE_P, 2));
    assert_true(pte_is_leaf(PTE_P | PTE_PS, 3)); /* 1 GiB (reserved without pdpe1gb) */
    assert_false(pte_is_leaf(PTE_P, 3));
    assert_false(pte_is_leaf(PTE_P | PTE_PS, 4));
    assert_false(pte_is_leaf(PTE_P, 4));
    assert_int_equal(pte_addr(0x8000000012345867ull | PTE_PS, 21), 0x12200000);
    assert_int_equal(pte_addr(0x8000000012345867ull, 12), 0x12345000);
}

static void rights_combine(void **state)
{
    (void)state;
    struct pte_perm p = pte_perm_all();
    p = pte_perm_combine(p, PTE_P | PTE_RW | PTE_US);
    assert_true(p.rw && p.us && !p.nx);
    p = pte_perm_combine(p, PTE_P | PTE_US | PTE_NX); /* read-only, NX above */
    assert_true(!p.rw && p.us && p.nx);
    p = pte_perm_combine(p, PTE_P | PTE_RW | PTE_US); /* a writable leaf cannot undo it */
    assert_true(!p.rw && p.us && p.nx);
    p = pte_perm_combine(p, PTE_P | PTE_RW);
    assert_false(p.us);
}

/* (rw, us, nx) x access x user x WP x NXE -> fault. */
static void access_check(void **state)
{
    (void)state;
    const struct pte_perm rw_user = {true, true, false, 0}, ro_user = {false, true, false, 0},
                          rw_sup = {true, false, false, 0}, ro_sup = {false, false, false, 0},
                          nx = {true, true, true, 0};
    struct {
        struct pte_perm p;
        enum mmu_access a;
        bool user, wp, nxe;
        enum mmu_fault f;
    } cases[] = {
        {rw_user, MMU_ACC_WRITE, true, true, true, MMU_FAULT_NONE},
        {ro_user, MMU_ACC_READ, true, true, true, MMU_FAULT_NONE},
        {ro_user, MMU_ACC_WRITE, true, true, true, MMU_FAULT_WRITE},
        {ro_user, MMU_ACC_WRITE, true, false, true, MMU_FAULT_WRITE}, /* WP only for sup */
        {ro_user, MMU_ACC_WRITE, false, true, true, MMU_FAULT_WRITE}, /* sup honours WP */
        {ro_sup, MMU_ACC_WRITE, false, false, true, MMU_FAULT_NONE},  /* WP = 0 */
        {rw_sup, MMU_ACC_READ, true, true, true, MMU_FAULT_USER},
        {rw_sup, MMU_ACC_FETCH, true, true, true, MMU_FAULT_USER},
        {ro_sup, MMU_ACC_WRITE, true, true, true, MMU_FAULT_USER},   /* U/S before R/W */
        {rw_user, MMU_ACC_READ, false, true, true, MMU_FAULT_NONE},  /* no SMAP */
        {rw_user, MMU_ACC_FETCH, false, true, true, MMU_FAULT_NONE}, /* no SMEP */
        {nx, MMU_ACC_FETCH, false, true, true, MMU_FAULT_NX},
        {nx, MMU_ACC_FETCH, true, true, true, MMU_FAULT_NX},
        {nx, MMU_ACC_FETCH, false, true, false, MMU_FAULT_NONE}, /* NXE = 0 */
        {nx, MMU_ACC_READ, false, true, true, MMU_FAULT_NONE},
        {ro_user, MMU_ACC_FETCH, true, true, true, MMU_FAULT_NONE},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct pte_mode m = {.wp = cases[i].wp, .nxe = cases[i].nxe};
        enum mmu_fault f = pte_check_access(cases[i].p, cases[i].a, cases[i].user, false, &m);
        if (f != cases[i].f)
            fail_msg("case %zu: %s, expected %s", i, mmu_fault_name(f), mmu_fault_name(cases[i].f));
    }
}

/* SMEP, SMAP and protection keys (SDM vol. 3A, 4.6): which access each forbids, in which order,
 * and when the error code's PK bit is set.  Every case has WP = 1 and NXE = 1 unless said. */
static void protection_check(void **state)
{
    (void)state;
    const struct pte_perm user = {true, true, false, 5}, ro_user = {false, true, false, 5},
                          sup = {true, false, false, 5}, user_nx = {true, true, true, 5};
    const uint32_t ad5 = 1u << 10, wd5 = 1u << 11, ad4 = 1u << 8;
    enum { SMEP = 1, SMAP = 2, AC = 4, PKE = 8, IMPLICIT = 16, NOWP = 32 };
    struct {
        struct pte_perm p;
        enum mmu_access a;
        bool user;
        unsigned flags;
        uint32_t pkru;
        enum mmu_fault f;
        bool pk;
    } cases[] = {
        {user, MMU_ACC_FETCH, false, SMEP, 0, MMU_FAULT_SMEP, false},
        {user, MMU_ACC_FETCH, true, SMEP, 0, MMU_FAULT_NONE, false},     /* a user fetch */
        {sup, MMU_ACC_FETCH, false, SMEP, 0, MMU_FAULT_NONE, false},     /* a supervisor page */
        {user, MMU_ACC_READ, false, SMEP, 0, MMU_FAULT_NONE, false},     /* SMEP: fetches only */
        {user_nx, MMU_ACC_FETCH, false, SMEP, 0, MMU_FAULT_SMEP, false}, /* SMEP before NX */
        {user, MMU_ACC_READ, false, SMAP, 0, MMU_FAULT_SMAP, false},
        {user, MMU_ACC_WRITE, false, SMAP, 0, MMU_FAULT_SMAP, false},
        {user, MMU_ACC_READ, false, SMAP | AC, 0, MMU_FAULT_NONE, false},
        {user, MMU_ACC_READ, false, SMAP | AC | IMPLICIT, 0, MMU_FAULT_SMAP, false},
        {user, MMU_ACC_FETCH, false, SMAP, 0, MMU_FAULT_NONE, false}, /* SMAP: data only */
        {user, MMU_ACC_READ, true, SMAP, 0, MMU_FAULT_NONE, false},   /* a user access */
        {ro_user, MMU_ACC_WRITE, false, SMAP | AC, 0, MMU_FAULT_WRITE, false},
        {ro_user, MMU_ACC_WRITE, false, SMAP, 0, MMU_FAULT_SMAP, false}, /* SMAP first */
        {user, MMU_ACC_READ, true, PKE, ad5, MMU_FAULT_PK, true},
        {user, MMU_ACC_READ, true, PKE, ad4, MMU_FAULT_NONE, false},  /* another key */
        {user, MMU_ACC_READ, true, 0, ad5, MMU_FAULT_NONE, false},    /* PKE = 0 */
        {user, MMU_ACC_FETCH, true, PKE, ad5, MMU_FAULT_NONE, false}, /* keys: data only */
        {user, MMU_ACC_READ, false, PKE, ad5, MMU_FAULT_PK, true},    /* supervisors too */
        {user, MMU_ACC_READ, true, PKE, wd5, MMU_FAULT_NONE, false},
        {user, MMU_ACC_WRITE, true, PKE, wd5, MMU_FAULT_PK, true},
        {user, MMU_ACC_WRITE, false, PKE, wd5, MMU_FAULT_PK, true},           /* WP = 1 */
        {user, MMU_ACC_WRITE, false, PKE | NOWP, wd5, MMU_FAULT_NONE, false}, /* WP = 0 */
        {sup, MMU_ACC_READ, false, PKE, ad5, MMU_FAULT_NONE, false},          /* supervisor pages */
        {ro_user, MMU_ACC_WRITE, true, PKE, wd5, MMU_FAULT_WRITE, true},      /* both: PK bit */
        {user, MMU_ACC_READ, false, SMAP | PKE, ad5, MMU_FAULT_SMAP, true},
        {sup, MMU_ACC_READ, true, PKE, ad5, MMU_FAULT_USER, false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        unsigned fl = cases[i].flags;
        struct pte_mode m = {.wp = !(fl & NOWP),
                             .nxe = true,
                             .smep = fl & SMEP,
                             .smap = fl & SMAP,
                             .ac = fl & AC,
                             .pke = fl & PKE,
                             .pkru = cases[i].pkru};
        enum mmu_fault f =
            pte_check_access(cases[i].p, cases[i].a, cases[i].user, fl & IMPLICIT, &m);
        bool pk = pte_pkey_forbids(cases[i].p, cases[i].a, cases[i].user, &m);
        if (f != cases[i].f || pk != cases[i].pk)
            fail_msg("case %zu: %s pk=%d, expected %s pk=%d", i, mmu_fault_name(f), pk,
                     mmu_fault_name(cases[i].f), cases[i].pk);
    }
}

static void error_codes(void **state)
{
    (void)state;
    struct {
        enum mmu_fault f;
        enum mmu_access a;
        bool user, nxe;
        uint32_t ec;
    } cases[] = {
        {MMU_FAULT_NOT_PRESENT, MMU_ACC_READ, false, true, 0},
        {MMU_FAULT_NOT_PRESENT, MMU_ACC_WRITE, true, true, PF_ERR_W | PF_ERR_U},
        {MMU_FAULT_NOT_PRESENT, MMU_ACC_FETCH, true, true, PF_ERR_U | PF_ERR_ID},
        {MMU_FAULT_NOT_PRESENT, MMU_ACC_FETCH, false, false, 0}, /* I/D needs NXE */
        {MMU_FAULT_WRITE, MMU_ACC_WRITE, false, true, PF_ERR_P | PF_ERR_W},
        {MMU_FAULT_USER, MMU_ACC_READ, true, true, PF_ERR_P | PF_ERR_U},
        {MMU_FAULT_NX, MMU_ACC_FETCH, false, true, PF_ERR_P | PF_ERR_ID},
        {MMU_FAULT_RESERVED, MMU_ACC_WRITE, true, true,
         PF_ERR_P | PF_ERR_RSVD | PF_ERR_W | PF_ERR_U},
        {MMU_FAULT_RESERVED, MMU_ACC_FETCH, false, true, PF_ERR_P | PF_ERR_RSVD | PF_ERR_ID},
        {MMU_FAULT_NON_CANONICAL, MMU_ACC_WRITE, true, true, 0},
        {MMU_FAULT_NONE, MMU_ACC_WRITE, true, true, 0},
        {MMU_FAULT_SMEP, MMU_ACC_FETCH, false, true, PF_ERR_P | PF_ERR_ID},
        {MMU_FAULT_SMAP, MMU_ACC_WRITE, false, true, PF_ERR_P | PF_ERR_W},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_int_equal(pte_error_code(cases[i].f, cases[i].a, cases[i].user, cases[i].nxe, false),
                         cases[i].ec);
    /* The PK bit: set with any protection fault whose key forbids the access, never with a
     * not-present or reserved-bit one. */
    assert_int_equal(pte_error_code(MMU_FAULT_PK, MMU_ACC_READ, true, true, true),
                     PF_ERR_P | PF_ERR_U | PF_ERR_PK);
    assert_int_equal(pte_error_code(MMU_FAULT_WRITE, MMU_ACC_WRITE, true, true, true),
                     PF_ERR_P | PF_ERR_W | PF_ERR_U | PF_ERR_PK);
    assert_int_equal(pte_error_code(MMU_FAULT_NOT_PRESENT, MMU_ACC_READ, true, true, true),
                     PF_ERR_U);
    assert_int_equal(pte_error_code(MMU_FAULT_RESERVED, MMU_ACC_READ, true, true, true),
                     PF_ERR_P | PF_ERR_RSVD | PF_ERR_U);
}

static void canonical(void **state)
{
    (void)state;
    assert_true(va_is_canonical(0));
    assert_true(va_is_canonical(0x00007fffffffffffull));
    assert_false(va_is_canonical(0x0000800000000000ull));
    assert_false(va_is_canonical(0xffff7fffffffffffull));
    assert_true(va_is_canonical(0xffff800000000000ull));
    assert_true(va_is_canonical(UINT64_MAX));
    assert_false(va_is_canonical(0x0001000000000000ull));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reserved_bits),    cmocka_unit_test(leaves),
        cmocka_unit_test(rights_combine),   cmocka_unit_test(access_check),
        cmocka_unit_test(error_codes),      cmocka_unit_test(canonical),
        cmocka_unit_test(protection_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
