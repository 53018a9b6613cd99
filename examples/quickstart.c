/* The README's example, compiled and run by ctest (test "quickstart"). */
#include <stdio.h>

#include "mmusim.h"

int main(void)
{
    char err[256];
    struct phys_mem *pm = phys_mem_create(46, err, sizeof err); /* sparse physical memory */
    struct aspace *as = aspace_create(pm, err, sizeof err);     /* page tables in it */
    aspace_map(as, 0x2000, 0x109000, PAGE_SHIFT_4K, PTE_RW | PTE_US);

    struct mmu_config cfg;
    mmu_config_default(&cfg); /* the spec's defaults; edit any size or policy */
    cfg.stlb.repl = MMU_REPL_RANDOM;
    struct mmu_fixed_mem mem = {.pm = pm, .latency = 20};
    struct mmu_mem_port port = mmu_fixed_mem_port(&mem);      /* or your own timing */
    struct mmu *m = mmu_create(&cfg, &port, err, sizeof err); /* NULL + reason if cfg is bad */
    if (!m) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }

    mmu_load_cr3(m, 0, aspace_pml4(as), /*pcid*/ 1, /*noflush*/ false);
    struct mmu_request req = {.vaddr = 0x2150, .type = MMU_ACC_READ, .user = true, .cycle = 1};
    struct mmu_response r;
    if (mmu_translate(m, &req, &r) == 0 && r.fault == MMU_FAULT_NONE)
        printf("0x%llx, answered in cycle %llu\n", (unsigned long long)r.paddr,
               (unsigned long long)r.resp_cycle); /* 0x109150, cycle 179 */
    mmu_stats_print(mmu_stats(m), stdout);

    mmu_destroy(m);
    aspace_destroy(as);
    phys_mem_destroy(pm);
    return 0;
}
