/*
 * Several requests in flight (docs/ARCHITECTURE.md section 16), cycle by
 * cycle, with hand-worked cycles for each rule, and the configuration
 * `blocking` against the MMU of section 8 on a random stream.
 *
 * The defaults throughout: stlb_latency 9, a 20-cycle memory, A/D set, so a
 * 4-read walk of a request accepted at t starts at t + 9, presents its
 * reads at t + 10 + 21 k and answers at t + 94.
 */
#include "mmu_internal.h" /* inflight.slow_hits */
#include "test_util.h"

static struct mmu_config nonblocking(unsigned walkers, unsigned entries)
{
    struct mmu_config c;
    mmu_config_blocking(&c); /* the default's arrays, IDs of 4 bits */
    c.walkers = walkers;
    c.miss_entries = entries;
    c.hit_under_miss = true;
    return c;
}

/* A page with A set down to it (and D at the leaf), in a PML4 slot of its own, so that walks of
 * different slots share no paging-structure-cache entry. */
static void map_walked(struct fixture *f, uint64_t va, uint64_t pa, unsigned shift, uint64_t flags)
{
    map(f, va, pa, shift, flags | PTE_A | PTE_D);
    for (unsigned level = 4; level > (shift == PAGE_SHIFT_4K ? 1u : 2u); level--)
        set_entry(f, va, level, entry_of(f, va, level) | PTE_A);
}

#define X 0x0000001000ull  /* PML4 slot 0 */
#define Y 0x8000002000ull  /* PML4 slot 1 */
#define Z 0x10000003000ull /* PML4 slot 2 */
#define W 0x18000004000ull /* PML4 slot 3 */

static struct fixture *four_pages(const struct mmu_config *cfg)
{
    struct fixture *f = fixture_new(cfg);
    map_walked(f, X, 0x10000, PAGE_SHIFT_4K, PTE_RW);
    map_walked(f, Y, 0x20000, PAGE_SHIFT_4K, PTE_RW);
    map_walked(f, Z, 0x30000, PAGE_SHIFT_4K, PTE_RW);
    map_walked(f, W, 0x40000, PAGE_SHIFT_4K, PTE_RW);
    return f;
}

static uint64_t issue(struct fixture *f, unsigned id, uint64_t va, enum mmu_access type,
                      uint64_t cycle)
{
    struct mmu_request req = {.vaddr = va, .type = type, .cycle = cycle, .id = id};
    uint64_t accept;
    if (mmu_issue(f->m, &req, &accept))
        fail_msg("mmu_issue: %s", mmu_error(f->m));
    return accept;
}

/* Runs to cycle `until` and takes every response; returns how many, in order. */
static unsigned drain(struct fixture *f, uint64_t until, struct mmu_response *out, unsigned max)
{
    if (mmu_advance(f->m, until))
        fail_msg("mmu_advance: %s", mmu_error(f->m));
    unsigned n = 0;
    struct mmu_response r;
    while (mmu_poll(f->m, &r)) {
        assert_true(n < max);
        out[n++] = r;
    }
    assert_int_equal(mmu_outstanding(f->m), 0);
    return n;
}

/* Before cycle 100: one walk of va that fills its TLBs (and only its PML4 slot's caches). */
static void warm(struct fixture *f, uint64_t va, enum mmu_access type)
{
    struct mmu_response r[2];
    issue(f, 9, va, type, 0);
    assert_int_equal(drain(f, 99, r, 2), 1);
}

static void expect_resp(const struct mmu_response *r, unsigned id, uint64_t accept, uint64_t resp,
                        enum mmu_source src)
{
    if (r->id != id || r->accept_cycle != accept || r->resp_cycle != resp || r->source != src)
        fail_msg("response: id %u accepted %llu answered %llu source %d; expected id %u "
                 "accepted %llu answered %llu source %d",
                 r->id, (unsigned long long)r->accept_cycle, (unsigned long long)r->resp_cycle,
                 (int)r->source, id, (unsigned long long)accept, (unsigned long long)resp,
                 (int)src);
    assert_int_equal(r->fault, MMU_FAULT_NONE);
}

/* 16.11, two overlapping walks: B's STLB probe waits a cycle for the read port (A's 2 MiB read
 * is at 102), so B walks from 111: A's reads are accepted at 110, 131, 152, 173 and B's at 112,
 * 133, 154, 175; A answers at 194, B at 196. */
static void two_walks_overlap(void **state)
{
    (void)state;
    struct mmu_config c = nonblocking(2, 8);
    struct fixture *f = four_pages(&c);
    assert_int_equal(issue(f, 1, X, MMU_ACC_READ, 100), 100);
    assert_int_equal(issue(f, 2, Y, MMU_ACC_READ, 101), 101);
    struct mmu_response r[4];
    assert_int_equal(drain(f, 1000, r, 4), 2);
    expect_resp(&r[0], 1, 100, 194, MMU_SRC_WALK);
    expect_resp(&r[1], 2, 101, 196, MMU_SRC_WALK);
    assert_int_equal(r[0].paddr, 0x10000);
    assert_int_equal(r[1].paddr, 0x20000);
    assert_int_equal(f->nlog, 8);
    for (unsigned i = 0; i < 8; i++) {
        uint64_t want = (i % 2 ? 112 : 110) + 21 * (i / 2);
        if (f->log[i].accept != want)
            fail_msg("access %u accepted at %llu, expected %llu", i,
                     (unsigned long long)f->log[i].accept, (unsigned long long)want);
    }
    const struct mmu_stats *s = mmu_stats(f->m);
    assert_int_equal(s->walks, 2);
    assert_int_equal(s->walks_peak, 2);
    assert_int_equal(s->walker_busy_cycles[0], 194 - 109 + 1);
    assert_int_equal(s->walker_busy_cycles[1], 196 - 111 + 1);
    assert_int_equal(s->walk_cycles, (194 - 109) + (196 - 111));
    assert_int_equal(s->latency_hist[6], 2); /* 94 in [64, 128) */
    fixture_free(f);
}

/* 16.5, memory arbitration: B accepted at 121 starts its walk at 130 and presents its first
 * read at 131, when walker 0 presents A's second read: the tie goes to the lower walker, so B's
 * reads are accepted at 132, 153, 174, 195 and it answers at 216. */
static void port_tie_to_lower_walker(void **state)
{
    (void)state;
    struct mmu_config c = nonblocking(2, 8);
    struct fixture *f = four_pages(&c);
    issue(f, 1, X, MMU_ACC_READ, 100);
    issue(f, 2, Y, MMU_ACC_READ, 121);
    struct mmu_response r[4];
    assert_int_equal(drain(f, 1000, r, 4), 2);
    expect_resp(&r[0], 1, 100, 194, MMU_SRC_WALK);
    expect_resp(&r[1], 2, 121, 216, MMU_SRC_WALK);
    /* At 131 A's PDPTE read, at 132 B's PML4E read (the entry after A's PML4E). */
    assert_int_equal(f->log[1].accept, 131);
    assert_int_equal(f->log[2].accept, 132);
    assert_int_equal(f->log[2].paddr, f->log[0].paddr + 8);
    fixture_free(f);
}

/* 16.3, the STLB's one read port: a probe reads the 4 KiB set, then the 2 MiB set.  Two STLB
 * hits of different pages accepted in consecutive cycles: the second's 4 KiB read waits for the
 * first's 2 MiB read (102), so they answer at t + 9 and t + 10 + 1.  A third, to the first's
 * page, merges at its L1 miss (104) and answers from the first's result without a probe.  The
 * latency histogram's bucket k counts latencies in [2^k, 2^(k+1)). */
static void stlb_one_read_port(void **state)
{
    (void)state;
    struct mmu_config c = nonblocking(2, 8);
    struct fixture *f = four_pages(&c);
    struct mmu_response r[4];
    issue(f, 8, W, MMU_ACC_FETCH, 0); /* W and Z in the STLB, not in the DTLB */
    issue(f, 9, Z, MMU_ACC_FETCH, 1);
    assert_int_equal(drain(f, 99, r, 4), 2);
    mmu_stats_reset(f->m);
    issue(f, 1, W, MMU_ACC_READ, 100);
    issue(f, 2, Z, MMU_ACC_READ, 101);
    issue(f, 3, W + 8, MMU_ACC_WRITE, 103);
    assert_int_equal(drain(f, 1000, r, 4), 3);
    expect_resp(&r[0], 1, 100, 109, MMU_SRC_STLB);
    expect_resp(&r[1], 3, 103, 110, MMU_SRC_STLB); /* W ready at 109, its secondary at 110 */
    expect_resp(&r[2], 2, 101, 111, MMU_SRC_STLB);
    const struct mmu_stats *s = mmu_stats(f->m);
    uint64_t hits, misses;
    mmu_tlb_totals(s, MMU_TLB_STLB, &hits, &misses);
    assert_int_equal(hits, 2); /* two probes: the secondary made none */
    assert_int_equal(misses, 0);
    assert_int_equal(s->merged_misses, 1);
    assert_int_equal(s->merged_into[MMU_MERGE_PROBING], 1); /* W's probe under way at 104 */
    assert_int_equal(s->latency_hist[3], 2);                /* 9 and 10 in [8, 16) */
    assert_int_equal(s->latency_hist[2], 1);                /* 7 in [4, 8) */
    fixture_free(f);
}

