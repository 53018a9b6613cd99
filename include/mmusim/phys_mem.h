/*
 * Sparse simulated physical memory with a frame allocator.
 *
 * Memory is a set of 4 KiB frames created on first write, so a 46-bit
 * physical space costs only what is touched.  A read of a frame never
 * written returns zeros and allocates nothing.  Accesses are 8-byte aligned
 * 64-bit words, which is all a page walker needs.
 *
 * The frame allocator hands out zeroed frames, in increasing order, from a
 * range that by default is the upper half of the physical space, so that
 * page tables never collide with data frames a test maps in the lower half.
 */
#ifndef MMUSIM_PHYS_MEM_H
#define MMUSIM_PHYS_MEM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct phys_mem;

/* Creates an empty memory of 2^pa_bits bytes (32 <= pa_bits <= 52).
 * Returns NULL, with the reason in err, on a bad width or no memory. */
struct phys_mem *phys_mem_create(unsigned pa_bits, char *err, size_t errlen);
void phys_mem_destroy(struct phys_mem *pm);

unsigned phys_mem_pa_bits(const struct phys_mem *pm);

/* 64-bit accesses.  Both return 0 on success and -1 when the address is
 * unaligned or beyond the physical-address width (reason: phys_mem_error). */
int phys_mem_read64(struct phys_mem *pm, uint64_t pa, uint64_t *value);
int phys_mem_write64(struct phys_mem *pm, uint64_t pa, uint64_t value);

/* Sets the allocator's range [base, limit), both 4 KiB aligned. */
int phys_mem_set_alloc_range(struct phys_mem *pm, uint64_t base, uint64_t limit);

/* Allocates a zeroed 4 KiB frame and stores its address in *pa.
 * Returns -1 when the range is exhausted or memory runs out. */
int phys_mem_alloc_frame(struct phys_mem *pm, uint64_t *pa);

/* Reserves `size` bytes of physical address space (a power of two, at least 4 KiB), aligned
 * to its size, for data pages the model never reads or writes: it costs no host memory.  It
 * comes from the lower half of the space, above 1 MiB, so never meets the frame allocator's
 * default range.  Returns -1 when the lower half is used up. */
int phys_mem_reserve(struct phys_mem *pm, uint64_t size, uint64_t *pa);

/* Number of 4 KiB frames holding data (written or allocated). */
size_t phys_mem_frames_used(const struct phys_mem *pm);

/* Reason for the last failed call on pm. */
const char *phys_mem_error(const struct phys_mem *pm);

#ifdef __cplusplus
}
#endif

#endif
