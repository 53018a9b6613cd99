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
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mmusim/study.h"
#include "mmusim_version.h"
#include "progress.h"
#include "slurm.h"
#include "sweep.h"
#include "sweep_decode.h"

#define MAX_VALUES 64
#define VALUE_LEN  32

struct axis {
    char key[64];
    char value[MAX_VALUES][VALUE_LEN];
    unsigned n;
};

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

struct job {
    unsigned trace, i, j; /* trace index, value of axis 0, value of axis 1 */
    struct study_options o;
    pid_t pid;
    int fd;
    char out[4096]; /* "OK csv-row" or "ERR message" */
};

static void run_child(struct job *jb, const char *trace, int fd)
{
    struct study_result r;
    char err[600];
    FILE *f = fdopen(fd, "w");
    if (!f)
        _exit(3);
    if (study_run(&jb->o, &trace, 1, &r, err, sizeof(err)))
        fprintf(f, "ERR %s\n", err);
    else {
        fputs("OK ", f);
        study_report_csv(&jb->o, &r, false, f);
    }
    fclose(f);
    _exit(0);
}

static int collect(struct job *jb)
{
    size_t n = 0;
    ssize_t k;
    while (n + 1 < sizeof(jb->out) && (k = read(jb->fd, jb->out + n, sizeof(jb->out) - 1 - n)) > 0)
        n += (size_t)k;
    jb->out[n] = '\0';
    close(jb->fd);
    int status;
    waitpid(jb->pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || n == 0)
        snprintf(jb->out, sizeof(jb->out), "ERR the run's process ended abnormally (status %d)",
                 status);
    return 0;
}

/* A CSV field of a study row, by column number (0-based). */
static const char *field(const char *row, unsigned col, char *buf, size_t len)
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