/* 16.5, walkers share the paging-structure caches: A's PML4E (read 110 .. 130) is cached at the
 * end of 131, when the memory accepts A's PDPTE read.  A walk of the same PML4 slot starting at
 * 131 (accepted at 122) misses it and reads 4 entries; one starting at 132 hits it and reads 3. */
static void psc_fill_at_next_read(void **state)
{
    (void)state;
    for (unsigned late = 0; late < 2; late++) {
        struct mmu_config c = nonblocking(2, 8);
        struct fixture *f = four_pages(&c);
        uint64_t b = 0x40000000ull; /* PML4 slot 0, as X; another PDPTE */
        map_walked(f, b, 0x50000, PAGE_SHIFT_4K, PTE_RW);
        issue(f, 1, X, MMU_ACC_READ, 100);
        issue(f, 2, b, MMU_ACC_READ, 122 + late);
        struct mmu_response r[4];
        assert_int_equal(drain(f, 1000, r, 4), 2);
        const struct mmu_stats *s = mmu_stats(f->m);
        assert_int_equal(s->psc_hits[MMU_PSC_PML4E], late);
        assert_int_equal(s->walk_reads, 4 + 4 - late);
        fixture_free(f);
    }
}

/* With one walker the second walk waits for the first: it starts the cycle after the first
 * completes (194 + 1), its reads from 196. */
static void one_walker_serialises(void **state)
{
    (void)state;
    struct mmu_config c = nonblocking(1, 8);
    struct fixture *f = four_pages(&c);
    issue(f, 1, X, MMU_ACC_READ, 100);
    issue(f, 2, Y, MMU_ACC_READ, 101);
    struct mmu_response r[4];
    assert_int_equal(drain(f, 1000, r, 4), 2);
    expect_resp(&r[0], 1, 100, 194, MMU_SRC_WALK);
    expect_resp(&r[1], 2, 101, 195 + 1 + 4 * 21, MMU_SRC_WALK);
    fixture_free(f);
}

/* 16.11, merged miss: C (X + 8) accepted at 102 merges at its L1 miss (103) with A, whose
 * STLB probe is under way; it is ready the cycle after A's walk completes and answers at 195.
 * One STLB lookup, one walk, one merged miss; walk_cycles counts the walk, not the secondary. */
static void merged_miss(void **state)
{
    (void)state;
    struct mmu_config c = nonblocking(2, 8);
    struct fixture *f = four_pages(&c);
    issue(f, 1, X, MMU_ACC_READ, 100);
    issue(f, 3, X + 8, MMU_ACC_READ, 102);
    struct mmu_response r[4];
    assert_int_equal(drain(f, 1000, r, 4), 2);
    expect_resp(&r[0], 1, 100, 194, MMU_SRC_WALK);
    expect_resp(&r[1], 3, 102, 195, MMU_SRC_WALK);
    assert_int_equal(r[1].paddr, 0x10008);
    const struct mmu_stats *s = mmu_stats(f->m);
    assert_int_equal(s->walks, 1);
    assert_int_equal(s->merged_misses, 1);
    assert_int_equal(s->merged_into[MMU_MERGE_PROBING], 1);
    assert_int_equal(s->secondaries_failed, 0);
    assert_int_equal(s->walk_reads, 4);
    assert_int_equal(s->walk_cycles, 194 - 109);
    uint64_t hits, misses;
    mmu_tlb_totals(s, MMU_TLB_STLB, &hits, &misses);
    assert_int_equal(hits + misses, 1);
    mmu_tlb_totals(s, MMU_TLB_DTLB, &hits, &misses);
    assert_int_equal(misses, 2);
    /* The secondary filled the DTLB (it holds X), the primary the STLB. */
    assert_true(mmu_tlb_holds(f->m, MMU_TLB_DTLB, X, 1));
    assert_true(mmu_tlb_holds(f->m, MMU_TLB_STLB, X, 1));
    fixture_free(f);
}

/* A write merged with a read's walk: the leaf has D = 0 (A's PTE without D), so the write
 * cannot use it; it becomes a waiting primary at 194 + 1 and walks itself from there, setting
 * D (a PDE-cache hit by then: 1 read, 1 write). */
static void merged_write_walks_again(void **state)
{
    (void)state;
    struct mmu_config c = nonblocking(2, 8);
    struct fixture *f = four_pages(&c);
    set_entry(f, X, 1, entry_of(f, X, 1) & ~PTE_D);
    issue(f, 1, X, MMU_ACC_READ, 100);
    issue(f, 3, X + 8, MMU_ACC_WRITE, 102);
    struct mmu_response r[4];
    assert_int_equal(drain(f, 1000, r, 4), 2);
    expect_resp(&r[0], 1, 100, 194, MMU_SRC_WALK);
    /* Walk start 195 (PDE cache hit), read presented 196 (answer 216), D write 217 (answer 237),
     * response 238. */
    expect_resp(&r[1], 3, 102, 238, MMU_SRC_WALK);
    assert_true(entry_of(f, X, 1) & PTE_D);
    const struct mmu_stats *s = mmu_stats(f->m);
    assert_int_equal(s->merged_misses, 1);
    assert_int_equal(s->walks, 2);
    assert_int_equal(s->secondaries_failed, 1);
    fixture_free(f);
}

/* The state of the primary a miss merges into (16.4), counted by kind.  With one walker: X
 * walks from 109; Y (accepted 101) misses the STLB and waits for the walker; Z and W (accepted
 * 102 and 103) wait for the STLB's read port behind X's and Y's probes.  A miss to each page
 * then merges: to W in probe wait (L1 miss 105), to X walking, to Y waiting.  Every primary's
 * result serves its secondary: none failed. */
static void merges_by_primary_state(void **state)
{
    (void)state;
    struct mmu_config c = nonblocking(1, 8);
    struct fixture *f = four_pages(&c);
    issue(f, 1, X, MMU_ACC_READ, 100);
    issue(f, 2, Y, MMU_ACC_READ, 101);
    issue(f, 3, Z, MMU_ACC_READ, 102);
    issue(f, 4, W, MMU_ACC_READ, 103);
    issue(f, 5, W + 8, MMU_ACC_READ, 104);
    issue(f, 6, X + 8, MMU_ACC_READ, 150);
    issue(f, 7, Y + 8, MMU_ACC_READ, 151);
    struct mmu_response r[8];
    assert_int_equal(drain(f, 2000, r, 8), 7);
    const struct mmu_stats *s = mmu_stats(f->m);
    assert_int_equal(s->merged_misses, 3);
    assert_int_equal(s->merged_into[MMU_MERGE_PROBE_WAIT], 1);
    assert_int_equal(s->merged_into[MMU_MERGE_PROBING], 0);
    assert_int_equal(s->merged_into[MMU_MERGE_WAITING], 1);
    assert_int_equal(s->merged_into[MMU_MERGE_WALKING], 1);
    assert_int_equal(s->secondaries_failed, 0);
    fixture_free(f);
}

/* 16.11, hit under miss: D, an L1 hit accepted at 103, answers at 104 while A walks. */
static void hit_under_miss(void **state)
{
    (void)state;
    struct mmu_config c = nonblocking(2, 8);
    struct fixture *f = four_pages(&c);
    warm(f, Z, MMU_ACC_READ); /* Z into the DTLB; its caches are slot 2's */
    struct mmu_response r[4];
    issue(f, 1, X, MMU_ACC_READ, 100);
    assert_int_equal(issue(f, 4, Z + 16, MMU_ACC_READ, 103), 103);
    assert_int_equal(drain(f, 1000, r, 4), 2);
    expect_resp(&r[0], 4, 103, 104, MMU_SRC_L1);
    expect_resp(&r[1], 1, 100, 194, MMU_SRC_WALK);
    fixture_free(f);
}

/* 16.11, back-pressure with miss_entries = 2: A and B miss (entries taken at their L1 misses,
 * 101 and 102); E, presented at 102 when free = 1 = pipe (B's miss), is accepted at 195, after
 * A's entry is freed at the end of 194.  The queue is full (ready low) in cycles 102 .. 194. */
static void back_pressure(void **state)
{
    (void)state;
    struct mmu_config c = nonblocking(2, 2);
    struct fixture *f = four_pages(&c);
    issue(f, 1, X, MMU_ACC_READ, 100);
    issue(f, 2, Y, MMU_ACC_READ, 101);
    assert_int_equal(issue(f, 5, Z, MMU_ACC_READ, 102), 195);
    assert_int_equal(mmu_stats(f->m)->miss_queue_full_cycles, 194 - 102 + 1);
    struct mmu_response r[4];
    assert_int_equal(drain(f, 1000, r, 4), 3);
    expect_resp(&r[0], 1, 100, 194, MMU_SRC_WALK);
    expect_resp(&r[1], 2, 101, 196, MMU_SRC_WALK);
    expect_resp(&r[2], 5, 195, 195 + 94, MMU_SRC_WALK);
    assert_int_equal(r[2].paddr, 0x30000);
    fixture_free(f);
}

/* mmu_try_issue on the cycles of back_pressure: E, presented at 102, is refused until 195; in
 * 195 it is taken, and another request presented then waits for 196. */
