/*
 * mmusim sweep (see sweep.c): a study over one or two varied keys, in parallel processes.
 */
#ifndef STUDY_SWEEP_H
#define STUDY_SWEEP_H

#include <stdbool.h>
#include <stdio.h>

#include "mmusim/study.h"

struct sweep_args {
    const char *const *vary; /* "KEY=VALUES", one or two */
    unsigned nvary;
    const char *const *traces;
    unsigned ntraces;
    const char *dir; /* where the results go */
    unsigned jobs;   /* runs at a time */
    int output;      /* on out: 0 a table, 1 JSON, 2 CSV */
    bool progress;   /* show progress on standard error */
    int argc;        /* the command line, recorded in the report */
    const char *const *argv;
};

/* Runs every point of the varied keys on every trace (base with --set applied, its
 * configuration checked point by point after the varied keys), writes dir/report.md,
 * dir/sweep.csv, dir/plot.gp and its plots (hit_rate, mpki, latency; PNG and SVG) and the
 * figures on out.  The files are written to a folder in dir and replace an earlier sweep's
 * only when everything succeeded.  Returns the exit status: 0, 1 (a run or a file failed) or
 * 2 (a bad point or option), with the reason in err. */
int sweep_run(const struct study_options *base, const struct sweep_args *a, FILE *out, char *err,
              size_t errlen);

#endif
