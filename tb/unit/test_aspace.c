/*
 * The sparse physical memory and the address-space builder.
 */
#include "test_util.h"

static void sparse_memory(void **state)
{
    (void)state;
    char err[128];
    struct phys_mem *pm = phys_mem_create(46, err, sizeof(err));
    assert_non_null(pm);
    uint64_t v = 1;
    assert_int_equal(phys_mem_read64(pm, 0x3ffffffff000ull, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(phys_mem_frames_used(pm), 0); /* reads allocate nothing */
    assert_int_equal(phys_mem_write64(pm, 0x3ffffffff008ull, 42), 0);
    assert_int_equal(phys_mem_write64(pm, 0x1000, 7), 0);
    assert_int_equal(phys_mem_frames_used(pm), 2);
    assert_int_equal(phys_mem_read64(pm, 0x3ffffffff008ull, &v), 0);
    assert_int_equal(v, 42);
    /* Many frames far apart: the table grows and keeps every value. */
    for (uint64_t i = 0; i < 5000; i++)
        assert_int_equal(phys_mem_write64(pm, i * 0x7654321000ull % (1ull << 46), i), 0);
    for (uint64_t i = 1; i < 5000; i++) {
        assert_int_equal(phys_mem_read64(pm, i * 0x7654321000ull % (1ull << 46), &v), 0);
        assert_int_equal(v, i);
    }
    /* Bad addresses: an error with the address, not a crash. */
    assert_int_equal(phys_mem_read64(pm, 1ull << 46, &v), -1);
    assert_non_null(strstr(phys_mem_error(pm), "beyond the 46-bit"));
    assert_int_equal(phys_mem_write64(pm, 0x1004, 0), -1);
    assert_non_null(strstr(phys_mem_error(pm), "not 8-byte aligned"));
    phys_mem_destroy(pm);
    assert_null(phys_mem_create(60, err, sizeof(err)));
    assert_non_null(strstr(err, "pa_bits: 60"));
}

static void frame_allocator(void **state)
{
    (void)state;
    char err[128];
    struct phys_mem *pm = phys_mem_create(32, err, sizeof(err));
    uint64_t a, b;
    assert_int_equal(phys_mem_alloc_frame(pm, &a), 0);
    assert_int_equal(a, 0x80000000);                          /* upper half by default */
    assert_int_equal(phys_mem_write64(pm, 0x80001000, 5), 0); /* someone's data */
    assert_int_equal(phys_mem_alloc_frame(pm, &b), 0);
    assert_int_equal(b, 0x80002000); /* skips the used frame */
    assert_int_equal(phys_mem_set_alloc_range(pm, 0x10000, 0x12000), 0);
    assert_int_equal(phys_mem_alloc_frame(pm, &a), 0);
    assert_int_equal(phys_mem_alloc_frame(pm, &a), 0);
    assert_int_equal(phys_mem_alloc_frame(pm, &a), -1);
    assert_non_null(strstr(phys_mem_error(pm), "exhausted"));
    assert_int_equal(phys_mem_set_alloc_range(pm, 0x10001, 0x12000), -1);
    phys_mem_destroy(pm);
}

static void builder(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(NULL);
    struct aspace *as = f->as;
    uint64_t pa;
    map(f, 0x1000, 0x5000, PAGE_SHIFT_4K, PTE_RW | PTE_US | PTE_NX);
    uint64_t pte = entry_of(f, 0x1000, 1);
    assert_int_equal(pte, 0x5000 | PTE_P | PTE_RW | PTE_US | PTE_NX);
    assert_int_equal(entry_of(f, 0x1000, 2) & 0xfff, PTE_P | PTE_RW | PTE_US);
    assert_int_equal(aspace_protect(as, 0x1000, PAGE_SHIFT_4K, PTE_G), 0);
    assert_int_equal(entry_of(f, 0x1000, 1), 0x5000 | PTE_P | PTE_G);
    assert_int_equal(aspace_unmap(as, 0x1000, PAGE_SHIFT_4K), 0);
    assert_int_equal(entry_of(f, 0x1000, 1), 0);
    assert_int_equal(aspace_unmap(as, 0x1000, PAGE_SHIFT_4K), -1);
    assert_non_null(strstr(aspace_error(as), "no 4 KiB page"));

    map(f, 0x40000000, 0x80000000, PAGE_SHIFT_2M, PTE_RW);
    assert_int_equal(entry_of(f, 0x40000000, 2), 0x80000000 | PTE_P | PTE_RW | PTE_PS);
    /* 4 KiB under a 2 MiB page, and 2 MiB over a page table: refused. */
    assert_int_equal(aspace_map(as, 0x40001000, 0x1000, PAGE_SHIFT_4K, 0), -1);
    assert_non_null(strstr(aspace_error(as), "2 MiB page already maps"));
    assert_int_equal(aspace_map(as, 0x0, 0x200000, PAGE_SHIFT_2M, 0), -1);
    assert_non_null(strstr(aspace_error(as), "page table is already there"));
    assert_int_equal(aspace_entry_paddr(as, 0x40001000, 1, &pa), -1);

    /* Bad arguments. */
    assert_int_equal(aspace_map(as, 0x1234, 0x5000, PAGE_SHIFT_4K, 0), -1);
    assert_non_null(strstr(aspace_error(as), "not aligned"));
    assert_int_equal(aspace_map(as, 0x0000800000000000ull, 0x5000, PAGE_SHIFT_4K, 0), -1);
    assert_non_null(strstr(aspace_error(as), "canonical"));
    assert_int_equal(aspace_map(as, 0x2000, 1ull << 46, PAGE_SHIFT_4K, 0), -1);
    assert_int_equal(aspace_map(as, 0x2000, 0x5000, 30, 0), -1);
    assert_int_equal(aspace_map(as, 0x2000, 0x5000, PAGE_SHIFT_4K, PTE_PS), -1);
    assert_int_equal(aspace_entry_paddr(as, 0x2000, 5, &pa), -1);
    fixture_free(f);
}

/* Two MMUs, two address spaces, one memory: independent state. */
static void two_mmus(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(NULL);
    struct fixture *g = fixture_new(NULL);
    map(f, 0x1000, 0x5000, PAGE_SHIFT_4K, PTE_RW);
    map(g, 0x1000, 0x6000, PAGE_SHIFT_4K, PTE_RW);
    assert_int_equal(xlate(f, 0x1000, MMU_ACC_READ, false).paddr, 0x5000);
    assert_int_equal(xlate(g, 0x1000, MMU_ACC_READ, false).paddr, 0x6000);
    assert_int_equal(xlate(f, 0x1000, MMU_ACC_READ, false).source, MMU_SRC_L1);
    assert_int_equal(mmu_stats(f->m)->walks, 1);
    assert_int_equal(mmu_stats(g->m)->walks, 1);
    fixture_free(f);
    fixture_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sparse_memory),
        cmocka_unit_test(frame_allocator),
        cmocka_unit_test(builder),
        cmocka_unit_test(two_mmus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
