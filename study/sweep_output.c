/*
 * mmusim sweep's results (sweep_internal.h): the folder they are written to first and moved
 * into the output folder from only when every run and plot succeeded, sweep.csv, the figures
 * on standard output (a table, JSON or CSV), and report.md with the command line, the
 * configuration and the table.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mmusim/study.h"
#include "mmusim_version.h"
#include "sweep.h"
#include "sweep_internal.h"

/* mkdir -p dir */
int make_dir(const char *dir, char *err, size_t errlen)
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
static const char *const result_files[] = {
    "report.md", "sweep.csv",     "plot.gp",       "hit_rate.png", "hit_rate.svg",
    "mpki.png",  "mpki.svg",      "latency.png",   "latency.svg",  "stall.png",
    "stall.svg", "walk_refs.png", "walk_refs.svg", "plot.log"};
#define NRESULT_FILES (sizeof(result_files) / sizeof(result_files[0]))

/* Creates the output folder and, in it, the folder the results are first written to: an
 * output folder that cannot be written is found before any run starts. */
int open_out_dir(struct sweep *s, char *err, size_t errlen)
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
int close_out_dir(struct sweep *s, bool keep, char *err, size_t errlen)
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

/* Writes text between quote characters q, each q in it written as q_in. */
void write_quoted(FILE *f, const char *text, char q, const char *q_in)
{
    fputc(q, f);
    for (const char *c = text; *c; c++)
        fputs(*c == q ? q_in : (char[]){*c, '\0'}, f);
    fputc(q, f);
}

/* Writes text as one CSV field (quoted if it holds a comma, a quote or a line break). */
static void csv_field(FILE *f, const char *text)
{
    if (!text[strcspn(text, ",\"\n")])
        fputs(text, f);
    else
        write_quoted(f, text, '"', "\"\"");
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
    for (unsigned c = 0; *row_field(s->header, c, name, sizeof(name)); c++) {
        if ((int)c == s->skip)
            continue;
        if (json)
            fprintf(f, ", \"%s\": ", name);
        else
            fputc(',', f);
        const char *v = header ? name : row_field(jb->out + 3, c, value, sizeof(value));
        (json ? json_value : csv_field)(f, v);
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
            write_quoted(f, a, '\'', "'\\''");
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

/* x times scale in w columns, or "-" where the figure has no value (nan in sweep.csv). */
static void put_figure(FILE *f, int w, int prec, double x, double scale)
{
    if (isnan(x))
        fprintf(f, "%*s", w, "-");
    else
        fprintf(f, "%*.*f", w, prec, scale * x);
}

/* The table of the main figures, one line a run. */
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
        put_figure(f, 11, 2, atof(row_field(row, s->col[COL_DTLB_HIT_RATE], a, sizeof(a))), 100);
        put_figure(f, 10, 2, atof(row_field(row, s->col[COL_STLB_HIT_RATE], b, sizeof(b))), 100);
        put_figure(f, 11, 3, atof(row_field(row, s->col[COL_STLB_MPKI], c, sizeof(c))), 1);
        put_figure(f, 11, 3, atof(row_field(row, s->col[COL_AVG_LAT], d, sizeof(d))), 1);
        fputc('\n', f);
    }
}

/* Writes sweep.csv and report.md into the results folder and the figures on out (a table,
 * JSON or CSV).  Returns -1 if a run failed (each said on standard error). */
int sweep_report(const struct sweep *s, const struct study_options *base, FILE *out, char *err,
                 size_t errlen)
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
    return plot_draw(s, err, errlen);
}
