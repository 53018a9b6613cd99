/*
 * Statistics and inspection: the counters an MMU keeps, their names and a
 * readable report, and side-effect-free queries of TLB and cache contents.
 */
#include <inttypes.h>
#include <string.h>

#include "mmu_internal.h"

static const char *const access_names[MMU_ACC_COUNT] = {"read", "write", "fetch"};
static const char *const fault_names[MMU_FAULT_COUNT] = {
    "none", "not-present",   "reserved-bit", "write-protect", "user-supervisor",
    "nx",   "non-canonical", "bus-error",    "smep",          "smap",
    "pk"};
static const char *const tlb_names[MMU_TLB_COUNT] = {"itlb", "dtlb", "stlb"};
static const char *const ctrl_names[MMU_CTRL_COUNT] = {"load-cr3",  "invlpg",   "invpcid",
                                                       "flush-all", "set-mode", "set-prot"};
static const char *const source_names[MMU_SRC_COUNT] = {"l1", "stlb", "walk", "none"};
static const char *const size_names[MMU_SIZE_COUNT] = {"4k", "2m", "1g"};
static const char *const psc_names[MMU_PSC_COUNT] = {"pde", "pdpte", "pml4e", "pml5e"};

#define NAME(table, i) ((unsigned)(i) < sizeof(table) / sizeof(table[0]) ? table[i] : "?")

const char *mmu_access_name(enum mmu_access a)
{
    return NAME(access_names, a);
}
const char *mmu_fault_name(enum mmu_fault f)
{
    return NAME(fault_names, f);
}
const char *mmu_source_name(enum mmu_source s)
{
    return NAME(source_names, s);
}
const char *mmu_tlb_name(enum mmu_tlb_id t)
{
    return NAME(tlb_names, t);
}
const char *mmu_ctrl_name(enum mmu_ctrl_op op)
{
    return NAME(ctrl_names, op);
}

const struct mmu_stats *mmu_stats(const struct mmu *m)
{
    return &m->stats;
}

void mmu_stats_reset(struct mmu *m)
{
    memset(&m->stats, 0, sizeof(m->stats));
    m->counted = false;
}

double mmu_walks_average(const struct mmu_stats *s)
{
    uint64_t busy = 0;
    for (unsigned w = 0; w < MMU_MAX_WALKERS; w++)
        busy += s->walker_busy_cycles[w];
    if (!busy || s->last_cycle < s->first_accept)
        return 0.0;
    return (double)busy / (double)(s->last_cycle - s->first_accept + 1);
}

void mmu_tlb_totals(const struct mmu_stats *s, enum mmu_tlb_id t, uint64_t *hits, uint64_t *misses)
{
    const struct mmu_tlb_stats *ts = &s->tlb[t];
    *hits = 0;
    *misses = 0;
    for (unsigned a = 0; a < MMU_ACC_COUNT; a++) {
        *misses += ts->misses_faulted[a];
        for (unsigned z = 0; z < MMU_SIZE_COUNT; z++) {
            *hits += ts->hits[a][z];
            *misses += ts->misses[a][z];
        }
    }
}

static uint64_t sum_requests(const struct mmu_stats *s)
{
    uint64_t n = 0;
    for (unsigned a = 0; a < MMU_ACC_COUNT; a++)
        n += s->requests[a];
    return n;
}

