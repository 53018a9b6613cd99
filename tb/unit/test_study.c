/*
 * Trace studies: hand-worked counts on hand-made traces, a real trace against an independent LRU
 * model written here, the same trace in two formats giving the same figures, and the keys.
 */
#define _POSIX_C_SOURCE 200809L
#include <unistd.h>
#include <zlib.h>

#include "mmusim/study.h"
#include "test_files.h"

static void set(struct study_options *o, const char *kv)
{
    char err[300];
    if (study_set_kv(o, kv, err, sizeof(err)))
        fail_msg("%s: %s", kv, err);
}

/* The defaults with one request at a time (the configuration `blocking`): the figures of
 * tests worked out request after request. */
static void blocking_defaults(struct study_options *o)
{
    study_defaults(o);
    set(o, "walkers=1");
    set(o, "miss_entries=1");
    set(o, "hit_under_miss=off");
}

static struct study_result run(const struct study_options *o, const char *const *traces, unsigned n)
{
    struct study_result r;
    char err[600];
    if (study_run(o, traces, n, &r, err, sizeof(err)))
        fail_msg("study_run: %s", err);
    return r;
}

/* Opens the bundled trace tb/traces/NAME, its path into path. */
static struct trace_reader *open_bundled(const char *name, char *path, size_t len)
{
    char err[512];
    snprintf(path, len, "%s/tb/traces/%s", MMUSIM_SOURCE_DIR, name);
    struct trace_reader *tr = trace_open(path, TRACE_AUTO, err, sizeof(err));
    if (!tr)
        fail_msg("%s", err);
    return tr;
}

static uint64_t sum_hits(const struct mmu_tlb_stats *t)
{
    uint64_t n = 0;
    for (unsigned a = 0; a < MMU_ACC_COUNT; a++)
        for (unsigned z = 0; z < MMU_SIZE_COUNT; z++)
            n += t->hits[a][z];
    return n;
}

static uint64_t sum_misses(const struct mmu_tlb_stats *t)
{
    uint64_t n = 0;
    for (unsigned a = 0; a < MMU_ACC_COUNT; a++) {
        n += t->misses_faulted[a];
        for (unsigned z = 0; z < MMU_SIZE_COUNT; z++)
            n += t->misses[a][z];
    }
    return n;
}

/* A DTLB of one set of 2 ways, LRU, no STLB: pages 1, 2, 1, 3, 2.
 *   1 miss (fill), 2 miss (fill), 1 hit, 3 miss (evicts 2, the LRU), 2 miss (evicts 1).
 * Every miss walks, each walk with no paging-structure cache reading 4 entries. */
static void hand_worked_lru(void **state)
{
    (void)state;
    struct study_options o;
    blocking_defaults(&o);
    set(&o, "dtlb_4k.entries=2");
    set(&o, "dtlb_4k.ways=2");
    set(&o, "stlb.entries=0");
    set(&o, "psc_pde.entries=0");
    set(&o, "psc_pdpte.entries=0");
    set(&o, "psc_pml4e.entries=0");
    const char *t = test_write_text("lru.txt", "R 1008\nR 2010\nR 1ff0\nR 3000\nR 2000\n");
    struct study_result r = run(&o, &t, 1);
    assert_int_equal(r.references, 5);
    assert_int_equal(sum_hits(&r.stats.tlb[MMU_TLB_DTLB]), 1);
    assert_int_equal(sum_misses(&r.stats.tlb[MMU_TLB_DTLB]), 4);
    assert_int_equal(r.stats.walks, 4);
    assert_int_equal(r.stats.walk_reads, 16);
    assert_int_equal(r.pages_mapped[MMU_SIZE_4K], 3);
    /* With a 4-entry STLB behind it, the last two misses hit there instead of walking. */
    set(&o, "stlb.entries=4");
    set(&o, "stlb.ways=4");
    r = run(&o, &t, 1);
    assert_int_equal(sum_hits(&r.stats.tlb[MMU_TLB_STLB]), 1); /* page 2 again */
    assert_int_equal(r.stats.walks, 3);
}

/* Fetches go to the ITLB and count instructions: 4 instructions, 2 ITLB misses -> MPKI 500.
 * Two processes with PCIDs, switched every 2 references: 3 switches, no flushes; the same with
 * PCIDs off flushes on every switch. */
static void instructions_and_processes(void **state)
{
    (void)state;
    struct study_options o;
    blocking_defaults(&o);
    const char *a = test_write_text("a.txt", "X 400000\nX 400004\nX 401000\nR 600000\n");
    const char *b = test_write_text("b.txt", "R 600000\nR 600008\nR 600010\nR 600018\n");
    const char *both[] = {a, b};
    struct study_result r = run(&o, &a, 1);
    assert_int_equal(r.instructions, 3);
    assert_int_equal(sum_misses(&r.stats.tlb[MMU_TLB_ITLB]), 2);
    assert_int_equal(sum_hits(&r.stats.tlb[MMU_TLB_ITLB]), 1);
    set(&o, "quantum=2");
    r = run(&o, both, 2);
    assert_int_equal(r.references, 8);
    assert_int_equal(r.switches, 3);
    /* Page 0x600000 is mapped in both processes, separately: two DTLB misses, then hits, since
     * each process keeps its entries under its own PCID. */
    assert_int_equal(sum_misses(&r.stats.tlb[MMU_TLB_DTLB]), 2);
    assert_int_equal(r.stats.cr3_noflush, 4); /* every CR3 load, the first included */
    set(&o, "pcid=off");
    r = run(&o, both, 2);
    assert_int_equal(r.stats.cr3_noflush, 0);
    /* b: 600000 miss, 600008 hit; a: 600000 miss; b again: 600010 misses, its entry having been
     * flushed by the switches (with PCIDs it hit), 600018 hits: 3 misses. */
    assert_int_equal(sum_misses(&r.stats.tlb[MMU_TLB_DTLB]), 3);
}

