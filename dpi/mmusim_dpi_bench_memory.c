/*
 * The model's memory served by the bench (dpi/mmusim_dpi_pkg.sv): compiled only into a bench
 * whose module defines and exports mmusim_dpi_bench_read and mmusim_dpi_bench_write, which
 * every walker access of the model then calls.
 */
#include <stdio.h>

#include "mmusim_dpi_internal.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The bench's exported functions (Verilator and other simulators generate them). */
int mmusim_dpi_bench_read(long long unsigned paddr, long long unsigned *value);
int mmusim_dpi_bench_write(long long unsigned paddr, long long unsigned value);

static int bench_read(void *ctx, uint64_t paddr, uint64_t *value)
{
    struct mmusim_dpi *h = (struct mmusim_dpi *)ctx;
    svSetScope(h->scope);
    long long unsigned v = 0;
    int rc = mmusim_dpi_bench_read(paddr, &v);
    *value = v;
    return rc ? -1 : 0;
}

static int bench_write(void *ctx, uint64_t paddr, uint64_t value)
{
    struct mmusim_dpi *h = (struct mmusim_dpi *)ctx;
    svSetScope(h->scope);
    return mmusim_dpi_bench_write(paddr, value) ? -1 : 0;
}

int mmusim_dpi_use_bench_memory(void *handle)
{
    struct mmusim_dpi *h = (struct mmusim_dpi *)handle;
    if (!mmusim_dpi_model(h))
        return -1;
    h->scope = svGetScope(); /* the calling module's: its exports serve the accesses */
    return mmusim_dpi_result(h, mmusim_set_memory(h->s, bench_read, bench_write, h));
}

#ifdef __cplusplus
}
#endif
