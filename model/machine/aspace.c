/*
 * Address-space builder: writes x86-64 4-level or 5-level page tables into
 * a simulated physical memory, allocating tables as it goes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "mmusim/aspace.h"
#include "pte.h"

#define LEAF_FLAGS \
    (PTE_RW | PTE_US | PTE_PWT | PTE_PCD | PTE_A | PTE_D | PTE_G | PTE_NX | PTE_PKEY_MASK)
#define TABLE_FLAGS (PTE_P | PTE_RW | PTE_US)

struct aspace {
    struct phys_mem *pm;
    uint64_t root;   /* the PML4, or the PML5 of 5-level paging */
    unsigned levels; /* 4 or 5 */
    char err[200];
};

__attribute__((format(printf, 2, 3))) static int fail(struct aspace *as, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(as->err, sizeof(as->err), fmt, ap);
    va_end(ap);
    return -1;
}

struct aspace *aspace_create_levels(struct phys_mem *pm, unsigned levels, char *err, size_t errlen)
{
    if (levels != PT_LEVELS && levels != PT_LEVELS_MAX) {
        if (err)
            snprintf(err, errlen, "address space: %u levels; paging has 4 or 5", levels);
        return NULL;
    }
    struct aspace *as = calloc(1, sizeof(*as));
    if (!as) {
        if (err)
            snprintf(err, errlen, "address space: out of host memory");
        return NULL;
    }
    as->pm = pm;
    as->levels = levels;
    if (phys_mem_alloc_frame(pm, &as->root)) {
        if (err)
            snprintf(err, errlen, "address space: %s: %s", levels == PT_LEVELS ? "PML4" : "PML5",
                     phys_mem_error(pm));
        free(as);
        return NULL;
    }
    return as;
}

struct aspace *aspace_create(struct phys_mem *pm, char *err, size_t errlen)
{
    return aspace_create_levels(pm, PT_LEVELS, err, errlen);
}

void aspace_destroy(struct aspace *as)
{
    free(as);
}

uint64_t aspace_pml4(const struct aspace *as)
{
    return as->root;
}

const char *aspace_error(const struct aspace *as)
{
    return as->err;
}

static const char *size_name(unsigned page_shift)
{
    return page_shift == PAGE_SHIFT_4K ? "4 KiB" : page_shift == PAGE_SHIFT_2M ? "2 MiB" : "1 GiB";
}

static int check_va(struct aspace *as, const char *op, uint64_t va, unsigned page_shift)
{
    if (page_shift != PAGE_SHIFT_4K && page_shift != PAGE_SHIFT_2M && page_shift != PAGE_SHIFT_1G)
        return fail(as, "%s 0x%llx: page shift %u is not 12 (4 KiB), 21 (2 MiB) or 30 (1 GiB)", op,
                    (unsigned long long)va, page_shift);
    if (!va_is_canonical_bits(va, va_bits(as->levels == PT_LEVELS_MAX)))
        return fail(as, "%s 0x%llx: not a canonical address (%u-bit)", op, (unsigned long long)va,
                    va_bits(as->levels == PT_LEVELS_MAX));
    if (va & ((1ull << page_shift) - 1))
        return fail(as, "%s 0x%llx: not aligned to its %s page", op, (unsigned long long)va,
                    size_name(page_shift));
    return 0;
}

/* Finds the address of the entry at level for va, creating the tables
 * above it if create is set. */
static int entry_at(struct aspace *as, uint64_t va, unsigned level, bool create, uint64_t *pa)
{
    uint64_t table = as->root;
    for (unsigned l = as->levels; l > level; l--) {
        uint64_t epa = table + 8ull * pt_index(va, l);
        uint64_t e;
        if (phys_mem_read64(as->pm, epa, &e))
            return fail(as, "0x%llx: %s", (unsigned long long)va, phys_mem_error(as->pm));
        if (!(e & PTE_P)) {
            if (!create)
                return fail(as, "0x%llx: no table below level %u", (unsigned long long)va, l);
            uint64_t frame;
            if (phys_mem_alloc_frame(as->pm, &frame))
                return fail(as, "0x%llx: page table: %s", (unsigned long long)va,
                            phys_mem_error(as->pm));
            e = frame | TABLE_FLAGS;
            if (phys_mem_write64(as->pm, epa, e))
                return fail(as, "0x%llx: %s", (unsigned long long)va, phys_mem_error(as->pm));
        } else if (pte_is_leaf(e, l)) {
            return fail(as, "0x%llx: a %s page already maps this region", (unsigned long long)va,
                        size_name(pt_level_shift(l)));
        }
        table = pte_addr(e, PAGE_SHIFT_4K);
    }
    *pa = table + 8ull * pt_index(va, level);
    return 0;
}