static void try_issue_back_pressure(void **state)
{
    (void)state;
    struct mmu_config c = nonblocking(2, 2);
    struct fixture *f = four_pages(&c);
    issue(f, 1, X, MMU_ACC_READ, 100);
    issue(f, 2, Y, MMU_ACC_READ, 101);
    struct mmu_request e = {.vaddr = Z, .type = MMU_ACC_READ, .cycle = 102, .id = 5};
    uint64_t t = e.cycle, retry = 0, tries = 0;
    int rc;
    while ((rc = mmu_try_issue(f->m, &e, t, &retry)) == 1) {
        assert_true(retry > t && retry <= 195);
        t = retry;
        tries++;
    }
    assert_int_equal(rc, 0);
    assert_int_equal(t, 195);
    assert_true(tries >= 1 && tries < 20); /* from event to event, not a cycle at a time */
    struct mmu_request g = {.vaddr = W, .type = MMU_ACC_READ, .cycle = 195, .id = 6};
    assert_int_equal(mmu_try_issue(f->m, &g, 195, &retry), 1);
    assert_int_equal(retry, 196);
    assert_int_equal(mmu_outstanding(f->m), 2); /* B and E: A has answered, G was not taken */
    struct mmu_response r[4];
    assert_int_equal(drain(f, 1000, r, 4), 3);
    expect_resp(&r[2], 5, 195, 195 + 94, MMU_SRC_WALK);
    assert_int_equal(mmu_stats(f->m)->total_wait, 195 - 102); /* from its presentation */
    fixture_free(f);
}

/* 16.2, the pipe counts what the L1 did not answer: with one entry and hit under miss, hits go
 * back to back, but a miss (X, accepted at 102) holds ready low from 103, when its L1 lookup has
 * missed, until its entry is freed at the end of its answer (196): a hit presented at 103 is
 * accepted at 197, the next at 198. */
static void one_entry(void **state)
{
    (void)state;
    struct mmu_config c = nonblocking(1, 1);
    struct fixture *f = four_pages(&c);
    warm(f, Z, MMU_ACC_READ);
    struct mmu_response r[8];
    mmu_stats_reset(f->m); /* the first walk held ready low too */
    assert_int_equal(issue(f, 1, Z + 8, MMU_ACC_READ, 100), 100);
    assert_int_equal(issue(f, 2, Z + 16, MMU_ACC_READ, 101), 101);
    assert_int_equal(issue(f, 3, X, MMU_ACC_READ, 102), 102);
    assert_int_equal(issue(f, 4, Z + 24, MMU_ACC_READ, 103), 197);
    assert_int_equal(issue(f, 5, Z + 32, MMU_ACC_READ, 103), 198);
    assert_int_equal(drain(f, 1000, r, 8), 5);
    expect_resp(&r[0], 1, 100, 101, MMU_SRC_L1);
    expect_resp(&r[1], 2, 101, 102, MMU_SRC_L1);
    expect_resp(&r[2], 3, 102, 196, MMU_SRC_WALK);
    expect_resp(&r[3], 4, 197, 198, MMU_SRC_L1);
    expect_resp(&r[4], 5, 198, 199, MMU_SRC_L1);
    assert_int_equal(mmu_stats(f->m)->miss_queue_full_cycles, 196 - 103 + 1);
    fixture_free(f);
}

/* 16.5, one answer a cycle from the miss queue, oldest first: F (a read of W, in the STLB but
 * not the DTLB) accepted at 185 hits the STLB at 194, when A's walk completes; A is older and
 * answers at 194, F at 195.  C, A's secondary (a fetch, merged at 103), is ready from 195 and
 * older than F: it answers at 195 and F at 196.  So no entry waits for more than the older
 * entries ahead of it, and a secondary never answers before its primary. */
static void one_answer_a_cycle(void **state)
{
    (void)state;
    for (unsigned with_c = 0; with_c < 2; with_c++) {
        struct mmu_config c = nonblocking(2, 8);
        struct fixture *f = four_pages(&c);
        warm(f, W, MMU_ACC_FETCH); /* W into the ITLB and the STLB */
        struct mmu_response r[4];
        issue(f, 1, X, MMU_ACC_READ, 100);
        if (with_c)
            issue(f, 3, X + 8, MMU_ACC_FETCH, 102);
        issue(f, 6, W, MMU_ACC_READ, 185);
        assert_int_equal(drain(f, 1000, r, 4), 2 + with_c);
        expect_resp(&r[0], 1, 100, 194, MMU_SRC_WALK);
        if (with_c)
            expect_resp(&r[1], 3, 102, 195, MMU_SRC_WALK);
        expect_resp(&r[1 + with_c], 6, 185, 195 + with_c, MMU_SRC_STLB);
        assert_true(mmu_tlb_holds(f->m, MMU_TLB_DTLB, X, 1));
        assert_true(mmu_tlb_holds(f->m, MMU_TLB_DTLB, W, 1));
        assert_int_equal(mmu_tlb_holds(f->m, MMU_TLB_ITLB, X, 1), with_c);
        fixture_free(f);
    }
}

/* 16.7: INVLPG presented at 105 while A walks is accepted at 194 (A's response), completes at
 * 197; the next request to X, presented at 106, is accepted at 197 and walks again. */
static void control_drains(void **state)
{
    (void)state;
    struct mmu_config c = nonblocking(2, 8);
    struct fixture *f = four_pages(&c);
    issue(f, 1, X, MMU_ACC_READ, 100);
    uint64_t done;
    struct mmu_ctrl op = {.op = MMU_CTRL_INVLPG, .value = X, .cycle = 105};
    assert_int_equal(mmu_control(f->m, &op, &done), 0);
    assert_int_equal(done, 194 + 3);
    struct mmu_response r[4];
    assert_int_equal(drain(f, 196, r, 4), 1); /* A answered before the operation ran */
    expect_resp(&r[0], 1, 100, 194, MMU_SRC_WALK);
    assert_false(mmu_tlb_holds(f->m, MMU_TLB_DTLB, X, 1));
    assert_false(mmu_tlb_holds(f->m, MMU_TLB_STLB, X, 1));
    assert_int_equal(issue(f, 2, X, MMU_ACC_READ, 106), 197);
    assert_int_equal(drain(f, 1000, r, 4), 1);
    assert_int_equal(r[0].source, MMU_SRC_WALK);
    fixture_free(f);
}

/* 16.7 when the caller has already run the model past the answers (mmu_advance, as the
 * lockstep checker does): the operation is still accepted only once every answer is out. */
static void control_after_advance(void **state)
{
    (void)state;
    struct mmu_config c = nonblocking(2, 8);
    struct fixture *f = four_pages(&c);
    issue(f, 1, X, MMU_ACC_READ, 100);
    assert_int_equal(mmu_advance(f->m, 300), 0);
    assert_int_equal(mmu_outstanding(f->m), 0);
    uint64_t done;
    struct mmu_ctrl op = {.op = MMU_CTRL_INVLPG, .value = X, .cycle = 105};
    assert_int_equal(mmu_control(f->m, &op, &done), 0);
    assert_int_equal(done, 194 + 3);
    fixture_free(f);
}

/* 16.5: two walkers update one entry.  A write (W) and a read (R) to two 4 KiB pages of one
 * 2 MiB page do not merge; both walks read the PDE leaf with A = D = 0.  W's write-back (A|D)
 * is accepted first, R's (A) next: as atomic sets of bits the entry ends with A and D.  (Whole
 * entries written in that order would leave D clear.) */
static void two_walkers_one_entry(void **state)
{
    (void)state;
    struct mmu_config c = nonblocking(2, 8);
    struct fixture *f = fixture_new(&c);
    uint64_t big = 0x40000000ull;
    map_walked(f, big, 0x200000, PAGE_SHIFT_2M, PTE_RW);
    set_entry(f, big, 2, entry_of(f, big, 2) & ~(PTE_A | PTE_D));
    issue(f, 1, big + 0x1000, MMU_ACC_WRITE, 100);
    issue(f, 2, big + 0x2000, MMU_ACC_READ, 101);
    struct mmu_response r[4];
    assert_int_equal(drain(f, 1000, r, 4), 2);
    /* 3 reads each, then the write-back: W's at 173 (answer 193, response 194), R's at 175 (its
     * probe waited a cycle for the STLB's port). */
    expect_resp(&r[0], 1, 100, 194, MMU_SRC_WALK);
    expect_resp(&r[1], 2, 101, 196, MMU_SRC_WALK);
    assert_int_equal(f->nlog, 8);
    assert_true(f->log[6].write && f->log[6].set_bits && f->log[6].data == (PTE_A | PTE_D));
    assert_true(f->log[7].write && f->log[7].set_bits && f->log[7].data == PTE_A);
    assert_int_equal(f->log[6].accept, 173);
    assert_int_equal(f->log[7].accept, 175);
    uint64_t e = entry_of(f, big, 2);
    assert_true((e & (PTE_A | PTE_D | PTE_PS | PTE_P | PTE_RW)) ==
                (PTE_A | PTE_D | PTE_PS | PTE_P | PTE_RW));
    fixture_free(f);
}

/* A memory port that fails the read of one address (and is a 20-cycle memory otherwise). */
struct failing {
    struct phys_mem *pm;
    uint64_t bad;
};

static int failing_access(void *ctx, struct mmu_mem_access *acc)
{
    struct failing *fl = ctx;
    acc->accept = acc->issue;
    acc->done = acc->accept + 20;
    if (acc->paddr == fl->bad)
        return -1;
    return mmu_mem_perform(fl->pm, acc);
}

