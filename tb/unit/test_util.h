/*
 * Shared fixture of the unit tests: a physical memory, one address space
 * and an MMU on the default 20-cycle memory, plus a recording memory port
 * that remembers every walker access so tests can check them one by one.
 */
#ifndef TB_UNIT_TEST_UTIL_H
#define TB_UNIT_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "mmusim.h"

#define MAX_LOG 64

/* A random test's seed: MMUSIM_SEED from the environment, else the time; printed with the way
 * to replay it.  Never 0 (an LCG or xorshift seed of 0 is a poor one). */
static inline uint64_t test_seed(const char *test)
{
    const char *e = getenv("MMUSIM_SEED");
    uint64_t seed = e && *e ? strtoull(e, NULL, 0) : (uint64_t)time(NULL);
    printf("%s seed=%llu (replay: MMUSIM_SEED=%llu)\n", test, (unsigned long long)seed,
           (unsigned long long)seed);
    fflush(stdout);
    return seed ? seed : 1;
}

struct fixture {
    struct phys_mem *pm;
    struct aspace *as;
    struct mmu *m;
    struct mmu_config cfg;
    unsigned latency; /* response latency of every access */
    unsigned stall;   /* cycles the port is not ready for each access */
    /* The latency of access k of the log instead, for k < nlat (a test that places one walk's
     * events in another's cycles). */
    const unsigned *lat;
    unsigned nlat;
    struct mmu_mem_access log[MAX_LOG];
    unsigned nlog;
    uint64_t cycle; /* when the next request is presented */
};

static int fixture_access(void *ctx, struct mmu_mem_access *acc)
{
    struct fixture *f = ctx;
    int rc = mmu_mem_perform(f->pm, acc);
    acc->accept = acc->issue + f->stall;
    acc->done = acc->accept + (f->nlog < f->nlat ? f->lat[f->nlog] : f->latency);
    if (f->nlog < MAX_LOG)
        f->log[f->nlog++] = *acc;
    return rc;
}

/* Builds the fixture with cfg (NULL: the default sizes, blocking: the tests of one request at a
 * time check section 8's walks and cycles; test_inflight.c checks the default's requests in
 * flight), CR3 = the address space with PCID 1. */
static inline struct fixture *fixture_new(const struct mmu_config *cfg)
{
    struct fixture *f = calloc(1, sizeof(*f));
    char err[256];
    assert_non_null(f);
    if (cfg)
        f->cfg = *cfg;
    else
        mmu_config_blocking(&f->cfg);
    f->latency = 20;
    f->pm = phys_mem_create(f->cfg.pa_bits, err, sizeof(err));
    assert_non_null(f->pm);
    f->as = aspace_create_levels(f->pm, f->cfg.la57 ? PT_LEVELS_MAX : PT_LEVELS, err, sizeof(err));
    assert_non_null(f->as);
    struct mmu_mem_port port = {.access = fixture_access, .ctx = f};
    f->m = mmu_create(&f->cfg, &port, err, sizeof(err));
    if (!f->m)
        fail_msg("mmu_create: %s", err);
    assert_int_equal(mmu_load_cr3(f->m, 0, aspace_pml4(f->as), 1, false), 0);
    f->cycle = mmu_next_free_cycle(f->m);
    return f;
}

static inline void fixture_free(struct fixture *f)
{
    mmu_destroy(f->m);
    aspace_destroy(f->as);
    phys_mem_destroy(f->pm);
    free(f);
}

static inline void map(struct fixture *f, uint64_t va, uint64_t pa, unsigned shift, uint64_t flags)
{
    if (aspace_map(f->as, va, pa, shift, flags))
        fail_msg("aspace_map: %s", aspace_error(f->as));
}

/* Translates at the first cycle the MMU is free; clears the access log. */
static inline struct mmu_response xlate(struct fixture *f, uint64_t va, enum mmu_access type,
                                        bool user)
{
    struct mmu_request req = {.vaddr = va, .type = type, .user = user, .cycle = f->cycle};
    struct mmu_response r;
    f->nlog = 0;
    if (mmu_translate(f->m, &req, &r))
        fail_msg("mmu_translate: %s", mmu_error(f->m));
    f->cycle = r.resp_cycle;
    return r;
}

static inline uint64_t entry_of(struct fixture *f, uint64_t va, unsigned level)
{
    uint64_t pa, e;
    if (aspace_entry_paddr(f->as, va, level, &pa))
        fail_msg("aspace_entry_paddr: %s", aspace_error(f->as));
    assert_int_equal(phys_mem_read64(f->pm, pa, &e), 0);
    return e;
}

static inline void set_entry(struct fixture *f, uint64_t va, unsigned level, uint64_t e)
{
    uint64_t pa;
    if (aspace_entry_paddr(f->as, va, level, &pa))
        fail_msg("aspace_entry_paddr: %s", aspace_error(f->as));
    assert_int_equal(phys_mem_write64(f->pm, pa, e), 0);
}

/* Runs a control operation at the first free cycle. */
static inline void ctrl(struct fixture *f, struct mmu_ctrl c)
{
    uint64_t done;
    c.cycle = f->cycle;
    if (mmu_control(f->m, &c, &done))
        fail_msg("mmu_control: %s", mmu_error(f->m));
    f->cycle = done;
}

#endif
