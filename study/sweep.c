/*
 * mmusim sweep: one or two keys varied over lists or ranges, every point run on every trace,
 * in parallel processes (one per core), the results gathered in the order a serial run gives,
 * written as CSV with a table on standard output, and plotted with gnuplot (PNG and SVG).
 *
 * Values: "a,b,c" (a list), "FROM:TO:*K" (geometric) or "FROM:TO:+K" (arithmetic).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mmusim/study.h"
#include "sweep.h"

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

/* Column numbers of study_report_csv's row (see report.c). */
enum { COL_DTLB_HIT_RATE = 12, COL_STLB_HIT_RATE = 17, COL_STLB_MPKI = 18, COL_AVG_LAT = 26 };

static const char *base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

/* Creates dir/name for writing, its path in path; NULL with the reason in err. */
static FILE *create(const char *dir, const char *name, char *path, size_t pathlen, char *err,
                    size_t errlen)
{
    snprintf(path, pathlen, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return f;
}

static int plot(const char *dir, const struct axis *ax, unsigned naxes, const char *const *traces,
                unsigned ntraces, struct job *jobs, char *err, size_t errlen)
{
    char path[600];
    FILE *g = create(dir, "plot.gp", path, sizeof(path), err, errlen);
    if (!g)
        return -1;
    bool numeric = true;
    for (unsigned i = 0; i < ax[0].n; i++)
        numeric = numeric && strspn(ax[0].value[i], "0123456789") == strlen(ax[0].value[i]);
    unsigned n1 = naxes > 1 ? ax[1].n : 1;
    /* One data block per line: trace x second-axis value. */
    fprintf(g, "$data << EOD\n");
    for (unsigned t = 0; t < ntraces; t++)
        for (unsigned j = 0; j < n1; j++) {
            fprintf(g, "# %s%s%s\n", base_name(traces[t]), naxes > 1 ? " " : "",
                    naxes > 1 ? ax[1].value[j] : "");
            for (unsigned i = 0; i < ax[0].n; i++) {
                const struct job *jb = &jobs[(t * ax[0].n + i) * n1 + j];
                char a[32], b[32], c[32];
                fprintf(g, "%u %s %s %s %s\n", i, ax[0].value[i],
                        field(jb->out + 3, COL_DTLB_HIT_RATE, a, sizeof(a)),
                        field(jb->out + 3, COL_STLB_HIT_RATE, b, sizeof(b)),
                        field(jb->out + 3, COL_STLB_MPKI, c, sizeof(c)));
            }
            fprintf(g, "\n\n");
        }
    fprintf(g, "EOD\n");
    const char *xcol = numeric ? "2" : "1";
    const char *xtic = numeric ? "" : ":xtic(2)";
    for (int f = 0; f < 2; f++) {
        const char *ext = f ? "svg" : "png";
        const char *term = f ? "svg size 900,600" : "pngcairo size 900,600";
        const struct {
            const char *name, *ylabel, *cols;
        } plots[] = {{"hit_rate", "hit rate (DTLB solid, STLB dashed)", "3:4"},
                     {"mpki", "STLB misses per kilo-instruction", "5"}};
        for (int p = 0; p < 2; p++) {
            fprintf(g, "set terminal %s noenhanced\nset output '%s/%s.%s'\n", term, dir,
                    plots[p].name, ext);
            fprintf(g,
                    "set title '%s'\nset xlabel '%s'\nset ylabel '%s'\nset grid\nset key "
                    "outside right\n",
                    plots[p].name, ax[0].key, plots[p].ylabel);
            fprintf(g, "%s",
                    numeric && ax[0].n > 2 &&
                            strtoull(ax[0].value[1], NULL, 10) ==
                                2 * strtoull(ax[0].value[0], NULL, 10)
                        ? "set logscale x 2\n"
                        : "unset logscale x\n");
            fprintf(g, "plot ");
            unsigned line = 0;
            for (unsigned t = 0; t < ntraces; t++)
                for (unsigned j = 0; j < n1; j++, line++) {
                    char title[200];
                    snprintf(title, sizeof(title), "%s%s%s%s", base_name(traces[t]),
                             naxes > 1 ? " " : "", naxes > 1 ? ax[1].key : "",
                             naxes > 1 ? ax[1].value[j] : "");
                    if (p == 0)
                        fprintf(g,
                                "%s$data index %u using %s:3%s with linespoints lc %u "
                                "title '%s', $data index %u using %s:4 with linespoints dt 2 "
                                "lc %u notitle",
                                line ? ", " : "", line, xcol, xtic, line + 1, title, line, xcol,
                                line + 1);
                    else
                        fprintf(g,
                                "%s$data index %u using %s:5%s with linespoints lc %u "
                                "title '%s'",
                                line ? ", " : "", line, xcol, xtic, line + 1, title);
                }
            fprintf(g, "\n");
        }
    }
    fclose(g);
    char cmd[700];
    snprintf(cmd, sizeof(cmd), "gnuplot '%s' 2>'%s/plot.log'", path, dir);
    int rc = system(cmd);
    if (rc != 0) {
        snprintf(err, errlen,
                 "gnuplot failed (status %d); see %s/plot.log (is gnuplot "
                 "installed? scripts/setup.sh)",
                 rc, dir);
        return -1;
    }
    return 0;
}

/* A sweep: its axes and one job a trace and point, in the order a serial run gives. */
struct sweep {
    struct axis ax[2];
    unsigned naxes;
    const char *const *traces;
    unsigned ntraces;
    struct job *jobs;
    size_t njobs;
};

/* Parses the varied keys and sets every job's options; every point's configuration is checked
 * before anything runs. */
static int sweep_parse(struct sweep *s, const struct study_options *base, const char *const *vary,
                       unsigned nvary, char *err, size_t errlen)
{
    struct axis *ax = s->ax;
    if (nvary < 1 || nvary > 2) {
        snprintf(err, errlen, "give one or two --vary KEY=VALUES");
        return -1;
    }
    s->naxes = nvary;
    for (unsigned a = 0; a < nvary; a++)
        if (parse_axis(vary[a], &ax[a], err, errlen))
            return -1;
    unsigned n1 = nvary > 1 ? ax[1].n : 1;
    size_t njobs = (size_t)s->ntraces * ax[0].n * n1;
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
        char why[400];
        if (study_set(&jb->o, ax[0].key, ax[0].value[jb->i], why, sizeof(why)) ||
            (nvary > 1 && study_set(&jb->o, ax[1].key, ax[1].value[jb->j], why, sizeof(why))) ||
            mmu_config_check(&jb->o.cfg, why, sizeof(why))) {
            snprintf(err, errlen, "point %s=%s%s%s%s: %s", ax[0].key, ax[0].value[jb->i],
                     nvary > 1 ? ", " : "", nvary > 1 ? ax[1].key : "",
                     nvary > 1 ? ax[1].value[jb->j] : "", why);
            return -1;
        }
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
                snprintf(err, errlen, "%s: cannot create: %s", made, strerror(errno));
                return -1;
            }
            *c = was;
            if (was == '\0')
                break;
        }
    }
    return 0;
}

