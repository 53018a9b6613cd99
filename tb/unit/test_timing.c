/*
 * Cycle counts, against the timing in docs/ARCHITECTURE.md:
 *   L1 hit            accept + 1
 *   STLB hit          accept + stlb_latency (9)
 *   walk              starts at accept + stlb_latency with the PSC lookup;
 *                     each access is issued the cycle after the previous
 *                     one's response; the response comes the cycle after
 *                     the last one's.  With a 20-cycle memory an access
 *                     costs 21 cycles: a 4-read walk is 9 + 1 + 4 * 21 = 94.
 */
#include "test_util.h"

static struct fixture *with_page(const struct mmu_config *cfg, uint64_t flags)
{
    struct fixture *f = fixture_new(cfg);
    map(f, 0x1000, 0x9000, PAGE_SHIFT_4K, flags | PTE_A | PTE_D);
    map(f, 0x2000, 0xa000, PAGE_SHIFT_4K, flags | PTE_A | PTE_D);
    for (unsigned level = 4; level >= 2; level--)
        set_entry(f, 0x1000, level, entry_of(f, 0x1000, level) | PTE_A);
    return f;
}

static uint64_t latency(struct mmu_response r)
{
    return r.resp_cycle - r.accept_cycle;
}

static void hit_stlb_walk(void **state)
{
    (void)state;
    struct fixture *f = with_page(NULL, PTE_RW);
    f->cycle = 100;
    struct mmu_response r = xlate(f, 0x1000, MMU_ACC_READ, false);
    assert_int_equal(r.accept_cycle, 100);
    assert_int_equal(latency(r), 94); /* 9 + 1 + 4 * 21 */
    /* The accesses: issued 110, 131, 152, 173; responses 20 later. */
    for (unsigned i = 0; i < 4; i++) {
        assert_int_equal(f->log[i].issue, 110 + 21 * i);
        assert_int_equal(f->log[i].done, 130 + 21 * i);
    }
    assert_int_equal(r.resp_cycle, 194);
    r = xlate(f, 0x1008, MMU_ACC_READ, false);
    assert_int_equal(r.accept_cycle, 194); /* the cycle the previous one answered */
    assert_int_equal(latency(r), 1);
    r = xlate(f, 0x1000, MMU_ACC_FETCH, false); /* ITLB miss, STLB hit */
    assert_int_equal(r.source, MMU_SRC_STLB);
    assert_int_equal(latency(r), 9);
    r = xlate(f, 0x1000, MMU_ACC_FETCH, false);
    assert_int_equal(latency(r), 1);
    /* PDE-cache hit: one read. */
    r = xlate(f, 0x2000, MMU_ACC_READ, false);
    assert_int_equal(latency(r), 9 + 1 + 21);
    assert_int_equal(mmu_stats(f->m)->walk_cycles, (94 - 9) + (31 - 9));
    fixture_free(f);
}

/* Each A/D write-back is one more 21-cycle access. */
static void writebacks_cost(void **state)
{
    (void)state;
    struct fixture *f = fixture_new(NULL);
    map(f, 0x1000, 0x9000, PAGE_SHIFT_4K, PTE_RW); /* nothing has A yet */
    struct mmu_response r = xlate(f, 0x1000, MMU_ACC_WRITE, false);
    assert_int_equal(latency(r), 9 + 1 + 8 * 21);
    /* Write after read: the re-walk reads the PTE and writes D. */
    map(f, 0x2000, 0xa000, PAGE_SHIFT_4K, PTE_RW | PTE_A);
    r = xlate(f, 0x2000, MMU_ACC_READ, false);
    assert_int_equal(latency(r), 9 + 1 + 21);
    r = xlate(f, 0x2000, MMU_ACC_WRITE, false);
    assert_int_equal(latency(r), 9 + 1 + 2 * 21);
    fixture_free(f);
}