/* Page-size policies: 2m maps one 2 MiB page per region; mixed at 0% and 100% are 4k and 2m. */
static void page_policies(void **state)
{
    (void)state;
    struct study_options o;
    blocking_defaults(&o);
    const char *t = test_write_text("p.txt", "R 200000\nR 201000\nR 3ff000\nR 400000\n");
    struct study_result r = run(&o, &t, 1);
    assert_int_equal(r.pages_mapped[MMU_SIZE_4K], 4);
    set(&o, "pages=2m");
    r = run(&o, &t, 1);
    assert_int_equal(r.pages_mapped[MMU_SIZE_2M], 2);
    assert_int_equal(r.pages_mapped[MMU_SIZE_4K], 0);
    assert_int_equal(sum_hits(&r.stats.tlb[MMU_TLB_DTLB]), 2);
    set(&o, "pages=mixed");
    set(&o, "mixed_percent=0");
    assert_int_equal(run(&o, &t, 1).pages_mapped[MMU_SIZE_2M], 0);
    set(&o, "mixed_percent=100");
    assert_int_equal(run(&o, &t, 1).pages_mapped[MMU_SIZE_2M], 2);
    /* A page-size map: 2 MiB pages where a whole 2 MiB region lies in a 2m range. The range
     * 0x200000-0x3fffff covers region 1 (0x200000..0x3ff000); 0x400000 is outside: 4 KiB. */
    char path[300];
    snprintf(path, sizeof(path), "page_map=%s",
             test_write_text("map.txt", "# a comment\n200000-400000 2m\n400000-600000 4k\n"));
    set(&o, "pages=map");
    set(&o, path);
    struct study_result m = run(&o, &t, 1);
    assert_int_equal(m.pages_mapped[MMU_SIZE_2M], 1);
    assert_int_equal(m.pages_mapped[MMU_SIZE_4K], 1);
}

/* 1 GiB pages: pages=1g maps each 1 GiB region the trace touches with one page, the DTLB's
 * 1 GiB array then answers; a page map's 1g ranges (1 GiB aligned) take them where a whole
 * 1 GiB region lies in one; an MMU without them (pdpe1gb=off) refuses such a study. */
static void giant_pages(void **state)
{
    (void)state;
    struct study_options o;
    char err[600];
    blocking_defaults(&o);
    const char *t = test_write_text(
        "g.txt", "R 200000\nR 3ff000\nR 40200000\nW 40000000\nR 80000000\nR 200008\n");
    set(&o, "pages=1g");
    struct study_result r = run(&o, &t, 1);
    assert_int_equal(r.pages_mapped[MMU_SIZE_1G], 3);
    assert_int_equal(r.pages_mapped[MMU_SIZE_4K] + r.pages_mapped[MMU_SIZE_2M], 0);
    assert_int_equal(r.stats.walks, 4); /* the W to a clean entry walks again */
    assert_int_equal(r.stats.dirty_rewalks, 1);
    assert_int_equal(r.stats.tlb[MMU_TLB_DTLB].hits[MMU_ACC_READ][MMU_SIZE_1G], 2);
    char path[300];
    snprintf(path, sizeof(path), "page_map=%s",
             test_write_text("gmap.txt", "0-40000000 1g\n40000000-40400000 2m\n"));
    set(&o, "pages=map");
    set(&o, path);
    r = run(&o, &t, 1);
    assert_int_equal(r.pages_mapped[MMU_SIZE_1G], 1);
    assert_int_equal(r.pages_mapped[MMU_SIZE_2M], 2);
    assert_int_equal(r.pages_mapped[MMU_SIZE_4K], 1);
    struct study_result x;
    set(&o, "pdpe1gb=off");
    assert_int_equal(study_run(&o, &t, 1, &x, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "page_map asks for 1 GiB pages, which pdpe1gb=off leaves out"));
    set(&o, "pages=1g");
    set(&o, "page_map=");
    assert_int_equal(study_run(&o, &t, 1, &x, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "pages=1g asks for 1 GiB pages"));
    /* mixed: 1 GiB regions first by mixed_1g_percent (0 and 100 all or none of them), then the
     * other regions' 2 MiB ones by mixed_percent */
    set(&o, "pdpe1gb=on");
    set(&o, "pages=mixed");
    set(&o, "mixed_percent=100");
    set(&o, "mixed_1g_percent=100");
    r = run(&o, &t, 1);
    assert_int_equal(r.pages_mapped[MMU_SIZE_1G], 3);
    assert_int_equal(r.pages_mapped[MMU_SIZE_2M] + r.pages_mapped[MMU_SIZE_4K], 0);
    set(&o, "mixed_1g_percent=0");
    r = run(&o, &t, 1);
    assert_int_equal(r.pages_mapped[MMU_SIZE_1G], 0);
    assert_int_equal(r.pages_mapped[MMU_SIZE_2M], 4);
    /* some in between: each 1 GiB region whole, and the same choice with the same seed */
    set(&o, "mixed_1g_percent=50");
    char many[2000] = "", *w = many;
    for (unsigned g = 0; g < 40; g++)
        w += sprintf(w, "R %llx\nR %llx\n", (unsigned long long)g << 30,
                     (unsigned long long)(((uint64_t)g << 30) + 0x3ff000));
    const char *m40 = test_write_text("m40.txt", many);
    struct study_result a = run(&o, &m40, 1), b = run(&o, &m40, 1);
    assert_true(a.pages_mapped[MMU_SIZE_1G] > 5 && a.pages_mapped[MMU_SIZE_1G] < 35);
    assert_int_equal(a.pages_mapped[MMU_SIZE_1G] + a.pages_mapped[MMU_SIZE_2M],
                     80 - a.pages_mapped[MMU_SIZE_1G]); /* 2 MiB pages: 2 a region not 1 GiB */
    assert_int_equal(b.pages_mapped[MMU_SIZE_1G], a.pages_mapped[MMU_SIZE_1G]);
    set(&o, "pdpe1gb=off");
    assert_int_equal(study_run(&o, &m40, 1, &x, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "mixed_1g_percent asks for 1 GiB pages"));
    set(&o, "pdpe1gb=on");
    set(&o, "mixed_1g_percent=0");
    const char *bad = test_write_text("bad1g.txt", "0-20000000 1g\n");
    snprintf(path, sizeof(path), "page_map=%s", bad);
    set(&o, "pdpe1gb=on");
    set(&o, "pages=map");
    set(&o, path);
    assert_int_equal(study_run(&o, &t, 1, &x, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "1g range 0-20000000 is not 1 GiB aligned"));
}

