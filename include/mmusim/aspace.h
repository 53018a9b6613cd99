/*
 * Address-space builder: creates x86-64 4-level or 5-level page tables in a
 * simulated physical memory, as an operating system would.
 *
 * Tables are allocated from the memory's frame allocator.  Intermediate
 * entries it creates are P|RW|US with A clear, so the leaf's flags decide
 * the access rights and the walker has A bits to set.  A caller that wants
 * an unusual intermediate entry (read-only, reserved bits) finds its
 * address with aspace_entry_paddr() and writes it directly.
 *
 * Not modelled: freeing page-table frames on unmap.
 */
#ifndef MMUSIM_ASPACE_H
#define MMUSIM_ASPACE_H

#include <stddef.h>
#include <stdint.h>

#include "mmusim/phys_mem.h"

#ifdef __cplusplus
extern "C" {
#endif

struct aspace;

/* Creates an empty address space of 4-level paging: one zeroed PML4 frame. */
struct aspace *aspace_create(struct phys_mem *pm, char *err, size_t errlen);
/* The same, of `levels`-level paging: 4, or 5 (a PML5 frame, for an MMU with la57), whose
 * canonical addresses are 57 bits wide. */
struct aspace *aspace_create_levels(struct phys_mem *pm, unsigned levels, char *err, size_t errlen);
void aspace_destroy(struct aspace *as);

/* Physical address of the top table (the PML4, or the PML5 of 5-level paging): the base to load
 * into CR3. */
uint64_t aspace_pml4(const struct aspace *as);

/* Maps the page of 2^page_shift bytes (PAGE_SHIFT_4K, PAGE_SHIFT_2M or PAGE_SHIFT_1G) at
 * virtual address va to physical address pa.  flags are PTE_* bits among
 * RW, US, PWT, PCD, A, D, G, NX and the protection key (PTE_PKEY_MASK); P (and PS for 2 MiB
 * and 1 GiB) are added.  va and pa
 * must be aligned to the page, va canonical, pa within the memory's width.
 * Replaces an existing leaf of the same size; refuses to put a page under a
 * larger page's leaf, or a 2 MiB or 1 GiB page over a page table. */
int aspace_map(struct aspace *as, uint64_t va, uint64_t pa, unsigned page_shift, uint64_t flags);

/* Clears the leaf entry mapping va at the given size. */
int aspace_unmap(struct aspace *as, uint64_t va, unsigned page_shift);

/* Replaces the flags of an existing leaf, keeping its physical address. */
int aspace_protect(struct aspace *as, uint64_t va, unsigned page_shift, uint64_t flags);

/* Physical address of the entry at level (5 = PML5, 4 = PML4 ... 1 = PT) that the
 * walk for va reads.  Fails if a table above it is absent or is a leaf. */
int aspace_entry_paddr(struct aspace *as, uint64_t va, unsigned level, uint64_t *pa);

/* Reason for the last failed call on as. */
const char *aspace_error(const struct aspace *as);

#ifdef __cplusplus
}
#endif

#endif
