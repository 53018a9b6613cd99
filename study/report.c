/*
 * A study's figures as a readable table, JSON or CSV.  All three are printed from the same
 * derived numbers (struct figures), so they can never disagree.  A ratio of nothing (a hit
 * rate of a TLB with no lookups, MPKI of no instructions) is NAN there, and is printed as "-"
 * in the table, null in JSON and nan in CSV, never as 0.
 */
#include <inttypes.h>
#include <math.h>

#include "mmusim/study.h"

static const char *const tlb_label[MMU_TLB_COUNT] = {"ITLB", "DTLB", "STLB"};
static const char *const psc_label[MMU_PSC_COUNT] = {"PDE", "PDPTE", "PML4E", "PML5E"};

struct figures {
    /* misses: an L1's every miss, merged ones included (as hardware counts them); the STLB's
     * those that started a walk (hardware's "misses causing a walk"), and its MPKI from them.
     * merged: see struct mmu_tlb_stats. */
    uint64_t lookups[MMU_TLB_COUNT], hits[MMU_TLB_COUNT], misses[MMU_TLB_COUNT];
    uint64_t merged[MMU_TLB_COUNT];
    uint64_t hits_size[MMU_TLB_COUNT][MMU_SIZE_COUNT];
    double hit_rate[MMU_TLB_COUNT], mpki[MMU_TLB_COUNT];
    uint64_t walks, walk_refs, faults, flushes;
    double refs_per_walk, psc_rate[MMU_PSC_COUNT], walk_mpki, avg_latency;
    /* Several requests in flight (docs/ARCHITECTURE.md 16.8): the cycles beyond one per
     * translation, and how busy the walkers were. */
    uint64_t stall_cycles;
    double stall_pki, walks_average, walker_utilization;
};

static double ratio(double a, double b)
{
    return b ? a / b : NAN;
}

/* x (times scale) in a table column of width w with prec decimals, or "-" if it is NAN. */
static void put_table(FILE *out, int w, int prec, double x, double scale)
{
    if (isnan(x))
        fprintf(out, "%*s", w, "-");
    else
        fprintf(out, "%*.*f", w, prec, scale * x);
}

/* x as a JSON number, or null if it is NAN. */
static void put_json(FILE *out, double x)
{
    if (isnan(x))
        fprintf(out, "null");
    else
        fprintf(out, "%.6f", x);
}

static void derive(const struct study_result *r, struct figures *f)
{
    const struct mmu_stats *s = &r->stats;
    *f = (struct figures){0};
    for (unsigned t = 0; t < MMU_TLB_COUNT; t++) {
        mmu_tlb_totals(s, t, &f->hits[t], &f->misses[t]);
        for (unsigned a = 0; a < MMU_ACC_COUNT; a++)
            for (unsigned z = 0; z < MMU_SIZE_COUNT; z++)
                f->hits_size[t][z] += s->tlb[t].hits[a][z];
        f->lookups[t] = f->hits[t] + f->misses[t];
        f->merged[t] = s->tlb[t].merged;
        f->hit_rate[t] = ratio(f->hits[t], f->lookups[t]);
        f->mpki[t] = ratio(1000.0 * f->misses[t], r->instructions);
    }
    f->walks = s->walks;
    f->walk_refs = s->walk_reads + s->walk_writes;
    f->refs_per_walk = ratio(f->walk_refs, f->walks);
    f->walk_mpki = ratio(1000.0 * f->walks, r->instructions);
    for (unsigned c = 0; c < MMU_PSC_COUNT; c++)
        f->psc_rate[c] = ratio(s->psc_hits[c], s->psc_hits[c] + s->psc_misses[c]);
    for (unsigned k = 1; k < MMU_FAULT_COUNT; k++)
        f->faults += s->faults[k];
    f->flushes = s->ctrl_ops[MMU_CTRL_LOAD_CR3] - s->cr3_noflush + s->ctrl_ops[MMU_CTRL_INVLPG] +
                 s->ctrl_ops[MMU_CTRL_INVPCID] + s->ctrl_ops[MMU_CTRL_FLUSH_ALL];
    f->avg_latency = ratio(s->total_latency, r->references + r->page_crossings);
    uint64_t translations = r->references + r->page_crossings;
    f->stall_cycles = s->last_cycle > translations ? s->last_cycle - translations : 0;
    f->stall_pki = ratio(1000.0 * (double)f->stall_cycles, r->instructions);
    f->walks_average = mmu_walks_average(s);
    f->walker_utilization = ratio(f->walks_average, r->walkers);
}

