/*
 * Randomized cross-check of the MMU against a reference translation.
 *
 * The reference (ref_translate below) is deliberately simple: a plain loop
 * over the four (five, with la57) paging levels reading the tables straight
 * out of the simulated physical memory, with no TLB and no caches.  It
 * implements the contract of x86-64 4-level and 5-level paging with
 * CR4.PCIDE = 1, with or without 1 GiB pages (pdpe1gb), SMEP, SMAP and
 * protection keys.  It is written independently of model/.
 *
 * The test builds a few address spaces with random, clustered mappings,
 * corrupts some entries on purpose (read-only / supervisor / NX upper
 * levels, reserved bits, cleared P, ignored bits), and then runs a long
 * random stream of accesses, control operations and mode changes through
 * the MMU, comparing every response with the reference, checking the A/D
 * bits the walker writes back and the timing invariants.
 *
 * Global pages: a TLB entry with G=1 matches any PCID, so an MMU that is
 * right by x86 would give one address space's global translation to
 * another.  To keep the reference a pure function of the current CR3, G is
 * only used in a "kernel" region mapped identically (same frames, same
 * flags, never corrupted) in every address space, and the private regions
 * never use slot 511 of the top table (PML4, or PML5), which that region
 * lives in.
 *
 * Seed: MMUSIM_SEED from the environment, else time-based; printed first.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../common/bench_seed.h"
#include "mmusim.h"

/* ---- parameters ----------------------------------------------------------- */

#define N_ACCESSES     400000u /* per configuration */
#define HIST_LEN       24u     /* recently used pages per address space */
#define HIST_PERCENT   60u     /* accesses that revisit a recent page */
#define N_AS           3u
#define N_REGIONS      6u
#define REGION_SLOTS   16u  /* 2 MiB slots per region (32 MiB) */
#define MAP_ATTEMPTS   330u /* per address space */
#define MAP_2M_PERCENT 12u
#define PAGES_PER_SLOT 32u /* 4 KiB pages are drawn from the first 32 of a slot */
#define N_GLOBAL_2M    4u
#define N_GLOBAL_4K    40u
#define GLOBAL_BASE    0xffffffff80000000ull /* PML4 511, PDPT 510 */
#define GLOBAL_SLOTS   8u
#define N_CORRUPT      40u /* per address space */
#define N_1G           2u  /* 1 GiB pages per address space, away from the regions */
#define MAX_MAPS       (MAP_ATTEMPTS + N_1G + 8u)
#define MAX_GMAPS      (N_GLOBAL_2M + N_GLOBAL_4K)
#define MEM_LATENCY    20u
#define PA_BITS        46u
#define DATA_PA_LIMIT  (1ull << 45) /* data frames below; tables above */
#define MAX_REPORTS    20u

static uint64_t g_seed;

/* ---- PRNG: splitmix64 ----------------------------------------------------- */

struct rng {
    uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t rng_below(struct rng *r, uint64_t n)
{
    return rng_next(r) % n;
}

static bool rng_chance(struct rng *r, unsigned num, unsigned den)
{
    return rng_below(r, den) < num;
}

/* ---- small helpers ---------------------------------------------------------- */

/* Canonical for virtual addresses of `bits` bits: 48, or 57 with la57. */
static bool is_canonical(uint64_t va, unsigned bits)
{
    int64_t top = (int64_t)va >> (bits - 1);
    return top == 0 || top == -1;
}

static uint64_t sign_extend(uint64_t va, unsigned bits)
{
    va &= (1ull << bits) - 1;
    if (va & (1ull << (bits - 1)))
        va |= ~((1ull << bits) - 1);
    return va;
}

static const char *fault_str(enum mmu_fault f)
{
    static const char *const names[] = {
        "NONE", "NOT_PRESENT", "RESERVED", "WRITE", "USER", "NX", "NON_CANONICAL", "BUS_ERROR",
    };
    return (unsigned)f < sizeof names / sizeof names[0] ? names[f] : "?";
}

static const char *type_str(enum mmu_access t)
{
    static const char *const names[] = {"READ", "WRITE", "FETCH"};
    return (unsigned)t < 3 ? names[t] : "?";
}

static const char *src_str(enum mmu_source s)
{
    static const char *const names[] = {"L1", "STLB", "WALK", "NONE"};
    return (unsigned)s < 4 ? names[s] : "?";
}

/* ---- the reference ---------------------------------------------------------- */

struct ref_result {
    enum mmu_fault fault;
    uint32_t error_code;
    unsigned level;
    uint64_t paddr;
    unsigned page_shift;
    bool global;                          /* leaf G bit (success only) */
    uint64_t entry_pa[PT_LEVELS_MAX + 1]; /* entry read at each level, 0 if none */
};

/* Returns 0, or -1 if the physical memory refused a read (a test bug). */
/* CR4.SMEP, CR4.SMAP, CR4.PKE, EFLAGS.AC and PKRU, as the run sets them. */
struct prot {
    bool smep, smap, pke, ac;
    uint32_t pkru;
};

static int ref_translate(struct phys_mem *pm, unsigned levels, bool pdpe1gb, uint64_t top_base,
                         unsigned pa_bits, bool wp, bool nxe, const struct prot *pr, uint64_t va,
                         enum mmu_access type, bool user, bool implicit, struct ref_result *r)
{
    const bool write = type == MMU_ACC_WRITE;
    const bool fetch = type == MMU_ACC_FETCH;
    const uint32_t acc_ec =
        (write ? PF_ERR_W : 0) | (user ? PF_ERR_U : 0) | ((fetch && nxe) ? PF_ERR_ID : 0);
    const uint64_t addr_rsvd = ((1ull << 52) - 1) & ~((1ull << pa_bits) - 1);
    uint64_t base = top_base & PTE_ADDR_MASK;
    bool rw = true, us = true, nx = false;

