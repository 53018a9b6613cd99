/*
 * mmusim sweep: one or two keys varied over lists or ranges, every point run on every trace,
 * each trace decoded once for its points in threads (sweep_decode.h) or a process a point (one
 * per core; --decode), the results gathered in the order a serial run gives,
 * written as CSV with a table on standard output, and plotted with gnuplot (PNG and SVG).
 *
 * Values: "a,b,c" (a list), "FROM:TO:*K" (geometric) or "FROM:TO:+K" (arithmetic).
 *
 * The results are written into a new folder inside the output folder and moved into place
 * only when every run and plot succeeded, so an output folder never mixes two sweeps.
 *
 * This file makes the points and runs them; the results folder, sweep.csv and report.md are
 * sweep_output.c's, the plots plot.c's, the Slurm job array sweep_slurm.c's (sweep_internal.h).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "mmusim/study.h"
#include "progress.h"
#include "subprocess.h"
#include "sweep.h"
#include "sweep_decode.h"
#include "sweep_internal.h"

/* Expands "KEY=SPEC" into the axis's values. */
static int parse_axis(const char *arg, struct axis *a, char *err, size_t errlen)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || !eq[1]) {
        snprintf(err, errlen, "--vary %s: expected KEY=VALUES", arg);
        return -1;
    }
    snprintf(a->key, sizeof(a->key), "%.*s", (int)(eq - arg), arg);
    const char *spec = eq + 1;
    a->n = 0;
    unsigned long long from, to, step;
    char op;
    int used = 0;
    if (sscanf(spec, "%llu:%llu:%c%llu%n", &from, &to, &op, &step, &used) == 4 &&
        spec[used] == '\0') {
        if ((op != '*' && op != '+') || (op == '*' && step < 2) || (op == '+' && step < 1) ||
            from > to) {
            snprintf(err, errlen,
                     "--vary %s: a range is FROM:TO:*K (K >= 2) or FROM:TO:+K "
                     "(K >= 1), with FROM <= TO",
                     arg);
            return -1;
        }
        for (unsigned long long v = from; v <= to; v = op == '*' ? v * step : v + step) {
            if (a->n == MAX_VALUES) {
                snprintf(err, errlen, "--vary %s: more than %d values", arg, MAX_VALUES);
                return -1;
            }
            snprintf(a->value[a->n++], VALUE_LEN, "%llu", v);
            if (v == 0 && op == '*')
                break;
        }
        return 0;
    }
    const char *p = spec;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == 0 || len >= VALUE_LEN || a->n == MAX_VALUES) {
            snprintf(err, errlen,
                     "--vary %s: values must be non-empty, shorter than %d "
                     "characters, and at most %d",
                     arg, VALUE_LEN, MAX_VALUES);
            return -1;
        }
        snprintf(a->value[a->n++], VALUE_LEN, "%.*s", (int)len, p);
        p += len + (comma != NULL);
    }
    return 0;
}

/* What a point's process runs: its job on its trace. */
struct point_run {
    struct job *jb;
    const char *trace;
};

static int run_child(void *ctx, int fd)
{
    const struct point_run *run = ctx;
    struct job *jb = run->jb;
    const char *trace = run->trace;
    struct study_result r;
    char err[600];
    FILE *f = fdopen(fd, "w");
    if (!f)
        return 3;
    if (study_run(&jb->o, &trace, 1, &r, err, sizeof(err)))
        fprintf(f, "ERR %s\n", err);
    else {
        fputs("OK ", f);
        study_report_csv(&jb->o, &r, false, f);
    }
    fclose(f);
    return 0;
}

static int collect(struct job *jb)
{
    int status;
    size_t n = subprocess_finish(&jb->run, jb->out, sizeof(jb->out), &status);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || n == 0)
        snprintf(jb->out, sizeof(jb->out), "ERR the run's process ended abnormally (status %d)",
                 status);
    return 0;
}

/* A CSV field of a study row, by column number (0-based). */
const char *row_field(const char *row, unsigned col, char *buf, size_t len)
{
    for (unsigned c = 0; c < col && row; c++) {
        row = strchr(row, ',');
        row = row ? row + 1 : NULL;
    }
    if (!row)
        return "";
    size_t n = strcspn(row, ",\n");
    snprintf(buf, len, "%.*s", (int)(n < len - 1 ? n : len - 1), row);
    return buf;
}