/* 16.5: the PDE read of X fails: X answers with bus-error at level 2 in the cycle after the
 * error response (100 + 9 + 1 + 3 * 21), fills nothing, and a later request walks again. */
static void bus_error_in(struct mmu_config c)
{
    struct fixture *f = four_pages(&c);
    char err[200];
    uint64_t pde;
    assert_int_equal(aspace_entry_paddr(f->as, X, 2, &pde), 0);
    struct failing fl = {.pm = f->pm, .bad = pde};
    struct mmu_mem_port port = {.access = failing_access, .ctx = &fl};
    struct mmu *m = mmu_create(&c, &port, err, sizeof err);
    assert_non_null(m);
    assert_int_equal(mmu_load_cr3(m, 0, aspace_pml4(f->as), 1, false), 0);
    struct mmu_request req = {.vaddr = X, .type = MMU_ACC_READ, .cycle = 100, .id = 1};
    struct mmu_response r;
    assert_int_equal(mmu_translate(m, &req, &r), 0);
    assert_int_equal(r.fault, MMU_FAULT_BUS_ERROR);
    assert_int_equal(r.level, 2);
    assert_int_equal(r.error_code, 0);
    assert_int_equal(r.resp_cycle, 100 + 9 + 1 + 3 * 21);
    assert_int_equal(mmu_tlb_valid_count(m, MMU_TLB_STLB), 0);
    assert_false(mmu_psc_holds(m, MMU_PSC_PDPTE, X, 1)); /* filled by the walk, then removed */
    assert_int_equal(mmu_stats(m)->faults[MMU_FAULT_BUS_ERROR], 1);
    req.cycle = r.resp_cycle;
    assert_int_equal(mmu_translate(m, &req, &r), 0);
    assert_int_equal(r.fault, MMU_FAULT_BUS_ERROR);
    assert_int_equal(mmu_stats(m)->faults[MMU_FAULT_BUS_ERROR], 2);
    mmu_destroy(m);
    fixture_free(f);
}

/* ... with requests in flight, and one at a time (section 8's path). */
static void bus_error(void **state)
{
    (void)state;
    bus_error_in(nonblocking(2, 8));
    struct mmu_config c;
    mmu_config_blocking(&c);
    bus_error_in(c);
}

/* Bad requests are refused with a message. */
static void bad_requests(void **state)
{
    (void)state;
    struct mmu_config c = nonblocking(2, 8);
    struct fixture *f = four_pages(&c);
    struct mmu_request req = {.vaddr = X, .type = MMU_ACC_READ, .cycle = 100, .id = 16};
    uint64_t accept;
    assert_int_equal(mmu_issue(f->m, &req, NULL), -1);
    assert_non_null(strstr(mmu_error(f->m), "wider than id_bits"));
    req.id = 3;
    assert_int_equal(mmu_issue(f->m, &req, NULL), 0);
    req.cycle = 101;
    assert_int_equal(mmu_issue(f->m, &req, NULL), -1);
    assert_non_null(strstr(mmu_error(f->m), "outstanding"));
    req.id = 4;
    req.cycle = 99;
    assert_int_equal(mmu_issue(f->m, &req, NULL), -1);
    assert_non_null(strstr(mmu_error(f->m), "earlier"));
    req.id = 3;
    req.cycle = 100;
    assert_int_equal(mmu_issue(f->m, &req, NULL), -1); /* still outstanding */
    /* One request accepted a cycle: another presented in 100 is accepted in 101. */
    req.id = 5;
    req.cycle = 100;
    assert_int_equal(mmu_issue(f->m, &req, &accept), 0);
    assert_int_equal(accept, 101);
    c.walkers = 17;
    char err[200];
    assert_int_equal(mmu_config_check(&c, err, sizeof err), -1);
    assert_non_null(strstr(err, "walkers: 17 is outside 1..16"));
    c.walkers = 16;
    assert_int_equal(mmu_config_check(&c, err, sizeof err), 0);
    fixture_free(f);
}

/* ---- decisions of the contract (16.4, 16.2, 16.5) ---- */

/* 16.4: a ready secondary is not a primary.  C (a fetch of X, merged at 103) is ready from 195;
 * D, a fetch of X accepted at 194, misses the ITLB at 195 (C fills it at the end of 195), does
 * not merge with C, and probes the STLB itself, which holds X since A's answer at 194. */
static void ready_secondary_is_not_a_primary(void **state)
{
    (void)state;
    struct mmu_config c = nonblocking(2, 8);
    struct fixture *f = four_pages(&c);
    issue(f, 1, X, MMU_ACC_READ, 100);
    issue(f, 3, X + 8, MMU_ACC_FETCH, 102);
    assert_int_equal(issue(f, 4, X + 16, MMU_ACC_FETCH, 194), 194);
    struct mmu_response r[4];
    assert_int_equal(drain(f, 1000, r, 4), 3);
    expect_resp(&r[0], 1, 100, 194, MMU_SRC_WALK);
    expect_resp(&r[1], 3, 102, 195, MMU_SRC_WALK);
    expect_resp(&r[2], 4, 194, 194 + 9, MMU_SRC_STLB);
    assert_int_equal(mmu_stats(f->m)->merged_misses, 1);
    assert_int_equal(mmu_stats(f->m)->walks, 1);
    fixture_free(f);
}

/* 16.4: secondaries that the primary's result does not serve follow the oldest of them.  X's
 * PTE has D = 0.  C (a write, merged at 103) and E (a write accepted at 193, whose L1 lookup at
 * 194 merges with A, walking at the start of 194, in the cycle A's walk completes) both fail
 * their check at 194: C, the older, becomes a waiting primary from 195, still not open to merges
 * in 194, and E its secondary.  C walks from 195 (PDE-cache hit: read 196, D write 217,
 * response 238); E is ready from 239 with C's leaf, D set.  Two walks, two merged misses; no
 * dirty re-walk (neither write found an entry with D = 0 in its own lookups). */
static void failing_secondaries_follow_the_oldest(void **state)
{
    (void)state;
    struct mmu_config c = nonblocking(2, 8);
    struct fixture *f = four_pages(&c);
    set_entry(f, X, 1, entry_of(f, X, 1) & ~PTE_D);
    issue(f, 1, X, MMU_ACC_READ, 100);
    issue(f, 3, X + 8, MMU_ACC_WRITE, 102);
    assert_int_equal(issue(f, 5, X + 16, MMU_ACC_WRITE, 193), 193);
    struct mmu_response r[4];
    assert_int_equal(drain(f, 1000, r, 4), 3);
    expect_resp(&r[0], 1, 100, 194, MMU_SRC_WALK);
    expect_resp(&r[1], 3, 102, 238, MMU_SRC_WALK);
    expect_resp(&r[2], 5, 193, 239, MMU_SRC_WALK);
    const struct mmu_stats *s = mmu_stats(f->m);
    assert_int_equal(s->walks, 2);
    assert_int_equal(s->merged_misses, 2);
    assert_int_equal(s->dirty_rewalks, 0);
    assert_int_equal(s->walk_writes, 1);
    fixture_free(f);
}

/* 16.2: an ID is outstanding until its answer cycle, and may be presented again in that cycle:
 * A (ID 1) answers at 194; ID 1 presented at 193 is refused, at 194 accepted. */
static void id_free_in_its_answer_cycle(void **state)
{
    (void)state;
    struct mmu_config c = nonblocking(2, 8);
    struct fixture *f = four_pages(&c);
    issue(f, 1, X, MMU_ACC_READ, 100);
    struct mmu_request b = {.vaddr = Y, .type = MMU_ACC_READ, .cycle = 193, .id = 1};
    uint64_t retry;
    assert_int_equal(mmu_try_issue(f->m, &b, 193, &retry), -1);
    assert_non_null(strstr(mmu_error(f->m), "ID 1 is outstanding"));
    b.cycle = 194;
    assert_int_equal(mmu_try_issue(f->m, &b, 194, &retry), 0);
    struct mmu_response r[4];
    assert_int_equal(drain(f, 1000, r, 4), 2);
    expect_resp(&r[0], 1, 100, 194, MMU_SRC_WALK);
    expect_resp(&r[1], 1, 194, 194 + 94, MMU_SRC_WALK);
    fixture_free(f);
}

/* 16.3, order within a cycle: a paging-structure-cache fill made in the cycle an invalidation of
 * its address is made survives it (invalidations, then fills).  A (accepted 100, PML4 slot 0, no
 * PDE) reads its PML4E at 110, PDPTE at 116 (filling the PML4E cache), PDE at 122 (5-cycle
 * memory), faults at 128 and so invalidates the caches' entries of its address.  B (accepted
 * 101, same PML4E, another PDPTE) reads its PML4E at 112; that read takes 14 or 15 cycles, so
 * its PDPTE read, which fills the PML4E cache, is accepted at 127 or 128.  At 127 the fault
 * clears the entry the next cycle; at 128 the fill follows the clear.  C, walked afterwards in a
 * third PDPTE of the slot, hits the PML4E cache only then. */