/* The columns of study_report_csv's row that the table and plots show, found by name. */
enum { COL_DTLB_HIT_RATE, COL_STLB_HIT_RATE, COL_STLB_MPKI, COL_AVG_LAT, COL_STALL_PKI, NCOLS };
static const char *const col_name[NCOLS] = {
    [COL_DTLB_HIT_RATE] = "dtlb_hit_rate",
    [COL_STLB_HIT_RATE] = "stlb_hit_rate",
    [COL_STLB_MPKI] = "stlb_mpki",
    [COL_AVG_LAT] = "average_latency",
    [COL_STALL_PKI] = "stall_cycles_per_kilo_instruction",
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
static const char *point_kv(const struct sweep *s, unsigned a, unsigned v, char *buf, size_t len)
{
    if (a >= s->naxes)
        return "";
    snprintf(buf, len, "%s=%s", s->ax[a].key, s->ax[a].value[v]);
    return buf;
}

/* "key=value" or "key=value, key=value": a job's point. */
static const char *point_name(const struct sweep *s, const struct job *jb, char *buf, size_t len)
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
    for (unsigned c = 0; *field(s->header, c, name, sizeof(name)); c++) {
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

/* mkdir -p dir */
static int make_dir(const char *dir, char *err, size_t errlen)
{
    char made[512];
    snprintf(made, sizeof(made), "%s", dir);
    for (char *c = made + 1;; c++) {
        if (*c == '/' || *c == '\0') {
            char was = *c;
            *c = '\0';
            if (mkdir(made, 0755) && errno != EEXIST) {
                snprintf(err, errlen, "--out %s: cannot create %s: %s", dir, made, strerror(errno));
                return -1;
            }
            *c = was;
            if (was == '\0')
                break;
        }
    }
    return 0;
}

/* The files a sweep writes into its folder (plot.log only while it runs). */
static const char *const result_files[] = {"report.md",    "sweep.csv", "plot.gp",   "hit_rate.png",
                                           "hit_rate.svg", "mpki.png",  "mpki.svg",  "latency.png",
                                           "latency.svg",  "stall.png", "stall.svg", "plot.log"};
#define NRESULT_FILES (sizeof(result_files) / sizeof(result_files[0]))

/* Creates the output folder and, in it, the folder the results are first written to: an
 * output folder that cannot be written is found before any run starts. */
static int open_out_dir(struct sweep *s, char *err, size_t errlen)
{
    const char *dir = s->args->dir;
    if (strlen(dir) > 400) {
        snprintf(err, errlen, "--out: a folder's path of at most 400 characters");
        return -1;
    }
    if (make_dir(dir, err, errlen))
        return -1;
    snprintf(s->tmp, sizeof(s->tmp), "%s/.sweep-XXXXXX", dir);
    if (!mkdtemp(s->tmp)) {
        snprintf(err, errlen, "--out %s: cannot write in it: %s", dir, strerror(errno));
        s->tmp[0] = '\0';
        return -1;
    }
    return 0;
}

/* Removes the results folder (after a failure), or moves its files into the output folder in
 * place of an earlier sweep's (after a success). */
static int close_out_dir(struct sweep *s, bool keep, char *err, size_t errlen)
{
    if (!s->tmp[0])
        return 0;
    char from[700], to[700];
    int rc = 0;
    for (size_t f = 0; keep && f < NRESULT_FILES; f++) {
        snprintf(to, sizeof(to), "%s/%s", s->args->dir, result_files[f]);
        if (unlink(to) && errno != ENOENT) {
            snprintf(err, errlen, "%s: cannot remove the earlier sweep's file: %s", to,
                     strerror(errno));
            keep = false;
            rc = -1;
        }
    }
    for (size_t f = 0; f < NRESULT_FILES; f++) {
        snprintf(from, sizeof(from), "%s/%s", s->tmp, result_files[f]);
        snprintf(to, sizeof(to), "%s/%s", s->args->dir, result_files[f]);
        bool move = keep && strcmp(result_files[f], "plot.log") != 0;
        if (move && rename(from, to)) {
            snprintf(err, errlen, "%s: cannot move to %s: %s", from, to, strerror(errno));
            keep = false;
            rc = -1;
        }
        if (!move)
            unlink(from);
    }
    rmdir(s->tmp);
    s->tmp[0] = '\0';
    return rc;
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
            int p[2];
            if (pipe(p)) {
                snprintf(err, errlen, "pipe: %s", strerror(errno));
                return -1;
            }
            fflush(NULL);
            pid_t pid = fork();
            if (pid < 0) {
                snprintf(err, errlen, "fork: %s", strerror(errno));
                close(p[0]);
                close(p[1]);
                return -1;
            }
            if (pid == 0) {
                close(p[0]);
                run_child(&s->jobs[next], s->args->traces[s->jobs[next].trace], p[1]);
            }
            close(p[1]);
            s->jobs[next].pid = pid;
            s->jobs[next].fd = p[0];
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
static bool decode_shared(const struct sweep *s, size_t first, size_t end)
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
static int sweep_exec_decoded(struct sweep *s, size_t first, size_t end, char *err, size_t errlen)
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

/* The words a plot uses for a key: "stlb.entries" -> "STLB entries". */
static const char *key_words(const char *key, char *buf, size_t len)
{
    static const struct {
        const char *key, *words;
    } words[] = {
        {"itlb_4k", "ITLB (4 KiB)"},
        {"itlb_2m", "ITLB (2 MiB)"},
        {"dtlb_4k", "DTLB (4 KiB)"},
        {"dtlb_2m", "DTLB (2 MiB)"},
        {"stlb", "STLB"},
        {"psc_pde", "PDE cache"},
        {"psc_pdpte", "PDPTE cache"},
        {"psc_pml4e", "PML4E cache"},
        {"entries", "entries"},
        {"ways", "ways"},
        {"repl", "replacement policy"},
        {"pa_bits", "physical-address bits"},
        {"stlb_latency", "STLB hit latency (cycles)"},
        {"lfsr_seed", "LFSR seed"},
        {"wp", "CR0.WP"},
        {"nxe", "EFER.NXE"},
        {"pages", "page size"},
        {"mixed_percent", "2 MiB regions mapped with 2 MiB pages (%)"},
        {"pcid", "PCIDs"},
        {"quantum", "references between context switches"},
        {"mem_latency", "walker memory latency (cycles)"},
        {"format", "trace format"},
        {"limit", "references run"},
    };
    const char *dot = strchr(key, '.');
    size_t n = dot ? (size_t)(dot - key) : strlen(key);
    const char *first = NULL, *second = NULL;
    for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
        if (strlen(words[w].key) == n && !strncmp(words[w].key, key, n))
            first = words[w].words;
        if (dot && !strcmp(words[w].key, dot + 1))
            second = words[w].words;
    }
    if (!first || (dot && !second))
        snprintf(buf, len, "%s", key);
    else
        snprintf(buf, len, "%s%s%s", first, dot ? " " : "", dot ? second : "");
    return buf;
}

/* The plots, and the words both plot.gp and report.md give them. */
enum { PLOT_HIT_RATE, PLOT_MPKI, PLOT_LATENCY, PLOT_STALL, NPLOTS };
struct plot_text {
    const char *file;
    char title[200], xlabel[120], ylabel[120];
};

static void plot_texts(const struct sweep *s, struct plot_text pt[NPLOTS])
{
    char x[120];
    key_words(s->ax[0].key, x, sizeof(x));
    static const char *const what[NPLOTS][3] = {
        {"hit_rate", "DTLB and STLB hit rate", "hit rate (%)"},
        {"mpki", "STLB misses per kilo-instruction", "STLB misses per kilo-instruction (MPKI)"},
        {"latency", "Average translation latency", "average translation latency (cycles)"},
        {"stall", "Translation stall cycles per kilo-instruction",
         "translation stall cycles per kilo-instruction"}};
    /* the title without the unit: "vs walker memory latency" */
    int words = (int)(strstr(x, " (") ? (size_t)(strstr(x, " (") - x) : strlen(x));
    for (int p = 0; p < NPLOTS; p++) {
        pt[p].file = what[p][0];
        snprintf(pt[p].title, sizeof(pt[p].title), "%s vs %.*s", what[p][1], words, x);
        snprintf(pt[p].xlabel, sizeof(pt[p].xlabel), "%s", x);
        snprintf(pt[p].ylabel, sizeof(pt[p].ylabel), "%s", what[p][2]);
    }
}

/* The first axis's values as numbers; false if one is not a number. */
static bool numeric_axis(const struct axis *ax, double *v)
{
    for (unsigned i = 0; i < ax->n; i++) {
        char *end;
        v[i] = strtod(ax->value[i], &end);
        if (end == ax->value[i] || *end || v[i] != v[i])
            return false;
    }
    return true;
}

/* A list of three or more positive values, each the last times one ratio above 1. */
static bool multiplicative(const double *v, unsigned n)
{
    if (n < 3 || v[0] <= 0 || v[1] <= v[0])
        return false;
    double r = v[1] / v[0];
    for (unsigned i = 2; i < n; i++) {
        double q = v[i] / v[i - 1];
        if (q < r * (1 - 1e-9) || q > r * (1 + 1e-9))
            return false;
    }
    return true;
}

/* Writes text between quote characters q, each q in it written as q_in. */
static void quoted(FILE *f, const char *text, char q, const char *q_in)
{
    fputc(q, f);
    for (const char *c = text; *c; c++)
        fputs(*c == q ? q_in : (char[]){*c, '\0'}, f);
    fputc(q, f);
}

/* Writes a gnuplot single-quoted string ('' stands for '). */
static void gp_string(FILE *g, const char *text)
{
    quoted(g, text, '\'', "''");
}

/* Writes the plots' script, plot.gp, into the results folder and runs gnuplot there. */
static int plot(const struct sweep *s, char *err, size_t errlen)
{
    const struct axis *ax = s->ax;
    char path[700];
    snprintf(path, sizeof(path), "%s/plot.gp", s->tmp);
    FILE *g = fopen(path, "w");
    if (!g) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    double xv[MAX_VALUES];
    bool numeric = numeric_axis(&ax[0], xv), logx = numeric && multiplicative(xv, ax[0].n);
    unsigned n1 = s->naxes > 1 ? ax[1].n : 1;
    /* each plot's smallest and largest value, and whether one is 0 or less (no log scale) */
    double ymin[NPLOTS] = {0}, ymax[NPLOTS] = {0};
    bool yzero[NPLOTS] = {false}, have[NPLOTS] = {false};
    fprintf(g, "# mmusim sweep's plots: gnuplot plot.gp, in this folder.\n"
               "# One data block a line: a trace (and a value of the second varied key);\n"
               "# columns: x, DTLB hit rate (%%), STLB hit rate (%%), STLB MPKI, average\n"
               "# translation latency (cycles), translation stall cycles per kilo-instruction.\n"
               "$data << EOD\n");
    for (unsigned t = 0; t < s->args->ntraces; t++)
        for (unsigned j = 0; j < n1; j++) {
            char kv[100];
            fprintf(g, "# %s %s\n", s->label[t], point_kv(s, 1, j, kv, sizeof(kv)));
            for (unsigned i = 0; i < ax[0].n; i++) {
                const char *row = s->jobs[(t * ax[0].n + i) * n1 + j].out + 3;
                char a[32], b[32], c[32], d[32], e[32];
                double mpki = atof(field(row, s->col[COL_STLB_MPKI], c, sizeof(c)));
                double dtlb = atof(field(row, s->col[COL_DTLB_HIT_RATE], a, sizeof(a)));
                double stlb = atof(field(row, s->col[COL_STLB_HIT_RATE], b, sizeof(b)));
                double lat = atof(field(row, s->col[COL_AVG_LAT], d, sizeof(d)));
                double stall = atof(field(row, s->col[COL_STALL_PKI], e, sizeof(e)));
                /* nan: no lookups or no instructions, a gap in the line */
                const double y[NPLOTS][2] = {[PLOT_HIT_RATE] = {dtlb, stlb},
                                             [PLOT_MPKI] = {mpki, NAN},
                                             [PLOT_LATENCY] = {lat, NAN},
                                             [PLOT_STALL] = {stall, NAN}};
                for (int p = 0; p < NPLOTS; p++)
                    for (int k = 0; k < 2; k++) {
                        double v = y[p][k];
                        if (isnan(v))
                            continue;
                        yzero[p] = yzero[p] || v <= 0;
                        ymin[p] = !have[p] || v < ymin[p] ? v : ymin[p];
                        ymax[p] = !have[p] || v > ymax[p] ? v : ymax[p];
                        have[p] = true;
                    }
                fprintf(g, "%.17g %.6f %.6f %s %s %s\n", numeric ? xv[i] : (double)i, 100 * dtlb,
                        100 * stlb, c, d, e);
            }
            fprintf(g, "\n\n");
        }
    unsigned nlines = s->args->ntraces * n1;
    fprintf(g, "EOD\n\nset grid\nset key outside right top noenhanced\n"
               "set autoscale yfix\nset offsets 0, 0, graph 0.05, graph 0.05\n");
    /* x: ticks at the swept values; a log scale only for a multiplicative range. */
    fprintf(g, "set xtics (");
    for (unsigned i = 0; i < ax[0].n; i++) {
        fprintf(g, "%s", i ? ", " : "");
        gp_string(g, ax[0].value[i]);
        fprintf(g, " %.17g", numeric ? xv[i] : (double)i);
    }
    fprintf(g, ")%s\n", ax[0].n > 10 ? " rotate by -45" : "");
    double lo = numeric ? xv[0] : 0, hi = numeric ? xv[ax[0].n - 1] : ax[0].n - 1;
    for (unsigned i = 0; numeric && i < ax[0].n; i++) {
        lo = xv[i] < lo ? xv[i] : lo;
        hi = xv[i] > hi ? xv[i] : hi;
    }
    if (logx)
        fprintf(g, "set logscale x 2\nset xrange [%.17g:%.17g]\n", lo / 1.25, hi * 1.25);
    else {
        double pad = hi > lo ? (hi - lo) * 0.05 : (lo > 0 ? lo * 0.5 : 1);
        fprintf(g, "set xrange [%.17g:%.17g]\n", numeric ? lo - pad : -0.5,
                numeric ? hi + pad : ax[0].n - 0.5);
    }
    static const int filled[] = {7, 5, 9, 11, 13, 15};
    /* dark colours that stay apart (no pale yellow, as gnuplot's fifth is) */
    static const char *const colour[] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7",
                                         "#e69f00", "#56b4e9", "#000000", "#8c564b"};
    struct plot_text pt[NPLOTS];
    plot_texts(s, pt);
    for (int f = 0; f < 2; f++) {
        const char *ext = f ? "svg" : "png";
        const char *term = f ? "svg size 1200,650 dynamic" : "pngcairo size 1200,650";
        for (int p = 0; p < NPLOTS; p++) {
            fprintf(g, "\nset terminal %s noenhanced\nset output '%s.%s'\nset title ", term,
                    pt[p].file, ext);
            gp_string(g, pt[p].title);
            fprintf(g, "\nset xlabel ");
            gp_string(g, pt[p].xlabel);
            fprintf(g, "\nset ylabel ");
            gp_string(g, pt[p].ylabel);
            /* y: a log scale when the lines span a decade or more (none has a value of 0 or
             * less, which a log scale cannot show); hit rates are percentages, always linear */
            fprintf(g, "\n%s\n",
                    p != PLOT_HIT_RATE && have[p] && !yzero[p] && ymax[p] >= 10 * ymin[p]
                        ? "set logscale y 10"
                        : "unset logscale y");
            /* no point has the figure (no lookups, no instructions): an empty frame that says so,
             * where gnuplot would stop at a plot of no points */
            if (!have[p])
                fprintf(g,
                        "set yrange [0:1]\nset label 1 'no data: %s' at graph 0.5, graph 0.5 "
                        "center\n",
                        p == PLOT_MPKI || p == PLOT_STALL ? "the traces have no instructions"
                                                          : "no lookups");
            else
                fprintf(g, "set autoscale yfix\nunset label 1\n");
            fprintf(g, "plot ");
            unsigned line = 0;
            for (unsigned t = 0; t < s->args->ntraces; t++)
                for (unsigned j = 0; j < n1; j++, line++) {
                    char buf[100], title[LABEL_LEN + 120];
                    const char *kv = point_kv(s, 1, j, buf, sizeof(buf));
                    /* earlier lines under bigger marks, so that lines on top of each other
                     * stay visible */
                    double size = 1 + (nlines > 1 ? (double)(nlines - 1 - line) / (nlines - 1) : 0);
                    int pt_filled = filled[line % (sizeof(filled) / sizeof(filled[0]))];
                    for (int tlb = 0; tlb < (p == PLOT_HIT_RATE ? 2 : 1); tlb++) {
                        /* the hit rate plot: DTLB solid, filled marks; STLB dashed, open */
                        snprintf(title, sizeof(title), "%s%s%s%s", s->label[t],
                                 p != PLOT_HIT_RATE ? ""
                                 : tlb              ? " STLB"
                                                    : " DTLB",
                                 s->naxes > 1 ? ", " : "", kv);
                        fprintf(g,
                                "%s$data index %u using 1:%d with linespoints lw %.2f lc rgb '%s' "
                                "dt %d "
                                "pt %d ps %.2f title ",
                                line + tlb ? ", \\\n     " : "", line,
                                p == PLOT_HIT_RATE  ? 2 + tlb
                                : p == PLOT_MPKI    ? 4
                                : p == PLOT_LATENCY ? 5
                                                    : 6,
                                1 + size, colour[line % 8], tlb ? 2 : 1,
                                tlb ? pt_filled - 1 : pt_filled, size);
                        gp_string(g, title);
                    }
                }
            fprintf(g, "\n");
        }
    }
    if (fclose(g)) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    /* gnuplot plot.gp in the results folder, its messages in plot.log */
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        FILE *log = NULL;
        if (chdir(s->tmp) == 0 && (log = freopen("plot.log", "w", stderr)) != NULL)
            execlp("gnuplot", "gnuplot", "plot.gp", (char *)NULL);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char logpath[700], first[300] = "";
        snprintf(logpath, sizeof(logpath), "%s/plot.log", s->tmp);
        FILE *log = fopen(logpath, "r");
        size_t n = log ? fread(first, 1, sizeof(first) - 1, log) : 0;
        first[n] = '\0';
        if (log)
            fclose(log);
        bool missing = WIFEXITED(status) && WEXITSTATUS(status) == 127;
        snprintf(err, errlen, "gnuplot failed (status %d)%s%s", status,
                 missing ? ": is gnuplot installed? (scripts/setup.sh installs it)" : ": ",
                 missing ? "" : first);
        return -1;
    }
    return 0;
}