/* The page-size map's file: every line checked, 4k lines too; overlaps between any two ranges,
 * and 2m ranges not 2 MiB aligned, are errors; /proc/PID/maps lines are taken as 4k ranges; a
 * page_map without pages=map is an error. */
static void page_maps(void **state)
{
    (void)state;
    struct study_options o;
    study_defaults(&o);
    char trace[300]; /* test_write_text's answer is overwritten by the next call */
    snprintf(trace, sizeof(trace), "%s",
             test_write_text("pm.txt", "R 200000\nR 201000\nR 400000\n"));
    const char *t = trace;
    static const struct {
        const char *content, *expect;
    } bad[] = {
        {"200000-400000 2m\n400000-zz 4k\n", "m1:2: expected"},
        {"200000-400000 2m\n600000-500000 4k\n", "m2:2: START 600000 is not below END 500000"},
        {"200000-400000 2m\n600000-700000 8k\n", "m3:2: the page size after the range is"},
        {"200000-400000 2m\n600000-700000 4k junk\n", "m4:2: unexpected text after"},
        {"1000-5000 4k\n2000-3000 4k\n",
         "m5: ranges 1000-5000 (line 1) and 2000-3000 (line 2) overlap"},
        {"200000-400000 2m\n3ff000-401000 4k\n", "m6: ranges 200000-400000 (line 1) and"},
        {"200000-3ff000 2m\n", "m7:1: 2m range 200000-3ff000 is not 2 MiB aligned"},
        {"201000-400000 2m\n", "m8:1: 2m range 201000-400000 is not 2 MiB aligned"},
        {"-200000-400000 2m\n", "m9:1: expected"},
    };
    set(&o, "pages=map");
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char name[8], kv[300], err[600];
        snprintf(name, sizeof(name), "m%zu", i + 1);
        snprintf(kv, sizeof(kv), "page_map=%s", test_write_text(name, bad[i].content));
        set(&o, kv);
        struct study_result r;
        assert_int_equal(study_run(&o, &t, 1, &r, err, sizeof(err)), -1);
        if (!strstr(err, bad[i].expect))
            fail_msg("%s: error \"%s\" lacks \"%s\"", name, err, bad[i].expect);
    }
    /* Real /proc/PID/maps lines: the range taken, the rest ignored, 4 KiB pages; a 2m line
     * among them gives its range 2 MiB pages. */
    char kv[300];
    snprintf(kv, sizeof(kv), "page_map=%s",
             test_write_text("maps",
                             "00200000-00400000 2m\n"
                             "00400000-00421000 r-xp 00000000 08:01 1234     /usr/bin/prog\n"
                             "7ffd1c000000-7ffd1c021000 rw-p 00000000 00:00 0  [stack]\n"
                             "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0  "
                             "[vsyscall]\n"));
    set(&o, kv);
    struct study_result r = run(&o, &t, 1);
    assert_int_equal(r.pages_mapped[MMU_SIZE_2M], 1);
    assert_int_equal(r.pages_mapped[MMU_SIZE_4K], 1);
    /* page_map without pages=map. */
    set(&o, "pages=4k");
    char err[600];
    assert_int_equal(study_run(&o, &t, 1, &r, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "is used only with pages=map (pages is 4k)"));
}

/* An independent model: one set-associative LRU TLB of 4 KiB pages, as a list per set. */
static uint64_t lru_misses(const uint64_t *pages, size_t n, unsigned sets, unsigned ways)
{
    uint64_t *tag = calloc((size_t)sets * ways, sizeof(*tag)); /* MRU first; 0 = empty */
    uint64_t misses = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t p = pages[i] + 1;
        uint64_t *set = &tag[(pages[i] % sets) * ways];
        unsigned w = 0;
        while (w < ways && set[w] != p)
            w++;
        if (w == ways) {
            misses++;
            w = ways - 1; /* the LRU way, or an empty one at the end */
        }
        memmove(&set[1], &set[0], w * sizeof(*set));
        set[0] = p;
    }
    free(tag);
    return misses;
}

