/*
 * mmusim sweep on a Slurm cluster (sweep_internal.h): the sweep's runs cut into array tasks, a
 * task's runs and the part it writes, the parts read back into the results (a missing, damaged
 * or foreign part named), and the job's submission and resubmission of failed tasks.  The files
 * in DIR/slurm/, the batch script and sbatch are slurm.c's.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mmusim/study.h"
#include "slurm.h"
#include "sweep.h"
#include "sweep_internal.h"

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
int sweep_task(struct sweep *s, const struct study_options *base, char *err, size_t errlen)
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
int sweep_collect(struct sweep *s, const struct study_options *base, FILE *out, char *err,
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
int sweep_submit(struct sweep *s, const struct study_options *base, char *err, size_t errlen)
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