/* Writes text as one CSV field (quoted if it holds a comma, a quote or a line break). */
static void csv_field(FILE *f, const char *text)
{
    if (!text[strcspn(text, ",\"\n")])
        fputs(text, f);
    else
        quoted(f, text, '"', "\"\"");
}

/* Writes text as a JSON value: a number as it is, anything else as a string. */
static void json_value(FILE *f, const char *text)
{
    char *end;
    strtod(text, &end);
    if (*text && !*end && strspn(text, "0123456789.-+eE") == strlen(text)) {
        fputs(text, f);
        return;
    }
    fputc('"', f);
    for (const unsigned char *c = (const unsigned char *)text; *c; c++)
        if (*c == '"' || *c == '\\')
            fprintf(f, "\\%c", *c);
        else if (*c < 0x20)
            fprintf(f, "\\u%04x", *c);
        else
            fputc(*c, f);
    fputc('"', f);
}

/* One row of the figures, as CSV (header: the column names) or as a JSON object: the trace,
 * the varied keys, then the study's columns but the one named as a varied key. */
static void write_row(const struct sweep *s, const struct job *jb, bool json, bool header, FILE *f)
{
    char name[64], value[64];
    const char *names[2] = {s->ax[0].key, s->ax[1].key};
    const char *values[2] = {s->ax[0].value[jb ? jb->i : 0], s->ax[1].value[jb ? jb->j : 0]};
    if (json) {
        fputs("  {\"trace\": ", f);
        json_value(f, s->label[jb->trace]);
    } else
        csv_field(f, header ? "trace" : s->label[jb->trace]);
    for (unsigned a = 0; a < s->naxes; a++) {
        if (json) {
            fprintf(f, ", ");
            json_value(f, names[a]);
            fprintf(f, ": ");
        } else
            fputc(',', f);
        (json ? json_value : csv_field)(f, header ? names[a] : values[a]);
    }
    for (unsigned c = 0; *field(s->header, c, name, sizeof(name)); c++) {
        if ((int)c == s->skip)
            continue;
        if (json)
            fprintf(f, ", \"%s\": ", name);
        else
            fputc(',', f);
        (json ? json_value : csv_field)(f, header ? name
                                                  : field(jb->out + 3, c, value, sizeof(value)));
    }
    fputs(json ? "}" : "\n", f);
}