/* The chase trace's loads and fetches through one 256-entry 4-way LRU TLB of 4 KiB pages (the
 * STLB, with the L1s off): the misses equal those of the independent model above. */
static void real_trace_against_independent_lru(void **state)
{
    (void)state;
    char path[512];
    struct trace_reader *tr = open_bundled("chase.lackey.gz", path, sizeof(path));
    size_t cap = 200000, n = 0;
    uint64_t *pages = malloc(cap * sizeof(*pages));
    char txt[300];
    snprintf(txt, sizeof(txt), "%s/reads.txt", test_dir);
    FILE *f = fopen(txt, "w");
    struct trace_record r;
    while (trace_next(tr, &r) == 1) {
        if (r.type == MMU_ACC_WRITE)
            continue; /* writes would add dirty re-walks, which a plain LRU does not have */
        pages[n++] = r.vaddr >> 12;
        fprintf(f, "%c %llx\n", r.type == MMU_ACC_FETCH ? 'X' : 'R', (unsigned long long)r.vaddr);
    }
    fclose(f);
    trace_close(tr);
    assert_true(n > 50000);

    struct study_options o;
    blocking_defaults(&o);
    set(&o, "itlb_4k.entries=0");
    set(&o, "itlb_2m.entries=0");
    set(&o, "dtlb_4k.entries=0");
    set(&o, "dtlb_2m.entries=0");
    set(&o, "stlb.entries=256");
    set(&o, "stlb.ways=4");
    const char *t = txt;
    struct study_result res = run(&o, &t, 1);
    uint64_t expect = lru_misses(pages, n, 64, 4);
    assert_int_equal(res.references, n);
    assert_int_equal(sum_misses(&res.stats.tlb[MMU_TLB_STLB]), expect);
    assert_int_equal(res.stats.walks, expect);
    assert_true(expect > 1000); /* the trace does miss */
    free(pages);
}

/* The single-level geometry TLB studies compare with Dinero IV (ITLB 128 entries 8-way, DTLB
 * 64 entries 4-way, LRU, no STLB), one request at a time, on the whole chase trace: the ITLB's
 * misses are an independent LRU's over the fetches, the DTLB's over the loads and stores plus
 * the dirty re-walks (a store to an entry with D clear walks again and refills the same way, as
 * a hit would touch it).  With requests in flight, the DTLB's misses less its merged ones stay
 * near that count, while its misses alone exceed it. */
static void single_level(struct study_options *o)
{
    static const char *const keys[] = {"itlb_4k.entries=128", "itlb_4k.ways=8", "itlb_4k.repl=lru",
                                       "dtlb_4k.entries=64",  "dtlb_4k.ways=4", "dtlb_4k.repl=lru",
                                       "stlb.entries=0",      "pages=4k"};
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        set(o, keys[i]);
}

static void l1s_against_independent_lru(void **state)
{
    (void)state;
    char path[512];
    struct trace_reader *tr = open_bundled("chase.lackey.gz", path, sizeof(path));
    size_t cap = 200000, ni = 0, nd = 0;
    uint64_t *ipages = malloc(cap * sizeof(*ipages)), *dpages = malloc(cap * sizeof(*dpages));
    struct trace_record r;
    while (trace_next(tr, &r) == 1) {
        assert_true(ni + 2 <= cap && nd + 2 <= cap);
        uint64_t *pages = r.type == MMU_ACC_FETCH ? ipages : dpages;
        size_t *n = r.type == MMU_ACC_FETCH ? &ni : &nd;
        pages[(*n)++] = r.vaddr >> 12;
        if ((r.vaddr & 0xfff) + r.size > 0x1000) /* a page crossing: both pages, in order */
            pages[(*n)++] = (r.vaddr >> 12) + 1;
    }
    trace_close(tr);

    struct study_options o;
    blocking_defaults(&o);
    single_level(&o);
    const char *t = path;
    struct study_result res = run(&o, &t, 1);
    uint64_t imiss = lru_misses(ipages, ni, 16, 8), dmiss = lru_misses(dpages, nd, 16, 4);
    const struct mmu_stats *s = &res.stats;
    assert_int_equal(sum_misses(&s->tlb[MMU_TLB_ITLB]), imiss);
    assert_int_equal(sum_misses(&s->tlb[MMU_TLB_DTLB]) - s->dirty_rewalks, dmiss);
    assert_int_equal(s->tlb[MMU_TLB_DTLB].merged, 0);
    assert_true(dmiss > 10000 && s->dirty_rewalks > 0);

    study_defaults(&o); /* requests in flight, the same arrays */
    single_level(&o);
    res = run(&o, &t, 1);
    uint64_t misses = sum_misses(&s->tlb[MMU_TLB_DTLB]), merged = s->tlb[MMU_TLB_DTLB].merged;
    print_message("in flight: DTLB misses %llu, merged %llu, LRU %llu\n",
                  (unsigned long long)misses, (unsigned long long)merged,
                  (unsigned long long)dmiss);
    assert_true(merged > 0 && misses > dmiss);
    assert_true(misses - merged - s->dirty_rewalks <= dmiss + dmiss / 100);
    assert_true(misses - merged - s->dirty_rewalks >= dmiss - dmiss / 100);
    free(ipages);
    free(dpages);
}

