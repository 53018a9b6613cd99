/*
 * mmusim sweep (see sweep.c): a study over one or two varied keys, in parallel processes.
 */
#ifndef STUDY_SWEEP_H
#define STUDY_SWEEP_H

#include <stdio.h>

#include "mmusim/study.h"

/* Runs every point of the varied keys (each "KEY=VALUES") on every trace, at most jobs_max at
 * a time; writes dir/sweep.csv, dir/hit_rate.{png,svg}, dir/mpki.{png,svg} and a table on out.
 * Returns 0, or -1 with the reason in err. */
int sweep_run(const struct study_options *base, const char *const *vary, unsigned nvary,
              const char *const *traces, unsigned ntraces, const char *dir, unsigned jobs_max,
              FILE *out, char *err, size_t errlen);

#endif
