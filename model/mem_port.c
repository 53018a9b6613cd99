/*
 * The default walker memory: a simulated physical memory behind a port
 * that is always ready and answers every access a fixed number of cycles
 * after it is issued.  Test benches supply their own port for other
 * latencies and for stalls.
 */
#include "mmusim/mmu.h"

static int fixed_access(void *ctx, struct mmu_mem_access *acc)
{
    struct mmu_fixed_mem *fm = ctx;
    int rc = acc->write ? phys_mem_write64(fm->pm, acc->paddr, acc->data)
                        : phys_mem_read64(fm->pm, acc->paddr, &acc->data);
    acc->accept = acc->issue;
    acc->done = acc->accept + fm->latency; /* 0 is refused by the walker */
    return rc;
}

struct mmu_mem_port mmu_fixed_mem_port(struct mmu_fixed_mem *fm)
{
    return (struct mmu_mem_port){.access = fixed_access, .ctx = fm};
}