/* The names of the columns the table and plots show. */
static const char *const col_name[NCOLS] = {
    [COL_DTLB_HIT_RATE] = "dtlb_hit_rate",
    [COL_STLB_HIT_RATE] = "stlb_hit_rate",
    [COL_STLB_MPKI] = "stlb_mpki",
    [COL_AVG_LAT] = "average_latency",
    [COL_STALL_PKI] = "stall_cycles_per_kilo_instruction",
    [COL_WALK_REFS] = "memory_references_per_walk",
};

/* The last k '/'-separated components of path, or the whole path if it has no more. */
static const char *tail(const char *path, unsigned k)
{
    for (const char *p = path + strlen(path); p > path; p--)
        if (p[-1] == '/' && --k == 0)
            return p;
    return path;
}

/* Names each trace by the fewest last components of its path that no other trace's as many
 * last components equal ("a/x.gz" and "b/x.gz", but "y.gz"); refuses a trace given twice and standard input. */
static int label_traces(struct sweep *s, char *err, size_t errlen)
{
    const struct sweep_args *a = s->args;
    unsigned *k = calloc(a->ntraces, sizeof(*k));
    s->label = calloc(a->ntraces, sizeof(*s->label));
    if (!k || !s->label) {
        free(k);
        snprintf(err, errlen, "out of host memory");
        return -1;
    }
    for (unsigned t = 0; t < a->ntraces; t++) {
        k[t] = 1;
        if (!strcmp(a->traces[t], "-")) {
            snprintf(err, errlen,
                     "standard input (-) cannot be swept: every point reads the "
                     "trace again; give a file");
            free(k);
            return -1;
        }
        for (unsigned u = 0; u < t; u++)
            if (!strcmp(a->traces[t], a->traces[u])) {
                snprintf(err, errlen, "trace %s is given twice", a->traces[t]);
                free(k);
                return -1;
            }
    }
    for (unsigned t = 0; t < a->ntraces; t++)
        for (unsigned u = 0; u < a->ntraces; u++) {
            const char *mine = tail(a->traces[t], k[t]);
            if (u != t && mine != a->traces[t] && !strcmp(mine, tail(a->traces[u], k[t]))) {
                k[t]++;
                u = (unsigned)-1; /* compare with every other trace again */
            }
        }
    for (unsigned t = 0; t < a->ntraces; t++)
        snprintf(s->label[t], LABEL_LEN, "%s", tail(a->traces[t], k[t]));
    free(k);
    return 0;
}

/* "key=value" of axis a at value v, or "" if the sweep has no such axis. */
const char *point_kv(const struct sweep *s, unsigned a, unsigned v, char *buf, size_t len)
{
    if (a >= s->naxes)
        return "";
    snprintf(buf, len, "%s=%s", s->ax[a].key, s->ax[a].value[v]);
    return buf;
}

/* "key=value" or "key=value, key=value": a job's point. */
const char *point_name(const struct sweep *s, const struct job *jb, char *buf, size_t len)
{
    char a[100], b[100];
    snprintf(buf, len, "%s%s%s", point_kv(s, 0, jb->i, a, sizeof(a)), s->naxes > 1 ? ", " : "",
             point_kv(s, 1, jb->j, b, sizeof(b)));
    return buf;
}

/* Parses the varied keys and sets every job's options; every point's configuration (the
 * options with --set and both varied keys applied) is checked before anything runs. */