/* Faults answer when they are found. */
static void fault_timing(void **state)
{
    (void)state;
    struct fixture *f = with_page(NULL, 0); /* read-only */
    struct mmu_response r = xlate(f, 0x0000008000000000ull, MMU_ACC_READ, false);
    assert_int_equal(r.fault, MMU_FAULT_NOT_PRESENT);
    assert_int_equal(latency(r), 9 + 1 + 21); /* first read */
    r = xlate(f, 0x0000800000000000ull, MMU_ACC_READ, false);
    assert_int_equal(latency(r), 1); /* non-canonical */
    r = xlate(f, 0x1000, MMU_ACC_WRITE, false);
    assert_int_equal(r.fault, MMU_FAULT_WRITE);
    assert_int_equal(latency(r), 94); /* at the leaf, no write-back */
    xlate(f, 0x1000, MMU_ACC_READ, false);
    r = xlate(f, 0x1000, MMU_ACC_WRITE, false);
    assert_int_equal(r.source, MMU_SRC_L1);
    assert_int_equal(latency(r), 1);
    r = xlate(f, 0x1000, MMU_ACC_WRITE, false);
    assert_int_equal(r.source, MMU_SRC_STLB);
    assert_int_equal(latency(r), 9);
    fixture_free(f);
}

/* The STLB latency is a parameter; the walk starts when it ends. */
static void stlb_latency_parameter(void **state)
{
    (void)state;
    struct mmu_config c;
    mmu_config_blocking(&c);
    c.stlb_latency = 4;
    struct fixture *f = with_page(&c, PTE_RW);
    assert_int_equal(latency(xlate(f, 0x1000, MMU_ACC_READ, false)), 4 + 1 + 4 * 21);
    assert_int_equal(latency(xlate(f, 0x1000, MMU_ACC_FETCH, false)), 4);
    fixture_free(f);
}

/* A memory that is slower, or not ready for some cycles, stretches each
 * access: issue -> accept (stall) -> done (latency). */
static void memory_latency_and_stalls(void **state)
{
    (void)state;
    struct fixture *f = with_page(NULL, PTE_RW);
    f->latency = 7;
    f->stall = 3;
    struct mmu_response r = xlate(f, 0x1000, MMU_ACC_READ, false);
    assert_int_equal(latency(r), 9 + 1 + 4 * (3 + 7 + 1));
    assert_int_equal(f->log[0].accept, f->log[0].issue + 3);
    assert_int_equal(f->log[1].issue, f->log[0].done + 1);
    fixture_free(f);
}

/* One request at a time: a request arriving while a walk runs waits until
 * the walk answers; hits go back to back. */
static void busy_waits(void **state)
{
    (void)state;
    struct fixture *f = with_page(NULL, PTE_RW);
    struct mmu_request a = {.vaddr = 0x1000, .type = MMU_ACC_READ, .cycle = 10};
    struct mmu_request b = {.vaddr = 0x1004, .type = MMU_ACC_READ, .cycle = 11};
    struct mmu_request c = {.vaddr = 0x1008, .type = MMU_ACC_READ, .cycle = 12};
    struct mmu_response ra, rb, rc;
    assert_int_equal(mmu_translate(f->m, &a, &ra), 0);
    assert_int_equal(mmu_translate(f->m, &b, &rb), 0);
    assert_int_equal(mmu_translate(f->m, &c, &rc), 0);
    assert_int_equal(ra.resp_cycle, 10 + 94);
    assert_int_equal(rb.accept_cycle, 104);
    assert_int_equal(rb.resp_cycle, 105);
    assert_int_equal(rc.accept_cycle, 105);
    assert_int_equal(rc.resp_cycle, 106);
    const struct mmu_stats *s = mmu_stats(f->m);
    assert_int_equal(s->total_wait, (104 - 11) + (105 - 12));
    assert_int_equal(s->total_latency, 94 + 1 + 1);
    /* Out of order: refused, and the MMU is unchanged. */
    struct mmu_request late = {.vaddr = 0x1000, .cycle = 11};
    assert_int_equal(mmu_translate(f->m, &late, &ra), -1);
    assert_non_null(strstr(mmu_error(f->m), "earlier"));
    fixture_free(f);
}

