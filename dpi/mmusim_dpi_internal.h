/*
 * What the two files of the DPI-C layer share: dpi/mmusim_dpi.c (every bench) and
 * dpi/mmusim_dpi_bench_memory.c (a bench that serves the model's memory through exported
 * functions).
 */
#ifndef MMUSIM_DPI_INTERNAL_H
#define MMUSIM_DPI_INTERNAL_H

#include "mmusim/handle.h"
#include "svdpi.h"

#ifdef __cplusplus
extern "C" {
#endif

struct mmusim_dpi {
    struct mmusim *s; /* NULL when the configuration was refused */
    svScope scope;    /* the module whose exported functions serve the memory */
    char *text;       /* the last text given (statistics, a study's report), kept until the next */
    char err[600];
};

/* The handle's model, or NULL with the reason kept in h. */
struct mmusim *mmusim_dpi_model(struct mmusim_dpi *h);
/* rc, the reason kept in h when it is -1. */
int mmusim_dpi_result(struct mmusim_dpi *h, int rc);

#ifdef __cplusplus
}
#endif

#endif