static void psc_fill_after_invalidation(void **state)
{
    (void)state;
    for (unsigned late = 0; late < 2; late++) {
        struct mmu_config c = nonblocking(2, 8);
        struct fixture *f = fixture_new(&c);
        const uint64_t a = 0x40000000ull, b = 0x80001000ull, cc = 0xc0001000ull;
        map_walked(f, a + 0x200000, 0x60000, PAGE_SHIFT_4K, PTE_RW); /* a's PD, not a's PDE */
        map_walked(f, b, 0x70000, PAGE_SHIFT_4K, PTE_RW);
        map_walked(f, cc, 0x80000, PAGE_SHIFT_4K, PTE_RW);
        const unsigned lat[4] = {5, 14 + late, 5, 5}; /* A's PML4E, B's PML4E, A's PDPTE, PDE */
        f->lat = lat;
        f->nlat = 4;
        issue(f, 1, a, MMU_ACC_READ, 100);
        issue(f, 2, b, MMU_ACC_READ, 101);
        struct mmu_response r[4];
        assert_int_equal(drain(f, 400, r, 4), 2);
        assert_int_equal(r[0].id, 1);
        assert_int_equal(r[0].resp_cycle, 128);
        assert_int_equal(r[0].fault, MMU_FAULT_NOT_PRESENT);
        assert_int_equal(r[0].level, 2);
        assert_int_equal(f->log[4].accept, 127 + late); /* B's PDPTE read */
        assert_int_equal(f->log[4].paddr, f->log[2].paddr + 8 * 1);
        mmu_stats_reset(f->m);
        issue(f, 3, cc, MMU_ACC_READ, 500);
        assert_int_equal(drain(f, 1000, r, 4), 1);
        assert_int_equal(r[0].fault, MMU_FAULT_NONE);
        assert_int_equal(mmu_stats(f->m)->psc_hits[MMU_PSC_PML4E], late);
        fixture_free(f);
    }
}

/* 16.3, order within a cycle: a lookup's touch comes before a fill of the same cycle, so the
 * filled entry ends the most recent and the touched one next.  The PML4E cache (2 entries, LRU)
 * holds Y's slot, then Z's (the most recent).  W (accepted 300, slot 3) fills it at 331, when
 * its PDPTE read is accepted; R (accepted 322, Y's slot, another PDPTE) starts its walk at 331
 * and hits Y's entry.  The touch makes Z's entry the oldest, so W's fill replaces it: a later
 * walk in Y's slot hits the cache and one in Z's misses.  (Were the fill first, it would
 * replace Y's entry.) */
static void psc_touch_before_fill(void **state)
{
    (void)state;
    struct mmu_config c = nonblocking(2, 8);
    assert_int_equal(c.psc[MMU_PSC_PML4E].entries, 2);
    struct fixture *f = four_pages(&c);
    const uint64_t r = Y + 0x40000000ull, y2 = Y + 0x80000000ull, z2 = Z + 0x40000000ull;
    map_walked(f, r, 0x50000, PAGE_SHIFT_4K, PTE_RW);
    map_walked(f, y2, 0x51000, PAGE_SHIFT_4K, PTE_RW);
    map_walked(f, z2, 0x52000, PAGE_SHIFT_4K, PTE_RW);
    struct mmu_response out[4];
    issue(f, 1, Y, MMU_ACC_READ, 0);
    assert_int_equal(drain(f, 99, out, 4), 1);
    issue(f, 2, Z, MMU_ACC_READ, 100);
    assert_int_equal(drain(f, 199, out, 4), 1);
    mmu_stats_reset(f->m);
    issue(f, 3, W, MMU_ACC_READ, 300);
    issue(f, 4, r, MMU_ACC_READ, 322);
    assert_int_equal(drain(f, 600, out, 4), 2);
    const struct mmu_stats *s = mmu_stats(f->m);
    assert_int_equal(s->psc_hits[MMU_PSC_PML4E], 1);  /* R's, at 331 */
    assert_int_equal(s->psc_fills[MMU_PSC_PML4E], 1); /* W's, at 331 */
    assert_int_equal(s->psc_evictions[MMU_PSC_PML4E], 1);
    mmu_stats_reset(f->m);
    issue(f, 6, y2, MMU_ACC_READ, 800);
    assert_int_equal(drain(f, 999, out, 4), 1);
    assert_int_equal(mmu_stats(f->m)->psc_hits[MMU_PSC_PML4E], 1);
    mmu_stats_reset(f->m);
    issue(f, 7, z2, MMU_ACC_READ, 1000);
    assert_int_equal(drain(f, 1199, out, 4), 1);
    assert_int_equal(mmu_stats(f->m)->psc_hits[MMU_PSC_PML4E], 0);
    fixture_free(f);
}

/* 16.3, an L1 TLB takes two valid-bit clears a cycle, one from each lane.  X is in the DTLB
 * (and the STLB) writable but clean, and the "OS" then makes it read-only without an
 * invalidation; Y is in the DTLB read-only.  A write to X (accepted 300) finds the clean entry
 * and walks again from the PDE cache: its PTE read is accepted at 310 and answered at 330, so
 * its write fault answers in the miss lane at 331.  A write to Y (accepted 330) faults from its
 * DTLB entry in the hit lane at 331.  Each fault clears its page's entry, both in 331: reads of
 * both pages then miss the DTLB. */
static void two_clears_a_cycle(void **state)
{
    (void)state;
    struct mmu_config c = nonblocking(2, 8);
    struct fixture *f = four_pages(&c);
    set_entry(f, X, 1, entry_of(f, X, 1) & ~PTE_D);
    set_entry(f, Y, 1, entry_of(f, Y, 1) & ~PTE_RW);
    struct mmu_response r[4];
    issue(f, 8, X, MMU_ACC_READ, 0);
    assert_int_equal(drain(f, 99, r, 4), 1);
    issue(f, 9, Y, MMU_ACC_READ, 100);
    assert_int_equal(drain(f, 199, r, 4), 1);
    set_entry(f, X, 1, entry_of(f, X, 1) & ~PTE_RW);
    issue(f, 1, X, MMU_ACC_WRITE, 300);
    issue(f, 2, Y, MMU_ACC_WRITE, 330);
    assert_int_equal(drain(f, 399, r, 4), 2);
    for (unsigned i = 0; i < 2; i++) {
        assert_int_equal(r[i].resp_cycle, 331);
        assert_int_equal(r[i].fault, MMU_FAULT_WRITE);
    }
    assert_int_equal(r[0].source + r[1].source, MMU_SRC_WALK + MMU_SRC_L1);
    issue(f, 3, X, MMU_ACC_READ, 400);
    issue(f, 4, Y, MMU_ACC_READ, 500);
    assert_int_equal(drain(f, 999, r, 4), 2);
    for (unsigned i = 0; i < 2; i++) {
        assert_int_equal(r[i].fault, MMU_FAULT_NONE);
        assert_int_not_equal(r[i].source, MMU_SRC_L1);
    }
    fixture_free(f);
}

/* ---- blocking: the pipeline in the configuration `blocking` is section 8 ---- */

/* A memory with a seeded random latency and stall per access (the same seed gives the same
 * timing to the same sequence of accesses), which answers the reads of one address with an
 * error; it logs the accesses of the current request. */
struct random_mem {
    struct phys_mem *pm;
    uint64_t state, bad;
    struct mmu_mem_access log[16];
    unsigned nlog;
    bool failed[16];
};

static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static int random_access(void *ctx, struct mmu_mem_access *acc)
{
    struct random_mem *rm = ctx;
    uint64_t x = next_random(&rm->state);
    acc->accept = acc->issue + (x % 4 == 0 ? x % 7 : 0);
    acc->done = acc->accept + 1 + (x >> 8) % 40;
    int rc = !acc->write && acc->paddr == rm->bad ? -1 : mmu_mem_perform(rm->pm, acc);
    if (rm->nlog < 16) {
        rm->failed[rm->nlog] = rc != 0;
        rm->log[rm->nlog++] = *acc;
    }
    return rc;
}

struct side {
    struct fixture *f;
    struct random_mem rm;
    struct mmu *m;
};

static void side_new(struct side *s, const struct mmu_config *c, uint64_t seed)
{
    char err[200];
    s->f = fixture_new(c);
    s->rm = (struct random_mem){.pm = s->f->pm, .state = seed};
    struct mmu_mem_port port = {.access = random_access, .ctx = &s->rm};
    s->m = mmu_create(c, &port, err, sizeof err);
    assert_non_null(s->m);
}

/* Section 8's rules for one response: accepted at max(arrival, the previous response or
 * completion); an L1 or address-check answer after 1 cycle, the STLB's after stlb_latency; a
 * walk's first access presented at accept + stlb_latency + 1, each next one the cycle after the
 * previous response, the answer the cycle after the last (an error response ends the walk).
 * Returns NULL, or the rule broken. */
static const char *section_8(const struct mmu_config *c, const struct mmu_request *req,
                             uint64_t free_cycle, const struct mmu_response *r,
                             const struct random_mem *rm)
{
    if (r->accept_cycle != (req->cycle > free_cycle ? req->cycle : free_cycle))
        return "accepted at max(arrival, previous response)";
    switch (r->source) {
    case MMU_SRC_L1:
    case MMU_SRC_NONE:
        return r->resp_cycle == r->accept_cycle + 1 && rm->nlog == 0 ? NULL : "L1 latency 1";
    case MMU_SRC_STLB:
        return r->resp_cycle == r->accept_cycle + c->stlb_latency && rm->nlog == 0
                   ? NULL
                   : "STLB latency stlb_latency";
    default:
        break;
    }
    if (rm->nlog == 0 || rm->nlog > 8)
        return "a walk of 1 to 8 accesses";
    uint64_t next = r->accept_cycle + c->stlb_latency + 1;
    for (unsigned i = 0; i < rm->nlog; i++) {
        if (rm->log[i].issue != next)
            return "each access presented the cycle after the previous response";
        if (rm->failed[i] && i + 1 != rm->nlog)
            return "a bus error ends the walk";
        next = rm->log[i].done + 1;
    }
    if (r->resp_cycle != next)
        return "the answer the cycle after the last response";
    if (rm->failed[rm->nlog - 1] != (r->fault == MMU_FAULT_BUS_ERROR))
        return "bus-error exactly when an access failed";
    return NULL;
}

