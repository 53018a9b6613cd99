/*
 * Walker memories on a simulated physical memory: the default one, always
 * ready, answering every access a fixed number of cycles after it is
 * issued; and one with a seeded random timing (stalls, latencies, responses
 * out of order) for several walkers.  Test benches supply their own ports
 * for other timings.
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

static uint64_t xorshift(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static int random_access(void *ctx, struct mmu_mem_access *acc)
{
    struct mmu_random_mem *rm = ctx;
    uint64_t x = xorshift(&rm->seed);
    acc->accept = acc->issue;
    if (rm->max_stall && x % 100 < rm->stall_percent)
        acc->accept += 1 + (x >> 8) % rm->max_stall;
    uint64_t span = (uint64_t)rm->max_latency - rm->min_latency + 1;
    acc->done = acc->accept + rm->min_latency + (x >> 24) % span;
    /* At most one response a cycle: past the responses still to come. */
    for (bool moved = true; moved;) {
        moved = false;
        for (unsigned i = 0; i < rm->nrecent; i++)
            if (rm->recent[i] == acc->done) {
                acc->done++;
                moved = true;
            }
    }
    rm->recent[rm->next] = acc->done;
    rm->next = (rm->next + 1) % 16;
    if (rm->nrecent < 16)
        rm->nrecent++;
    return mmu_mem_perform(rm->pm, acc);
}

struct mmu_mem_port mmu_random_mem_port(struct mmu_random_mem *rm)
{
    if (!rm->pm || rm->min_latency < 1 || rm->max_latency < rm->min_latency || !rm->seed ||
        rm->stall_percent > 100)
        return (struct mmu_mem_port){0};
    return (struct mmu_mem_port){.access = random_access, .ctx = rm};
}
