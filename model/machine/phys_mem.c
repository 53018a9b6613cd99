/*
 * Sparse physical memory: an open-addressing hash table from frame number
 * to a 4 KiB frame, created on first write.  The last frame used is
 * remembered, since a walk reads neighbouring entries of the same table.
 *
 * Not modelled: accesses other than aligned 64-bit words; freeing frames.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmusim/phys_mem.h"
#include "mmusim/pte.h"

#define WORDS_PER_FRAME (PAGE_SIZE_4K / 8)
#define NO_FRAME        UINT64_MAX

struct frame {
    uint64_t word[WORDS_PER_FRAME];
};

struct slot {
    uint64_t pfn; /* NO_FRAME when empty */
    struct frame *frame;
};

struct phys_mem {
    unsigned pa_bits;
    struct slot *slots;
    size_t nslots; /* a power of two */
    size_t used;
    uint64_t last_pfn;
    struct frame *last_frame;
    uint64_t alloc_next, alloc_limit;
    uint64_t reserve_next;
    char err[160];
};

static uint64_t hash_pfn(uint64_t pfn)
{
    pfn ^= pfn >> 29;
    pfn *= 0xbf58476d1ce4e5b9ull;
    pfn ^= pfn >> 32;
    return pfn;
}

struct phys_mem *phys_mem_create(unsigned pa_bits, char *err, size_t errlen)
{
    if (pa_bits < 32 || pa_bits > 52) {
        if (err)
            snprintf(err, errlen, "pa_bits: %u is outside 32..52", pa_bits);
        return NULL;
    }
    struct phys_mem *pm = calloc(1, sizeof(*pm));
    if (pm)
        pm->slots = malloc(64 * sizeof(*pm->slots));
    if (!pm || !pm->slots) {
        free(pm);
        if (err)
            snprintf(err, errlen, "physical memory: out of host memory");
        return NULL;
    }
    pm->pa_bits = pa_bits;
    pm->nslots = 64;
    for (size_t i = 0; i < pm->nslots; i++)
        pm->slots[i] = (struct slot){NO_FRAME, NULL};
    pm->last_pfn = NO_FRAME;
    pm->alloc_next = 1ull << (pa_bits - 1);
    pm->alloc_limit = 1ull << pa_bits;
    pm->reserve_next = 1ull << 20;
    return pm;
}

void phys_mem_destroy(struct phys_mem *pm)
{
    if (!pm)
        return;
    for (size_t i = 0; i < pm->nslots; i++)
        free(pm->slots[i].frame);
    free(pm->slots);
    free(pm);
}

unsigned phys_mem_pa_bits(const struct phys_mem *pm)
{
    return pm->pa_bits;
}

size_t phys_mem_frames_used(const struct phys_mem *pm)
{
    return pm->used;
}

const char *phys_mem_error(const struct phys_mem *pm)
{
    return pm->err;
}

static struct slot *find_slot(struct slot *slots, size_t nslots, uint64_t pfn)
{
    size_t i = hash_pfn(pfn) & (nslots - 1);
    while (slots[i].pfn != pfn && slots[i].pfn != NO_FRAME)
        i = (i + 1) & (nslots - 1);
    return &slots[i];
}

static int grow(struct phys_mem *pm)
{
    size_t n = pm->nslots * 2;
    struct slot *s = malloc(n * sizeof(*s));
    if (!s)
        return -1;
    for (size_t i = 0; i < n; i++)
        s[i] = (struct slot){NO_FRAME, NULL};
    for (size_t i = 0; i < pm->nslots; i++)
        if (pm->slots[i].pfn != NO_FRAME)
            *find_slot(s, n, pm->slots[i].pfn) = pm->slots[i];
    free(pm->slots);
    pm->slots = s;
    pm->nslots = n;
    return 0;
}

/* The frame holding pfn, created if create is set; NULL if absent. */
static struct frame *frame_of(struct phys_mem *pm, uint64_t pfn, bool create)
{
    if (pfn == pm->last_pfn)
        return pm->last_frame;
    struct slot *s = find_slot(pm->slots, pm->nslots, pfn);
    if (s->pfn == NO_FRAME) {
        if (!create)
            return NULL;
        if (2 * (pm->used + 1) > pm->nslots) {
            if (grow(pm))
                return NULL;
            s = find_slot(pm->slots, pm->nslots, pfn);
        }
        s->frame = calloc(1, sizeof(struct frame));
        if (!s->frame)
            return NULL;
        s->pfn = pfn;
        pm->used++;
    }
    pm->last_pfn = pfn;
    pm->last_frame = s->frame;
    return s->frame;
}