    memset(r, 0, sizeof *r);
    if (!is_canonical(va, levels == 5 ? 57 : 48)) {
        r->fault = MMU_FAULT_NON_CANONICAL;
        return 0;
    }
    for (unsigned level = levels; level >= 1; level--) {
        uint64_t epa = base + (uint64_t)pt_index(va, level) * 8;
        uint64_t e;
        if (phys_mem_read64(pm, epa, &e) != 0)
            return -1;
        r->entry_pa[level] = epa;
        r->level = level;
        if (!(e & PTE_P)) {
            r->fault = MMU_FAULT_NOT_PRESENT;
            r->error_code = acc_ec;
            return 0;
        }
        uint64_t rsvd = e & addr_rsvd;
        if (!nxe)
            rsvd |= e & PTE_NX;
        if (level > PT_LEVEL_PDPT || (level == PT_LEVEL_PDPT && !pdpe1gb))
            rsvd |= e & PTE_PS; /* PS in a PML5E or PML4E, or a PDPTE without 1 GiB pages */
        if (level == PT_LEVEL_PDPT && pdpe1gb && (e & PTE_PS))
            rsvd |= e & 0x3fffe000ull; /* bits 29:13 of a 1 GiB PDPTE */
        if (level == PT_LEVEL_PD && (e & PTE_PS))
            rsvd |= e & PDE_2M_RSVD_MASK;
        if (rsvd) {
            r->fault = MMU_FAULT_RESERVED;
            r->error_code = PF_ERR_P | PF_ERR_RSVD | acc_ec;
            return 0;
        }
        rw = rw && (e & PTE_RW);
        us = us && (e & PTE_US);
        nx = nx || (e & PTE_NX);
        bool leaf = level == PT_LEVEL_PT ||
                    ((level == PT_LEVEL_PD || level == PT_LEVEL_PDPT) && (e & PTE_PS));
        if (!leaf) {
            base = e & PTE_ADDR_MASK;
            continue;
        }
        /* SDM vol. 3A 4.6: a user-mode address has U/S set at every level; its key is the
         * leaf's bits 62:59; AD forbids data accesses, WD user writes and, with WP,
         * supervisor ones. */
        unsigned key = (unsigned)(e >> 59) & 0xf;
        bool ad = (pr->pkru >> (2 * key)) & 1, wd = (pr->pkru >> (2 * key + 1)) & 1;
        bool pk = pr->pke && us && !fetch && (ad || (wd && write && (user || wp)));
        enum mmu_fault f = MMU_FAULT_NONE;
        if (user && !us)
            f = MMU_FAULT_USER;
        else if (!user && us && fetch && pr->smep)
            f = MMU_FAULT_SMEP;
        else if (!user && us && !fetch && pr->smap && (implicit || !pr->ac))
            f = MMU_FAULT_SMAP;
        else if (write && !rw && (user || wp))
            f = MMU_FAULT_WRITE;
        else if (fetch && nxe && nx)
            f = MMU_FAULT_NX;
        else if (pk)
            f = MMU_FAULT_PK;
        if (f != MMU_FAULT_NONE) {
            r->fault = f;
            r->error_code = PF_ERR_P | acc_ec | (pk ? PF_ERR_PK : 0);
            return 0;
        }
        unsigned shift = level == PT_LEVEL_PT   ? PAGE_SHIFT_4K
                         : level == PT_LEVEL_PD ? PAGE_SHIFT_2M
                                                : PAGE_SHIFT_1G;
        uint64_t off_mask = (1ull << shift) - 1;
        r->fault = MMU_FAULT_NONE;
        r->page_shift = shift;
        r->paddr = (e & PTE_ADDR_MASK & ~off_mask) | (va & off_mask);
        r->global = (e & PTE_G) != 0;
        return 0;
    }
    return -1; /* unreachable */
}

/* ---- the world: memory and address spaces --------------------------------- */

struct mapping {
    uint64_t va;
    unsigned shift;
};

struct as_ctx {
    struct aspace *as;
    uint16_t pcid;
    uint64_t pml4; /* the top table: PML4, or PML5 with la57 */
    struct mapping maps[MAX_MAPS];
    size_t nmaps;
    unsigned refused, corrupted;
};

struct world {
    struct phys_mem *pm;
    struct as_ctx as[N_AS];
    struct mapping gmaps[MAX_GMAPS];
    size_t ngmaps;
    uint64_t region[N_REGIONS];
    unsigned levels, bits; /* 4 and 48, or 5 and 57 (la57) */
};

static uint64_t rand_private_flags(struct rng *r)
{
    uint64_t f = 0;
    if (rng_chance(r, 70, 100))
        f |= PTE_RW;
    if (rng_chance(r, 60, 100))
        f |= PTE_US;
    if (rng_chance(r, 30, 100))
        f |= PTE_NX;
    if (rng_chance(r, 10, 100))
        f |= PTE_PWT;
    if (rng_chance(r, 10, 100))
        f |= PTE_PCD;
    if (rng_chance(r, 25, 100))
        f |= PTE_A;
    if (rng_chance(r, 15, 100))
        f |= PTE_D;
    if (rng_chance(r, 40, 100))
        f |= (uint64_t)rng_below(r, 16) << PTE_PKEY_SHIFT; /* a protection key */
    return f;
}

static uint64_t rand_pa(struct rng *r, unsigned shift)
{
    return rng_next(r) & (DATA_PA_LIMIT - 1) & ~((1ull << shift) - 1);
}

enum corrupt_kind {
    K_CLR_RW,
    K_CLR_US,
    K_SET_NX,
    K_CLR_P,
    K_RSVD_ADDR,
    K_PS,
    K_2M_RSVD,
    K_IGNORED,
};

static void corrupt_one(struct rng *r, struct as_ctx *a, struct phys_mem *pm, unsigned levels)
{
    if (a->nmaps == 0)
        return;
    const struct mapping *mp = &a->maps[rng_below(r, a->nmaps)];
    unsigned x = (unsigned)rng_below(r, 100), level;
    level = x < 45 ? 1 : x < 83 ? 2 : x < 95 ? 3 : 4;
    if (levels == 5 && level == 4 && rng_chance(r, 1, 2))
        level = 5; /* a PML5E */
    if (mp->shift == PAGE_SHIFT_2M && level == 1)
        level = 2;
    uint64_t epa, e;
    if (aspace_entry_paddr(a->as, mp->va, level, &epa) != 0)
        return; /* an earlier corruption made the path unwalkable */
    if (phys_mem_read64(pm, epa, &e) != 0 || !(e & PTE_P))
        return; /* reached through an entry with a reserved address bit */
    bool leaf2m = level == 2 && (e & PTE_PS);
    bool leaf1g = level == 3 && (e & PTE_PS); /* a leaf too: G and D are not ignored in it */

    /* weights: RW 3, US 3, NX 3, P 1, RSVD_ADDR 1, PS 1, 2M_RSVD 1, IGNORED 2 */
    static const enum corrupt_kind table[] = {
        K_CLR_RW, K_CLR_RW, K_CLR_RW,    K_CLR_US, K_CLR_US,  K_CLR_US,  K_SET_NX,  K_SET_NX,
        K_SET_NX, K_CLR_P,  K_RSVD_ADDR, K_PS,     K_2M_RSVD, K_IGNORED, K_IGNORED,
    };
    enum corrupt_kind k = table[rng_below(r, sizeof table / sizeof table[0])];
    /* an upper entry maps a lot: make it unusable less often */
    if (level >= 3 && (k == K_CLR_P || k == K_RSVD_ADDR || k == K_PS) && rng_chance(r, 1, 2))
        k = K_CLR_RW + (enum corrupt_kind)rng_below(r, 3);
    if (level == 5 && rng_chance(r, 1, 3))
        k = K_PS; /* reserved in a PML5E: its check is new with la57, so check it often */
    if (k == K_2M_RSVD && !leaf2m && !leaf1g)
        k = K_IGNORED;
    if (k == K_PS && (leaf2m || leaf1g))
        k = K_2M_RSVD;

    switch (k) {
    case K_CLR_RW:
        e &= ~PTE_RW;
        break;
    case K_CLR_US:
        e &= ~PTE_US;
        break;
    case K_SET_NX:
        e |= PTE_NX;
        break;
    case K_CLR_P:
        e &= ~PTE_P;
        break;
    case K_RSVD_ADDR:
        e |= 1ull << (PA_BITS + rng_below(r, 52 - PA_BITS));
        break;
    case K_PS:
        /* level 4/3: reserved; level 2 non-leaf: becomes a 2 MiB leaf onto
         * the page-table frame; level 1: the PAT bit, not reserved */
        e |= PTE_PS;
        break;
    case K_2M_RSVD: /* bits 20:13 of a 2 MiB PDE, 29:13 of a 1 GiB PDPTE */
        e |= 1ull << (13 + rng_below(r, leaf1g ? 17 : 8));
        break;
    case K_IGNORED: {
        unsigned which = (unsigned)rng_below(r, 4);
        if (which == 0)
            e |= 1ull << (52 + rng_below(r, 11)); /* 62:52 */
        else if (which == 1)
            e |= 1ull << (9 + rng_below(r, 3)); /* 11:9 */
        else if (which == 2 && (leaf2m || leaf1g))
            e |= 1ull << 12; /* PAT of a 2 MiB or 1 GiB page */
        else if (leaf1g)
            e |= 7ull << 9; /* bits 11:9 */
        else if (which == 2 && level == 1)
            e |= PTE_PS; /* PAT of a 4 KiB page */
        else if (level > 2)
            e |= (rng_chance(r, 1, 2) ? PTE_G : PTE_D); /* ignored in non-leaf */
        else if (level == 2 && !leaf2m)
            e |= PTE_D; /* not G: a later PS corruption would make it a global leaf */
        else
            e |= 1ull << 10;
        break;
    }
    }
    assert_int_equal(phys_mem_write64(pm, epa, e), 0);
    a->corrupted++;
}

static void world_build(struct world *w, struct rng *r, bool la57)
{
    char err[160];
    memset(w, 0, sizeof *w);
    w->levels = la57 ? 5 : 4;
    w->bits = la57 ? 57 : 48;
    w->pm = phys_mem_create(PA_BITS, err, sizeof err);
    if (!w->pm)
        fail_msg("phys_mem_create: %s", err);

    /* Private regions, shared by virtual address between the address
     * spaces (each maps them differently), never in the top table's slot 511.
     * With la57 they spread over PML5 slots too, and may share one. */
    for (unsigned i = 0; i < N_REGIONS; i++) {
        uint64_t topi, pml4i;
        if (i > 0 && rng_chance(r, 1, 2))
            topi = pt_index(w->region[i - 1], w->levels); /* share a top-level entry */
        else
            topi = rng_chance(r, 1, 2) ? rng_below(r, 256) : 256 + rng_below(r, 255);
        if (w->levels == 5)
            pml4i =
                i > 0 && rng_chance(r, 1, 3) ? pt_index(w->region[i - 1], 4) : rng_below(r, 512);
        else
            pml4i = topi;
        uint64_t pdpti = rng_below(r, 512), pdi = rng_below(r, 512);
        uint64_t va = (pml4i << 39) | (pdpti << 30) | (pdi << 21);
        if (w->levels == 5)
            va |= topi << 48;
        w->region[i] = sign_extend(va, w->bits);
    }

    for (unsigned i = 0; i < N_AS; i++) {
        struct as_ctx *a = &w->as[i];
        a->as = aspace_create_levels(w->pm, w->levels, err, sizeof err);
        if (!a->as)
            fail_msg("aspace_create: %s", err);
        a->pcid = (uint16_t)(i + 1);
        a->pml4 = aspace_pml4(a->as);
        for (unsigned k = 0; k < MAP_ATTEMPTS; k++) {
            uint64_t slot =
                w->region[rng_below(r, N_REGIONS)] + rng_below(r, REGION_SLOTS) * PAGE_SIZE_2M;
            unsigned shift = rng_chance(r, MAP_2M_PERCENT, 100) ? PAGE_SHIFT_2M : PAGE_SHIFT_4K;
            uint64_t va = slot;
            if (shift == PAGE_SHIFT_4K)
                va += rng_below(r, PAGES_PER_SLOT) * PAGE_SIZE_4K;
            if (!is_canonical(va, w->bits) || pt_index(va, w->levels) == 511)
                continue; /* region ran off the end of a half */
            if (aspace_map(a->as, va, rand_pa(r, shift), shift, rand_private_flags(r)) != 0) {
                a->refused++; /* 4K under 2M, or 2M over a table */
                continue;
            }
            a->maps[a->nmaps].va = va;
            a->maps[a->nmaps].shift = shift;
            a->nmaps++;
        }
        /* 1 GiB pages under a region's top-level entry, in a 1 GiB range no region uses (where
         * one does, its page table is there and the map is refused). */
        for (unsigned k = 0; k < N_1G; k++) {
            uint64_t base = w->region[rng_below(r, N_REGIONS)];
            uint64_t va = (base & ~((1ull << 39) - 1)) | rng_below(r, 512) << 30;
            va = sign_extend(va, w->bits);
            if (!is_canonical(va, w->bits) || pt_index(va, w->levels) == 511)
                continue;
            if (aspace_map(a->as, va, rand_pa(r, PAGE_SHIFT_1G), PAGE_SHIFT_1G,
                           rand_private_flags(r)) != 0) {
                a->refused++;
                continue;
            }
            a->maps[a->nmaps].va = va;
            a->maps[a->nmaps].shift = PAGE_SHIFT_1G;
            a->nmaps++;
        }
    }

    /* The global region: identical in every address space. */
    for (unsigned k = 0; k < N_GLOBAL_2M + N_GLOBAL_4K; k++) {
        unsigned shift = k < N_GLOBAL_2M ? PAGE_SHIFT_2M : PAGE_SHIFT_4K;
        uint64_t va;
        if (shift == PAGE_SHIFT_2M)
            va = GLOBAL_BASE + (uint64_t)k * PAGE_SIZE_2M;
        else
            va = GLOBAL_BASE +
                 (N_GLOBAL_2M + rng_below(r, GLOBAL_SLOTS - N_GLOBAL_2M)) * PAGE_SIZE_2M +
                 rng_below(r, 64) * PAGE_SIZE_4K;
        uint64_t pa = rand_pa(r, shift);
        uint64_t flags = (rand_private_flags(r) | PTE_G);
        bool ok = true;
        for (unsigned i = 0; i < N_AS; i++)
            if (aspace_map(w->as[i].as, va, pa, shift, flags) != 0)
                ok = false;
        assert_true(ok); /* same va/size may repeat (replaces); never mixed */
        w->gmaps[w->ngmaps].va = va;
        w->gmaps[w->ngmaps].shift = shift;
        w->ngmaps++;
    }

    /* Corruptions, all before the first access. */
    for (unsigned i = 0; i < N_AS; i++)
        for (unsigned c = 0; c < N_CORRUPT; c++)
            corrupt_one(r, &w->as[i], w->pm, w->levels);
}

static void world_destroy(struct world *w)
{
    for (unsigned i = 0; i < N_AS; i++)
        aspace_destroy(w->as[i].as);
    phys_mem_destroy(w->pm);
}

/* ---- virtual addresses to access ------------------------------------------ */

static uint64_t pick_va(struct rng *r, const struct world *w, unsigned cur)
{
    unsigned x = (unsigned)rng_below(r, 100);
    if (x < 2) {
        /* non-canonical: flip one bit of 63:47 (la57: 63:56) of a canonical address */
        uint64_t va = sign_extend(rng_next(r), w->bits);
        return va ^ (1ull << (w->bits - 1 + rng_below(r, 65 - w->bits)));
    }
    if (x < 10)
        return sign_extend(rng_next(r), w->bits); /* anywhere canonical */
    if (x < 14) /* near a region: mostly unmapped pages in mapped tables */
        return w->region[rng_below(r, N_REGIONS)] +
               rng_below(r, (uint64_t)REGION_SLOTS * 512 + 512) * PAGE_SIZE_4K +
               rng_below(r, PAGE_SIZE_4K);

    const struct mapping *mp;
    if (x < 26 && w->ngmaps)
        mp = &w->gmaps[rng_below(r, w->ngmaps)];
    else {
        /* mostly our own mappings; sometimes another space's (PCID isolation) */
        unsigned as = rng_chance(r, 1, 10) ? (unsigned)rng_below(r, N_AS) : cur;
        if (w->as[as].nmaps == 0)
            return sign_extend(rng_next(r), w->bits);
        mp = &w->as[as].maps[rng_below(r, w->as[as].nmaps)];
    }
    uint64_t va = mp->va + rng_below(r, 1ull << mp->shift);
    if (rng_chance(r, 1, 10)) /* a neighbour page */
        va += (rng_below(r, 7) - 3) * PAGE_SIZE_4K;
    return is_canonical(va, w->bits) ? va : mp->va;
}

/* ---- the run ----------------------------------------------------------------- */

struct run_counts {
    uint64_t faults[MMU_FAULT_COUNT];
    uint64_t types[MMU_ACC_COUNT];
    uint64_t sources[MMU_SRC_COUNT];
    uint64_t mismatches;
    uint64_t ctrl, mode_changes, cr3_loads, nxe_off, wp_off;
    uint64_t giant; /* translations of 1 GiB pages */
    uint64_t prot_changes, implicit;
};

/* One request of a run, with the reference's answer at its time. */
struct pending {
    bool used; /* issued, not answered (concurrent runs) */
    struct mmu_request req;
    struct ref_result ref;
    unsigned cur; /* its address space */
    bool wp, nxe;
    uint64_t i; /* its number in the run */
};

#define ID_COUNT 16u /* id_bits = 4 */

struct checker {
    const char *name;
    const struct mmu_config *cfg;
    bool walk_after_stlb;
    bool concurrent; /* several requests in flight: no rule of one at a time */
    uint64_t bound;  /* the latency bound (mmu_latency_bound) of the run's memory */
    struct world *w;
    struct run_counts c;
};

/* Checks a response against the reference and counts it.  Returns false once too many
 * mismatches were reported. */
static bool check(struct checker *k, const struct pending *p, const struct mmu_response *resp,
                  uint64_t prev_resp)
{
    /* results */
    bool bad = resp->fault != p->ref.fault || resp->error_code != p->ref.error_code ||
               resp->level != p->ref.level;
    if (p->ref.fault == MMU_FAULT_NONE)
        bad = bad || resp->paddr != p->ref.paddr || resp->page_shift != p->ref.page_shift;
    else
        bad = bad || resp->page_shift != 0;
    const char *what = bad ? "result" : NULL;

    /* A/D bits written back by the walker (not for global pages: their
         * translation may come from another address space's walk) */
    if (!bad && p->ref.fault == MMU_FAULT_NONE && !p->ref.global) {
        for (unsigned l = p->ref.level; l <= k->w->levels; l++) {
            uint64_t e;
            assert_int_equal(phys_mem_read64(k->w->pm, p->ref.entry_pa[l], &e), 0);
            if (!(e & PTE_A)) {
                bad = true;
                what = "A bit clear after successful translation";
            }
            if (l == p->ref.level && p->req.type == MMU_ACC_WRITE && !(e & PTE_D)) {
                bad = true;
                what = "D bit clear after successful write";
            }
        }
    }

    /* timing */
    if (!bad) {
        if (resp->accept_cycle < p->req.cycle)
            what = "accept_cycle < request cycle";
        else if (!k->concurrent && resp->accept_cycle < prev_resp)
            what = "accepted before the previous response (not one at a time)";
        else if (resp->resp_cycle <= resp->accept_cycle)
            what = "resp_cycle <= accept_cycle";
        else if (resp->source == MMU_SRC_L1 && resp->resp_cycle != resp->accept_cycle + 1)
            what = "L1 hit latency != 1";
        else if (!k->concurrent && resp->source == MMU_SRC_STLB &&
                 resp->resp_cycle != resp->accept_cycle + k->cfg->stlb_latency)
            what = "STLB hit latency != stlb_latency";
        else if (k->concurrent && resp->source == MMU_SRC_STLB &&
                 resp->resp_cycle < resp->accept_cycle + 2)
            what = "STLB hit latency < 2 (an L1 miss, then the STLB's or its primary's answer)";
        else if (resp->resp_cycle > resp->accept_cycle + k->bound)
            what = "latency beyond the bound of section 16.9";
        else if (resp->source == MMU_SRC_WALK && !k->concurrent &&
                 resp->resp_cycle <=
                     resp->accept_cycle + (k->walk_after_stlb ? k->cfg->stlb_latency : 1u))
            what = "walk latency too short";
        else if (resp->source == MMU_SRC_WALK && k->concurrent &&
                 resp->resp_cycle < resp->accept_cycle + 2)
            what = "walk latency < 2 (a secondary answers after its L1 miss, from the next cycle)";
        else if (p->ref.fault == MMU_FAULT_NONE && resp->source != MMU_SRC_L1 &&
                 resp->source != MMU_SRC_STLB && resp->source != MMU_SRC_WALK)
            what = "successful translation with no source";
        bad = what != NULL;
    }

    if (bad) {
        k->c.mismatches++;
        if (k->c.mismatches <= MAX_REPORTS)
            printf("crosscheck MISMATCH seed=%" PRIu64 " cfg=%s access#%" PRIu64 " va=0x%016" PRIx64
                   " type=%s user=%d as=%u pcid=%u wp=%d nxe=%d (%s)"
                   " expected{fault=%s ec=0x%x level=%u paddr=0x%" PRIx64 " shift=%u}"
                   " got{fault=%s ec=0x%x level=%u paddr=0x%" PRIx64 " shift=%u src=%s"
                   " req=%" PRIu64 " accept=%" PRIu64 " resp=%" PRIu64 "}\n",
                   g_seed, k->name, p->i, p->req.vaddr, type_str(p->req.type), (int)p->req.user,
                   p->cur, (unsigned)k->w->as[p->cur].pcid, (int)p->wp, (int)p->nxe, what,
                   fault_str(p->ref.fault), (unsigned)p->ref.error_code, p->ref.level, p->ref.paddr,
                   p->ref.page_shift, fault_str(resp->fault), (unsigned)resp->error_code,
                   resp->level, resp->paddr, resp->page_shift, src_str(resp->source), p->req.cycle,
                   resp->accept_cycle, resp->resp_cycle);
        if (k->c.mismatches >= MAX_REPORTS)
            return false;
    }

    if ((unsigned)p->ref.fault < MMU_FAULT_COUNT)
        k->c.faults[p->ref.fault]++;
    k->c.nxe_off += !p->nxe;
    k->c.wp_off += !p->wp;
    k->c.types[p->req.type]++;
    if ((unsigned)resp->source < MMU_SRC_COUNT)
        k->c.sources[resp->source]++;
    k->c.giant += p->ref.fault == MMU_FAULT_NONE && p->ref.page_shift == PAGE_SHIFT_1G;
    k->c.implicit += p->req.implicit;
    return true;
}

/* Takes and checks every response that left. */
static bool poll_all(struct checker *k, struct pending *pend, struct mmu *m)
{
    struct mmu_response resp;
    while (mmu_poll(m, &resp)) {
        if (resp.id >= ID_COUNT || !pend[resp.id].used)
            fail_msg("%s: a response with ID %u, which is not outstanding", k->name, resp.id);
        pend[resp.id].used = false;
        if (!check(k, &pend[resp.id], &resp, 0))
            return false;
    }
    return true;
}

static void run_config(const char *name, const struct mmu_config *cfg, unsigned cfg_index,
                       bool walk_after_stlb, bool concurrent)
{
    char err[200];
    struct rng r = {g_seed ^ (0x5bd1e995ull * (cfg_index + 1))};
    struct world *w = calloc(1, sizeof *w);
    assert_non_null(w);
    world_build(w, &r, cfg->la57);

    if (mmu_config_check(cfg, err, sizeof err) != 0)
        fail_msg("%s: mmu_config_check: %s", name, err);
    struct mmu_fixed_mem fm = {.pm = w->pm, .latency = MEM_LATENCY};
    struct mmu_random_mem rm = {.pm = w->pm,
                                .min_latency = 1,
                                .max_latency = 2 * MEM_LATENCY,
                                .stall_percent = 10,
                                .max_stall = 5,
                                .seed = g_seed | 1};
    struct mmu_mem_port port = concurrent ? mmu_random_mem_port(&rm) : mmu_fixed_mem_port(&fm);
    struct mmu *m = mmu_create(cfg, &port, err, sizeof err);
    if (!m)
        fail_msg("%s: mmu_create: %s", name, err);

    bool wp = cfg->wp, nxe = cfg->nxe;
    struct prot pr = {
        .smep = cfg->smep, .smap = cfg->smap, .pke = cfg->pke, .ac = false, .pkru = cfg->pkru};
    unsigned cur = 0;
    uint64_t cycle = 1, prev_resp = 0;
    struct checker chk = {.name = name,
                          .cfg = cfg,
                          .walk_after_stlb = walk_after_stlb,
                          .concurrent = concurrent,
                          .bound = concurrent
                                       ? mmu_latency_bound(cfg, rm.max_stall, rm.max_latency + 16)
                                       : mmu_latency_bound(cfg, 0, MEM_LATENCY),
                          .w = w};
    struct run_counts *c = &chk.c;
    struct pending pend[ID_COUNT] = {{0}};
    /* per address space, recently used pages, so that TLBs hit */
    uint64_t hist[N_AS][HIST_LEN];
    unsigned hist_n[N_AS] = {0}, hist_pos[N_AS] = {0};

    assert_int_equal(mmu_load_cr3(m, cycle, w->as[cur].pml4, w->as[cur].pcid, true), 0);
    c->cr3_loads++;

    for (uint64_t i = 0; i < N_ACCESSES; i++) {
        /* control operations, none of which may change a result */
        unsigned x = (unsigned)rng_below(&r, 10000);
        if (x < 2) {
            /* toggle WP and/or NXE; spend little time with NXE = 0, when
             * every entry with NX set is a reserved-bit fault */
            if (!nxe) {
                nxe = true;
                if (rng_chance(&r, 1, 2))
                    wp = !wp;
            } else if (rng_chance(&r, 1, 4)) {
                nxe = false;
                if (rng_chance(&r, 1, 2))
                    wp = !wp;
            } else {
                wp = !wp;
            }
            if (mmu_set_mode(m, cycle, wp, nxe) != 0)
                fail_msg("%s: mmu_set_mode: %s", name, mmu_error(m));
            if (mmu_flush_all(m, cycle) != 0)
                fail_msg("%s: mmu_flush_all: %s", name, mmu_error(m));
            c->mode_changes++;
        } else if (x < 6) {
            /* SMEP, SMAP, PKE, AC and PKRU, each half the time; no flush (the TLBs cache
             * rights and keys, and every hit is checked against the new state) */
            uint64_t b = rng_next(&r);
            pr = (struct prot){.smep = b & 1,
                               .smap = b >> 1 & 1,
                               .pke = b >> 2 & 1,
                               .ac = b >> 3 & 1,
                               .pkru = b >> 4 & 1 ? (uint32_t)(b >> 32) : 0};
            if (mmu_set_protection(m, cycle, pr.smep, pr.smap, pr.pke, pr.ac, pr.pkru) != 0)
                fail_msg("%s: mmu_set_protection: %s", name, mmu_error(m));
            c->prot_changes++;
        } else if (x < 25) {
            unsigned op = (unsigned)rng_below(&r, 4);
            uint64_t va =
                rng_chance(&r, 1, 2) ? pick_va(&r, w, cur) : sign_extend(rng_next(&r), w->bits);
            if (!is_canonical(va, w->bits))
                va = sign_extend(va, w->bits);
            int rc;
            if (op == 0)
                rc = mmu_invlpg(m, cycle, va);
            else if (op == 1)
                rc = mmu_invpcid(m, cycle, (unsigned)rng_below(&r, 4),
                                 (uint16_t)rng_below(&r, N_AS + 1), va);
            else if (op == 2)
                rc = mmu_flush_all(m, cycle);
            else
                rc = mmu_load_cr3(m, cycle, w->as[cur].pml4, w->as[cur].pcid, false);
            if (rc != 0)
                fail_msg("%s: control op %u: %s", name, op, mmu_error(m));
            c->ctrl++;
        }
        if (rng_chance(&r, 1, 16)) {
            cur = (unsigned)rng_below(&r, N_AS);
            if (mmu_load_cr3(m, cycle, w->as[cur].pml4, w->as[cur].pcid, !rng_chance(&r, 1, 10)) !=
                0)
                fail_msg("%s: mmu_load_cr3: %s", name, mmu_error(m));
            c->cr3_loads++;
        }

        /* the access */
        struct mmu_request req;
        memset(&req, 0, sizeof req);
        unsigned t = (unsigned)rng_below(&r, 10);
        req.type = t < 5 ? MMU_ACC_READ : t < 8 ? MMU_ACC_WRITE : MMU_ACC_FETCH;
        req.user = rng_chance(&r, 1, 2);
        req.implicit = !req.user && rng_chance(&r, 1, 10);
        bool revisit = hist_n[cur] && rng_chance(&r, HIST_PERCENT, 100);
        if (revisit)
            req.vaddr = hist[cur][rng_below(&r, hist_n[cur])] | rng_below(&r, PAGE_SIZE_4K);
        else
            req.vaddr = pick_va(&r, w, cur);
        req.cycle = cycle;

        struct ref_result ref;
        if (ref_translate(w->pm, w->levels, cfg->pdpe1gb, w->as[cur].pml4, cfg->pa_bits, wp, nxe,
                          &pr, req.vaddr, req.type, req.user, req.implicit, &ref) != 0)
            fail_msg("%s: reference could not read memory at access %" PRIu64, name, i);

        if (!revisit && ref.fault == MMU_FAULT_NONE) {
            hist[cur][hist_pos[cur]] = req.vaddr & ~(PAGE_SIZE_4K - 1);
            hist_pos[cur] = (hist_pos[cur] + 1) % HIST_LEN;
            if (hist_n[cur] < HIST_LEN)
                hist_n[cur]++;
        }
        struct pending p = {.req = req, .ref = ref, .cur = cur, .wp = wp, .nxe = nxe, .i = i};
        struct mmu_response resp;
        if (!concurrent) {
            memset(&resp, 0, sizeof resp);
            if (mmu_translate(m, &req, &resp) != 0)
                fail_msg("%s: mmu_translate failed at access %" PRIu64 ": %s", name, i,
                         mmu_error(m));
            if (!check(&chk, &p, &resp, prev_resp))
                break;
            prev_resp = resp.resp_cycle;
            uint64_t gap = rng_below(&r, 4);
            if (rng_chance(&r, 1, 4))
                cycle = (resp.resp_cycle > cycle ? resp.resp_cycle : cycle) + gap;
            else
                cycle += gap;
            continue;
        }
        /* Several in flight: a free ID (waiting for one if need be), then every response. */
        unsigned id;
        for (;;) {
            for (id = 0; id < ID_COUNT && pend[id].used; id++)
                ;
            if (id < ID_COUNT)
                break;
            if (mmu_advance(m, cycle++) != 0)
                fail_msg("%s: mmu_advance: %s", name, mmu_error(m));
            if (!poll_all(&chk, pend, m))
                break;
        }
        if (id == ID_COUNT)
            break;
        p.req.id = id;
        p.used = true;
        pend[id] = p;
        if (mmu_issue(m, &p.req, NULL) != 0)
            fail_msg("%s: mmu_issue failed at access %" PRIu64 ": %s", name, i, mmu_error(m));
        if (!poll_all(&chk, pend, m))
            break;
        cycle += rng_chance(&r, 1, 64) ? rng_below(&r, 300) : rng_below(&r, 3);
    }
    if (concurrent) {
        if (mmu_flush_all(m, cycle) != 0) /* drains */
            fail_msg("%s: mmu_flush_all: %s", name, mmu_error(m));
        poll_all(&chk, pend, m);
        for (unsigned id = 0; id < ID_COUNT; id++)
            if (pend[id].used)
                fail_msg("%s: request %" PRIu64 " (ID %u) never answered", name, pend[id].i, id);
    }

    const struct mmu_stats *st = mmu_stats(m);
    uint64_t l1_hits = 0, stlb_hits = 0, total = 0;
    for (unsigned a = 0; a < MMU_ACC_COUNT; a++)
        for (unsigned s = 0; s < MMU_SIZE_COUNT; s++) {
            l1_hits += st->tlb[MMU_TLB_ITLB].hits[a][s] + st->tlb[MMU_TLB_DTLB].hits[a][s];
            stlb_hits += st->tlb[MMU_TLB_STLB].hits[a][s];
        }
    for (unsigned k = 0; k < MMU_FAULT_COUNT; k++)
        total += c->faults[k];
    printf("crosscheck summary seed=%" PRIu64 " cfg=%s accesses=%" PRIu64 " ok=%" PRIu64
           " not_present=%" PRIu64 " reserved=%" PRIu64 " write=%" PRIu64 " user=%" PRIu64
           " nx=%" PRIu64 " non_canonical=%" PRIu64 " | src l1=%" PRIu64 " stlb=%" PRIu64
           " walk=%" PRIu64 " none=%" PRIu64 " | ctrl=%" PRIu64 " mode=%" PRIu64 " nxe_off=%" PRIu64
           " wp_off=%" PRIu64 " cr3=%" PRIu64 " | stats walks=%" PRIu64 " walk_reads=%" PRIu64
           " walk_writes=%" PRIu64 " l1_hits=%" PRIu64 " stlb_hits=%" PRIu64
           " dirty_rewalks=%" PRIu64
           " | maps=%zu/%zu/%zu refused=%u/%u/%u corrupted=%u/%u/%u global=%zu"
           " mismatches=%" PRIu64 "\n",
           g_seed, name, total, c->faults[MMU_FAULT_NONE], c->faults[MMU_FAULT_NOT_PRESENT],
           c->faults[MMU_FAULT_RESERVED], c->faults[MMU_FAULT_WRITE], c->faults[MMU_FAULT_USER],
           c->faults[MMU_FAULT_NX], c->faults[MMU_FAULT_NON_CANONICAL], c->sources[MMU_SRC_L1],
           c->sources[MMU_SRC_STLB], c->sources[MMU_SRC_WALK], c->sources[MMU_SRC_NONE], c->ctrl,
           c->mode_changes, c->nxe_off, c->wp_off, c->cr3_loads, st->walks, st->walk_reads,
           st->walk_writes, l1_hits, stlb_hits, st->dirty_rewalks, w->as[0].nmaps, w->as[1].nmaps,
           w->as[2].nmaps, w->as[0].refused, w->as[1].refused, w->as[2].refused, w->as[0].corrupted,
           w->as[1].corrupted, w->as[2].corrupted, w->ngmaps, c->mismatches);
    fflush(stdout);

    if (c->mismatches)
        fail_msg("%s: %" PRIu64 " mismatch(es) against the reference; seed=%" PRIu64, name,
                 c->mismatches, g_seed);

    /* the counters agree with what was asked and answered */
    for (unsigned a = 0; a < MMU_ACC_COUNT; a++)
        assert_int_equal(st->requests[a], c->types[a]);
    for (unsigned k = MMU_FAULT_NOT_PRESENT; k < MMU_FAULT_COUNT; k++)
        if (st->faults[k] != c->faults[k])
            fail_msg("%s: stats faults[%s]=%" PRIu64 " but %" PRIu64 " such responses", name,
                     fault_str((enum mmu_fault)k), st->faults[k], c->faults[k]);
    if (concurrent) {
        /* several requests were in flight: merged, walked two at a time, pressed back */
        printf("crosscheck concurrency seed=%" PRIu64 " cfg=%s merged=%" PRIu64
               " walks_peak=%" PRIu64 " walks_average=%.2f miss_queue_full_cycles=%" PRIu64 "\n",
               g_seed, name, st->merged_misses, st->walks_peak, mmu_walks_average(st),
               st->miss_queue_full_cycles);
        assert_true(st->merged_misses > 100);
        assert_true(st->walks_peak >= 2);
        assert_true(st->miss_queue_full_cycles > 0);
    }
    /* the run must have exercised the interesting paths: 1 GiB pages where the MMU has them */
    printf("crosscheck 1g seed=%" PRIu64 " cfg=%s pdpe1gb=%d translations_1g=%" PRIu64 "\n", g_seed,
           name, cfg->pdpe1gb, c->giant);
    if (cfg->pdpe1gb)
        assert_true(c->giant > 100);
    else
        assert_int_equal(c->giant, 0);
    /* and SMEP, SMAP and protection keys, each of which faulted */
    printf("crosscheck protection seed=%" PRIu64 " cfg=%s changes=%" PRIu64 " implicit=%" PRIu64
           " smep=%" PRIu64 " smap=%" PRIu64 " pk=%" PRIu64 "\n",
           g_seed, name, c->prot_changes, c->implicit, c->faults[MMU_FAULT_SMEP],
           c->faults[MMU_FAULT_SMAP], c->faults[MMU_FAULT_PK]);
    assert_true(c->faults[MMU_FAULT_SMEP] > 0 && c->faults[MMU_FAULT_SMAP] > 0 &&
                c->faults[MMU_FAULT_PK] > 0);
    assert_true(c->faults[MMU_FAULT_NONE] > N_ACCESSES / 10);
    assert_true(c->sources[MMU_SRC_L1] > 0);
    assert_true(c->sources[MMU_SRC_WALK] > 0);

    mmu_destroy(m);
    world_destroy(w);
    free(w);
}

/* ---- configurations ------------------------------------------------------- */

static void test_crosscheck_default(void **state)
{
    (void)state;
    struct mmu_config cfg;
    mmu_config_default(&cfg);
    assert_int_equal(cfg.pa_bits, PA_BITS);
    run_config("default", &cfg, 0, true, false);
}

static void test_crosscheck_tiny(void **state)
{
    (void)state;
    struct mmu_config cfg;
    mmu_config_default(&cfg);
    cfg.itlb_4k = (struct mmu_array_config){4, 2, MMU_REPL_PLRU};
    cfg.itlb_2m = (struct mmu_array_config){2, 1, MMU_REPL_FIFO};
    cfg.dtlb_4k = (struct mmu_array_config){4, 2, MMU_REPL_RANDOM};
    cfg.dtlb_2m = (struct mmu_array_config){2, 2, MMU_REPL_PLRU};
    cfg.stlb = (struct mmu_array_config){16, 4, MMU_REPL_FIFO};
    /* a set-associative PDE cache (2 sets: INVLPG and fills find entries by VA[21]) */
    cfg.psc[MMU_PSC_PDE] = (struct mmu_array_config){4, 2, MMU_REPL_RANDOM};
    cfg.psc[MMU_PSC_PDPTE] = (struct mmu_array_config){2, 2, MMU_REPL_FIFO};
    cfg.psc[MMU_PSC_PML4E] = (struct mmu_array_config){1, 1, MMU_REPL_PLRU};
    cfg.stlb_latency = 4;
    cfg.lfsr_seed = (uint16_t)(1 + g_seed % 0xfffe);
    cfg.pdpe1gb = false; /* an MMU without 1 GiB pages: their PDPTEs are reserved-bit faults */
    run_config("tiny", &cfg, 1, true, false);
}

/* No STLB and no paging-structure caches: every L1 miss is a full walk.
 * Whether a disabled STLB still costs its lookup latency is not part of the
 * contract checked here, so a walk need only take more than one cycle. */
static void test_crosscheck_no_stlb_psc(void **state)
{
    (void)state;
    struct mmu_config cfg;
    mmu_config_default(&cfg);
    cfg.itlb_4k = (struct mmu_array_config){8, 8, MMU_REPL_LRU};
    cfg.dtlb_2m = (struct mmu_array_config){4, 4, MMU_REPL_RANDOM};
    cfg.stlb.entries = 0;
    cfg.stlb_1g.entries = 0;
    for (unsigned p = 0; p < MMU_PSC_COUNT; p++)
        cfg.psc[p].entries = 0;
    run_config("no_stlb_psc", &cfg, 2, false, false);
}

/* Several requests in flight (section 16) on a memory with random timing: whatever the order
 * of answers, each must be the reference's. */
static void test_crosscheck_concurrent(void **state)
{
    (void)state;
    struct mmu_config cfg;
    mmu_config_default(&cfg);
    cfg.walkers = 2;
    cfg.miss_entries = 8;
    cfg.hit_under_miss = true;
    run_config("concurrent", &cfg, 3, true, true);
}

/* Small arrays, many walkers, a short queue: evictions, merges and back-pressure. */
static void test_crosscheck_concurrent_tiny(void **state)
{
    (void)state;
    struct mmu_config cfg;
    mmu_config_default(&cfg);
    cfg.itlb_4k = (struct mmu_array_config){4, 2, MMU_REPL_PLRU};
    cfg.dtlb_4k = (struct mmu_array_config){4, 2, MMU_REPL_RANDOM};
    cfg.dtlb_2m = (struct mmu_array_config){2, 2, MMU_REPL_PLRU};
    cfg.stlb = (struct mmu_array_config){16, 4, MMU_REPL_FIFO};
    cfg.psc[MMU_PSC_PDE] = (struct mmu_array_config){4, 4, MMU_REPL_RANDOM};
    cfg.dtlb_1g.entries = 0; /* 1 GiB pages fill the DTLB with 2 MiB fractions */
    cfg.stlb_1g = (struct mmu_array_config){2, 2, MMU_REPL_FIFO};
    cfg.stlb_latency = 4;
    cfg.walkers = 4;
    cfg.miss_entries = 4;
    cfg.hit_under_miss = true;
    cfg.lfsr_seed = (uint16_t)(1 + g_seed % 0xfffe);
    run_config("concurrent_tiny", &cfg, 4, true, true);
}

/* 5-level paging (la57): the default's arrays and a PML5E cache of one entry, one request at a
 * time; then small arrays with requests in flight on the random memory. */
static void test_crosscheck_la57(void **state)
{
    (void)state;
    struct mmu_config cfg;
    mmu_config_default(&cfg);
    cfg.la57 = true;
    cfg.psc[MMU_PSC_PML5E] = (struct mmu_array_config){1, 1, MMU_REPL_LRU};
    run_config("la57", &cfg, 5, true, false);
}

static void test_crosscheck_la57_concurrent(void **state)
{
    (void)state;
    struct mmu_config cfg;
    mmu_config_default(&cfg);
    cfg.la57 = true;
    cfg.dtlb_4k = (struct mmu_array_config){4, 2, MMU_REPL_RANDOM};
    cfg.stlb = (struct mmu_array_config){16, 4, MMU_REPL_FIFO};
    cfg.psc[MMU_PSC_PML5E] = (struct mmu_array_config){2, 1, MMU_REPL_RANDOM};
    cfg.psc[MMU_PSC_PML4E] = (struct mmu_array_config){2, 2, MMU_REPL_PLRU};
    cfg.walkers = 3;
    cfg.miss_entries = 6;
    cfg.lfsr_seed = (uint16_t)(1 + g_seed % 0xfffe);
    run_config("la57_concurrent", &cfg, 6, true, true);
}

int main(void)
{
    g_seed = bench_seed("crosscheck");

    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crosscheck_default),
        cmocka_unit_test(test_crosscheck_tiny),
        cmocka_unit_test(test_crosscheck_no_stlb_psc),
        cmocka_unit_test(test_crosscheck_concurrent),
        cmocka_unit_test(test_crosscheck_concurrent_tiny),
        cmocka_unit_test(test_crosscheck_la57),
        cmocka_unit_test(test_crosscheck_la57_concurrent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
