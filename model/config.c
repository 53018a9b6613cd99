/*
 * MMU configuration: the spec's defaults, the checks that turn a bad
 * configuration into a message naming the parameter and the reason, and the
 * configuration an entry of mmu_top's parameters (rtl/configs.txt) stands for.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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
        .itlb_1g = {0, 1, MMU_REPL_LRU}, /* Skylake's ITLB holds no 1 GiB page */
        .dtlb_1g = {4, 4, MMU_REPL_LRU},
        .stlb = {1536, 12, MMU_REPL_LRU},
        .stlb_1g = {16, 4, MMU_REPL_LRU},
        .psc = {[MMU_PSC_PDE] = {32, 32, MMU_REPL_LRU},
                [MMU_PSC_PDPTE] = {4, 4, MMU_REPL_LRU},
                [MMU_PSC_PML4E] = {2, 2, MMU_REPL_LRU},
                [MMU_PSC_PML5E] = {2, 2, MMU_REPL_LRU}},
        .stlb_latency = 9,
        /* two page walkers, as Intel cores have had since Broadwell, and hit under miss */
        .walkers = 2,
        .miss_entries = 8,
        .hit_under_miss = true,
        .id_bits = 8,
        .lfsr_seed = 0xACE1,
        .wp = true,
        .nxe = true,
        .pdpe1gb = true,
    };
}

