/*
 * mmusim sweep (see sweep.c): a study over one or two varied keys, in threads sharing each
 * trace's decode or in parallel processes.
 */
#ifndef STUDY_SWEEP_H
#define STUDY_SWEEP_H

#include <stdbool.h>
#include <stdio.h>

#include "mmusim/study.h"

/* Where the runs go: processes on this machine, or a Slurm job array (slurm.h). */
enum sweep_mode {
    SWEEP_LOCAL,
    SWEEP_SUBMIT,   /* write DIR/slurm/ and submit the job array */
    SWEEP_TASK,     /* run one array task's runs, write its part */
    SWEEP_COLLECT,  /* gather the parts into the results, as a local sweep writes them */
    SWEEP_RESUBMIT, /* submit the tasks whose part is missing or failed again, then collect */
};

/* How a trace's points are run (--decode): each point in its own process reading the trace, or
 * the trace read once for a group of points fed in threads (sweep_decode.h); AUTO is ONCE when
 * some trace has two points that can share a decode, EACH otherwise. */
enum sweep_decode_mode { SWEEP_DECODE_AUTO, SWEEP_DECODE_ONCE, SWEEP_DECODE_EACH };

struct sweep_args {
    const char *const *vary; /* "KEY=VALUES", one or two */
    unsigned nvary;
    const char *const *traces;
    unsigned ntraces;
    const char *dir; /* where the results go */
    unsigned jobs;   /* runs at a time: processes, or with one decode the threads feeding */
    enum sweep_decode_mode decode;
    unsigned group; /* with one decode: at most this many points share a decode (0: default) */
    int output;     /* on out: 0 a table, 1 JSON, 2 CSV */
    bool progress;  /* show progress on standard error */
    int argc;       /* the command line, recorded in the report (without Slurm's options) */
    const char *const *argv;
    /* Slurm */
    enum sweep_mode mode;
    unsigned task;             /* SWEEP_TASK: the array task */
    unsigned per_task;         /* runs an array task (default 1) */
    bool wait;                 /* SWEEP_SUBMIT, SWEEP_RESUBMIT: wait for the job, then collect */
    const char *const *sbatch; /* options for sbatch (--partition=P, ...) */
    unsigned nsbatch;
    const char *id; /* SWEEP_TASK, SWEEP_COLLECT, SWEEP_RESUBMIT: the sweep's id */
};

/* Runs every point of the varied keys on every trace (base with --set applied, its
 * configuration checked point by point after the varied keys), writes dir/report.md,
 * dir/sweep.csv, dir/plot.gp and its plots (hit_rate, mpki, latency, stall; PNG and SVG) and the
 * figures on out.  The files are written to a folder in dir and replace an earlier sweep's
 * only when everything succeeded.  Returns the exit status: 0, 1 (a run or a file failed) or
 * 2 (a bad point or option), with the reason in err.  That is SWEEP_LOCAL; the other modes
 * run the same sweep as a Slurm job array: its submission, one task's runs, the collection of
 * the tasks' results into the same files, and the resubmission of tasks that failed. */
int sweep_run(const struct study_options *base, const struct sweep_args *a, FILE *out, char *err,
              size_t errlen);

#endif