/* Control operations take 1 cycle, or 3 when they look an address up. */
static void control_timing(void **state)
{
    (void)state;
    struct fixture *f = with_page(NULL, PTE_RW);
    struct mmu_ctrl c = {.op = MMU_CTRL_FLUSH_ALL, .cycle = 50};
    uint64_t done;
    assert_int_equal(mmu_control(f->m, &c, &done), 0);
    assert_int_equal(done, 51);
    c = (struct mmu_ctrl){.op = MMU_CTRL_INVLPG, .value = 0x1000, .cycle = 51};
    assert_int_equal(mmu_control(f->m, &c, &done), 0);
    assert_int_equal(done, 54);
    c = (struct mmu_ctrl){.op = MMU_CTRL_INVPCID, .invpcid_type = 0, .pcid = 1, .cycle = 52};
    assert_int_equal(mmu_control(f->m, &c, &done), 0);
    assert_int_equal(done, 57); /* waited for the INVLPG */
    struct mmu_request r = {.vaddr = 0x1000, .type = MMU_ACC_READ, .cycle = 55};
    struct mmu_response resp;
    assert_int_equal(mmu_translate(f->m, &r, &resp), 0);
    assert_int_equal(resp.accept_cycle, 57);
    fixture_free(f);
}

/* mmu_stats_reset clears every counter and nothing else: the TLBs keep their entries and the MMU
 * its cycle, so that a warm-up can be left out of the figures. */
static void stats_reset(void **state)
{
    (void)state;
    struct fixture *f = with_page(NULL, PTE_RW);
    xlate(f, 0x1000, MMU_ACC_READ, false); /* a walk fills the DTLB */
    xlate(f, 0x5000, MMU_ACC_WRITE, true); /* a not-present fault */
    ctrl(f, (struct mmu_ctrl){.op = MMU_CTRL_INVPCID, .invpcid_type = 1, .pcid = 2});
    assert_true(mmu_stats(f->m)->walks > 0);
    mmu_stats_reset(f->m);
    struct mmu_stats zero;
    memset(&zero, 0, sizeof(zero));
    assert_memory_equal(mmu_stats(f->m), &zero, sizeof(zero));
    /* The same page again: an L1 hit, answered the cycle after it is presented. */
    uint64_t at = f->cycle;
    struct mmu_response r = xlate(f, 0x1008, MMU_ACC_READ, false);
    assert_int_equal(r.source, MMU_SRC_L1);
    assert_int_equal(r.accept_cycle, at);
    assert_int_equal(r.resp_cycle, at + 1);
    /* Counting starts again from zero. */
    const struct mmu_stats *s = mmu_stats(f->m);
    assert_int_equal(s->requests[MMU_ACC_READ], 1);
    assert_int_equal(s->tlb[MMU_TLB_DTLB].hits[MMU_ACC_READ][MMU_SIZE_4K], 1);
    assert_int_equal(s->walks, 0);
    assert_int_equal(s->total_latency, 1);
    assert_int_equal(s->last_cycle, at + 1);
    fixture_free(f);
}

/* A memory port that answers in no time is an error, not a silent 0. */
static int zero_latency(void *ctx, struct mmu_mem_access *acc)
{
    (void)ctx;
    acc->data = 0;
    acc->accept = acc->issue;
    acc->done = acc->issue;
    return 0;
}

static void bad_memory_port(void **state)
{
    (void)state;
    struct mmu_config c;
    mmu_config_default(&c);
    struct mmu_mem_port port = {.access = zero_latency};
    char err[200];
    struct mmu *m = mmu_create(&c, &port, err, sizeof(err));
    assert_non_null(m);
    struct mmu_request r = {.vaddr = 0x1000, .type = MMU_ACC_READ};
    struct mmu_response resp;
    assert_int_equal(mmu_translate(m, &r, &resp), -1);
    assert_non_null(strstr(mmu_error(m), "accept < done"));
    mmu_destroy(m);
}

/* mmu_translate_hits leaves exactly what mmu_translate of each request would: on two MMUs given
 * the same random stream (pages with every combination of rights, 4 KiB and 2 MiB pages, user
 * and supervisor requests, non-canonical addresses, mode changes, INVLPG, CR3 reloads, gaps
 * between requests), one translating each request with mmu_translate, one giving runs to
 * mmu_translate_hits first and one to mmu_translate_hits_packed (runs of one privilege; a
 * non-canonical address, and now and then a canonical one, as a word that is not a packed
 * request), the counters and the next free cycle agree after every run.  Small L1s (LRU,
 * PLRU with 4 ways, FIFO) make misses, evictions and memos dropped. */