/* The same references as lackey, as text and as binary give identical statistics.  Text has no
 * size: a lackey access that crosses a page is written as a second line for the next page, which
 * must give the very translations the study makes for the crossing (so the statistics agree). */
static void lackey_and_text_agree(void **state)
{
    (void)state;
    char path[512], err[512], txt[300];
    struct trace_reader *tr = open_bundled("ls.lackey.gz", path, sizeof(path));
    snprintf(txt, sizeof(txt), "%s/ls.txt", test_dir);
    char bin[300];
    snprintf(bin, sizeof(bin), "%s/ls.bin.gz", test_dir);
    FILE *f = fopen(txt, "w");
    struct trace_writer *w = trace_writer_open(bin, err, sizeof(err));
    assert_non_null(w);
    struct trace_record r;
    uint64_t crossings = 0, crossing_fetches = 0;
    while (trace_next(tr, &r) == 1) {
        fprintf(f, "%c %llx\n", "RWX"[r.type], (unsigned long long)r.vaddr);
        if (trace_record_crosses_page(&r)) {
            fprintf(f, "%c %llx\n", "RWX"[r.type], (unsigned long long)(r.vaddr + r.size - 1));
            crossings++;
            crossing_fetches += r.type == MMU_ACC_FETCH;
        }
        assert_int_equal(trace_write(w, &r), 0);
    }
    fclose(f);
    assert_int_equal(trace_writer_close(w, err, sizeof(err)), 0);
    trace_close(tr);
    struct study_options o;
    study_defaults(&o);
    set(&o, "pages=mixed");
    const char *a = path, *b = txt;
    struct study_result ra = run(&o, &a, 1), rb = run(&o, &b, 1);
    assert_true(crossings > 0);
    assert_int_equal(ra.page_crossings, crossings);
    assert_int_equal(ra.references + crossings, rb.references);
    assert_int_equal(ra.instructions + crossing_fetches, rb.instructions);
    assert_int_equal(ra.instructions, 48388);
    assert_memory_equal(&ra.stats, &rb.stats, sizeof(ra.stats));
    assert_memory_equal(ra.pages_mapped, rb.pages_mapped, sizeof(ra.pages_mapped));
    const char *c = bin;
    struct study_result rc = run(&o, &c, 1);
    assert_int_equal(rc.references, ra.references);
    assert_int_equal(rc.page_crossings, ra.page_crossings);
    assert_int_equal(rc.instructions, ra.instructions);
    assert_memory_equal(&ra.stats, &rc.stats, sizeof(ra.stats));
}

/* Bad records: stop with the file and line, or, with skip_bad, count them and go on. */
static void bad_records(void **state)
{
    (void)state;
    struct study_options o;
    study_defaults(&o);
    const char *t = test_write_text("bad.txt", "R 1000\nR 10zz0\nW 2000\nQ 1\nR 3000\n");
    struct study_result r;
    char err[600];
    assert_int_equal(study_run(&o, &t, 1, &r, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "bad.txt:2: address is not a hexadecimal"));
    set(&o, "skip_bad=on");
    r = run(&o, &t, 1);
    assert_int_equal(r.references, 3);
    assert_int_equal(r.bad_records, 2);
    assert_non_null(strstr(r.first_bad, "bad.txt:2:"));
    /* A truncated stream is an error even with skip_bad: the rest of the trace is lost. */
    char text[8000];
    size_t n = 0;
    for (int i = 0; i < 500; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "R %x\n", i * 4096 + 17 * i);
    char gz[300];
    snprintf(gz, sizeof(gz), "%s/cut.txt.gz", test_dir);
    gzFile g = gzopen(gz, "wb");
    assert_non_null(g);
    assert_int_equal(gzwrite(g, text, (unsigned)n), (int)n);
    gzclose(g);
    assert_int_equal(truncate(gz, 300), 0);
    const char *c = gz;
    assert_int_equal(study_run(&o, &c, 1, &r, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "truncated gzip stream"));
}

/* A binary trace is translated where it lies (trace_next_packed): a word of type 3 anywhere
 * (the first word, the first of the second batch of 4096, one in the middle, the last) is
 * reported as the record it is; and a limit in the middle of a batch stops where the lackey
 * records of the same trace stop. */
static void binary_words(void **state)
{
    (void)state;
    char path[512], err[600];
    struct trace_reader *tr = open_bundled("ls.lackey.gz", path, sizeof(path));
    struct trace_writer *w = trace_writer_open(test_path("clean.bin"), err, sizeof(err));
    assert_non_null(w);
    struct trace_record r;
    size_t n = 0;
    while (n < 20000 && trace_next(tr, &r) == 1) {
        assert_int_equal(trace_write(w, &r), 0);
        n++;
    }
    assert_int_equal(trace_writer_close(w, err, sizeof(err)), 0);
    trace_close(tr);
    FILE *f = fopen(test_path("clean.bin"), "rb");
    assert_non_null(f);
    static unsigned char clean[8 + 8 * 20000], dirty[8 + 8 * 20001];
    assert_int_equal(fread(clean, 1, sizeof(clean), f), 8 + 8 * n);
    fclose(f);
    struct study_options o;
    study_defaults(&o);
    const size_t bad_at[] = {0, 4096, 9000, n};
    for (unsigned k = 0; k < 4; k++) {
        size_t at = 8 + 8 * bad_at[k];
        memcpy(dirty, clean, at);
        memcpy(dirty + at, "\x00\x10\x00\x00\x00\x00\x00\x60", 8); /* type 3 */
        memcpy(dirty + at + 8, clean + at, 8 * (n - bad_at[k]));
        const char *d = test_write("dirty.bin", dirty, 8 + 8 * (n + 1));
        struct study_result rd;
        assert_int_equal(study_run(&o, &d, 1, &rd, err, sizeof(err)), -1);
        char want[100];
        snprintf(want, sizeof(want), "dirty.bin: record %zu: bad record 0x6000000000001000",
                 bad_at[k] + 1);
        if (!strstr(err, want))
            fail_msg("%s: expected '%s'", err, want);
    }
    const char *c = test_path("clean.bin"), *l = path;
    set(&o, "limit=6001");
    struct study_result rc = run(&o, &c, 1), rl = run(&o, &l, 1);
    assert_int_equal(rc.references, 6001);
    assert_int_equal(rl.instructions, rc.instructions);
    assert_int_equal(rl.page_crossings, rc.page_crossings);
    assert_memory_equal(&rl.stats, &rc.stats, sizeof(rc.stats));
}