/* A random control operation, the same for both sides. */
static struct mmu_ctrl random_ctrl(uint64_t x, uint64_t pml4, uint64_t cycle)
{
    struct mmu_ctrl op = {.cycle = cycle};
    switch ((x >> 8) % 5) {
    case 0:
        op.op = MMU_CTRL_INVLPG;
        op.value = ((x >> 20) % 64 / 2) * 0x7000ull;
        break;
    case 1:
        op.op = MMU_CTRL_SET_MODE;
        op.wp = (x >> 9) & 1;
        op.nxe = (x >> 10) & 1;
        break;
    case 2: /* PCID 1 or 2, with or without no-flush */
        op.op = MMU_CTRL_LOAD_CR3;
        op.value = pml4 | (1 + (x >> 12) % 2) | ((x >> 14) & 1ull) << 63;
        break;
    case 3:
        op.op = MMU_CTRL_INVPCID;
        op.invpcid_type = (unsigned)(x >> 16) % 4;
        op.pcid = (uint16_t)(1 + (x >> 18) % 2);
        op.value = ((x >> 20) % 64 / 2) * 0x7000ull;
        break;
    default:
        op.op = MMU_CTRL_FLUSH_ALL;
        break;
    }
    return op;
}

/* The request b has accepted and not yet been checked on, with a's answer to it. */
struct in_flight {
    bool valid;
    unsigned n;
    struct mmu_request req;
    struct mmu_response ra;
    struct mmu_mem_access log[16];
    unsigned nlog;
    uint64_t free_cycle; /* section 8's: the previous response or completion */
};

/* Takes b's response to p's request (b has answered it, or answers it by running on) and checks
 * it against section 8 and against a's. */
static void settle(const struct mmu_config *c, struct side *b, struct in_flight *p, uint64_t seed,
                   unsigned repl)
{
    if (!p->valid)
        return;
    p->valid = false;
    struct mmu_response rb;
    for (uint64_t t = p->ra.accept_cycle; !mmu_poll(b->m, &rb); t++)
        assert_int_equal(mmu_advance(b->m, t), 0);
    const char *broken = section_8(c, &p->req, p->free_cycle, &rb, &b->rm);
    if (!broken && memcmp(&p->ra, &rb, sizeof rb) != 0)
        broken = "mmu_translate and mmu_try_issue differ";
    if (!broken &&
        (p->nlog != b->rm.nlog || memcmp(p->log, b->rm.log, p->nlog * sizeof(p->log[0]))))
        broken = "mmu_translate and mmu_try_issue made different walker accesses";
    if (broken)
        fail_msg("seed %llu repl %u request %u (0x%llx %s at %llu): %s; mmu_translate answered "
                 "0x%llx at %llu (fault %s, source %d), mmu_try_issue 0x%llx at %llu (fault %s, "
                 "source %d)",
                 (unsigned long long)seed, repl, p->n, (unsigned long long)p->req.vaddr,
                 mmu_access_name(p->req.type), (unsigned long long)p->req.cycle, broken,
                 (unsigned long long)p->ra.paddr, (unsigned long long)p->ra.resp_cycle,
                 mmu_fault_name(p->ra.fault), (int)p->ra.source, (unsigned long long)rb.paddr,
                 (unsigned long long)rb.resp_cycle, mmu_fault_name(rb.fault), (int)rb.source);
    b->rm.nlog = 0;
}

/* Two MMUs in `blocking` on one random stream: a takes each request with mmu_translate (with its
 * fast path for remembered hits), b is presented it with mmu_try_issue in every cycle from its
 * arrival until it is accepted, often while the one before is still walking, with every hit
 * through the hit lane.  Every response of b must keep section 8's rules (section_8 above), and
 * a and b must give equal responses, walker accesses and counters.  With 4 KiB and 2 MiB pages,
 * control operations of every kind, bus errors, and each replacement policy. */
static void blocking_is_section_8(void **state)
{
    (void)state;
    uint64_t seed = test_seed("blocking_is_section_8");
    for (unsigned repl = 0; repl < MMU_REPL_COUNT; repl++) {
        struct mmu_config c;
        mmu_config_blocking(&c);
        c.dtlb_4k = (struct mmu_array_config){8, 2, (enum mmu_repl)repl};
        c.dtlb_2m = (struct mmu_array_config){4, 2, (enum mmu_repl)repl};
        c.stlb = (struct mmu_array_config){32, 4, (enum mmu_repl)repl};
        c.psc[MMU_PSC_PDE] = (struct mmu_array_config){4, 4, (enum mmu_repl)repl};
        struct side a, b;
        side_new(&a, &c, seed + repl);
        side_new(&b, &c, seed + repl);
        b.m->nb.slow_hits = true;
        uint64_t r = (seed + repl) * 0x9e3779b97f4a7c15ull | 1;
        /* 64 4 KiB pages over two PML4 slots, 8 2 MiB pages in a third, with A, D, RW, US, NX
         * varied; the reads of one PDE fail. */
        for (unsigned i = 0; i < 72; i++) {
            bool big = i >= 64;
            uint64_t va = big ? 0x10000000000ull + (i - 64) * 0x200000ull
                              : (i % 2 ? 0x8000000000ull : 0) + (i / 2) * 0x1000ull * 7;
            uint64_t flags = next_random(&r) & (PTE_A | PTE_D | PTE_RW | PTE_US | PTE_NX);
            if (i % 13 == 5)
                continue; /* some pages stay unmapped */
            for (unsigned k = 0; k < 2; k++) {
                struct fixture *f = k ? b.f : a.f;
                map(f, va, big ? 0x40000000 + (i - 64) * 0x200000ull : 0x100000 + i * 0x1000ull,
                    big ? PAGE_SHIFT_2M : PAGE_SHIFT_4K, flags | PTE_US);
            }
        }
        uint64_t bad;
        assert_int_equal(aspace_entry_paddr(a.f->as, 0x10000000000ull + 0x600000, 2, &bad), 0);
        a.rm.bad = b.rm.bad = bad;
        uint64_t pml4 = aspace_pml4(a.f->as);
        assert_int_equal(pml4, aspace_pml4(b.f->as));
        for (unsigned k = 0; k < 2; k++)
            assert_int_equal(mmu_load_cr3(k ? b.m : a.m, 0, pml4, 1, false), 0);
        uint64_t cycle = 10, free_cycle = 1;
        unsigned ctrls = 0, big_hits = 0, errors = 0, during_walks = 0;
        struct in_flight prev = {0};
        for (unsigned n = 0; n < 8000; n++) {
            uint64_t x = next_random(&r);
            cycle += x % 8 == 0 ? (x >> 3) % 200 : (x >> 3) % 3;
            if (x % 41 == 0) {
                struct mmu_ctrl op = random_ctrl(x, pml4, cycle);
                uint64_t da, db;
                assert_int_equal(mmu_control(a.m, &op, &da), 0);
                assert_int_equal(mmu_control(b.m, &op, &db), 0); /* after b's request answers */
                settle(&c, &b, &prev, seed, repl);
                assert_int_equal(da, db);
                free_cycle = da;
                ctrls++;
                continue;
            }
            unsigned i = (unsigned)((x >> 16) % 72);
            uint64_t va =
                i >= 64 ? 0x10000000000ull + (i - 64) * 0x200000ull + ((x >> 24) & 0x1ff8)
                        : (i % 2 ? 0x8000000000ull : 0) + (i / 2) * 0x7000ull + ((x >> 24) & 0xff8);
            struct mmu_request req = {.vaddr = va,
                                      .type = (enum mmu_access)((x >> 40) % 3),
                                      .user = (x >> 44) & 1,
                                      .cycle = cycle,
                                      .id = n % 16}; /* not the ID of the one in flight */
            if ((x >> 50) % 50 == 0)
                req.vaddr ^= 1ull << 50; /* non-canonical */
            struct in_flight next = {.valid = true, .n = n, .req = req, .free_cycle = free_cycle};
            a.rm.nlog = 0;
            if (mmu_translate(a.m, &req, &next.ra))
                fail_msg("seed %llu: mmu_translate: %s", (unsigned long long)seed, mmu_error(a.m));
            next.nlog = a.rm.nlog;
            memcpy(next.log, a.rm.log, sizeof next.log);
            for (uint64_t t = cycle;; t++) {
                uint64_t retry;
                int rc = mmu_try_issue(b.m, &req, t, &retry);
                if (rc < 0)
                    fail_msg("seed %llu: mmu_try_issue: %s", (unsigned long long)seed,
                             mmu_error(b.m));
                if (rc == 0)
                    break;
                during_walks +=
                    prev.valid && prev.ra.source == MMU_SRC_WALK && t < prev.ra.resp_cycle;
            }
            settle(&c, &b, &prev, seed, repl);
            prev = next;
            big_hits += next.ra.page_shift == PAGE_SHIFT_2M;
            errors += next.ra.fault == MMU_FAULT_BUS_ERROR;
            free_cycle = next.ra.resp_cycle;
            /* The next one: sometimes presented while this one walks, or just before its
             * answer (never before its acceptance, the last cycle b was presented a request). */
            if ((x >> 60) % 4 == 0)
                cycle = next.ra.accept_cycle + (x >> 54) % 16;
            else
                cycle = next.ra.resp_cycle - (x >> 60) % 3;
            if (cycle < next.ra.accept_cycle)
                cycle = next.ra.accept_cycle;
        }
        settle(&c, &b, &prev, seed, repl);
        const struct mmu_stats *sa = mmu_stats(a.m), *sb = mmu_stats(b.m);
        printf("blocking_is_section_8 repl %s: %llu walks, %u control operations, %u on 2 MiB "
               "pages, %u bus errors, %u tries refused during a walk\n",
               mmu_repl_name((enum mmu_repl)repl), (unsigned long long)sa->walks, ctrls, big_hits,
               errors, during_walks);
        assert_true(sa->walks > 500 && sa->faults[MMU_FAULT_NOT_PRESENT] > 10);
        assert_true(ctrls > 100 && big_hits > 100 && errors > 5 && during_walks > 1000);
        assert_true(sa->ctrl_ops[MMU_CTRL_INVPCID] > 10 && sa->cr3_noflush > 5);
        assert_memory_equal(sa, sb, sizeof(*sa));
        for (unsigned k = 0; k < 2; k++) {
            struct side *s = k ? &b : &a;
            mmu_destroy(s->m);
            fixture_free(s->f);
        }
    }
}

