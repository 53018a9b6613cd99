/*
 * Speed of the C model: translations per second and simulated cycles per
 * second on three access streams over a 256 MiB working set of 4 KiB
 * pages and a 1 GiB set of 2 MiB pages, with the default configuration.
 *
 *   bench_model [requests-per-stream] [seed]
 *
 * Streams: "hot" (a few pages: mostly L1 hits), "stlb" (a few thousand
 * pages: mostly STLB hits), "random" (uniform over everything: mostly
 * walks).  A benchmark, not a test: it prints figures and checks nothing
 * but that every translation succeeded.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "mmusim.h"

#define PAGES_4K (256u << 8) /* 256 MiB of 4 KiB pages */
#define PAGES_2M 512u        /* 1 GiB of 2 MiB pages */
#define BASE_4K  0x0000100000000000ull
#define BASE_2M  0x0000200000000000ull

static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Pages a stream draws from: the first `pages4k` 4 KiB pages and, one
 * time in eight, one of the first `pages2m` 2 MiB pages. */
static uint64_t pick(uint64_t *s, unsigned pages4k, unsigned pages2m)
{
    uint64_t r = next(s);
    if ((r & 7) == 0)
        return BASE_2M + ((r >> 3) % pages2m) * PAGE_SIZE_2M + ((r >> 40) & 0x1ffff8);
    return BASE_4K + ((r >> 3) % pages4k) * PAGE_SIZE_4K + ((r >> 52) & 0xff8);
}

int main(int argc, char **argv)
{
    unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 0) : 5000000;
    uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 1;
    char err[256];
    struct phys_mem *pm = phys_mem_create(46, err, sizeof err);
    struct aspace *as = pm ? aspace_create(pm, err, sizeof err) : NULL;
    if (!as) {
        fprintf(stderr, "bench_model: %s\n", err);
        return 1;
    }
    for (unsigned i = 0; i < PAGES_4K; i++)
        if (aspace_map(as, BASE_4K + (uint64_t)i * PAGE_SIZE_4K, (uint64_t)i << 12, PAGE_SHIFT_4K,
                       PTE_RW | PTE_US)) {
            fprintf(stderr, "bench_model: %s\n", aspace_error(as));
            return 1;
        }
    for (unsigned i = 0; i < PAGES_2M; i++)
        if (aspace_map(as, BASE_2M + (uint64_t)i * PAGE_SIZE_2M, (uint64_t)i << 21, PAGE_SHIFT_2M,
                       PTE_RW | PTE_US)) {
            fprintf(stderr, "bench_model: %s\n", aspace_error(as));
            return 1;
        }
    static const struct {
        const char *name;
        unsigned pages4k, pages2m;
    } streams[] = {{"hot", 16, 2}, {"stlb", 1024, 64}, {"random", PAGES_4K, PAGES_2M}};

    printf("bench_model: %lu requests per stream, seed %" PRIu64 ", default configuration\n", n,
           seed);
    printf("%-8s %12s %14s %10s %8s %8s %8s\n", "stream", "Mtransl/s", "Mcycles/s", "cycles/tr",
           "L1 %", "STLB %", "walk %");
    for (unsigned k = 0; k < 3; k++) {
        struct mmu_config cfg;
        mmu_config_default(&cfg);
        struct mmu_fixed_mem mem = {.pm = pm, .latency = 20};
        struct mmu_mem_port port = mmu_fixed_mem_port(&mem);
        struct mmu *m = mmu_create(&cfg, &port, err, sizeof err);
        if (!m || mmu_load_cr3(m, 0, aspace_pml4(as), 1, false)) {
            fprintf(stderr, "bench_model: %s\n", m ? mmu_error(m) : err);
            return 1;
        }
        uint64_t s = seed, cycle = 1, src[MMU_SRC_COUNT] = {0};
        double t0 = now();
        for (unsigned long i = 0; i < n; i++) {
            struct mmu_request req = {.vaddr = pick(&s, streams[k].pages4k, streams[k].pages2m),
                                      .type = (i & 3) == 3 ? MMU_ACC_WRITE : MMU_ACC_READ,
                                      .cycle = cycle};
            struct mmu_response r;
            if (mmu_translate(m, &req, &r) || r.fault != MMU_FAULT_NONE) {
                fprintf(stderr, "bench_model: request %lu at 0x%" PRIx64 " failed\n", i, req.vaddr);
                return 1;
            }
            src[r.source]++;
            cycle = r.resp_cycle;
        }
        double dt = now() - t0;
        printf("%-8s %12.2f %14.1f %10.2f %8.1f %8.1f %8.1f\n", streams[k].name, n / dt / 1e6,
               cycle / dt / 1e6, (double)cycle / n, 100.0 * src[MMU_SRC_L1] / n,
               100.0 * src[MMU_SRC_STLB] / n, 100.0 * src[MMU_SRC_WALK] / n);
        mmu_destroy(m);
    }
    printf("physical memory: %zu frames touched\n", phys_mem_frames_used(pm));
    aspace_destroy(as);
    phys_mem_destroy(pm);
    return 0;
}