/* The latency histogram's buckets that counted something, as "1: n, 2-3: n, ..., 32768+: n". */
static void put_histogram(FILE *out, const struct mmu_stats *s)
{
    const char *sep = "";
    for (unsigned k = 0; k < MMU_LATENCY_BUCKETS; k++) {
        if (!s->latency_hist[k])
            continue;
        uint64_t lo = 1ull << k, hi = (2ull << k) - 1;
        if (k + 1 == MMU_LATENCY_BUCKETS)
            fprintf(out, "%s%" PRIu64 "+: %" PRIu64, sep, lo, s->latency_hist[k]);
        else if (lo == hi)
            fprintf(out, "%s%" PRIu64 ": %" PRIu64, sep, lo, s->latency_hist[k]);
        else
            fprintf(out, "%s%" PRIu64 "-%" PRIu64 ": %" PRIu64, sep, lo, hi, s->latency_hist[k]);
        sep = ", ";
    }
}

/* Whether the run mapped 1 GiB pages: then its figures show them (and only then, so that the
 * figures of runs without them read as they always have). */
static bool giant(const struct study_result *r)
{
    return r->pages_mapped[MMU_SIZE_1G] > 0;
}

void study_report_table(const struct study_options *o, const struct study_result *r, FILE *out)
{
    struct figures f;
    derive(r, &f);
    const bool g = giant(r);
    fprintf(out,
            "references %" PRIu64 ", instructions %" PRIu64 ", context switches %" PRIu64
            ", pages mapped 4K %" PRIu64 " / 2M %" PRIu64,
            r->references, r->instructions, r->switches, r->pages_mapped[MMU_SIZE_4K],
            r->pages_mapped[MMU_SIZE_2M]);
    if (g)
        fprintf(out, " / 1G %" PRIu64, r->pages_mapped[MMU_SIZE_1G]);
    fprintf(out,
            " (policy %s)\n"
            "page-crossing accesses %" PRIu64 " (each translated twice: both pages)\n",
            page_policy_name(o->pages), r->page_crossings);
    if (r->bad_records)
        fprintf(out, "bad records skipped: %" PRIu64 " (first: %s)\n", r->bad_records,
                r->first_bad);
    fprintf(out, "\n%-6s %12s %12s %12s %10s %8s %9s %12s %12s", "TLB", "lookups", "hits", "misses",
            "merged", "hit %", "MPKI", "hits 4K", "hits 2M");
    fprintf(out, g ? " %12s\n" : "\n", "hits 1G");
    for (unsigned t = 0; t < MMU_TLB_COUNT; t++) {
        fprintf(out, "%-6s %12" PRIu64 " %12" PRIu64 " %12" PRIu64 " %10" PRIu64 " ", tlb_label[t],
                f.lookups[t], f.hits[t], f.misses[t], f.merged[t]);
        put_table(out, 8, 2, f.hit_rate[t], 100.0);
        fputc(' ', out);
        put_table(out, 9, 3, f.mpki[t], 1.0);
        fprintf(out, " %12" PRIu64 " %12" PRIu64, f.hits_size[t][MMU_SIZE_4K],
                f.hits_size[t][MMU_SIZE_2M]);
        if (g)
            fprintf(out, " %12" PRIu64, f.hits_size[t][MMU_SIZE_1G]);
        fputc('\n', out);
    }
    fprintf(out, "(L1 misses include the merged, which took the result of a miss in flight; the "
                 "STLB's misses\nand MPKI are those that started a walk, its merged those that "
                 "waited for another's walk)\n");
    fprintf(out, "\nwalks %" PRIu64 " (", f.walks);
    put_table(out, 0, 3, f.walk_mpki, 1.0);
    fprintf(out, " per kilo-instruction), memory references per walk ");
    put_table(out, 0, 3, f.refs_per_walk, 1.0);
    fprintf(out, ", dirty re-walks %" PRIu64 "\n", r->stats.dirty_rewalks);
    fprintf(out, "paging-structure caches: hit rate");
    for (unsigned c = mmu_psc_count(o->cfg.la57); c-- > 0;) {
        fprintf(out, " %s ", psc_label[c]);
        put_table(out, 0, 2, f.psc_rate[c], 100.0);
        fprintf(out, "%s", isnan(f.psc_rate[c]) ? "" : "%");
    }
    fprintf(out, "\nfaults %" PRIu64 ", flushes %" PRIu64 "\n", f.faults, f.flushes);
    fprintf(out, "average translation latency ");
    put_table(out, 0, 3, f.avg_latency, 1.0);
    fprintf(out, " cycles, total %" PRIu64 " cycles\n", r->stats.last_cycle);
    fprintf(out, "translation stall cycles %" PRIu64 " (", f.stall_cycles);
    put_table(out, 0, 3, f.stall_pki, 1.0);
    fprintf(out, " per kilo-instruction); walks in flight: average ");
    put_table(out, 0, 3, f.walks_average, 1.0);
    fprintf(out, ", peak %" PRIu64 "; walker utilization ", r->stats.walks_peak);
    put_table(out, 0, 1, f.walker_utilization, 100.0);
    fprintf(out, "%%\nmerged misses %" PRIu64 ", miss-queue-full cycles %" PRIu64 "\n",
            r->stats.merged_misses, r->stats.miss_queue_full_cycles);
    fprintf(out, "latency histogram (cycles: translations): ");
    put_histogram(out, &r->stats);
    fputc('\n', out);
}