/* Two MMUs of configuration c on the same tables (48 pages of 4 KiB, some with A or D clear)
 * in two memories of the same random timing (1 to max_latency cycles, stalls of up to 3). */
static void twin_mmus(const struct mmu_config *c, uint64_t seed, unsigned max_latency,
                      struct fixture *f[2], struct mmu *mm[2], struct mmu_random_mem rm[2])
{
    char err[200];
    for (unsigned k = 0; k < 2; k++) {
        f[k] = fixture_new(c);
        for (unsigned i = 0; i < 48; i++)
            map(f[k], 0x10000ull * (i % 6) + 0x1000ull * i, 0x100000 + 0x1000ull * i, PAGE_SHIFT_4K,
                PTE_RW | PTE_US | (i % 3 ? PTE_A : 0) | (i % 5 ? PTE_D : 0));
        rm[k] = (struct mmu_random_mem){.pm = f[k]->pm,
                                        .min_latency = 1,
                                        .max_latency = max_latency,
                                        .stall_percent = 20,
                                        .max_stall = 3,
                                        .seed = seed | 1};
        struct mmu_mem_port port = mmu_random_mem_port(&rm[k]);
        mm[k] = mmu_create(c, &port, err, sizeof err);
        assert_non_null(mm[k]);
        assert_int_equal(mmu_load_cr3(mm[k], 0, aspace_pml4(f[k]->as), 1, false), 0);
    }
}

/* How the second of two MMUs fed one random stream differs from the first. */
enum twin { TWIN_SLOW_HITS, TWIN_TRY_ISSUE };

/* Presents req to m with mmu_try_issue, in req->cycle and then in each cycle it names, until
 * it is accepted; returns the cycle. */
static uint64_t try_until_accepted(struct mmu *m, const struct mmu_request *req, uint64_t seed)
{
    for (uint64_t c = req->cycle;;) {
        uint64_t retry = 0;
        int rc = mmu_try_issue(m, req, c, &retry);
        if (rc < 0)
            fail_msg("seed %llu: mmu_try_issue: %s", (unsigned long long)seed, mmu_error(m));
        if (rc == 0)
            return c;
        assert_true(retry > c);
        c = retry;
    }
}

/* Two MMUs on the same tables and a random-timing memory, fed one random stream with requests
 * in flight, the second differing from the first as `twin` says; every acceptance, response,
 * walker access and counter must be equal. */
static void twins(const char *name, enum twin twin)
{
    uint64_t seed = test_seed(name);
    struct mmu_config c = nonblocking(2, 4);
    c.dtlb_4k = (struct mmu_array_config){8, 2, MMU_REPL_PLRU};
    c.stlb = (struct mmu_array_config){16, 4, MMU_REPL_LRU};
    struct fixture *f[2];
    struct mmu *mm[2];
    struct mmu_random_mem rm[2];
    twin_mmus(&c, seed, 30, f, mm, rm);
    mm[1]->nb.slow_hits = twin == TWIN_SLOW_HITS;
    /* The random memory accepts within max_stall; a response moved past another's cycle comes
     * at most 16 cycles after max_latency. */
    uint64_t bound = mmu_latency_bound(&c, rm[0].max_stall, rm[0].max_latency + 16), worst = 0;
    uint64_t r = seed * 0x9e3779b97f4a7c15ull | 1, cycle = 10, busy = 0;
    unsigned used = 0; /* IDs outstanding, a bit each */
    for (unsigned n = 0; n < 30000; n++) {
        r ^= r << 13, r ^= r >> 7, r ^= r << 17;
        cycle += r % 16 == 0 ? (r >> 4) % 64 : (r >> 4) % 2;
        unsigned i = (unsigned)((r >> 12) % 52); /* 48 .. 51 unmapped */
        struct mmu_request req = {.vaddr =
                                      0x10000ull * (i % 6) + 0x1000ull * i + ((r >> 20) & 0xff8),
                                  .type = (enum mmu_access)((r >> 32) % 3),
                                  .user = (r >> 36) & 1,
                                  .cycle = cycle};
        if (r % 211 == 0) {
            for (unsigned k = 0; k < 2; k++)
                assert_int_equal(mmu_invlpg(mm[k], cycle, req.vaddr), 0);
        } else if (used != 0xffff) {
            req.id = (unsigned)__builtin_ctz(~used);
            used |= 1u << req.id;
            uint64_t accept[2];
            for (unsigned k = 0; k < 2; k++)
                if (k == 1 && twin == TWIN_TRY_ISSUE)
                    accept[k] = try_until_accepted(mm[k], &req, seed);
                else if (mmu_issue(mm[k], &req, &accept[k]))
                    fail_msg("seed %llu: mmu_issue: %s", (unsigned long long)seed,
                             mmu_error(mm[k]));
            if (accept[0] != accept[1])
                fail_msg("seed %llu request %u: 0x%llx presented at %llu accepted at %llu by "
                         "mmu_issue, at %llu by the second MMU",
                         (unsigned long long)seed, n, (unsigned long long)req.vaddr,
                         (unsigned long long)req.cycle, (unsigned long long)accept[0],
                         (unsigned long long)accept[1]);
            cycle = accept[0] + 1;
        }
        for (unsigned k = 0; k < 2; k++)
            assert_int_equal(mmu_advance(mm[k], cycle), 0);
        busy += mmu_outstanding(mm[0]) > 1;
        struct mmu_response ra, rb;
        for (;;) {
            bool a = mmu_poll(mm[0], &ra), b = mmu_poll(mm[1], &rb);
            assert_int_equal(a, b);
            if (!a)
                break;
            if (ra.resp_cycle - ra.accept_cycle > bound)
                fail_msg("seed %llu request %u: ID %u accepted at %llu answered at %llu, beyond "
                         "the latency bound %llu of section 16.9",
                         (unsigned long long)seed, n, ra.id, (unsigned long long)ra.accept_cycle,
                         (unsigned long long)ra.resp_cycle, (unsigned long long)bound);
            if (ra.resp_cycle - ra.accept_cycle > worst)
                worst = ra.resp_cycle - ra.accept_cycle;
            if (memcmp(&ra, &rb, sizeof ra))
                fail_msg("seed %llu request %u: ID %u answered at %llu (fast) and ID %u at %llu",
                         (unsigned long long)seed, n, ra.id, (unsigned long long)ra.resp_cycle,
                         rb.id, (unsigned long long)rb.resp_cycle);
            used &= ~(1u << ra.id);
        }
    }
    for (unsigned k = 0; k < 2; k++)
        assert_int_equal(mmu_flush_all(mm[k], cycle), 0);
    assert_memory_equal(mmu_stats(mm[0]), mmu_stats(mm[1]), sizeof(struct mmu_stats));
    printf("%s: %llu cycles with two or more outstanding, %llu merged, worst latency %llu "
           "(bound %llu)\n",
           name, (unsigned long long)busy, (unsigned long long)mmu_stats(mm[0])->merged_misses,
           (unsigned long long)worst, (unsigned long long)bound);
    assert_true(busy > 1000 && mmu_stats(mm[0])->merged_misses > 10);
    for (unsigned k = 0; k < 2; k++) {
        mmu_destroy(mm[k]);
        fixture_free(f[k]);
    }
}

/* Runs of hits with requests in flight (mmu_translate_hits, as a study gives them): two MMUs
 * on the same tables and random-timing memory get the same random runs of requests, each
 * presented in the cycle after the previous one's acceptance.  The first issues every request
 * with mmu_issue; the second gives each run to mmu_translate_hits first, and where the run
 * stops, runs the cycle if an event is due in it (mmu_advance) and tries again, else issues the
 * request.  Every request must be accepted in the same cycle by both, every response the
 * second polls must be the first's for that request, the hits it answered must be the first's
 * L1 hits answered in the next cycle, and the counters must be equal. */