void mmu_config_blocking(struct mmu_config *cfg)
{
    mmu_config_default(cfg);
    cfg->walkers = 1;
    cfg->miss_entries = 1;
    cfg->hit_under_miss = false;
    cfg->id_bits = 4;
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

static int array_check(const char *name, const struct mmu_array_config *a, char *err, size_t errlen)
{
    if (a->entries == 0)
        return 0; /* disabled */
    if ((unsigned)a->repl >= MMU_REPL_COUNT) {
        snprintf(err, errlen, "%s.repl: unknown replacement policy %d", name, (int)a->repl);
        return -1;
    }
    if (a->ways == 0) {
        snprintf(err, errlen, "%s.ways: 0 ways (an array of %u entries needs at least one)", name,
                 a->entries);
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
    if (a->repl == MMU_REPL_PLRU && ((a->ways & (a->ways - 1)) || a->ways > REPL_PLRU_MAX_WAYS)) {
        snprintf(err, errlen,
                 "%s.repl: tree-PLRU needs a power-of-two number of ways up to "
                 "%u, not %u",
                 name, REPL_PLRU_MAX_WAYS, a->ways);
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
        snprintf(err, errlen,
                 "stlb_latency: %u cycles; an STLB hit takes at least 3 (the "
                 "L1 lookup, then one read of each of the STLB's two sets)",
                 cfg->stlb_latency);
        return -1;
    }
    if (cfg->stlb_latency > 1000) {
        snprintf(err, errlen, "stlb_latency: %u cycles is beyond the limit of 1000",
                 cfg->stlb_latency);
        return -1;
    }
    if (cfg->walkers < 1 || cfg->walkers > MMU_MAX_WALKERS) {
        snprintf(err, errlen, "walkers: %u is outside 1..%u", cfg->walkers, MMU_MAX_WALKERS);
        return -1;
    }
    if (cfg->miss_entries < 1 || cfg->miss_entries > MMU_MAX_MISS_ENTRIES) {
        snprintf(err, errlen, "miss_entries: %u is outside 1..%u", cfg->miss_entries,
                 MMU_MAX_MISS_ENTRIES);
        return -1;
    }
    if (cfg->id_bits < 1 || cfg->id_bits > 8) {
        snprintf(err, errlen, "id_bits: %u is outside 1..8", cfg->id_bits);
        return -1;
    }
    if (cfg->lfsr_seed == 0) {
        snprintf(err, errlen, "lfsr_seed: 0 would lock the LFSR; use a non-zero seed");
        return -1;
    }
    const struct {
        const char *name;
        const struct mmu_array_config *a;
    } arrays[] = {
        {"itlb_4k", &cfg->itlb_4k},
        {"itlb_2m", &cfg->itlb_2m},
        {"dtlb_4k", &cfg->dtlb_4k},
        {"dtlb_2m", &cfg->dtlb_2m},
        {"itlb_1g", &cfg->itlb_1g},
        {"dtlb_1g", &cfg->dtlb_1g},
        {"stlb", &cfg->stlb},
        {"stlb_1g", &cfg->stlb_1g},
        {"psc_pde", &cfg->psc[MMU_PSC_PDE]},
        {"psc_pdpte", &cfg->psc[MMU_PSC_PDPTE]},
        {"psc_pml4e", &cfg->psc[MMU_PSC_PML4E]},
        {"psc_pml5e", &cfg->psc[MMU_PSC_PML5E]},
    };
    for (size_t i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++)
        if (array_check(arrays[i].name, arrays[i].a, err, errlen))
            return -1;
    return 0;
}

/* ---- the RTL's parameters (docs/ARCHITECTURE.md section 13) ------------------------------ */

/* Which field each mmu_top parameter sets.  Arrays take NAME{Entries,Ways,Repl}; a
 * paging-structure cache's Ways of 0 (mmu_top's default) or of its entries or more makes it fully
 * associative (mmu_psc), so that its ways follow its Entries. */
static struct mmu_array_config *rtl_array(struct mmu_config *cfg, const char *name, size_t *len,
                                          bool *fully_assoc)
{
    const struct {
        const char *prefix;
        struct mmu_array_config *a;
        bool fully_assoc;
    } arrays[] = {
        {"Itlb4k", &cfg->itlb_4k, false},
        {"Itlb2m", &cfg->itlb_2m, false},
        {"Itlb1g", &cfg->itlb_1g, false},
        {"Dtlb4k", &cfg->dtlb_4k, false},
        {"Dtlb2m", &cfg->dtlb_2m, false},
        {"Dtlb1g", &cfg->dtlb_1g, false},
        {"Stlb1g", &cfg->stlb_1g, false},
        {"Stlb", &cfg->stlb, false},
        {"PscPde", &cfg->psc[MMU_PSC_PDE], true},
        {"PscPdpte", &cfg->psc[MMU_PSC_PDPTE], true},
        {"PscPml4e", &cfg->psc[MMU_PSC_PML4E], true},
        {"PscPml5e", &cfg->psc[MMU_PSC_PML5E], true},
    };
    for (size_t i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++) {
        size_t n = strlen(arrays[i].prefix);
        if (strncmp(name, arrays[i].prefix, n) == 0 &&
            (!strcmp(name + n, "Entries") || !strcmp(name + n, "Ways") ||
             !strcmp(name + n, "Repl"))) {
            *len = n;
            *fully_assoc = arrays[i].fully_assoc;
            return arrays[i].a;
        }
    }
    return NULL;
}

int mmu_config_set_rtl_param(struct mmu_config *cfg, const char *name, uint64_t value)
{
    size_t n;
    bool fully_assoc;
    struct mmu_array_config *a = rtl_array(cfg, name, &n, &fully_assoc);
    uint32_t v32 = value > UINT32_MAX ? UINT32_MAX : (uint32_t)value;
    if (a) {
        if (!strcmp(name + n, "Entries")) {
            if (fully_assoc && a->ways >= a->entries)
                a->ways = v32;
            a->entries = v32;
        } else if (!strcmp(name + n, "Ways")) {
            a->ways = fully_assoc && (v32 == 0 || v32 >= a->entries) ? a->entries : v32;
        } else {
            a->repl = value < MMU_REPL_COUNT ? (enum mmu_repl)value : MMU_REPL_COUNT;
        }
    } else if (!strcmp(name, "PaBits")) {
        cfg->pa_bits = v32;
    } else if (!strcmp(name, "StlbLatency")) {
        cfg->stlb_latency = v32;
    } else if (!strcmp(name, "IdBits")) {
        cfg->id_bits = v32;
    } else if (!strcmp(name, "Walkers")) {
        cfg->walkers = v32;
    } else if (!strcmp(name, "MissEntries")) {
        cfg->miss_entries = v32;
    } else if (!strcmp(name, "HitUnderMiss") && value <= 1) {
        cfg->hit_under_miss = value;
    } else if (!strcmp(name, "LfsrSeed")) {
        cfg->lfsr_seed = value > 0xffff ? 0 : (uint16_t)value; /* 0: refused by the check */
    } else if (!strcmp(name, "La57") && value <= 1) {
        cfg->la57 = value;
    } else if (!strcmp(name, "Pdpe1gb") && value <= 1) {
        cfg->pdpe1gb = value;
    } else if (!strcmp(name, "WpReset") && value <= 1) {
        cfg->wp = value;
    } else if (!strcmp(name, "NxeReset") && value <= 1) {
        cfg->nxe = value;
    } else if (!strcmp(name, "SmepReset") && value <= 1) {
        cfg->smep = value;
    } else if (!strcmp(name, "SmapReset") && value <= 1) {
        cfg->smap = value;
    } else if (!strcmp(name, "PkeReset") && value <= 1) {
        cfg->pke = value;
    } else if (!strcmp(name, "PkruReset") && value <= UINT32_MAX) {
        cfg->pkru = (uint32_t)value;
    } else {
        return -1;
    }
    return 0;
}

/* A value as Verilog writes it: decimal, 0x hex, or a sized literal such as 16'h1234. */
static int rtl_value(const char *s, size_t len, uint64_t *v)
{
    char buf[40];
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    int base = 0;
    char *digits = buf, *end;
    char *tick = strchr(buf, '\'');
    if (tick) {
        char b = tick[1];
        base = b == 'h' || b == 'H' ? 16 : b == 'd' || b == 'D' ? 10 : b == 'b' || b == 'B' ? 2 : 0;
        if (!base)
            return -1;
        digits = tick + 2;
    }
    if (!isdigit((unsigned char)digits[0]) && !(base == 16 && isxdigit((unsigned char)digits[0])))
        return -1;
    errno = 0;
    *v = strtoull(digits, &end, base);
    return errno || *end ? -1 : 0;
}

int mmu_config_from_rtl_params(struct mmu_config *cfg, const char *params, char *err, size_t errlen)
{
    mmu_config_default(cfg);
    /* A paging-structure cache's Ways, applied again once its Entries are known (either may come
     * first); 0, mmu_top's default, is fully associative. */
    static const char *const psc_ways[MMU_PSC_COUNT] = {"PscPdeWays", "PscPdpteWays",
                                                        "PscPml4eWays", "PscPml5eWays"};
    uint64_t ways_given[MMU_PSC_COUNT] = {0};
    const char *p = params;
    for (;;) {
        p += strspn(p, ", \t\n");
        if (!*p)
            break;
        size_t len = strcspn(p, ", \t\n");
        const char *eq = memchr(p, '=', len);
        uint64_t v;
        char name[40];
        size_t nlen = eq ? (size_t)(eq - p) : len;
        if (!eq || nlen == 0 || nlen >= sizeof name || rtl_value(eq + 1, len - nlen - 1, &v)) {
            snprintf(err, errlen, "RTL parameters: '%.*s' is not NAME=VALUE", (int)len, p);
            return -1;
        }
        memcpy(name, p, nlen);
        name[nlen] = '\0';
        for (unsigned c = 0; c < MMU_PSC_COUNT; c++)
            if (!strcmp(name, psc_ways[c]))
                ways_given[c] = v;
        if (mmu_config_set_rtl_param(cfg, name, v)) {
            snprintf(err, errlen, "RTL parameters: '%.*s': no such parameter of mmu_top", (int)len,
                     p);
            return -1;
        }
        p += len;
    }
    for (unsigned c = 0; c < MMU_PSC_COUNT; c++)
        mmu_config_set_rtl_param(cfg, psc_ways[c], ways_given[c]);
    char why[200];
    if (mmu_config_check(cfg, why, sizeof why)) {
        snprintf(err, errlen, "RTL parameters: %s", why);
        return -1;
    }
    return 0;
}

uint64_t mmu_latency_bound(const struct mmu_config *cfg, unsigned max_stall, unsigned max_latency)
{
    /* A walk: the caches' lookup, then at most a read and an A/D write-back of each level (four,
     * or five with la57), each presented the cycle after the previous response and waiting on
     * the port behind at most one access of each other walker. */
    uint64_t w = cfg->walkers, entries = cfg->miss_entries;
    uint64_t accesses = 2 * (cfg->la57 ? PT_LEVELS_MAX : PT_LEVELS);
    uint64_t walk = 1 + accesses * (w * (max_stall + 1ull) + max_latency);
    /* The oldest entry of the queue: its probe, a walker freed by a younger walk (only when
     * the younger entries can fill every walker), its walk; it then answers at once. */
    uint64_t oldest = cfg->stlb_latency - 1 + walk + (entries > w ? walk + 1 : 0);
    return 1 + entries * oldest;
}