void mmu_stats_print(const struct mmu_stats *s, FILE *out)
{
    uint64_t n = sum_requests(s);
    fprintf(out, "requests: %" PRIu64 " (read %" PRIu64 ", write %" PRIu64 ", fetch %" PRIu64 ")\n",
            n, s->requests[MMU_ACC_READ], s->requests[MMU_ACC_WRITE], s->requests[MMU_ACC_FETCH]);
    for (unsigned t = 0; t < MMU_TLB_COUNT; t++) {
        const struct mmu_tlb_stats *ts = &s->tlb[t];
        uint64_t hits, misses;
        mmu_tlb_totals(s, t, &hits, &misses);
        uint64_t lookups = hits + misses;
        fprintf(out,
                "%s: %" PRIu64 " lookups, %" PRIu64 " hits (%.2f%%), %" PRIu64 " misses, %" PRIu64
                " merged\n",
                tlb_names[t], lookups, hits, lookups ? 100.0 * hits / lookups : 0.0, misses,
                ts->merged);
        for (unsigned a = 0; a < MMU_ACC_COUNT; a++)
            for (unsigned z = 0; z < MMU_SIZE_COUNT; z++)
                if (ts->hits[a][z] || ts->misses[a][z])
                    fprintf(out, "  %-5s %s: %" PRIu64 " hits, %" PRIu64 " misses\n",
                            access_names[a], size_names[z], ts->hits[a][z], ts->misses[a][z]);
        for (unsigned a = 0; a < MMU_ACC_COUNT; a++)
            if (ts->misses_faulted[a])
                fprintf(out, "  %-5s faulting misses: %" PRIu64 "\n", access_names[a],
                        ts->misses_faulted[a]);
        fprintf(out,
                "  fills 4k %" PRIu64 ", 2m %" PRIu64 "; evictions 4k %" PRIu64 ", 2m %" PRIu64,
                ts->fills[MMU_SIZE_4K], ts->fills[MMU_SIZE_2M], ts->evictions[MMU_SIZE_4K],
                ts->evictions[MMU_SIZE_2M]);
        if (ts->fills[MMU_SIZE_1G]) /* 1 GiB pages, where some were filled */
            fprintf(out, "; 1g fills %" PRIu64 ", evictions %" PRIu64, ts->fills[MMU_SIZE_1G],
                    ts->evictions[MMU_SIZE_1G]);
        fputc('\n', out);
    }
    fprintf(out,
            "walks: %" PRIu64 ", entry reads %" PRIu64 ", A/D writes %" PRIu64
            ", dirty re-walks %" PRIu64 ", walk cycles %" PRIu64 "\n",
            s->walks, s->walk_reads, s->walk_writes, s->dirty_rewalks, s->walk_cycles);
    /* 5-level paging's line and cache are shown when its walks looked the PML5E cache up. */
    bool la57 = s->psc_hits[MMU_PSC_PML5E] + s->psc_misses[MMU_PSC_PML5E] > 0;
    fprintf(out, "walks starting at level ");
    if (la57)
        fprintf(out, "5/");
    fprintf(out, "4/3/2/1: ");
    if (la57)
        fprintf(out, "%" PRIu64 "/", s->walk_start_level[5]);
    fprintf(out, "%" PRIu64 "/%" PRIu64 "/%" PRIu64 "/%" PRIu64 "\n", s->walk_start_level[4],
            s->walk_start_level[3], s->walk_start_level[2], s->walk_start_level[1]);
    for (unsigned c = mmu_psc_count(la57); c-- > 0;)
        fprintf(out,
                "psc %-5s: %" PRIu64 " hits, %" PRIu64 " misses; fills %" PRIu64
                ", evictions %" PRIu64 "\n",
                psc_names[c], s->psc_hits[c], s->psc_misses[c], s->psc_fills[c],
                s->psc_evictions[c]);
    /* SMEP, SMAP and protection-key faults and set-prot operations, where there were some. */
    fprintf(out, "faults:");
    for (unsigned f = 1; f < MMU_FAULT_COUNT; f++)
        if (f <= MMU_FAULT_BUS_ERROR || s->faults[f])
            fprintf(out, "%s %s %" PRIu64, f > 1 ? "," : "", fault_names[f], s->faults[f]);
    fprintf(out, "\ncontrol:");
    for (unsigned c = 0; c < MMU_CTRL_COUNT; c++)
        if (c <= MMU_CTRL_SET_MODE || s->ctrl_ops[c])
            fprintf(out, "%s %s %" PRIu64, c ? "," : "", ctrl_names[c], s->ctrl_ops[c]);
    fputc('\n', out);
    fprintf(out,
            "  cr3 no-flush %" PRIu64 "; invpcid by type 0/1/2/3: %" PRIu64 "/%" PRIu64 "/%" PRIu64
            "/%" PRIu64 "\n",
            s->cr3_noflush, s->invpcid_type[0], s->invpcid_type[1], s->invpcid_type[2],
            s->invpcid_type[3]);
    fprintf(out,
            "latency: total %" PRIu64 " cycles, average %.2f cycles; waiting %" PRIu64
            " cycles; last cycle %" PRIu64 "\n",
            s->total_latency, n ? (double)s->total_latency / n : 0.0, s->total_wait, s->last_cycle);
    fprintf(out, "latency histogram (cycles: requests):");
    const char *sep = " ";
    for (unsigned k = 0; k < MMU_LATENCY_BUCKETS; k++) {
        if (!s->latency_hist[k])
            continue;
        if (k + 1 == MMU_LATENCY_BUCKETS)
            fprintf(out, "%s%llu+: %" PRIu64, sep, 1ull << k, s->latency_hist[k]);
        else if (k == 0)
            fprintf(out, "%s1: %" PRIu64, sep, s->latency_hist[k]);
        else
            fprintf(out, "%s%llu-%llu: %" PRIu64, sep, 1ull << k, (2ull << k) - 1,
                    s->latency_hist[k]);
        sep = ", ";
    }
    fprintf(out,
            "\nin flight: merged misses %" PRIu64 ", miss-queue-full cycles %" PRIu64
            ", walks peak %" PRIu64 ", average %.3f; walker busy cycles",
            s->merged_misses, s->miss_queue_full_cycles, s->walks_peak, mmu_walks_average(s));
    unsigned last = 0;
    for (unsigned w = 0; w < MMU_MAX_WALKERS; w++)
        if (s->walker_busy_cycles[w])
            last = w;
    for (unsigned w = 0; w <= last; w++)
        fprintf(out, "%s%" PRIu64, w ? "/" : " ", s->walker_busy_cycles[w]);
    fprintf(out,
            "\nmerged into a primary probe-waiting %" PRIu64 ", probing %" PRIu64
            ", waiting for a walker %" PRIu64 ", walking %" PRIu64
            "; secondaries not served by their primary's result %" PRIu64,
            s->merged_into[MMU_MERGE_PROBE_WAIT], s->merged_into[MMU_MERGE_PROBING],
            s->merged_into[MMU_MERGE_WAITING], s->merged_into[MMU_MERGE_WALKING],
            s->secondaries_failed);
    fputc('\n', out);
}

