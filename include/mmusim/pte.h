/*
 * x86-64 paging-structure entry format, page sizes and #PF error codes.
 *
 * Names follow the Intel SDM (vol. 3, ch. 4) and Linux's x86 headers, so a
 * reader holding the manual finds each bit under its own name.  The same
 * 64-bit layout is used at every level (PML4E, PDPTE, PDE, PTE); which bits
 * are reserved depends on the level and is decided in model/pte.c.
 *
 * Levels are numbered as in the SDM's walk: 5 = PML5 (5-level paging
 * only), 4 = PML4, 3 = PDPT, 2 = PD, 1 = PT.
 */
#ifndef MMUSIM_PTE_H
#define MMUSIM_PTE_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PTE_P   (1ull << 0)  /* present */
#define PTE_RW  (1ull << 1)  /* writable */
#define PTE_US  (1ull << 2)  /* user accessible */
#define PTE_PWT (1ull << 3)  /* page-level write-through */
#define PTE_PCD (1ull << 4)  /* page-level cache disable */
#define PTE_A   (1ull << 5)  /* accessed */
#define PTE_D   (1ull << 6)  /* dirty (leaf entries only) */
#define PTE_PS  (1ull << 7)  /* page size: leaf at PDPT (1 GiB) or PD (2 MiB) level; PAT in a PTE */
#define PTE_G   (1ull << 8)  /* global (leaf entries only) */
#define PTE_NX  (1ull << 63) /* execute disable, when EFER.NXE = 1 */
/* Bits 62:59 of a leaf: its protection key, when CR4.PKE = 1 (ignored otherwise). */
#define PTE_PKEY_SHIFT 59
#define PTE_PKEY_MASK  (0xfull << PTE_PKEY_SHIFT)

/* The address field: bits 51:12.  Bits at or above the physical-address
 * width are reserved (see pte_reserved_mask()). */
#define PTE_ADDR_MASK 0x000ffffffffff000ull

/* Bits 20:13 of a 2 MiB PDE are reserved (bit 12 is the PAT bit). */
#define PDE_2M_RSVD_MASK 0x00000000001fe000ull
/* Bits 29:13 of a 1 GiB PDPTE are reserved (bit 12 is the PAT bit). */
#define PDPTE_1G_RSVD_MASK 0x000000003fffe000ull

/* Paging levels, as numbered by the walk. */
enum pt_level {
    PT_LEVEL_PT = 1,
    PT_LEVEL_PD = 2,
    PT_LEVEL_PDPT = 3,
    PT_LEVEL_PML4 = 4,
    PT_LEVEL_PML5 = 5,
};
#define PT_LEVELS     4 /* 4-level paging: the walk begins at the PML4 */
#define PT_LEVELS_MAX 5 /* 5-level paging (CR4.LA57 = 1): the walk begins at the PML5 */

/* Page sizes, as the shift of the page size.  A 1 GiB page (a PDPTE with PS = 1) exists when the
 * MMU has them (mmu_config.pdpe1gb, CPUID's Page1GB); otherwise its PS bit is reserved. */
enum page_shift {
    PAGE_SHIFT_4K = 12,
    PAGE_SHIFT_2M = 21,
    PAGE_SHIFT_1G = 30,
};
#define PAGE_SIZE_4K (1ull << PAGE_SHIFT_4K)
#define PAGE_SIZE_2M (1ull << PAGE_SHIFT_2M)
#define PAGE_SIZE_1G (1ull << PAGE_SHIFT_1G)

/* Virtual-address width of 4-level paging: canonical addresses have bits
 * 63:47 all equal. */
#define VA_BITS 48
/* Of 5-level paging (LA57): canonical addresses have bits 63:56 all equal.  The TLBs and
 * paging-structure caches tag entries with VA[56:shift] in both modes (in 4-level mode bits 56:48
 * of a canonical address are copies of bit 47). */
#define VA_BITS_LA57 57

/* The virtual-address width of a paging mode. */
static inline unsigned va_bits(bool la57)
{
    return la57 ? VA_BITS_LA57 : VA_BITS;
}

/* Whether va is canonical for virtual addresses of `bits` bits (48 or 57). */
static inline bool va_is_canonical_bits(uint64_t va, unsigned bits)
{
    uint64_t top = va >> (bits - 1);
    return top == 0 || top == (UINT64_MAX >> (bits - 1));
}

/* Whether va is canonical for 48-bit virtual addresses (4-level paging). */
static inline bool va_is_canonical(uint64_t va)
{
    return va_is_canonical_bits(va, VA_BITS);
}

/* #PF error code bits (SDM vol. 3, 4.7). */
#define PF_ERR_P    (1u << 0) /* 0: not-present page; 1: protection violation */
#define PF_ERR_W    (1u << 1) /* the access was a write */
#define PF_ERR_U    (1u << 2) /* the access was a user-mode access */
#define PF_ERR_RSVD (1u << 3) /* a reserved bit was set in some entry */
#define PF_ERR_ID   (1u << 4) /* the access was an instruction fetch (NXE = 1) */
#define PF_ERR_PK   (1u << 5) /* a protection key forbade the data access (CR4.PKE = 1) */

/* The index into the table at @level for virtual address @va. */
static inline unsigned pt_index(uint64_t va, unsigned level)
{
    return (unsigned)(va >> (PAGE_SHIFT_4K + 9 * (level - 1))) & 0x1ff;
}

/* The shift of the region one entry at @level maps (12, 21, 30, 39, 48). */
static inline unsigned pt_level_shift(unsigned level)
{
    return PAGE_SHIFT_4K + 9 * (level - 1);
}

/* The level of a leaf that maps pages of 2^shift bytes: 1, 2 or 3. */
static inline unsigned pt_level_of_shift(unsigned shift)
{
    return (shift - PAGE_SHIFT_4K) / 9 + 1;
}

#ifdef __cplusplus
}
#endif

#endif