/* Runs every job in its own process, at most jobs_max at a time; results kept by index. */
static int sweep_exec(struct sweep *s, unsigned jobs_max, char *err, size_t errlen)
{
    size_t next = 0, done = 0, running = 0;
    while (done < s->njobs) {
        while (running < jobs_max && next < s->njobs) {
            int p[2];
            if (pipe(p)) {
                snprintf(err, errlen, "pipe: %s", strerror(errno));
                return -1;
            }
            fflush(NULL);
            pid_t pid = fork();
            if (pid < 0) {
                snprintf(err, errlen, "fork: %s", strerror(errno));
                return -1;
            }
            if (pid == 0) {
                close(p[0]);
                run_child(&s->jobs[next], s->traces[s->jobs[next].trace], p[1]);
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
    }
    return 0;
}

/* Writes dir/sweep.csv, the table on out and into dir/report.md, and the plots. */
static int sweep_report(const struct sweep *s, const struct study_options *base, const char *dir,
                        FILE *out, char *err, size_t errlen)
{
    const struct axis *ax = s->ax;
    unsigned nvary = s->naxes;
    const char *const *traces = s->traces;
    char path[600];
    FILE *csv = create(dir, "sweep.csv", path, sizeof(path), err, errlen);
    if (!csv)
        return -1;
    /* The header: the trace, the varied keys, then the study's own columns. */
    fprintf(csv, "trace,%s%s%s,", ax[0].key, nvary > 1 ? "," : "", nvary > 1 ? ax[1].key : "");
    {
        FILE *tmp = tmpfile();
        study_report_csv(base, &(struct study_result){0}, true, tmp);
        rewind(tmp);
        char line[2048];
        if (fgets(line, sizeof(line), tmp))
            fputs(line, csv);
        fclose(tmp);
    }
    /* The table goes to out and into dir/report.md, with the plots. */
    FILE *rep = create(dir, "report.md", path, sizeof(path), err, errlen);
    if (!rep) {
        fclose(csv);
        return -1;
    }
    fprintf(rep, "# mmusim sweep\n\nVaried: %s%s%s. Traces:", ax[0].key, nvary > 1 ? ", " : "",
            nvary > 1 ? ax[1].key : "");
    for (unsigned t = 0; t < s->ntraces; t++)
        fprintf(rep, " `%s`", traces[t]);
    fprintf(rep, ". Every other key: `mmusim config --dump` with the same options. Figures: "
                 "`sweep.csv`.\n\n![hit rate](hit_rate.png)\n\n![MPKI](mpki.png)\n\n```\n");
    FILE *sinks[2] = {out, rep};
    for (int k = 0; k < 2; k++)
        fprintf(sinks[k], "%-24s %-14s %-10s %9s %9s %10s %10s\n", "trace", ax[0].key,
                nvary > 1 ? ax[1].key : "", "DTLB hit%", "STLB hit%", "STLB MPKI", "avg cycles");
    bool failed = false;
    for (size_t k = 0; k < s->njobs; k++) {
        const struct job *jb = &s->jobs[k];
        if (strncmp(jb->out, "OK ", 3) != 0) {
            fprintf(stderr, "mmusim sweep: %s %s=%s: %s", traces[jb->trace], ax[0].key,
                    ax[0].value[jb->i], jb->out + (strncmp(jb->out, "ERR ", 4) ? 0 : 4));
            failed = true;
            continue;
        }
        fprintf(csv, "%s,%s%s%s,%s", base_name(traces[jb->trace]), ax[0].value[jb->i],
                nvary > 1 ? "," : "", nvary > 1 ? ax[1].value[jb->j] : "", jb->out + 3);
        char a[32], b[32], c[32], d[32];
        for (int sk = 0; sk < 2; sk++)
            fprintf(sinks[sk], "%-24s %-14s %-10s %9.2f %9.2f %10.3f %10s\n",
                    base_name(traces[jb->trace]), ax[0].value[jb->i],
                    nvary > 1 ? ax[1].value[jb->j] : "",
                    100 * atof(field(jb->out + 3, COL_DTLB_HIT_RATE, a, sizeof(a))),
                    100 * atof(field(jb->out + 3, COL_STLB_HIT_RATE, b, sizeof(b))),
                    atof(field(jb->out + 3, COL_STLB_MPKI, c, sizeof(c))),
                    field(jb->out + 3, COL_AVG_LAT, d, sizeof(d)));
    }
    fprintf(rep, "```\n");
    fclose(rep);
    fclose(csv);
    if (failed) {
        snprintf(err, errlen, "some runs failed (above)");
        return -1;
    }
    return plot(dir, ax, nvary, traces, s->ntraces, s->jobs, err, errlen);
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
}

int sweep_run(const struct study_options *base, const char *const *vary, unsigned nvary,
              const char *const *traces, unsigned ntraces, const char *dir, unsigned jobs_max,
              FILE *out, char *err, size_t errlen)
{
    struct sweep s = {.traces = traces, .ntraces = ntraces};
    int rc = -1;
    if (sweep_parse(&s, base, vary, nvary, err, errlen) == 0 && make_dir(dir, err, errlen) == 0 &&
        sweep_exec(&s, jobs_max, err, errlen) == 0)
        rc = sweep_report(&s, base, dir, out, err, errlen);
    sweep_free(&s);
    return rc;
}