static uint64_t leaf_entry(uint64_t pa, unsigned page_shift, uint64_t flags)
{
    return pa | (flags & LEAF_FLAGS) | PTE_P | (page_shift != PAGE_SHIFT_4K ? PTE_PS : 0);
}

int aspace_map(struct aspace *as, uint64_t va, uint64_t pa, unsigned page_shift, uint64_t flags)
{
    if (check_va(as, "map", va, page_shift))
        return -1;
    unsigned pa_bits = phys_mem_pa_bits(as->pm);
    if ((pa & ((1ull << page_shift) - 1)) || (pa >> pa_bits))
        return fail(as,
                    "map 0x%llx to 0x%llx: physical address not page aligned or beyond "
                    "%u bits",
                    (unsigned long long)va, (unsigned long long)pa, pa_bits);
    if (flags & ~LEAF_FLAGS)
        return fail(as,
                    "map 0x%llx: flags 0x%llx include bits other than RW, US, PWT, PCD, "
                    "A, D, G, NX, the protection key",
                    (unsigned long long)va, (unsigned long long)flags);
    unsigned level = pt_level_of_shift(page_shift);
    uint64_t epa, old;
    if (entry_at(as, va, level, true, &epa) || phys_mem_read64(as->pm, epa, &old))
        return -1;
    if ((old & PTE_P) && !pte_is_leaf(old, level))
        return fail(as,
                    "map 0x%llx as %s: a page table is already there; unmap its smaller "
                    "pages first",
                    (unsigned long long)va, size_name(page_shift));
    if (phys_mem_write64(as->pm, epa, leaf_entry(pa, page_shift, flags)))
        return fail(as, "map 0x%llx: %s", (unsigned long long)va, phys_mem_error(as->pm));
    return 0;
}

/* The address and value of the present leaf of the given size for va. */
static int find_leaf(struct aspace *as, const char *op, uint64_t va, unsigned page_shift,
                     uint64_t *epa, uint64_t *e)
{
    if (check_va(as, op, va, page_shift))
        return -1;
    unsigned level = pt_level_of_shift(page_shift);
    if (entry_at(as, va, level, false, epa) || phys_mem_read64(as->pm, *epa, e))
        return -1;
    if (!(*e & PTE_P) || !pte_is_leaf(*e, level))
        return fail(as, "%s 0x%llx: no %s page is mapped there", op, (unsigned long long)va,
                    size_name(page_shift));
    return 0;
}

int aspace_unmap(struct aspace *as, uint64_t va, unsigned page_shift)
{
    uint64_t epa, e;
    if (find_leaf(as, "unmap", va, page_shift, &epa, &e))
        return -1;
    return phys_mem_write64(as->pm, epa, 0);
}

int aspace_protect(struct aspace *as, uint64_t va, unsigned page_shift, uint64_t flags)
{
    uint64_t epa, e;
    if (find_leaf(as, "protect", va, page_shift, &epa, &e))
        return -1;
    if (flags & ~LEAF_FLAGS)
        return fail(as,
                    "protect 0x%llx: flags 0x%llx include bits other than RW, US, PWT, "
                    "PCD, A, D, G, NX",
                    (unsigned long long)va, (unsigned long long)flags);
    return phys_mem_write64(as->pm, epa, leaf_entry(pte_addr(e, page_shift), page_shift, flags));
}

int aspace_entry_paddr(struct aspace *as, uint64_t va, unsigned level, uint64_t *pa)
{
    if (level < 1 || level > as->levels)
        return fail(as, "entry of 0x%llx: level %u is not 1..%u", (unsigned long long)va, level,
                    as->levels);
    return entry_at(as, va, level, false, pa);
}