static int sweep_parse(struct sweep *s, const struct study_options *base, char *err, size_t errlen)
{
    const struct sweep_args *args = s->args;
    struct axis *ax = s->ax;
    if (args->nvary < 1 || args->nvary > 2) {
        snprintf(err, errlen, "give one or two --vary KEY=VALUES");
        return -1;
    }
    s->naxes = args->nvary;
    for (unsigned a = 0; a < s->naxes; a++)
        if (parse_axis(args->vary[a], &ax[a], err, errlen))
            return -1;
    if (s->naxes > 1 && !strcmp(ax[0].key, ax[1].key)) {
        snprintf(err, errlen, "--vary %s is given twice: vary a key once, with all its values",
                 ax[0].key);
        return -1;
    }
    unsigned n1 = s->naxes > 1 ? ax[1].n : 1;
    size_t njobs = (size_t)args->ntraces * ax[0].n * n1;
    s->jobs = calloc(njobs, sizeof(*s->jobs));
    if (!s->jobs) {
        snprintf(err, errlen, "out of host memory");
        return -1;
    }
    s->njobs = njobs;
    for (size_t k = 0; k < njobs; k++) {
        struct job *jb = &s->jobs[k];
        jb->trace = (unsigned)(k / (ax[0].n * n1));
        jb->i = (unsigned)(k / n1 % ax[0].n);
        jb->j = (unsigned)(k % n1);
        jb->o = *base;
        jb->o.progress = NULL;
        char why[400], name[256];
        if (study_set(&jb->o, ax[0].key, ax[0].value[jb->i], why, sizeof(why)) ||
            (s->naxes > 1 && study_set(&jb->o, ax[1].key, ax[1].value[jb->j], why, sizeof(why))) ||
            study_check(&jb->o, why, sizeof(why))) {
            snprintf(err, errlen, "point %s: %s", point_name(s, jb, name, sizeof(name)), why);
            return -1;
        }
    }
    /* The study's columns; one named as a varied key (pages) is left out of sweep.csv. */
    FILE *tmp = tmpfile();
    if (!tmp) {
        snprintf(err, errlen, "tmpfile: %s", strerror(errno));
        return -1;
    }
    study_report_csv(base, &(struct study_result){0}, true, tmp);
    rewind(tmp);
    if (!fgets(s->header, sizeof(s->header), tmp))
        s->header[0] = '\0';
    fclose(tmp);
    s->header[strcspn(s->header, "\n")] = '\0';
    s->skip = -1;
    bool found[NCOLS] = {false};
    char name[64];
    for (unsigned c = 0; *row_field(s->header, c, name, sizeof(name)); c++) {
        for (unsigned a = 0; a < s->naxes; a++)
            if (!strcmp(name, ax[a].key))
                s->skip = (int)c;
        for (unsigned k = 0; k < NCOLS; k++)
            if (!strcmp(name, col_name[k])) {
                s->col[k] = c;
                found[k] = true;
            }
    }
    for (unsigned k = 0; k < NCOLS; k++)
        if (!found[k]) {
            snprintf(err, errlen, "the study's CSV has no column %s (a bug in mmusim)",
                     col_name[k]);
            return -1;
        }
    return 0;
}

/* Runs every job in its own process, at most jobs at a time; results kept by index.  Shows
 * the runs done, the time elapsed and the time left on standard error if asked to. */
static int sweep_exec(struct sweep *s, char *err, size_t errlen)
{
    size_t next = 0, done = 0, running = 0;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (done < s->njobs) {
        while (running < s->args->jobs && next < s->njobs) {
            struct job *jb = &s->jobs[next];
            struct point_run run = {.jb = jb, .trace = s->args->traces[jb->trace]};
            if (subprocess_start(&jb->run, run_child, &run, err, errlen))
                return -1;
            next++;
            running++;
        }
        /* Collect the oldest running job (results are small: a pipe never fills). */
        collect(&s->jobs[done]);
        done++;
        running--;
        if (s->args->progress) {
            char times[80];
            progress_times(times, sizeof(times), progress_elapsed(&start),
                           (double)done / (double)s->njobs);
            fprintf(stderr, "\rsweep: %zu of %zu runs done%s ", done, s->njobs, times);
        }
    }
    if (s->args->progress)
        fprintf(stderr, "\r%*s\r", 70, "");
    return 0;
}

/* ---- one decode for the points of a trace (sweep_decode.h) --------------------------------- */

/* At most this many points share a decode by default: their studies (each an MMU, page tables
 * and a page set, a few MiB for the bundled traces) are alive at once. */
#define DEFAULT_GROUP 16

/* Whether two runs can share a decode: one trace, read the same way. */
static bool same_decode(const struct job *a, const struct job *b)
{
    return a->trace == b->trace && a->o.format == b->o.format && a->o.skip_bad == b->o.skip_bad;
}

/* Whether a decode would be shared: some two runs of [first, end) can share one. */
bool decode_shared(const struct sweep *s, size_t first, size_t end)
{
    for (size_t k = first; k < end; k++)
        for (size_t q = k + 1; q < end && s->jobs[q].trace == s->jobs[k].trace; q++)
            if (same_decode(&s->jobs[k], &s->jobs[q]))
                return true;
    return false;
}

/* The progress of a sweep run a decode at a time: runs done before the decode, and its runs;
 * the time left counts the share of the trace read as that share of the decode's runs done. */
struct decode_progress {
    const struct sweep *s;
    struct timespec start;
    size_t done, runs;
    int shown; /* the thousandths of the sweep last shown */
};

static void show_decode_progress(void *ctx, double share)
{
    struct decode_progress *p = ctx;
    double frac = ((double)p->done + share * (double)p->runs) / (double)p->s->njobs;
    if ((int)(frac * 1000) == p->shown)
        return;
    p->shown = (int)(frac * 1000);
    char times[80];
    progress_times(times, sizeof(times), progress_elapsed(&p->start), frac);
    fprintf(stderr, "\rsweep: %zu of %zu runs done%s ", p->done, p->s->njobs, times);
}