static void hit_runs_are_issue(void **state)
{
    (void)state;
    uint64_t seed = test_seed("hit_runs_are_issue");
    struct mmu_config c = nonblocking(2, 4);
    c.dtlb_4k = (struct mmu_array_config){16, 4, MMU_REPL_LRU};
    struct fixture *f[2];
    struct mmu *mm[2];
    struct mmu_random_mem rm[2];
    twin_mmus(&c, seed, 12, f, mm, rm);
    enum { RUNS = 6000, RUN = 12, MAX = RUNS * RUN };
    /* Per request, numbered over the test: each MMU's acceptance and response; whether the
     * second answered it in a run of hits. */
    uint64_t(*accept)[2] = calloc(MAX, sizeof(*accept));
    struct mmu_response(*resp)[2] = calloc(MAX, sizeof(*resp));
    bool(*got)[2] = calloc(MAX, sizeof(*got)), *fast = calloc(MAX, sizeof(*fast));
    assert_true(accept && resp && got && fast);
    unsigned used[2] = {0, 0}, number[2][16]; /* IDs outstanding; each one's request */
    uint64_t r = seed * 0x9e3779b97f4a7c15ull | 1, cycle = 10, g = 0;
    uint64_t hits = 0, hits_in_flight = 0, resumed = 0;
    unsigned hot[4] = {0, 1, 2, 3};
#define TAKE(k)                                \
    do {                                       \
        struct mmu_response x_;                \
        while (mmu_poll(mm[k], &x_)) {         \
            assert_true(used[k] >> x_.id & 1); \
            used[k] &= ~(1u << x_.id);         \
            resp[number[k][x_.id]][k] = x_;    \
            got[number[k][x_.id]][k] = true;   \
        }                                      \
    } while (0)
    for (unsigned run = 0; run < RUNS; run++) {
        struct mmu_request reqs[RUN];
        r ^= r << 13, r ^= r >> 7, r ^= r << 17;
        unsigned n = 1 + (unsigned)(r % RUN);
        cycle += (r >> 8) % 8 == 0 ? (r >> 11) % 40 : 0;
        for (unsigned j = 0; j < n; j++) {
            r ^= r << 13, r ^= r >> 7, r ^= r << 17;
            if ((r >> 40) % 16 == 0) /* another page among the hot ones, now and then */
                hot[(r >> 44) % 4] = (unsigned)((r >> 46) % 52); /* 48 .. 51 unmapped */
            unsigned i = hot[(r >> 50) % 4];
            reqs[j] = (struct mmu_request){.vaddr = 0x10000ull * (i % 5) + 0x1000ull * i +
                                                    ((r >> 20) & 0xff8),
                                           .type = (enum mmu_access)((r >> 32) % 3),
                                           .user = (r >> 36) % 8 != 0};
        }
        uint64_t next[2] = {cycle, cycle};
        for (unsigned k = 0; k < 2; k++) {
            for (unsigned j = 0; j < n;) {
                if (k == 1) { /* a run of hits first, past the events due */
                    bool in_flight = mmu_outstanding(mm[1]) > 0;
                    size_t h = mmu_translate_hits(mm[1], reqs + j, n - j, &next[1]);
                    for (size_t q = 0; q < h; q++) {
                        accept[g + j + q][1] = next[1] - h + q;
                        fast[g + j + q] = true;
                    }
                    hits += h;
                    hits_in_flight += in_flight ? h : 0;
                    j += (unsigned)h;
                    if (j == n)
                        break;
                    if (mmu_next_event(mm[1]) == next[1]) {
                        assert_int_equal(mmu_advance(mm[1], next[1]), 0);
                        TAKE(1);
                        resumed++;
                        continue;
                    }
                }
                struct mmu_request q = reqs[j];
                q.cycle = next[k];
                assert_true(used[k] != 0xffff);
                q.id = (unsigned)__builtin_ctz(~used[k]);
                used[k] |= 1u << q.id;
                number[k][q.id] = (unsigned)(g + j);
                if (mmu_issue(mm[k], &q, &accept[g + j][k]))
                    fail_msg("seed %llu: mmu_issue: %s", (unsigned long long)seed,
                             mmu_error(mm[k]));
                TAKE(k);
                next[k] = accept[g + j][k] + 1;
                j++;
            }
        }
        for (unsigned j = 0; j < n; j++)
            if (accept[g + j][0] != accept[g + j][1])
                fail_msg("seed %llu run %u request %u (0x%llx): accepted at %llu by mmu_issue, "
                         "at %llu with runs of hits",
                         (unsigned long long)seed, run, j, (unsigned long long)reqs[j].vaddr,
                         (unsigned long long)accept[g + j][0],
                         (unsigned long long)accept[g + j][1]);
        assert_int_equal(next[0], next[1]);
        cycle = next[0];
        g += n;
    }
#undef TAKE
    for (unsigned k = 0; k < 2; k++) {
        assert_int_equal(mmu_flush_all(mm[k], cycle), 0); /* waits for every response */
        struct mmu_response x;
        while (mmu_poll(mm[k], &x)) {
            used[k] &= ~(1u << x.id);
            resp[number[k][x.id]][k] = x;
            got[number[k][x.id]][k] = true;
        }
        assert_int_equal(used[k], 0);
    }
    for (uint64_t q = 0; q < g; q++) {
        const struct mmu_response *a = &resp[q][0], *b = &resp[q][1];
        assert_true(got[q][0]);
        if (fast[q]) { /* the first MMU's hit, answered in the next cycle */
            assert_false(got[q][1]);
            if (a->source != MMU_SRC_L1 || a->fault != MMU_FAULT_NONE ||
                a->resp_cycle != a->accept_cycle + 1)
                fail_msg("seed %llu request %llu: answered in a run of hits, but mmu_issue's "
                         "response: source %d, fault %d, accepted %llu, answered %llu",
                         (unsigned long long)seed, (unsigned long long)q, (int)a->source,
                         (int)a->fault, (unsigned long long)a->accept_cycle,
                         (unsigned long long)a->resp_cycle);
            continue;
        }
        assert_true(got[q][1]);
        struct mmu_response bb = *b;
        bb.id = a->id;
        if (memcmp(a, &bb, sizeof bb))
            fail_msg("seed %llu request %llu: answered at %llu from %d by mmu_issue, at %llu "
                     "from %d beside runs of hits",
                     (unsigned long long)seed, (unsigned long long)q,
                     (unsigned long long)a->resp_cycle, (int)a->source,
                     (unsigned long long)b->resp_cycle, (int)b->source);
    }
    assert_memory_equal(mmu_stats(mm[0]), mmu_stats(mm[1]), sizeof(struct mmu_stats));
    printf("hit_runs_are_issue: %llu requests, %llu answered in runs of hits, %llu of them with "
           "requests in flight, %llu runs resumed after an event\n",
           (unsigned long long)g, (unsigned long long)hits, (unsigned long long)hits_in_flight,
           (unsigned long long)resumed);
    assert_true(hits_in_flight > 1000 && resumed > 100);
    free(accept);
    free(resp);
    free(got);
    free(fast);
    for (unsigned k = 0; k < 2; k++) {
        mmu_destroy(mm[k]);
        fixture_free(f[k]);
    }
}

/* An L1 hit answered at acceptance (mmu_issue's fast path) against the same hit through the
 * hit lane. */
static void fast_hits_are_the_hit_lane(void **state)
{
    (void)state;
    twins("fast_hits_are_the_hit_lane", TWIN_SLOW_HITS);
}

/* mmu_try_issue, retried in the cycles it names, accepts each request in the cycle mmu_issue
 * does: what MmuTlm relies on to keep the MMU at simulation time. */
static void try_issue_is_issue(void **state)
{
    (void)state;
    twins("try_issue_is_issue", TWIN_TRY_ISSUE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(two_walks_overlap),
        cmocka_unit_test(port_tie_to_lower_walker),
        cmocka_unit_test(stlb_one_read_port),
        cmocka_unit_test(psc_fill_at_next_read),
        cmocka_unit_test(one_walker_serialises),
        cmocka_unit_test(merged_miss),
        cmocka_unit_test(merged_write_walks_again),
        cmocka_unit_test(merges_by_primary_state),
        cmocka_unit_test(hit_under_miss),
        cmocka_unit_test(back_pressure),
        cmocka_unit_test(try_issue_back_pressure),
        cmocka_unit_test(one_entry),
        cmocka_unit_test(one_answer_a_cycle),
        cmocka_unit_test(control_drains),
        cmocka_unit_test(control_after_advance),
        cmocka_unit_test(two_walkers_one_entry),
        cmocka_unit_test(bus_error),
        cmocka_unit_test(bad_requests),
        cmocka_unit_test(psc_fill_after_invalidation),
        cmocka_unit_test(psc_touch_before_fill),
        cmocka_unit_test(two_clears_a_cycle),
        cmocka_unit_test(ready_secondary_is_not_a_primary),
        cmocka_unit_test(failing_secondaries_follow_the_oldest),
        cmocka_unit_test(id_free_in_its_answer_cycle),
        cmocka_unit_test(blocking_is_section_8),
        cmocka_unit_test(fast_hits_are_the_hit_lane),
        cmocka_unit_test(hit_runs_are_issue),
        cmocka_unit_test(try_issue_is_issue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
