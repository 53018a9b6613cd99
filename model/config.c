/*
 * MMU configuration: the spec's defaults, and the checks that turn a bad
 * configuration into a message naming the parameter and the reason.
 */
#include <stdio.h>
#include <string.h>

#include "replacement.h"

static const char *const repl_names[MMU_REPL_COUNT] = {"lru", "plru", "fifo", "random"};

void mmu_config_default(struct mmu_config *cfg)
{
    *cfg = (struct mmu_config){
        .pa_bits = 46,
        .itlb_4k = {128, 8, MMU_REPL_LRU},
        .itlb_2m = {8, 8, MMU_REPL_LRU},
        .dtlb_4k = {64, 4, MMU_REPL_LRU},
        .dtlb_2m = {32, 4, MMU_REPL_LRU},
        .stlb = {1536, 12, MMU_REPL_LRU},
        .psc = {[MMU_PSC_PDE] = {32, 32, MMU_REPL_LRU},
                [MMU_PSC_PDPTE] = {4, 4, MMU_REPL_LRU},
                [MMU_PSC_PML4E] = {2, 2, MMU_REPL_LRU}},
        .stlb_latency = 9,
        .lfsr_seed = 0xACE1,
        .wp = true,
        .nxe = true,
    };
}

const char *mmu_repl_name(enum mmu_repl repl)
{
    return (unsigned)repl < MMU_REPL_COUNT ? repl_names[repl] : "?";
}

int mmu_repl_parse(const char *name, enum mmu_repl *repl)
{
    for (unsigned i = 0; i < MMU_REPL_COUNT; i++)
        if (strcmp(name, repl_names[i]) == 0) {
            *repl = (enum mmu_repl)i;
            return 0;
        }
    return -1;
}

static int array_check(const char *name, const struct mmu_array_config *a, bool fully_assoc,
                       char *err, size_t errlen)
{
    if (a->entries == 0)
        return 0; /* disabled */
    if ((unsigned)a->repl >= MMU_REPL_COUNT) {
        snprintf(err, errlen, "%s.repl: unknown replacement policy %d", name, (int)a->repl);
        return -1;
    }
    if (a->ways == 0) {
        snprintf(err, errlen, "%s.ways: 0 ways (an array of %u entries needs at least one)",
                 name, a->entries);
        return -1;
    }
    if (a->ways > REPL_MAX_WAYS) {
        snprintf(err, errlen, "%s.ways: %u ways is more than the %u supported", name, a->ways,
                 REPL_MAX_WAYS);
        return -1;
    }
    if (a->entries % a->ways) {
        snprintf(err, errlen, "%s.entries: %u entries is not a multiple of %u ways", name,
                 a->entries, a->ways);
        return -1;
    }
    unsigned sets = a->entries / a->ways;
    if (sets & (sets - 1)) {
        snprintf(err, errlen, "%s: %u entries / %u ways = %u sets, not a power of two", name,
                 a->entries, a->ways, sets);
        return -1;
    }
    if (fully_assoc && sets != 1) {
        snprintf(err, errlen, "%s: paging-structure caches are fully associative, so ways "
                 "must equal entries (%u ways, %u entries)", name, a->ways, a->entries);
        return -1;
    }
    if (a->repl == MMU_REPL_PLRU &&
        ((a->ways & (a->ways - 1)) || a->ways > REPL_PLRU_MAX_WAYS)) {
        snprintf(err, errlen, "%s.repl: tree-PLRU needs a power-of-two number of ways up to "
                 "%u, not %u", name, REPL_PLRU_MAX_WAYS, a->ways);
        return -1;
    }
    return 0;
}

int mmu_config_check(const struct mmu_config *cfg, char *err, size_t errlen)
{
    char scratch[1];
    if (!err) {
        err = scratch;
        errlen = sizeof(scratch);
    }
    if (cfg->pa_bits < 32 || cfg->pa_bits > 52) {
        snprintf(err, errlen, "pa_bits: %u is outside 32..52", cfg->pa_bits);
        return -1;
    }
    if (cfg->stlb_latency < 3) {
        snprintf(err, errlen, "stlb_latency: %u cycles; an STLB hit takes at least 3 (the "
                 "L1 lookup, then one read of each of the STLB's two sets)", cfg->stlb_latency);
        return -1;
    }
    if (cfg->stlb_latency > 1000) {
        snprintf(err, errlen, "stlb_latency: %u cycles is beyond the limit of 1000",
                 cfg->stlb_latency);
        return -1;
    }
    if (cfg->lfsr_seed == 0) {
        snprintf(err, errlen, "lfsr_seed: 0 would lock the LFSR; use a non-zero seed");
        return -1;
    }
    const struct {
        const char *name;
        const struct mmu_array_config *a;
        bool fully_assoc;
    } arrays[] = {
        {"itlb_4k", &cfg->itlb_4k, false},
        {"itlb_2m", &cfg->itlb_2m, false},
        {"dtlb_4k", &cfg->dtlb_4k, false},
        {"dtlb_2m", &cfg->dtlb_2m, false},
        {"stlb", &cfg->stlb, false},
        {"psc_pde", &cfg->psc[MMU_PSC_PDE], true},
        {"psc_pdpte", &cfg->psc[MMU_PSC_PDPTE], true},
        {"psc_pml4e", &cfg->psc[MMU_PSC_PML4E], true},
    };
    for (size_t i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++)
        if (array_check(arrays[i].name, arrays[i].a, arrays[i].fully_assoc, err, errlen))
            return -1;
    return 0;
}