void study_report_json(const struct study_options *o, const struct study_result *r, FILE *out)
{
    struct figures f;
    derive(r, &f);
    fprintf(out,
            "{\n  \"references\": %" PRIu64 ",\n  \"page_crossing_accesses\": %" PRIu64
            ",\n  \"instructions\": %" PRIu64 ",\n  \"context_switches\": %" PRIu64
            ",\n  \"bad_records\": %" PRIu64
            ",\n  \"pages\": \"%s\",\n  \"pages_mapped_4k\": %" PRIu64
            ",\n  \"pages_mapped_2m\": %" PRIu64 ",\n",
            r->references, r->page_crossings, r->instructions, r->switches, r->bad_records,
            page_policy_name(o->pages), r->pages_mapped[MMU_SIZE_4K], r->pages_mapped[MMU_SIZE_2M]);
    const bool g = giant(r);
    if (g)
        fprintf(out, "  \"pages_mapped_1g\": %" PRIu64 ",\n", r->pages_mapped[MMU_SIZE_1G]);
    for (unsigned t = 0; t < MMU_TLB_COUNT; t++) {
        fprintf(out,
                "  \"%s\": {\"lookups\": %" PRIu64 ", \"hits\": %" PRIu64 ", \"misses\": %" PRIu64
                ", \"merged\": %" PRIu64 ", \"hit_rate\": ",
                mmu_tlb_name(t), f.lookups[t], f.hits[t], f.misses[t], f.merged[t]);
        put_json(out, f.hit_rate[t]);
        fprintf(out, ", \"mpki\": ");
        put_json(out, f.mpki[t]);
        fprintf(out, ", \"hits_4k\": %" PRIu64 ", \"hits_2m\": %" PRIu64,
                f.hits_size[t][MMU_SIZE_4K], f.hits_size[t][MMU_SIZE_2M]);
        if (g)
            fprintf(out, ", \"hits_1g\": %" PRIu64, f.hits_size[t][MMU_SIZE_1G]);
        fprintf(out, "},\n");
    }
    fprintf(out, "  \"walks\": %" PRIu64 ",\n  \"walks_per_kilo_instruction\": ", f.walks);
    put_json(out, f.walk_mpki);
    fprintf(out,
            ",\n  \"walk_memory_references\": %" PRIu64 ",\n  \"memory_references_per_walk\": ",
            f.walk_refs);
    put_json(out, f.refs_per_walk);
    fprintf(out, ",\n  \"dirty_rewalks\": %" PRIu64 ",\n  \"psc_hit_rate\": {",
            r->stats.dirty_rewalks);
    if (o->cfg.la57) { /* 5-level paging's cache, only where it is looked up */
        fprintf(out, "\"pml5e\": ");
        put_json(out, f.psc_rate[MMU_PSC_PML5E]);
        fprintf(out, ", ");
    }
    fprintf(out, "\"pml4e\": ");
    put_json(out, f.psc_rate[MMU_PSC_PML4E]);
    fprintf(out, ", \"pdpte\": ");
    put_json(out, f.psc_rate[MMU_PSC_PDPTE]);
    fprintf(out, ", \"pde\": ");
    put_json(out, f.psc_rate[MMU_PSC_PDE]);
    fprintf(out,
            "},\n  \"faults\": %" PRIu64 ",\n  \"flushes\": %" PRIu64 ",\n  \"average_latency\": ",
            f.faults, f.flushes);
    put_json(out, f.avg_latency);
    fprintf(out,
            ",\n  \"total_cycles\": %" PRIu64 ",\n  \"translation_stall_cycles\": %" PRIu64
            ",\n  \"stall_cycles_per_kilo_instruction\": ",
            r->stats.last_cycle, f.stall_cycles);
    put_json(out, f.stall_pki);
    fprintf(out, ",\n  \"walkers\": %u,\n  \"walks_average\": ", r->walkers);
    put_json(out, f.walks_average);
    fprintf(out,
            ",\n  \"walks_peak\": %" PRIu64 ",\n  \"walker_utilization\": ", r->stats.walks_peak);
    put_json(out, f.walker_utilization);
    fprintf(out, ",\n  \"walker_busy_cycles\": [");
    for (unsigned w = 0; w < r->walkers && w < MMU_MAX_WALKERS; w++)
        fprintf(out, "%s%" PRIu64, w ? ", " : "", r->stats.walker_busy_cycles[w]);
    fprintf(out,
            "],\n  \"merged_misses\": %" PRIu64 ",\n  \"miss_queue_full_cycles\": %" PRIu64
            ",\n  \"latency_histogram\": [",
            r->stats.merged_misses, r->stats.miss_queue_full_cycles);
    for (unsigned k = 0; k < MMU_LATENCY_BUCKETS; k++)
        fprintf(out, "%s%" PRIu64, k ? ", " : "", r->stats.latency_hist[k]);
    fprintf(out, "]\n}\n");
}