/* Writes the command line as a shell would take it back. */
static void write_command(FILE *f, int argc, const char *const *argv)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        fputs(i ? " " : "", f);
        if (*a && strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                            "_./=:,+@%-") == strlen(a))
            fputs(a, f);
        else
            quoted(f, a, '\'', "'\\''");
    }
}

/* report.md's header: what was run, with what, by which mmusim, when. */
static void write_provenance(const struct sweep *s, const struct study_options *base, FILE *rep)
{
    const struct sweep_args *a = s->args;
    const char *preset = "skylake (the default)", *config = "none";
    fprintf(rep, "# mmusim sweep\n\nCommand line:\n\n```sh\n");
    write_command(rep, a->argc, a->argv);
    fprintf(rep, "\n```\n\n");
    for (int i = 2; i + 1 < a->argc; i++) {
        if (!strcmp(a->argv[i], "--preset"))
            preset = a->argv[i + 1];
        else if (!strcmp(a->argv[i], "--config"))
            config = a->argv[i + 1];
    }
    fprintf(rep, "- Preset: %s\n- Configuration file: %s\n- `--set`:", preset, config);
    int nset = 0;
    for (int i = 2; i + 1 < a->argc; i++)
        if (!strcmp(a->argv[i], "--set") || !strcmp(a->argv[i], "--format"))
            fprintf(rep, "%s `%s%s`", nset++ ? "," : "",
                    !strcmp(a->argv[i], "--format") ? "format=" : "", a->argv[i + 1]);
    fprintf(rep, "%s\n", nset ? "" : " none");
    for (unsigned x = 0; x < s->naxes; x++) {
        fprintf(rep, "- Varied: `%s` =", s->ax[x].key);
        for (unsigned i = 0; i < s->ax[x].n; i++)
            fprintf(rep, "%s %s", i ? "," : "", s->ax[x].value[i]);
        fprintf(rep, "\n");
    }
    fprintf(rep, "- Traces:");
    for (unsigned t = 0; t < a->ntraces; t++)
        fprintf(rep, "%s `%s` (%s)", t ? "," : "", a->traces[t], s->label[t]);
    char date[64] = "unknown";
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm))
        strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S UTC", &tm);
    fprintf(rep, "\n- mmusim version: %s\n- Date: %s\n", MMUSIM_VERSION, date);
    (void)base;
}

