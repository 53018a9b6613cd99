/*
 * The default walker memory: a simulated physical memory behind a port
 * that is always ready and answers every access a fixed number of cycles
 * after it is issued.  Test benches supply their own port for other
 * latencies and for stalls.
 */
#include "mmusim/mmu.h"

int mmu_mem_perform(struct phys_mem *pm, struct mmu_mem_access *acc)
{
    if (!acc->write)
        return phys_mem_read64(pm, acc->paddr, &acc->data);
    if (!acc->set_bits)
        return phys_mem_write64(pm, acc->paddr, acc->data);
    uint64_t e;
    if (phys_mem_read64(pm, acc->paddr, &e))
        return -1;
    return phys_mem_write64(pm, acc->paddr, e | acc->data);
}

static int fixed_access(void *ctx, struct mmu_mem_access *acc)
{
    struct mmu_fixed_mem *fm = ctx;
    int rc = mmu_mem_perform(fm->pm, acc);
    acc->accept = acc->issue;
    acc->done = acc->accept + fm->latency; /* 0 is refused by the walker */
    return rc;
}

struct mmu_mem_port mmu_fixed_mem_port(struct mmu_fixed_mem *fm)
{
    return (struct mmu_mem_port){.access = fixed_access, .ctx = fm};
}