/* An access that crosses a 4 KiB boundary is translated on both pages and counted: with 4 KiB
 * pages the second translation misses (another page); with 2 MiB pages it hits the L1. */
static void page_crossing(void **state)
{
    (void)state;
    struct study_options o;
    blocking_defaults(&o);
    const char *t = test_write_text("cross.lackey", " L 0ffc,8\n L 1ff8,8\n L 3000,8\n");
    struct study_result r = run(&o, &t, 1);
    assert_int_equal(r.references, 3);
    assert_int_equal(r.page_crossings, 1);
    uint64_t hits, misses;
    mmu_tlb_totals(&r.stats, MMU_TLB_DTLB, &hits, &misses);
    assert_int_equal(hits + misses, 4);
    assert_int_equal(hits, 1); /* 0x1ff8 on the page 0x0ffc crossed into */
    assert_int_equal(r.pages_mapped[MMU_SIZE_4K], 3);
    set(&o, "pages=2m");
    r = run(&o, &t, 1);
    assert_int_equal(r.page_crossings, 1);
    mmu_tlb_totals(&r.stats, MMU_TLB_DTLB, &hits, &misses);
    assert_int_equal(hits + misses, 4);
    assert_int_equal(hits, 3);
}

/* Keys: ranges, names, JSON files with the file, key and reason in errors, and the dump. */
/* Requests in flight (the default, skylake: 2 walkers, 8 miss-queue entries): a second miss
 * to a page being walked merges with its walk; with a window of one it waits and hits.  Two
 * fetches never overlap (instructions in order): the same cycles as one at a time.  Two reads
 * of different pages overlap: fewer cycles. */
static void requests_in_flight(void **state)
{
    (void)state;
    struct study_options o, b;
    study_defaults(&o);
    blocking_defaults(&b);
    const char *same = test_write_text("same.txt", "R 1000\nR 1008\n");
    struct study_result r = run(&o, &same, 1);
    assert_int_equal(r.stats.merged_misses, 1);
    assert_int_equal(r.stats.walks, 1);
    assert_int_equal(sum_hits(&r.stats.tlb[MMU_TLB_DTLB]), 0);
    /* Both are DTLB misses, one of them merged; the STLB counts one miss, the walk-causing
     * one, and one merged miss that waited for that walk. */
    assert_int_equal(sum_misses(&r.stats.tlb[MMU_TLB_DTLB]), 2);
    assert_int_equal(r.stats.tlb[MMU_TLB_DTLB].merged, 1);
    assert_int_equal(sum_misses(&r.stats.tlb[MMU_TLB_STLB]), 1);
    assert_int_equal(r.stats.tlb[MMU_TLB_STLB].merged, 1);
    assert_int_equal(r.stats.tlb[MMU_TLB_ITLB].merged, 0);
    set(&o, "window=1");
    r = run(&o, &same, 1);
    assert_int_equal(r.stats.merged_misses, 0);
    assert_int_equal(sum_hits(&r.stats.tlb[MMU_TLB_DTLB]), 1);
    set(&o, "window=32");

    const char *fetches = test_write_text("fetches.txt", "X 1000\nX 200000\nX 400000\n");
    struct study_result ro = run(&o, &fetches, 1), rb = run(&b, &fetches, 1);
    assert_int_equal(ro.stats.walks, 3);
    assert_int_equal(ro.stats.last_cycle, rb.stats.last_cycle);
    assert_int_equal(ro.stats.walks_peak, 1);

    const char *reads = test_write_text("reads.txt", "R 1000\nR 200000\nR 400000\n");
    ro = run(&o, &reads, 1);
    rb = run(&b, &reads, 1);
    assert_int_equal(ro.stats.walks, 3);
    assert_int_equal(ro.stats.walks_peak, 2);
    assert_true(ro.stats.last_cycle < rb.stats.last_cycle);
    assert_int_equal(ro.walkers, 2);
    /* Stall cycles: every cycle beyond one per translation, in the figures too. */
    char *json = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&json, &len);
    assert_non_null(f);
    study_report_json(&o, &ro, f);
    fclose(f);
    char want[80];
    snprintf(want, sizeof want, "\"translation_stall_cycles\": %llu",
             (unsigned long long)(ro.stats.last_cycle - 3));
    assert_non_null(strstr(json, want));
    assert_non_null(strstr(json, "\"walks_peak\": 2"));
    free(json);
    /* The STLB's MPKI is the walk-causing misses': the fetch's and the first read's, 1000 in
     * two instructions, not 1500 with the merged read. */
    const char *two = test_write_text("two.txt", "X 400000\nR 1000\nX 400004\nR 1008\n");
    r = run(&o, &two, 1);
    f = open_memstream(&json, &len);
    assert_non_null(f);
    study_report_json(&o, &r, f);
    fclose(f);
    assert_non_null(strstr(json, "\"dtlb\": {\"lookups\": 2, \"hits\": 0, \"misses\": 2, "
                                 "\"merged\": 1, \"hit_rate\": 0.000000, \"mpki\": 1000.000000"));
    assert_non_null(strstr(json, "\"stlb\": {\"lookups\": 2, \"hits\": 0, \"misses\": 2, "
                                 "\"merged\": 1, \"hit_rate\": 0.000000, \"mpki\": 1000.000000"));
    free(json);
}