/* The table of the main figures, one line a run. */
/* x times scale in w columns, or "-" where the figure has no value (nan in sweep.csv). */
static void put_figure(FILE *f, int w, int prec, double x, double scale)
{
    if (isnan(x))
        fprintf(f, "%*s", w, "-");
    else
        fprintf(f, "%*.*f", w, prec, scale * x);
}

static void write_table(const struct sweep *s, FILE *f)
{
    int wt = 5, w[2] = {0, 0};
    for (unsigned t = 0; t < s->args->ntraces; t++)
        wt = (int)strlen(s->label[t]) > wt ? (int)strlen(s->label[t]) : wt;
    for (unsigned a = 0; a < s->naxes; a++) {
        w[a] = (int)strlen(s->ax[a].key);
        for (unsigned i = 0; i < s->ax[a].n; i++)
            w[a] = (int)strlen(s->ax[a].value[i]) > w[a] ? (int)strlen(s->ax[a].value[i]) : w[a];
    }
    fprintf(f, "%-*s  %-*s%s%-*s  %9s %9s %10s %10s\n", wt, "trace", w[0], s->ax[0].key,
            s->naxes > 1 ? "  " : "", w[1], s->naxes > 1 ? s->ax[1].key : "", "DTLB hit%",
            "STLB hit%", "STLB MPKI", "avg cycles");
    for (size_t k = 0; k < s->njobs; k++) {
        const struct job *jb = &s->jobs[k];
        const char *row = jb->out + 3;
        char a[32], b[32], c[32], d[32];
        fprintf(f, "%-*s  %-*s%s%-*s", wt, s->label[jb->trace], w[0], s->ax[0].value[jb->i],
                s->naxes > 1 ? "  " : "", w[1], s->naxes > 1 ? s->ax[1].value[jb->j] : "");
        put_figure(f, 11, 2, atof(field(row, s->col[COL_DTLB_HIT_RATE], a, sizeof(a))), 100);
        put_figure(f, 10, 2, atof(field(row, s->col[COL_STLB_HIT_RATE], b, sizeof(b))), 100);
        put_figure(f, 11, 3, atof(field(row, s->col[COL_STLB_MPKI], c, sizeof(c))), 1);
        put_figure(f, 11, 3, atof(field(row, s->col[COL_AVG_LAT], d, sizeof(d))), 1);
        fputc('\n', f);
    }
}

