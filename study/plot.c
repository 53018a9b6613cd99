/*
 * mmusim sweep's plots (sweep_internal.h): plot.gp, a gnuplot script that holds the figures and
 * draws hit rates, MPKI, latency, stall cycles and the walks' memory references against the first
 * varied key (a line a trace
 * and value of the second), PNG and SVG; and gnuplot run on it in the results folder.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "subprocess.h"
#include "sweep_internal.h"

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
        {"itlb_1g", "ITLB (1 GiB)"},
        {"dtlb_1g", "DTLB (1 GiB)"},
        {"stlb", "STLB"},
        {"stlb_1g", "STLB (1 GiB)"},
        {"psc_pde", "PDE cache"},
        {"psc_pdpte", "PDPTE cache"},
        {"psc_pml4e", "PML4E cache"},
        {"psc_pml5e", "PML5E cache"},
        {"entries", "entries"},
        {"ways", "ways"},
        {"repl", "replacement policy"},
        {"pa_bits", "physical-address bits"},
        {"stlb_latency", "STLB hit latency (cycles)"},
        {"lfsr_seed", "LFSR seed"},
        {"wp", "CR0.WP"},
        {"nxe", "EFER.NXE"},
        {"la57", "5-level paging (CR4.LA57)"},
        {"pdpe1gb", "1 GiB pages (Page1GB)"},
        {"pages", "page size"},
        {"mixed_percent", "2 MiB regions mapped with 2 MiB pages (%)"},
        {"mixed_1g_percent", "1 GiB regions mapped with 1 GiB pages (%)"},
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

/* Each plot's words, the x axis's from the first varied key. */
void plot_texts(const struct sweep *s, struct plot_text pt[NPLOTS])
{
    char x[120];
    key_words(s->ax[0].key, x, sizeof(x));
    static const char *const what[NPLOTS][3] = {
        {"hit_rate", "DTLB and STLB hit rate", "hit rate (%)"},
        {"mpki", "STLB misses per kilo-instruction", "STLB misses per kilo-instruction (MPKI)"},
        {"latency", "Average translation latency", "average translation latency (cycles)"},
        {"stall", "Translation stall cycles per kilo-instruction",
         "translation stall cycles per kilo-instruction"},
        {"walk_refs", "Memory references per walk",
         "walker memory references per walk (reads and A/D writes)"}};
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

/* Writes a gnuplot single-quoted string ('' stands for '). */
static void gp_string(FILE *g, const char *text)
{
    write_quoted(g, text, '\'', "''");
}

/* Writes the plots' script, plot.gp, into the results folder and runs gnuplot there. */
int plot_draw(const struct sweep *s, char *err, size_t errlen)
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
               "# translation latency (cycles), translation stall cycles per kilo-instruction,\n"
               "# memory references per walk.\n"
               "$data << EOD\n");
    for (unsigned t = 0; t < s->args->ntraces; t++)
        for (unsigned j = 0; j < n1; j++) {
            char kv[100];
            fprintf(g, "# %s %s\n", s->label[t], point_kv(s, 1, j, kv, sizeof(kv)));
            for (unsigned i = 0; i < ax[0].n; i++) {
                const char *row = s->jobs[(t * ax[0].n + i) * n1 + j].out + 3;
                char a[32], b[32], c[32], d[32], e[32], w[32];
                double mpki = atof(row_field(row, s->col[COL_STLB_MPKI], c, sizeof(c)));
                double dtlb = atof(row_field(row, s->col[COL_DTLB_HIT_RATE], a, sizeof(a)));
                double stlb = atof(row_field(row, s->col[COL_STLB_HIT_RATE], b, sizeof(b)));
                double lat = atof(row_field(row, s->col[COL_AVG_LAT], d, sizeof(d)));
                double stall = atof(row_field(row, s->col[COL_STALL_PKI], e, sizeof(e)));
                double refs = atof(row_field(row, s->col[COL_WALK_REFS], w, sizeof(w)));
                /* nan: no lookups or no instructions, a gap in the line */
                const double y[NPLOTS][2] = {[PLOT_HIT_RATE] = {dtlb, stlb},
                                             [PLOT_MPKI] = {mpki, NAN},
                                             [PLOT_LATENCY] = {lat, NAN},
                                             [PLOT_STALL] = {stall, NAN},
                                             [PLOT_WALK_REFS] = {refs, NAN}};
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
                fprintf(g, "%.17g %.6f %.6f %s %s %s %s\n", numeric ? xv[i] : (double)i, 100 * dtlb,
                        100 * stlb, c, d, e, w);
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
                        : p == PLOT_WALK_REFS             ? "no walks"
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
                                : p == PLOT_STALL   ? 6
                                                    : 7,
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
    const char *argv[] = {"gnuplot", "plot.gp", NULL};
    struct subprocess_command gnuplot = {.argv = argv, .dir = s->tmp, .log = "plot.log"};
    int status;
    if (subprocess_run(&gnuplot, NULL, 0, &status, err, errlen))
        return -1;
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