void study_report_csv(const struct study_options *o, const struct study_result *r, bool header,
                      FILE *out)
{
    struct figures f;
    derive(r, &f);
    if (header) {
        fprintf(out, "references,instructions,context_switches,pages");
        for (unsigned t = 0; t < MMU_TLB_COUNT; t++)
            fprintf(out, ",%s_lookups,%s_hits,%s_misses,%s_merged,%s_hit_rate,%s_mpki",
                    mmu_tlb_name(t), mmu_tlb_name(t), mmu_tlb_name(t), mmu_tlb_name(t),
                    mmu_tlb_name(t), mmu_tlb_name(t));
        fprintf(out, ",walks,memory_references_per_walk,psc_pml4e_hit_rate,psc_pdpte_hit_rate,"
                     "psc_pde_hit_rate,faults,flushes,average_latency,total_cycles,"
                     "stall_cycles_per_kilo_instruction,walks_average,walker_utilization,"
                     "merged_misses,miss_queue_full_cycles,psc_pml5e_hit_rate\n");
    }
    fprintf(out, "%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%s", r->references, r->instructions,
            r->switches, page_policy_name(o->pages));
    for (unsigned t = 0; t < MMU_TLB_COUNT; t++)
        fprintf(out, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.6f,%.6f", f.lookups[t],
                f.hits[t], f.misses[t], f.merged[t], f.hit_rate[t], f.mpki[t]);
    fprintf(out,
            ",%" PRIu64 ",%.6f,%.6f,%.6f,%.6f,%" PRIu64 ",%" PRIu64 ",%.6f,%" PRIu64
            ",%.6f,%.6f,%.6f,%" PRIu64 ",%" PRIu64 ",%.6f\n",
            f.walks, f.refs_per_walk, f.psc_rate[MMU_PSC_PML4E], f.psc_rate[MMU_PSC_PDPTE],
            f.psc_rate[MMU_PSC_PDE], f.faults, f.flushes, f.avg_latency, r->stats.last_cycle,
            f.stall_pki, f.walks_average, f.walker_utilization, r->stats.merged_misses,
            r->stats.miss_queue_full_cycles, f.psc_rate[MMU_PSC_PML5E]);
}