/* Writes sweep.csv and report.md into the results folder and the figures on out (a table,
 * JSON or CSV).  Returns -1 if a run failed (each said on standard error). */
static int sweep_report(const struct sweep *s, const struct study_options *base, FILE *out,
                        char *err, size_t errlen)
{
    bool failed = false;
    for (size_t k = 0; k < s->njobs; k++) {
        const struct job *jb = &s->jobs[k];
        char name[256];
        if (strncmp(jb->out, "OK ", 3) != 0) {
            fprintf(stderr, "mmusim sweep: %s, %s: %s", s->args->traces[jb->trace],
                    point_name(s, jb, name, sizeof(name)),
                    jb->out + (strncmp(jb->out, "ERR ", 4) ? 0 : 4));
            failed = true;
        }
    }
    if (failed) {
        snprintf(err, errlen, "some runs failed (above); %s is left as it was", s->args->dir);
        return -1;
    }
    char path[700];
    snprintf(path, sizeof(path), "%s/sweep.csv", s->tmp);
    FILE *csv = fopen(path, "w");
    snprintf(path, sizeof(path), "%s/report.md", s->tmp);
    FILE *rep = csv ? fopen(path, "w") : NULL;
    if (!rep) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        if (csv)
            fclose(csv);
        return -1;
    }
    write_row(s, NULL, false, true, csv);
    if (s->args->output == 2)
        write_row(s, NULL, false, true, out);
    if (s->args->output == 1)
        fprintf(out, "[\n");
    for (size_t k = 0; k < s->njobs; k++) {
        write_row(s, &s->jobs[k], false, false, csv);
        if (s->args->output == 2)
            write_row(s, &s->jobs[k], false, false, out);
        if (s->args->output == 1) {
            write_row(s, &s->jobs[k], true, false, out);
            fprintf(out, "%s\n", k + 1 < s->njobs ? "," : "");
        }
    }
    if (s->args->output == 1)
        fprintf(out, "]\n");
    if (s->args->output == 0)
        write_table(s, out);
    write_provenance(s, base, rep);
    fprintf(rep, "\nEvery figure of every run: `sweep.csv`. The plots' script: `plot.gp` "
                 "(`gnuplot plot.gp` in this folder draws them again).\n\n## Figures\n\n");
    struct plot_text pt[NPLOTS];
    plot_texts(s, pt);
    for (int p = 0; p < NPLOTS; p++)
        fprintf(rep, "### %s\n\n![%s](%s.png)\n\nx axis: %s; y axis: %s. [SVG](%s.svg)\n\n",
                pt[p].title, pt[p].title, pt[p].file, pt[p].xlabel, pt[p].ylabel, pt[p].file);
    fprintf(rep, "## Table\n\n```\n");
    write_table(s, rep);
    fprintf(rep, "```\n\n## Configuration\n\nEvery key before the varied ones are applied "
                 "(`mmusim config --dump` with the same options):\n\n```json\n");
    study_dump_json(base, rep);
    fprintf(rep, "```\n");
    bool bad = ferror(rep) || ferror(csv);
    bad = fclose(rep) != 0 || bad;
    bad = fclose(csv) != 0 || bad;
    if (bad) {
        snprintf(err, errlen, "%s: cannot write the report or sweep.csv", s->tmp);
        return -1;
    }
    return plot(s, err, errlen);
}

