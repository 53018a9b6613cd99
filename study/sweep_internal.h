/*
 * What the files of mmusim sweep share; sweep.h is its interface.
 *
 *   sweep.c         the varied keys' points, their runs (a process a point, or one decode for
 *                   the points of a trace) and sweep_run
 *   sweep_output.c  the results folder (written aside, moved into place when whole), sweep.csv,
 *                   the figures on standard output (a table, JSON or CSV) and report.md
 *   plot.c          plot.gp and gnuplot
 *   sweep_slurm.c   the sweep as a Slurm job array: a task's runs, their collection, submission
 */
#ifndef STUDY_SWEEP_INTERNAL_H
#define STUDY_SWEEP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "mmusim/study.h"
#include "slurm.h"
#include "subprocess.h"
#include "sweep.h"

#define MAX_VALUES 64
#define VALUE_LEN  32

struct axis {
    char key[64];
    char value[MAX_VALUES][VALUE_LEN];
    unsigned n;
};

struct job {
    unsigned trace, i, j; /* trace index, value of axis 0, value of axis 1 */
    struct study_options o;
    struct subprocess run; /* its process, while it runs in one (sweep_exec) */
    char out[4096];        /* "OK csv-row" or "ERR message" */
};

/* The columns of study_report_csv's row that the table and plots show (sweep_parse finds them
 * by name). */
enum {
    COL_DTLB_HIT_RATE,
    COL_STLB_HIT_RATE,
    COL_STLB_MPKI,
    COL_AVG_LAT,
    COL_STALL_PKI,
    COL_WALK_REFS,
    NCOLS
};

#define LABEL_LEN 256

/* A sweep: its axes and one job a trace and point, in the order a serial run gives. */
struct sweep {
    const struct sweep_args *args;
    struct axis ax[2];
    unsigned naxes;
    char (*label)[LABEL_LEN]; /* each trace's shortest distinguishing path */
    char header[2048];        /* study_report_csv's header, without its newline */
    int skip;                 /* the study's column named as a varied key (-1: none) */
    unsigned col[NCOLS];      /* where col_name's columns are */
    struct job *jobs;
    size_t njobs;
    char tmp[600];         /* the folder inside args->dir the results are written to first */
    char id[SLURM_ID_LEN]; /* on Slurm: the sweep's id */
};

/* ---- sweep.c: the points and their runs ---- */

/* A CSV field of a study row, by column number (0-based). */
const char *row_field(const char *row, unsigned col, char *buf, size_t len);

/* "key=value" of axis a at value v, or "" if the sweep has no such axis. */
const char *point_kv(const struct sweep *s, unsigned a, unsigned v, char *buf, size_t len);

/* "key=value" or "key=value, key=value": a job's point. */
const char *point_name(const struct sweep *s, const struct job *jb, char *buf, size_t len);

/* Whether a decode would be shared: some two runs of [first, end) can share one. */
bool decode_shared(const struct sweep *s, size_t first, size_t end);

/* Runs jobs [first, end) a decode at a time (sweep_decode.h); results kept by index. */
int sweep_exec_decoded(struct sweep *s, size_t first, size_t end, char *err, size_t errlen);

/* ---- sweep_output.c: the results folder and what goes in it ---- */

/* mkdir -p dir */
int make_dir(const char *dir, char *err, size_t errlen);

/* Creates the output folder and, in it, the folder the results are first written to (s->tmp). */
int open_out_dir(struct sweep *s, char *err, size_t errlen);

/* Removes the results folder (keep false), or moves its files into the output folder in place
 * of an earlier sweep's (keep true). */
int close_out_dir(struct sweep *s, bool keep, char *err, size_t errlen);

/* Writes text between quote characters q, each q in it written as q_in. */
void write_quoted(FILE *f, const char *text, char q, const char *q_in);

/* Writes sweep.csv, report.md and the plots into the results folder and the figures on out.
 * Returns -1 if a run failed (each said on standard error). */
int sweep_report(const struct sweep *s, const struct study_options *base, FILE *out, char *err,
                 size_t errlen);

/* ---- plot.c: the plots ---- */

/* The plots, and the words both plot.gp and report.md give them. */
enum { PLOT_HIT_RATE, PLOT_MPKI, PLOT_LATENCY, PLOT_STALL, PLOT_WALK_REFS, NPLOTS };
struct plot_text {
    const char *file;
    char title[200], xlabel[120], ylabel[120];
};

/* Each plot's file name, title and axes' labels. */
void plot_texts(const struct sweep *s, struct plot_text pt[NPLOTS]);

/* Writes the plots' script, plot.gp, into the results folder and runs gnuplot there. */
int plot_draw(const struct sweep *s, char *err, size_t errlen);

/* ---- sweep_slurm.c: the sweep as a Slurm job array (slurm.h) ---- */

/* Runs array task args->task's runs and writes its part, DIR/slurm/part-K.txt. */
int sweep_task(struct sweep *s, const struct study_options *base, char *err, size_t errlen);

/* Gathers the parts into the results, as a local sweep writes them. */
int sweep_collect(struct sweep *s, const struct study_options *base, FILE *out, char *err,
                  size_t errlen);

/* Submits the sweep (every task, or those failed before); 1 when it has ended and is to be
 * collected, 0 when submitted, -1 on an error. */
int sweep_submit(struct sweep *s, const struct study_options *base, char *err, size_t errlen);

#endif
