/*
 * mmusim: the command-line front end of the model.
 *
 *   mmusim demo     builds a small address space, translates a handful of
 *                   addresses through the default MMU, and prints each
 *                   response and the statistics.
 *
 * Trace-driven studies (mmusim run) come with the trace-study issue.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mmusim.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: mmusim demo\n"
                 "  demo   translate a few addresses (among them the design notes' example,\n"
                 "         0x2150 on physical page 0x109) and print the statistics\n");
}

struct demo_access {
    uint64_t va;
    enum mmu_access type;
    bool user;
    const char *why;
};

static int demo(void)
{
    char err[256];
    struct phys_mem *pm = phys_mem_create(46, err, sizeof(err));
    struct aspace *as = pm ? aspace_create(pm, err, sizeof(err)) : NULL;
    struct mmu_config cfg;
    mmu_config_default(&cfg);
    struct mmu_fixed_mem fm = {.pm = pm, .latency = 20};
    struct mmu_mem_port port = mmu_fixed_mem_port(&fm);
    struct mmu *m = as ? mmu_create(&cfg, &port, err, sizeof(err)) : NULL;
    int rc = 1;
    if (!m) {
        fprintf(stderr, "mmusim: %s\n", err);
        goto out;
    }
    /* The design notes' example: virtual page 0x2 on physical page 0x109. */
    if (aspace_map(as, 0x2000, 0x109000, PAGE_SHIFT_4K, PTE_RW | PTE_US) ||
        aspace_map(as, 0x3000, 0x10a000, PAGE_SHIFT_4K, PTE_US) ||
        aspace_map(as, 0x40000000, 0x80000000, PAGE_SHIFT_2M, PTE_RW | PTE_NX) ||
        aspace_map(as, 0xffff800000001000, 0x5000, PAGE_SHIFT_4K, PTE_G)) {
        fprintf(stderr, "mmusim: %s\n", aspace_error(as));
        goto out;
    }
    if (mmu_load_cr3(m, 0, aspace_pml4(as), 1, false)) {
        fprintf(stderr, "mmusim: %s\n", mmu_error(m));
        goto out;
    }
    static const struct demo_access accesses[] = {
        {0x2150, MMU_ACC_READ, true, "walk: the design notes' example"},
        {0x2158, MMU_ACC_READ, true, "L1 hit on the same page"},
        {0x2160, MMU_ACC_WRITE, true, "write to a clean page: re-walk to set D"},
        {0x3010, MMU_ACC_WRITE, true, "write to a read-only page"},
        {0x40123456, MMU_ACC_READ, false, "2 MiB page, skips PML4E/PDPTE via the caches"},
        {0x40123456, MMU_ACC_FETCH, false, "fetch from an NX page"},
        {0xffff800000001008, MMU_ACC_READ, true, "user access to a supervisor page"},
        {0x0000800000000000, MMU_ACC_READ, false, "non-canonical address"},
        {0x7000, MMU_ACC_READ, false, "unmapped page"},
    };
    uint64_t cycle = 1;
    for (size_t i = 0; i < sizeof(accesses) / sizeof(accesses[0]); i++) {
        const struct demo_access *a = &accesses[i];
        struct mmu_request req = {.vaddr = a->va, .type = a->type, .user = a->user,
                                  .cycle = cycle};
        struct mmu_response r;
        if (mmu_translate(m, &req, &r)) {
            fprintf(stderr, "mmusim: %s\n", mmu_error(m));
            goto out;
        }
        printf("%-5s %s 0x%" PRIx64 " -> ", mmu_access_name(a->type), a->user ? "user" : "sup ",
               a->va);
        if (r.fault == MMU_FAULT_NONE)
            printf("0x%" PRIx64 " (%s page)", r.paddr, r.page_shift == PAGE_SHIFT_4K ? "4K" : "2M");
        else
            printf("fault %s, error code 0x%x, level %u", mmu_fault_name(r.fault), r.error_code,
                   r.level);
        printf("; cycles %" PRIu64 "..%" PRIu64 " (%" PRIu64 "); %s\n", r.accept_cycle,
               r.resp_cycle, r.resp_cycle - r.accept_cycle, a->why);
        cycle = r.resp_cycle;
    }
    printf("\n");
    mmu_stats_print(mmu_stats(m), stdout);
    rc = 0;
out:
    mmu_destroy(m);
    aspace_destroy(as);
    phys_mem_destroy(pm);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "demo") == 0)
        return demo();
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return 0;
    }
    usage(stderr);
    return 2;
}