static int check_pa(struct phys_mem *pm, uint64_t pa, const char *what)
{
    if (pa & 7) {
        snprintf(pm->err, sizeof(pm->err), "%s of 0x%llx: not 8-byte aligned", what,
                 (unsigned long long)pa);
        return -1;
    }
    if (pa >> pm->pa_bits) {
        snprintf(pm->err, sizeof(pm->err), "%s of 0x%llx: beyond the %u-bit physical space", what,
                 (unsigned long long)pa, pm->pa_bits);
        return -1;
    }
    return 0;
}

int phys_mem_read64(struct phys_mem *pm, uint64_t pa, uint64_t *value)
{
    if (check_pa(pm, pa, "read"))
        return -1;
    struct frame *f = frame_of(pm, pa >> PAGE_SHIFT_4K, false);
    *value = f ? f->word[(pa & (PAGE_SIZE_4K - 1)) / 8] : 0;
    return 0;
}

int phys_mem_write64(struct phys_mem *pm, uint64_t pa, uint64_t value)
{
    if (check_pa(pm, pa, "write"))
        return -1;
    struct frame *f = frame_of(pm, pa >> PAGE_SHIFT_4K, true);
    if (!f) {
        snprintf(pm->err, sizeof(pm->err), "write of 0x%llx: out of host memory",
                 (unsigned long long)pa);
        return -1;
    }
    f->word[(pa & (PAGE_SIZE_4K - 1)) / 8] = value;
    return 0;
}

int phys_mem_set_alloc_range(struct phys_mem *pm, uint64_t base, uint64_t limit)
{
    if ((base | limit) & (PAGE_SIZE_4K - 1) || base >= limit || (limit - 1) >> pm->pa_bits) {
        snprintf(pm->err, sizeof(pm->err),
                 "allocator range [0x%llx, 0x%llx): must be 4 KiB aligned, non-empty and "
                 "within the %u-bit physical space",
                 (unsigned long long)base, (unsigned long long)limit, pm->pa_bits);
        return -1;
    }
    pm->alloc_next = base;
    pm->alloc_limit = limit;
    return 0;
}

int phys_mem_alloc_frame(struct phys_mem *pm, uint64_t *pa)
{
    for (; pm->alloc_next < pm->alloc_limit; pm->alloc_next += PAGE_SIZE_4K) {
        uint64_t pfn = pm->alloc_next >> PAGE_SHIFT_4K;
        if (frame_of(pm, pfn, false))
            continue; /* already holds data written by someone else */
        if (!frame_of(pm, pfn, true)) {
            snprintf(pm->err, sizeof(pm->err), "frame allocator: out of host memory");
            return -1;
        }
        *pa = pm->alloc_next;
        pm->alloc_next += PAGE_SIZE_4K;
        return 0;
    }
    snprintf(pm->err, sizeof(pm->err), "frame allocator: range exhausted at 0x%llx",
             (unsigned long long)pm->alloc_limit);
    return -1;
}

int phys_mem_reserve(struct phys_mem *pm, uint64_t size, uint64_t *pa)
{
    if (size < PAGE_SIZE_4K || (size & (size - 1))) {
        snprintf(pm->err, sizeof(pm->err),
                 "reserve of %llu bytes: not a power of two of at "
                 "least 4 KiB",
                 (unsigned long long)size);
        return -1;
    }
    uint64_t base = (pm->reserve_next + size - 1) & ~(size - 1);
    if (base + size > 1ull << (pm->pa_bits - 1)) {
        snprintf(pm->err, sizeof(pm->err),
                 "reserve of %llu bytes: the lower half of the "
                 "%u-bit physical space is used up",
                 (unsigned long long)size, pm->pa_bits);
        return -1;
    }
    pm->reserve_next = base + size;
    *pa = base;
    return 0;
}