/* The champsim preset has hardware behind it: rtl/configs.txt's champsim entry (the co-simulated
 * configuration cosim_champsim) is the preset's MMU, array by array, in 4-level paging: the
 * preset walks five levels, as ChampSim does, and mmu_top four (it has no la57). */
static void champsim_preset_is_an_rtl_config(void **state)
{
    (void)state;
    char err[300];
    struct study_options o;
    study_defaults(&o);
    assert_int_equal(study_preset(&o, "champsim", err, sizeof(err)), 0);
    FILE *f = fopen(MMUSIM_SOURCE_DIR "/rtl/configs.txt", "r");
    assert_non_null(f);
    char line[2048];
    bool found = false;
    while (!found && fgets(line, sizeof line, f)) {
        char name[64], uses[64];
        int n = 0;
        if (line[0] == '#' || sscanf(line, "%63s %63s %n", name, uses, &n) < 2 ||
            strcmp(name, "champsim") != 0)
            continue;
        struct mmu_config rtl;
        if (mmu_config_from_rtl_params(&rtl, line + n, err, sizeof err))
            fail_msg("rtl/configs.txt: champsim: %s", err);
        const struct mmu_array_config *a[] = {&rtl.itlb_4k, &rtl.itlb_2m, &rtl.dtlb_4k,
                                              &rtl.dtlb_2m, &rtl.stlb,    &rtl.psc[0],
                                              &rtl.psc[1],  &rtl.psc[2]};
        const struct mmu_array_config *b[] = {&o.cfg.itlb_4k, &o.cfg.itlb_2m, &o.cfg.dtlb_4k,
                                              &o.cfg.dtlb_2m, &o.cfg.stlb,    &o.cfg.psc[0],
                                              &o.cfg.psc[1],  &o.cfg.psc[2]};
        for (size_t i = 0; i < sizeof a / sizeof a[0]; i++) {
            assert_int_equal(a[i]->entries, b[i]->entries);
            if (a[i]->entries) {
                assert_int_equal(a[i]->ways, b[i]->ways);
                assert_int_equal(a[i]->repl, b[i]->repl);
            }
        }
        assert_int_equal(rtl.walkers, o.cfg.walkers);
        assert_int_equal(rtl.miss_entries, o.cfg.miss_entries);
        assert_int_equal(rtl.hit_under_miss, o.cfg.hit_under_miss);
        assert_int_equal(rtl.stlb_latency, o.cfg.stlb_latency);
        assert_true(o.cfg.la57);
        assert_false(rtl.la57);
        found = true;
    }
    fclose(f);
    assert_true(found);
}

/* 5-level paging in a study, one request at a time, on the chase: the same lookups, misses and
 * walks as 4-level paging (the TLBs do not see the paging mode), and every walk that missed the
 * PML5E cache reads one entry more.  With requests in flight the misses still agree. */
static void five_level_paging(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/tb/traces/chase.lackey.gz", MMUSIM_SOURCE_DIR);
    const char *t = path;
    for (int inflight = 0; inflight <= 1; inflight++) {
        struct study_options o;
        if (inflight)
            study_defaults(&o);
        else
            blocking_defaults(&o);
        struct study_result four = run(&o, &t, 1);
        set(&o, "la57=on");
        struct study_result five = run(&o, &t, 1);
        const struct mmu_stats *a = &four.stats, *b = &five.stats;
        assert_int_equal(a->psc_hits[MMU_PSC_PML5E] + a->psc_misses[MMU_PSC_PML5E], 0);
        assert_int_equal(b->psc_hits[MMU_PSC_PML5E] + b->psc_misses[MMU_PSC_PML5E], b->walks);
        assert_true(b->walk_start_level[5] > 0);
        if (inflight) {
            assert_int_equal(sum_misses(&a->tlb[MMU_TLB_ITLB]), sum_misses(&b->tlb[MMU_TLB_ITLB]));
            assert_true(b->total_latency > a->total_latency);
            continue;
        }
        for (unsigned x = 0; x < MMU_TLB_COUNT; x++) {
            assert_int_equal(sum_hits(&a->tlb[x]), sum_hits(&b->tlb[x]));
            assert_int_equal(sum_misses(&a->tlb[x]), sum_misses(&b->tlb[x]));
        }
        assert_int_equal(a->walks, b->walks);
        assert_int_equal(b->walk_reads, a->walk_reads + b->walk_start_level[5]);
        assert_int_equal(b->walk_start_level[5], b->psc_misses[MMU_PSC_PML5E]);
        /* One PML5E for a trace of 48-bit addresses: its A bit written once. */
        assert_int_equal(b->walk_writes, a->walk_writes + 1);
        assert_true(b->total_latency > a->total_latency);
    }
}