static void hits_match_translate_in(struct mmu_config cfg)
{
    cfg.dtlb_4k = (struct mmu_array_config){4, 2, MMU_REPL_LRU};
    cfg.itlb_4k = (struct mmu_array_config){8, 4, MMU_REPL_PLRU};
    cfg.dtlb_2m = (struct mmu_array_config){2, 2, MMU_REPL_FIFO};
    enum { N = 3 };
    struct fixture *f[N] = {fixture_new(&cfg), fixture_new(&cfg), fixture_new(&cfg)};
    static const uint64_t rights[] = {PTE_RW | PTE_US, PTE_US, PTE_RW, PTE_US | PTE_NX,
                                      PTE_RW | PTE_US | PTE_D};
    for (unsigned k = 0; k < N; k++) {
        for (uint64_t p = 0; p < 24; p++)
            map(f[k], 0x400000 + (p << 12), 0x1000000 + (p << 12), PAGE_SHIFT_4K, rights[p % 5]);
        for (uint64_t p = 0; p < 4; p++)
            map(f[k], 0x40000000 + (p << 21), 0x2000000 + (p << 21), PAGE_SHIFT_2M,
                PTE_RW | PTE_US);
    }
    uint64_t s = 2024;
    struct mmu_request reqs[64];
    uint64_t words[64];
    uint64_t presented[N] = {f[0]->cycle, f[1]->cycle, f[2]->cycle}; /* the last request's or
                                                                         operation's */
    unsigned waited_hits = 0, packed_hits = 0; /* runs of hits whose first one waited */
    unsigned n_prev = 1;
    reqs[0] = (struct mmu_request){.vaddr = 0x400000};
    for (unsigned run = 0; run < 4000; run++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        unsigned n = 1 + (unsigned)(s >> 40) % 64;
        for (unsigned i = 0; i < n; i++) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            unsigned r = (unsigned)(s >> 33);
            uint64_t va = r % 4 == 0 ? 0x40000000 + ((uint64_t)(r >> 2) % 2048 << 12)
                                     : 0x400000 + ((uint64_t)(r >> 2) % 24 << 12);
            if ((r >> 24) % 2) /* the previous request's page, half the time */
                va = reqs[i > 0 ? i - 1 : n_prev - 1].vaddr & ~0xfffull;
            if (r % 97 == 0)
                va |= 1ull << 50; /* not canonical */
            reqs[i] = (struct mmu_request){.vaddr = va | (r >> 20 & 0xfff),
                                           .type = (enum mmu_access)((r >> 12) % 3),
                                           .user = (r >> 14) % 8 != 0};
            words[i] = va_is_canonical(reqs[i].vaddr) && r % 89 != 0
                           ? mmu_pack(reqs[i].vaddr, reqs[i].type) | (r & 0xfff0000000000ull)
                           : (r % 2 ? 1ull << 63 : 1ull << 60);
        }
        n_prev = n;
        uint64_t gap = (s >> 20) % 4 == 0 ? (s >> 24) % 50 : 0;
        for (unsigned k = 0; k < N; k++) {
            struct fixture *x = f[k];
            /* After a control operation, sometimes presented in its cycle: the run waits. */
            uint64_t cycle = (s >> 22) % 2 ? presented[k] : x->cycle + gap;
            unsigned i = 0;
            while (i < n) {
                if (k == 1) {
                    bool waits = cycle < mmu_next_free_cycle(x->m);
                    size_t hits = mmu_translate_hits(x->m, reqs + i, n - i, &cycle);
                    waited_hits += waits && hits;
                    i += (unsigned)hits;
                    if (i == n)
                        break;
                }
                if (k == 2) { /* the run of requests of reqs[i]'s privilege */
                    unsigned end = i;
                    while (end < n && reqs[end].user == reqs[i].user)
                        end++;
                    size_t hits =
                        mmu_translate_hits_packed(x->m, words + i, end - i, reqs[i].user, &cycle);
                    packed_hits += (unsigned)hits;
                    i += (unsigned)hits;
                    if (i == n)
                        break;
                    if (i == end) /* the next one is of the other privilege */
                        continue;
                }
                struct mmu_request req = reqs[i++];
                req.cycle = cycle;
                struct mmu_response resp;
                assert_int_equal(mmu_translate(x->m, &req, &resp), 0);
                cycle = resp.resp_cycle;
            }
            x->cycle = presented[k] = cycle;
            unsigned op = (unsigned)(s >> 50) % 20;
            if (op == 0)
                ctrl(x, (struct mmu_ctrl){.op = MMU_CTRL_INVLPG, .value = reqs[0].vaddr});
            else if (op == 1)
                ctrl(x, (struct mmu_ctrl){.op = MMU_CTRL_LOAD_CR3,
                                          .value = aspace_pml4(x->as) | 1 | (1ull << 63)});
            else if (op == 3) { /* the OS clears a page's D bit, as after writing it back */
                uint64_t va = 0x400000 + ((s >> 30) % 24 << 12);
                set_entry(x, va, 1, entry_of(x, va, 1) & ~PTE_D);
                ctrl(x, (struct mmu_ctrl){.op = MMU_CTRL_INVLPG, .value = va});
            } else if (op == 2)
                ctrl(x, (struct mmu_ctrl){
                            .op = MMU_CTRL_SET_MODE, .wp = (s >> 40) & 1, .nxe = (s >> 41) & 1});
        }
        for (unsigned k = 1; k < N; k++) {
            assert_memory_equal(mmu_stats(f[0]->m), mmu_stats(f[k]->m), sizeof(struct mmu_stats));
            assert_int_equal(mmu_next_free_cycle(f[0]->m), mmu_next_free_cycle(f[k]->m));
        }
    }
    /* The stream reached both kinds of request. */
    const struct mmu_stats *st = mmu_stats(f[1]->m);
    assert_true(st->tlb[MMU_TLB_DTLB].hits[MMU_ACC_READ][MMU_SIZE_4K] > 1000);
    assert_true(st->tlb[MMU_TLB_ITLB].hits[MMU_ACC_FETCH][MMU_SIZE_2M] > 100);
    assert_true(st->faults[MMU_FAULT_WRITE] > 100 && st->faults[MMU_FAULT_NX] > 10);
    assert_true(st->faults[MMU_FAULT_NON_CANONICAL] > 10 && st->dirty_rewalks > 10);
    assert_true(st->total_wait > 500 && waited_hits > 20);
    assert_true(packed_hits > (st->requests[0] + st->requests[1] + st->requests[2]) / 10);
    assert_true(st->tlb[MMU_TLB_DTLB].evictions[MMU_SIZE_2M] > 10);
    assert_true(st->tlb[MMU_TLB_ITLB].evictions[MMU_SIZE_4K] > 10);
    /* A run of hits is presented in cycles c .. c + 4: a request in c + 3 comes too early. */
    struct fixture *x = f[1];
    xlate(x, 0x400000, MMU_ACC_READ, true);
    xlate(x, 0x400000, MMU_ACC_READ, true);
    for (unsigned i = 0; i < 5; i++)
        reqs[i] = (struct mmu_request){.vaddr = 0x400008, .type = MMU_ACC_READ, .user = true};
    uint64_t c = x->cycle, cycle = c;
    assert_int_equal(mmu_translate_hits(x->m, reqs, 5, &cycle), 5);
    assert_int_equal(cycle, c + 5);
    struct mmu_response resp;
    reqs[0].cycle = c + 3;
    assert_int_equal(mmu_translate(x->m, &reqs[0], &resp), -1);
    reqs[0].cycle = c + 4;
    assert_int_equal(mmu_translate(x->m, &reqs[0], &resp), 0);
    assert_int_equal(resp.resp_cycle, c + 6);
    for (unsigned k = 0; k < N; k++)
        fixture_free(f[k]);
}

/* In `blocking` and in the default, with requests in flight. */
static void hits_match_translate(void **state)
{
    (void)state;
    struct mmu_config cfg;
    mmu_config_blocking(&cfg);
    hits_match_translate_in(cfg);
    mmu_config_default(&cfg);
    hits_match_translate_in(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hit_stlb_walk),
        cmocka_unit_test(writebacks_cost),
        cmocka_unit_test(fault_timing),
        cmocka_unit_test(stlb_latency_parameter),
        cmocka_unit_test(memory_latency_and_stalls),
        cmocka_unit_test(busy_waits),
        cmocka_unit_test(control_timing),
        cmocka_unit_test(bad_memory_port),
        cmocka_unit_test(stats_reset),
        cmocka_unit_test(hits_match_translate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