/* Reaps the processes of jobs started and not collected (after an error), frees the jobs. */
static void sweep_free(struct sweep *s)
{
    for (size_t k = 0; k < s->njobs; k++)
        if (s->jobs[k].pid > 0 && s->jobs[k].fd > 0 && s->jobs[k].out[0] == '\0') {
            close(s->jobs[k].fd);
            waitpid(s->jobs[k].pid, NULL, 0);
        }
    free(s->jobs);
    free(s->label);
}

/* ---- a sweep on a Slurm cluster (slurm.h: the files, the script, sbatch) ------------------- */

/* The runs of array task t: [*first, *end). */
static void task_runs(const struct sweep *s, unsigned t, size_t *first, size_t *end)
{
    *first = (size_t)t * s->args->per_task;
    *end = *first + s->args->per_task < s->njobs ? *first + s->args->per_task : s->njobs;
}

static unsigned task_count(const struct sweep *s)
{
    return (unsigned)((s->njobs + s->args->per_task - 1) / s->args->per_task);
}

/* A fingerprint of the effective configuration (FNV-1a of config --dump): every part carries
 * its task's, so results of a configuration changed between submission and collection (another
 * --config file's content, another binary's defaults) are refused. */
static unsigned long long config_print(const struct study_options *base)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return 0;
    study_dump_json(base, f);
    fclose(f);
    unsigned long long h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)text[i]) * 0x100000001b3ull;
    free(text);
    return h;
}

#define PART_MAGIC "mmusim-sweep-part"

/* Runs array task args->task's runs one after another and writes DIR/slurm/part-K.txt: a line
 * "mmusim-sweep-part ID TASK CONFIG", then "RUN OK csv-row" or "RUN ERR message" a run.  The
 * part is renamed into place only when whole. */
static int sweep_task(struct sweep *s, const struct study_options *base, char *err, size_t errlen)
{
    const struct sweep_args *a = s->args;
    if (a->task >= task_count(s)) {
        snprintf(err, errlen, "--task %u: the sweep has %u tasks", a->task, task_count(s));
        return -1;
    }
    if (slurm_read_id(a->dir, s->id, err, errlen))
        return -1;
    char name[64], path[600], tmp[610];
    snprintf(name, sizeof(name), "part-%u.txt", a->task);
    if (slurm_path(path, sizeof(path), a->dir, name)) {
        snprintf(err, errlen, "%s: path too long", a->dir);
        return -1;
    }
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        return -1;
    }
    fprintf(f, "%s %s %u %016llx\n", PART_MAGIC, s->id, a->task, config_print(base));
    size_t first, end;
    task_runs(s, a->task, &first, &end);
    /* Runs that share a trace share its decode, unless told otherwise: the outcomes are the
     * processes' own, an error cut at its first line as below. */
    bool decoded = a->decode == SWEEP_DECODE_ONCE ||
                   (a->decode == SWEEP_DECODE_AUTO && decode_shared(s, first, end));
    if (decoded && sweep_exec_decoded(s, first, end, err, errlen)) {
        fclose(f);
        unlink(tmp);
        return -1;
    }
    for (size_t k = first; k < end; k++) {
        struct study_result r;
        char why[600];
        const char *trace = a->traces[s->jobs[k].trace];
        fprintf(f, "%zu ", k);
        if (decoded) {
            fprintf(f, "%.*s\n", (int)strcspn(s->jobs[k].out, "\n"), s->jobs[k].out);
            continue;
        }
        if (study_run(&s->jobs[k].o, &trace, 1, &r, why, sizeof(why))) {
            why[strcspn(why, "\n")] = '\0';
            fprintf(f, "ERR %s\n", why);
        } else {
            fputs("OK ", f);
            study_report_csv(&s->jobs[k].o, &r, false, f);
        }
    }
    bool bad = ferror(f) != 0;
    if (fclose(f) || bad || rename(tmp, path)) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* Reads every task's part into its runs' results; a run of a missing, damaged or foreign part
 * gets an error that names the task.  Sets failed[t] for a task with any run not OK; returns
 * how many such tasks there are. */