static void keys_and_json(void **state)
{
    (void)state;
    struct study_options o;
    char err[600];
    study_defaults(&o);
    assert_int_equal(study_set_kv(&o, "stlb.ways=0", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "stlb.ways: '0' is not a whole number from 1 to 1024"));
    assert_int_equal(study_set_kv(&o, "pages=huge", err, sizeof(err)), -1);
    assert_int_equal(study_set_kv(&o, "no_such_key=1", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "unknown key 'no_such_key'"));
    assert_int_equal(study_set_kv(&o, "stlb.repl=plru", err, sizeof(err)), 0);
    assert_int_equal(o.cfg.stlb.repl, MMU_REPL_PLRU);
    assert_int_equal(study_set_kv(&o, "psc_pde.entries=8", err, sizeof(err)), 0);
    assert_int_equal(o.cfg.psc[MMU_PSC_PDE].ways, 8); /* fully associative: ways follow */
    /* Ways of its own, given after the entries or before, make it set-associative and stay. */
    assert_int_equal(study_set_kv(&o, "psc_pde.ways=4", err, sizeof(err)), 0);
    assert_int_equal(o.cfg.psc[MMU_PSC_PDE].entries, 8);
    assert_int_equal(study_set_kv(&o, "psc_pde.entries=16", err, sizeof(err)), 0);
    assert_int_equal(o.cfg.psc[MMU_PSC_PDE].ways, 4);
    assert_int_equal(study_set_kv(&o, "psc_pdpte.ways=2", err, sizeof(err)), 0);
    assert_int_equal(study_set_kv(&o, "psc_pdpte.entries=8", err, sizeof(err)), 0);
    assert_int_equal(o.cfg.psc[MMU_PSC_PDPTE].ways, 2);
    /* The champsim preset's page-walk caches: ChampSim 2024-12's PSCL5 1 x 2, PSCL4 1 x 4,
     * PSCL3 2 x 4, PSCL2 4 x 8, with its five levels. */
    assert_int_equal(study_preset(&o, "champsim", err, sizeof(err)), 0);
    assert_true(o.cfg.la57);
    assert_int_equal(o.cfg.psc[MMU_PSC_PML5E].entries, 2);
    assert_int_equal(o.cfg.psc[MMU_PSC_PML5E].ways, 2);
    assert_int_equal(o.cfg.psc[MMU_PSC_PML4E].entries, 4);
    assert_int_equal(o.cfg.psc[MMU_PSC_PML4E].ways, 4);
    assert_int_equal(o.cfg.psc[MMU_PSC_PDPTE].entries / o.cfg.psc[MMU_PSC_PDPTE].ways, 2);
    assert_int_equal(o.cfg.psc[MMU_PSC_PDPTE].ways, 4);
    assert_int_equal(o.cfg.psc[MMU_PSC_PDE].entries / o.cfg.psc[MMU_PSC_PDE].ways, 4);
    assert_int_equal(o.cfg.psc[MMU_PSC_PDE].ways, 8);

    const char *good =
        test_write_text("c.json", "{\"preset\": \"champsim\", \"stlb\": "
                                  "{\"entries\": 1024, \"ways\": 8}, \"pcid\": false}");
    study_defaults(&o);
    assert_int_equal(study_load_json(&o, good, err, sizeof(err)), 0);
    assert_int_equal(o.cfg.stlb.entries, 1024);
    assert_int_equal(o.cfg.dtlb_4k.entries, 64); /* from the preset */
    assert_false(o.pcid);
    const char *bad = test_write_text("d.json", "{\"dtlb_4k\": {\"ways\": \"four\"}}");
    assert_int_equal(study_load_json(&o, bad, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "d.json: dtlb_4k.ways: 'four' is not a whole number"));
    const char *broken = test_write_text("e.json", "{\"stlb\": {\"entries\": 12,}}");
    assert_int_equal(study_load_json(&o, broken, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "e.json:1:"));

    /* The dump reads back to the same options. */
    char dump[300];
    snprintf(dump, sizeof(dump), "%s/dump.json", test_dir);
    FILE *f = fopen(dump, "w");
    study_dump_json(&o, f);
    fclose(f);
    struct study_options back;
    study_defaults(&back);
    assert_int_equal(study_load_json(&back, dump, err, sizeof(err)), 0);
    assert_memory_equal(&back.cfg, &o.cfg, sizeof(o.cfg));
    assert_int_equal(back.pcid, o.pcid);
    assert_int_equal(back.quantum, o.quantum);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hand_worked_lru),
        cmocka_unit_test(instructions_and_processes),
        cmocka_unit_test(page_policies),
        cmocka_unit_test(real_trace_against_independent_lru),
        cmocka_unit_test(l1s_against_independent_lru),
        cmocka_unit_test(lackey_and_text_agree),
        cmocka_unit_test(bad_records),
        cmocka_unit_test(page_crossing),
        cmocka_unit_test(binary_words),
        cmocka_unit_test(page_maps),
        cmocka_unit_test(requests_in_flight),
        cmocka_unit_test(keys_and_json),
        cmocka_unit_test(champsim_preset_is_an_rtl_config),
        cmocka_unit_test(five_level_paging),
        cmocka_unit_test(giant_pages),
    };
    return cmocka_run_group_tests(tests, test_dir_setup, test_dir_teardown);
}