bool mmu_tlb_holds(const struct mmu *m, enum mmu_tlb_id t, uint64_t vaddr, uint16_t pcid)
{
    struct tlb_hit h;
    return (unsigned)t < MMU_TLB_COUNT && tlb_lookup(&m->tlb[t], vaddr, pcid, &h);
}

bool mmu_psc_holds(const struct mmu *m, enum mmu_psc_id c, uint64_t vaddr, uint16_t pcid)
{
    return (unsigned)c < MMU_PSC_COUNT &&
           tlb_array_find(&m->psc.c[c], vaddr, pt_level_shift((unsigned)c + 2), pcid) >= 0;
}

unsigned mmu_tlb_valid_count(const struct mmu *m, enum mmu_tlb_id t)
{
    return (unsigned)t < MMU_TLB_COUNT ? tlb_valid_count(&m->tlb[t]) : 0;
}

unsigned mmu_psc_valid_count(const struct mmu *m, enum mmu_psc_id c)
{
    return (unsigned)c < MMU_PSC_COUNT ? tlb_array_valid_count(&m->psc.c[c]) : 0;
}

struct mmu_census mmu_tlb_census(const struct mmu *m, enum mmu_tlb_id t, uint16_t pcid,
                                 bool by_addr, uint64_t vaddr)
{
    struct mmu_census c = {0};
    if ((unsigned)t < MMU_TLB_COUNT)
        for (unsigned i = 0; i < m->tlb[t].narrays; i++)
            tlb_array_census(&m->tlb[t].arr[i], pcid, by_addr, vaddr, &c);
    return c;
}

struct mmu_census mmu_psc_census(const struct mmu *m, enum mmu_psc_id c, uint16_t pcid,
                                 bool by_addr, uint64_t vaddr)
{
    struct mmu_census n = {0};
    if ((unsigned)c < MMU_PSC_COUNT)
        tlb_array_census(&m->psc.c[c], pcid, by_addr, vaddr, &n);
    return n;
}