static unsigned read_parts(struct sweep *s, const struct study_options *base, bool *failed)
{
    const struct sweep_args *a = s->args;
    unsigned long long print = config_print(base);
    unsigned nfailed = 0;
    for (unsigned t = 0; t < task_count(s); t++) {
        size_t first, end;
        task_runs(s, t, &first, &end);
        char name[64], path[600], line[sizeof(s->jobs[0].out) + 32], why[1500] = "";
        snprintf(name, sizeof(name), "part-%u.txt", t);
        FILE *f = slurm_path(path, sizeof(path), a->dir, name) ? NULL : fopen(path, "r");
        char id[SLURM_ID_LEN + 1];
        unsigned task;
        unsigned long long p;
        if (!f)
            snprintf(why, sizeof(why),
                     "Slurm task %u left no result (%s: %s; its log: %s/slurm/"
                     "task-%u.log)",
                     t, path, strerror(errno), a->dir, t);
        else if (!fgets(line, sizeof(line), f) ||
                 sscanf(line, PART_MAGIC " %40s %u %llx", id, &task, &p) != 3 || task != t)
            snprintf(why, sizeof(why), "%s: not a part of task %u of a sweep", path, t);
        else if (strcmp(id, s->id))
            snprintf(why, sizeof(why),
                     "%s belongs to sweep %s, not to this one (%s): results "
                     "of two sweeps are never mixed",
                     path, id, s->id);
        else if (p != print)
            snprintf(why, sizeof(why),
                     "%s was run with another configuration than this "
                     "collection reads (was a --config file or the mmusim binary changed?)",
                     path);
        for (size_t k = first; k < end; k++)
            s->jobs[k].out[0] = '\0';
        while (!why[0] && fgets(line, sizeof(line), f)) {
            char *rest;
            unsigned long long k = strtoull(line, &rest, 10);
            if (k < first || k >= end || *rest != ' ')
                snprintf(why, sizeof(why), "%s: a line of another task's run", path);
            else
                snprintf(s->jobs[k].out, sizeof(s->jobs[k].out), "%s", rest + 1);
        }
        for (size_t k = first; k < end; k++) {
            if (why[0])
                snprintf(s->jobs[k].out, sizeof(s->jobs[k].out), "ERR %s\n", why);
            else if (!s->jobs[k].out[0])
                snprintf(s->jobs[k].out, sizeof(s->jobs[k].out),
                         "ERR Slurm task %u ended "
                         "before this run (%s/slurm/task-%u.log)\n",
                         t, a->dir, t);
            if (strncmp(s->jobs[k].out, "OK ", 3))
                failed[t] = true;
        }
        nfailed += failed[t];
        if (f)
            fclose(f);
    }
    return nfailed;
}

/* Gathers the parts into the results, as a local sweep writes them (0, or 1 if a run failed or
 * its part is missing: each named). */
static int sweep_collect(struct sweep *s, const struct study_options *base, FILE *out, char *err,
                         size_t errlen)
{
    bool *failed = calloc(task_count(s), sizeof(*failed));
    if (!failed) {
        snprintf(err, errlen, "out of host memory");
        return -1;
    }
    read_parts(s, base, failed);
    free(failed);
    return sweep_report(s, base, out, err, errlen);
}

/* Submits the sweep (every task, or those failed before), and unless told not to wait, waits
 * for the job and collects. */
static int sweep_submit(struct sweep *s, const struct study_options *base, char *err, size_t errlen)
{
    const struct sweep_args *a = s->args;
    char jobid[64], *array = NULL;
    if (a->mode == SWEEP_SUBMIT) {
        struct slurm_job j = {.dir = a->dir,
                              .sbatch = a->sbatch,
                              .nsbatch = a->nsbatch,
                              .ntasks = task_count(s),
                              .per_task = a->per_task,
                              .argc = a->argc,
                              .argv = a->argv};
        if (make_dir(a->dir, err, errlen) || slurm_prepare(&j, s->id, err, errlen))
            return -1;
    } else {
        bool *failed = calloc(task_count(s), sizeof(*failed));
        array = calloc(task_count(s), 12);
        if (!failed || !array) {
            free(failed);
            free(array);
            snprintf(err, errlen, "out of host memory");
            return -1;
        }
        size_t at = 0;
        if (read_parts(s, base, failed) == 0) {
            fprintf(stderr,
                    "mmusim sweep: every task of %s has its results: nothing to "
                    "resubmit\n",
                    a->dir);
            free(failed);
            free(array);
            return 1; /* collect */
        }
        for (unsigned t = 0; t < task_count(s); t++)
            if (failed[t])
                at += (size_t)sprintf(array + at, "%s%u", at ? "," : "", t);
        free(failed);
    }
    int rc = slurm_submit(a->dir, array, a->wait, jobid, sizeof(jobid), err, errlen);
    if (rc == 0)
        fprintf(stderr, "mmusim sweep: Slurm job %s (sweep %s, %s tasks)%s\n", jobid, s->id,
                array ? array : "all", a->wait ? " has ended" : " submitted");
    if (rc == 0 && !a->wait)
        fprintf(stderr, "mmusim sweep: when it has ended: mmusim sweep --collect %s\n", a->dir);
    free(array);
    if (rc)
        return -1;
    return a->wait ? 1 : 0;
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