/* Runs jobs [first, end) a decode at a time: the runs that can share a decode, split into
 * groups of at most args->group (DEFAULT_GROUP) points of about equal size; results kept by
 * index, as sweep_exec keeps them. */
int sweep_exec_decoded(struct sweep *s, size_t first, size_t end, char *err, size_t errlen)
{
    size_t n = end - first, cap = s->args->group ? s->args->group : DEFAULT_GROUP;
    bool *taken = calloc(n, sizeof(*taken));
    size_t *idx = calloc(n, sizeof(*idx));
    struct decode_point *pt = calloc(n < cap ? n : cap, sizeof(*pt));
    int rc = -1;
    if (!taken || !idx || !pt) {
        snprintf(err, errlen, "out of host memory");
        goto out;
    }
    struct decode_progress prog = {.s = s, .shown = -1};
    clock_gettime(CLOCK_MONOTONIC, &prog.start);
    for (size_t k = first; k < end; k++) {
        if (taken[k - first])
            continue;
        size_t m = 0;
        for (size_t q = k; q < end; q++)
            if (!taken[q - first] && same_decode(&s->jobs[k], &s->jobs[q])) {
                taken[q - first] = true;
                idx[m++] = q;
            }
        size_t per = (m + (m + cap - 1) / cap - 1) / ((m + cap - 1) / cap);
        for (size_t g = 0; g < m; g += per) {
            size_t c = m - g < per ? m - g : per;
            for (size_t i = 0; i < c; i++) {
                struct job *jb = &s->jobs[idx[g + i]];
                pt[i] =
                    (struct decode_point){.o = &jb->o, .out = jb->out, .outlen = sizeof(jb->out)};
            }
            prog.runs = c;
            if (sweep_decode(s->args->traces[s->jobs[k].trace], pt, (unsigned)c, s->args->jobs,
                             s->args->progress ? show_decode_progress : NULL, &prog, err, errlen))
                goto out;
            prog.done += c;
            if (s->args->progress) {
                prog.shown = -1;
                show_decode_progress(&prog, 0);
            }
        }
    }
    rc = 0;
out:
    if (s->args->progress)
        fprintf(stderr, "\r%*s\r", 70, "");
    free(taken);
    free(idx);
    free(pt);
    return rc;
}

/* Reaps the processes of jobs started and not collected (after an error), frees the jobs. */
static void sweep_free(struct sweep *s)
{
    for (size_t k = 0; k < s->njobs; k++)
        if (s->jobs[k].run.pid > 0)
            subprocess_finish(&s->jobs[k].run, NULL, 0, NULL);
    free(s->jobs);
    free(s->label);
}

/* Runs every job, a decode for the points of a trace or a process a point (--decode). */
static int sweep_exec_all(struct sweep *s, char *err, size_t errlen)
{
    enum sweep_decode_mode d = s->args->decode;
    if (d == SWEEP_DECODE_ONCE || (d == SWEEP_DECODE_AUTO && decode_shared(s, 0, s->njobs)))
        return sweep_exec_decoded(s, 0, s->njobs, err, errlen);
    return sweep_exec(s, err, errlen);
}

int sweep_run(const struct study_options *base, const struct sweep_args *a, FILE *out, char *err,
              size_t errlen)
{
    struct sweep s = {.args = a};
    snprintf(s.id, sizeof(s.id), "%s", a->id ? a->id : "");
    int rc = 2;
    if (label_traces(&s, err, errlen) == 0 && sweep_parse(&s, base, err, errlen) == 0) {
        rc = 1;
        if (a->mode == SWEEP_TASK) {
            rc = sweep_task(&s, base, err, errlen) ? 1 : 0;
            sweep_free(&s);
            return rc;
        }
        bool collect = a->mode == SWEEP_COLLECT;
        if (a->mode == SWEEP_SUBMIT || a->mode == SWEEP_RESUBMIT) {
            int sub = sweep_submit(&s, base, err, errlen);
            if (sub <= 0) {
                sweep_free(&s);
                return sub ? 1 : 0;
            }
            collect = true;
        }
        if (open_out_dir(&s, err, errlen) == 0 &&
            (collect ? sweep_collect(&s, base, out, err, errlen) == 0
                     : sweep_exec_all(&s, err, errlen) == 0 &&
                           sweep_report(&s, base, out, err, errlen) == 0))
            rc = 0;
        char why[1600];
        if (close_out_dir(&s, rc == 0, why, sizeof(why)) && rc == 0) {
            snprintf(err, errlen, "%s", why);
            rc = 1;
        }
    }
    sweep_free(&s);
    return rc;
}
