/*
 * mmusim: the command-line front end of the model.
 *
 *   mmusim run [OPTIONS] TRACE...   a trace study: the traces through one configuration
 *   mmusim config [OPTIONS] --dump  the effective configuration, as JSON
 *   mmusim convert IN OUT           a trace in mmusim's binary format
 *   mmusim sweep [OPTIONS] --vary KEY=VALUES TRACE...   a study over varied keys, with plots
 *   mmusim demo                     a few translations of a small address space
 *   mmusim help, mmusim COMMAND --help   what the commands and their options are
 *
 * Exit status: 0 done, 1 bad input or a failed run, 2 a bad command line.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <time.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mmusim.h"
#include "mmusim/study.h"
#include "mmusim/trace.h"
#include "progress.h"
#include "slurm.h"
#include "sweep.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: mmusim run [OPTIONS] TRACE...     run traces through one MMU configuration\n"
            "       mmusim config [OPTIONS] --dump    print the effective configuration (JSON)\n"
            "       mmusim convert [--format F] IN OUT  write a trace in the binary format\n"
            "       mmusim sweep [OPTIONS] --vary KEY=VALUES [--vary ...] TRACE...\n"
            "       mmusim demo                       translate a few addresses, print statistics\n"
            "       mmusim COMMAND --help             the options of a command\n");
}

static void run_usage(FILE *out)
{
    fprintf(out,
            "usage: mmusim run [OPTIONS] TRACE...\n"
            "Runs the traces (lackey, ChampSim or text; plain, .gz or .xz; - for standard input),\n"
            "each as its own process, through one MMU configuration, and prints the figures.\n\n"
            "  --preset NAME      skylake (the default), champsim, embedded\n"
            "  --config FILE      a JSON object of keys (after --preset)\n"
            "  --set KEY=VALUE    one key (after --config); may be repeated\n"
            "  --format FORMAT    auto, lackey, champsim, text (same as --set format=...)\n"
            "  --skip-bad         count bad records and go on instead of stopping\n"
            "  --json, --csv      print the figures as JSON or CSV instead of a table\n\n"
            "keys (numbers are decimal, leading zeros and all, or 0x hexadecimal):\n");
    study_print_keys(out);
}

/* Options shared by run and config, anywhere on the line; the operands (traces) are gathered
 * in operands[].  The configuration is checked if check is set (a sweep checks each point
 * instead, after its varied keys).  Returns how many, or -1 (usage error, message printed) or
 * -2 (--help). */
static int parse_options(int argc, char **argv, struct study_options *o, int *output, bool *dump,
                         char **operands, bool check)
{
    char err[600];
    const char *preset = NULL, *config = NULL;
    int n = 0;
    study_defaults(o);
    /* Presets first, then the JSON file, then --set, whatever their order on the line. */
    for (int pass = 0; pass < 3; pass++) {
        n = 0;
        for (int i = 2; i < argc; i++) {
            const char *a = argv[i];
            if (a[0] != '-' || !strcmp(a, "-")) {
                operands[n++] = argv[i];
                continue;
            }
            bool has_value = !strcmp(a, "--preset") || !strcmp(a, "--config") ||
                             !strcmp(a, "--set") || !strcmp(a, "--format");
            if (has_value && i + 1 >= argc) {
                fprintf(stderr, "mmusim: %s needs a value\n", a);
                return -1;
            }
            const char *v = has_value ? argv[++i] : NULL;
            if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
                run_usage(stdout);
                return -2;
            } else if (!strcmp(a, "--preset")) {
                preset = v;
            } else if (!strcmp(a, "--config")) {
                config = v;
            } else if (!strcmp(a, "--set") || !strcmp(a, "--format")) {
                char kv[300];
                snprintf(kv, sizeof(kv), "%s%s", !strcmp(a, "--format") ? "format=" : "", v);
                if (pass == 2 && study_set_kv(o, kv, err, sizeof(err))) {
                    fprintf(stderr, "mmusim: %s %s: %s\n", a, v, err);
                    return -1;
                }
            } else if (!strcmp(a, "--skip-bad")) {
                o->skip_bad = true;
            } else if (!strcmp(a, "--json") || !strcmp(a, "--csv")) {
                int want = !strcmp(a, "--json") ? 1 : 2;
                if (*output && *output != want) {
                    fprintf(stderr, "mmusim %s: --json and --csv: give one of them\n", argv[1]);
                    return -1;
                }
                *output = want;
            } else if (!strcmp(a, "--dump") && dump) {
                *dump = true;
            } else {
                fprintf(stderr, "mmusim: unknown option %s (mmusim %s --help)\n", a, argv[1]);
                return -1;
            }
        }
        if (pass == 0 && preset && study_preset(o, preset, err, sizeof(err))) {
            fprintf(stderr, "mmusim: --preset: %s\n", err);
            return -1;
        }
        if (pass == 1 && config && study_load_json(o, config, err, sizeof(err))) {
            fprintf(stderr, "mmusim: --config: %s\n", err);
            return -1;
        }
    }
    if (check && study_check(o, err, sizeof(err))) {
        fprintf(stderr, "mmusim: configuration: %s\n", err);
        return -1;
    }
    return n;
}

/* The progress bar of long runs, on standard error when it is a terminal. */
struct progress {
    struct timespec start;
    bool shown;
};

static void show_progress(void *ctx, uint64_t refs, uint64_t done, uint64_t total)
{
    struct progress *p = ctx;
    double secs = progress_elapsed(&p->start);
    fprintf(stderr, "\r%8.1fM references  %6.1fM/s", refs / 1e6, secs > 0 ? refs / secs / 1e6 : 0);
    if (total && done <= total) {
        double frac = (double)done / (double)total;
        int bar = (int)(frac * 30);
        char times[80];
        progress_times(times, sizeof(times), secs, frac);
        fprintf(stderr, "  [%.*s%*s] %3.0f%%%s", bar, "##############################", 30 - bar,
                "", 100 * frac, times);
    }
    p->shown = true;
}

static int cmd_run(int argc, char **argv)
{
    struct study_options o;
    int output = 0;
    char **traces = calloc((size_t)argc, sizeof(*traces));
    int n = traces ? parse_options(argc, argv, &o, &output, NULL, traces, true) : -1;
    if (n <= 0) {
        if (n == 0)
            fprintf(stderr, "mmusim run: give at least one trace (mmusim run --help)\n");
        free(traces);
        return n == -2 ? 0 : 2;
    }
    struct study_result r;
    char err[600];
    struct progress prog = {.shown = false};
    if (isatty(STDERR_FILENO)) {
        clock_gettime(CLOCK_MONOTONIC, &prog.start);
        o.progress = show_progress;
        o.progress_ctx = &prog;
    }
    int rc = study_run(&o, (const char *const *)traces, (unsigned)n, &r, err, sizeof(err));
    if (prog.shown)
        fprintf(stderr, "\r%*s\r", 100, "");
    free(traces);
    if (rc) {
        fprintf(stderr, "mmusim: %s\n", err);
        return 1;
    }
    if (output == 1)
        study_report_json(&o, &r, stdout);
    else if (output == 2)
        study_report_csv(&o, &r, true, stdout);
    else
        study_report_table(&o, &r, stdout);
    return 0;
}

static int cmd_config(int argc, char **argv)
{
    struct study_options o;
    int output = 0;
    bool dump = false;
    char **operands = calloc((size_t)argc, sizeof(*operands));
    for (int i = 2; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            free(operands);
            printf("usage: mmusim config [--preset NAME] [--config FILE] [--set KEY=VALUE]... "
                   "--dump\nPrints the configuration those options give, every key, as JSON "
                   "(mmusim run --help lists the keys).\n");
            return 0;
        }
    int n = operands ? parse_options(argc, argv, &o, &output, &dump, operands, true) : -1;
    free(operands);
    if (n < 0)
        return n == -2 ? 0 : 2;
    if (!dump || n > 0) {
        fprintf(stderr,
                "usage: mmusim config [--preset NAME] [--config FILE] [--set K=V] --dump\n");
        return 2;
    }
    study_dump_json(&o, stdout);
    return 0;
}

struct demo_access {
    uint64_t va;
    enum mmu_access type;
    bool user;
    const char *why;
};

static int demo(void)
{
    char err[256];
    struct phys_mem *pm = phys_mem_create(46, err, sizeof(err));
    struct aspace *as = pm ? aspace_create(pm, err, sizeof(err)) : NULL;
    struct mmu_config cfg;
    mmu_config_default(&cfg);
    struct mmu_fixed_mem fm = {.pm = pm, .latency = 20};
    struct mmu_mem_port port = mmu_fixed_mem_port(&fm);
    struct mmu *m = as ? mmu_create(&cfg, &port, err, sizeof(err)) : NULL;
    int rc = 1;
    if (!m) {
        fprintf(stderr, "mmusim: %s\n", err);
        goto out;
    }
    /* The design notes' example: virtual page 0x2 on physical page 0x109. */
    if (aspace_map(as, 0x2000, 0x109000, PAGE_SHIFT_4K, PTE_RW | PTE_US) ||
        aspace_map(as, 0x3000, 0x10a000, PAGE_SHIFT_4K, PTE_US) ||
        aspace_map(as, 0x40000000, 0x80000000, PAGE_SHIFT_2M, PTE_RW | PTE_NX) ||
        aspace_map(as, 0xffff800000001000, 0x5000, PAGE_SHIFT_4K, PTE_G)) {
        fprintf(stderr, "mmusim: %s\n", aspace_error(as));
        goto out;
    }
    if (mmu_load_cr3(m, 0, aspace_pml4(as), 1, false)) {
        fprintf(stderr, "mmusim: %s\n", mmu_error(m));
        goto out;
    }
    static const struct demo_access accesses[] = {
        {0x2150, MMU_ACC_READ, true, "walk: the design notes' example"},
        {0x2158, MMU_ACC_READ, true, "L1 hit on the same page"},
        {0x2160, MMU_ACC_WRITE, true, "write to a clean page: re-walk to set D"},
        {0x3010, MMU_ACC_WRITE, true, "write to a read-only page"},
        {0x40123456, MMU_ACC_READ, false, "2 MiB page: the walk ends at the PDE"},
        {0x40123456, MMU_ACC_FETCH, false, "fetch from an NX page"},
        {0xffff800000001008, MMU_ACC_READ, true, "user access to a supervisor page"},
        {0x0000800000000000, MMU_ACC_READ, false, "non-canonical address"},
        {0x7000, MMU_ACC_READ, false, "unmapped page"},
    };
    uint64_t cycle = 1;
    for (size_t i = 0; i < sizeof(accesses) / sizeof(accesses[0]); i++) {
        const struct demo_access *a = &accesses[i];
        struct mmu_request req = {.vaddr = a->va, .type = a->type, .user = a->user, .cycle = cycle};
        struct mmu_response r;
        if (mmu_translate(m, &req, &r)) {
            fprintf(stderr, "mmusim: %s\n", mmu_error(m));
            goto out;
        }
        printf("%-5s %s 0x%" PRIx64 " -> ", mmu_access_name(a->type), a->user ? "user" : "sup ",
               a->va);
        if (r.fault == MMU_FAULT_NONE)
            printf("0x%" PRIx64 " (%s page)", r.paddr, r.page_shift == PAGE_SHIFT_4K ? "4K" : "2M");
        else
            printf("fault %s, error code 0x%x, level %u", mmu_fault_name(r.fault), r.error_code,
                   r.level);
        printf("; cycles %" PRIu64 "..%" PRIu64 " (%" PRIu64 "); %s\n", r.accept_cycle,
               r.resp_cycle, r.resp_cycle - r.accept_cycle, a->why);
        cycle = r.resp_cycle;
    }
    printf("\n");
    mmu_stats_print(mmu_stats(m), stdout);
    rc = 0;
out:
    mmu_destroy(m);
    aspace_destroy(as);
    phys_mem_destroy(pm);
    return rc;
}

/* How a sweep's command line is run: here, or as a Slurm job array (sweep.h). */
struct sweep_how {
    enum sweep_mode mode;
    const char *id; /* collect, resubmit: the submitted sweep's id */
    bool wait;      /* resubmit: wait for the job and collect */
};

static void sweep_usage(void)
{
    printf("usage: mmusim sweep [RUN OPTIONS] --vary KEY=VALUES [--vary KEY=VALUES]\n"
           "                    [--jobs N] [--out DIR] [SLURM OPTIONS] TRACE...\n"
           "       mmusim sweep --collect DIR | --resubmit-failed DIR [--no-wait]\n"
           "Runs every point on every trace, N at a time (default: every core), prints a\n"
           "table (or, with --csv or --json, the figures in that form), and writes\n"
           "DIR/report.md, DIR/sweep.csv and plots (gnuplot, PNG and SVG): hit_rate,\n"
           "mpki, latency and stall, one line per trace (and value of the second key),\n"
           "on a log y axis where the lines span a decade or more (not hit rates). The\n"
           "results replace the files of an earlier sweep in DIR only when every run\n"
           "succeeded. The --set values and the varied keys are checked together, point by\n"
           "point. VALUES: a,b,c or FROM:TO:*K or FROM:TO:+K. DIR defaults to\n"
           "results/sweep. RUN OPTIONS: mmusim run --help.\n"
           "  --jobs N              runs at a time (default: every core): processes, or with\n"
           "                        --decode once the threads feeding a trace's studies\n"
           "  --decode once         read each trace once for its points: one thread reads,\n"
           "                        N threads feed its records to every point's study\n"
           "  --decode each         read the trace again for each point, in its own process\n"
           "  --decode auto         once if some trace has two points that can share a\n"
           "                        decode (same format and skip_bad), else each (default)\n"
           "  --decode-group G      at most G points share a decode, their studies in memory\n"
           "                        at once (default 16; more points: the trace read again)\n"
           "On a Slurm cluster (DIR and the traces on a file system every node sees):\n"
           "  --slurm               run the sweep as a job array (sbatch), wait for it and\n"
           "                        collect its results into DIR as a local sweep writes them\n"
           "  --no-wait             submit only: print the job id and the --collect command\n"
           "  --per-task N          runs (trace x point) an array task does, one after another\n"
           "                        (default 1)\n"
           "  --partition P, --time T, --account A, --qos Q, --sbatch-option OPT\n"
           "                        given to sbatch (OPT as --name=value)\n"
           "  --collect DIR         gather a submitted sweep's results (again); a missing or\n"
           "                        failed task is named, and results of another sweep or\n"
           "                        configuration are refused\n"
           "  --resubmit-failed DIR submit the tasks that failed or left no result again,\n"
           "                        wait, and collect\n");
}

static int sweep_command(int argc, char **argv, const struct sweep_how *how);

/* --collect DIR, --resubmit-failed DIR: the submitted sweep's command line, run again in the
 * folder it was given in. */
static int sweep_again(const char *dir, const struct sweep_how *how)
{
    int n;
    char **argv, cwd[4096], id[SLURM_ID_LEN], err[800];
    if (slurm_load(dir, &n, &argv, cwd, sizeof(cwd), id, err, sizeof(err))) {
        fprintf(stderr, "mmusim sweep: %s\n", err);
        return 2;
    }
    if (chdir(cwd)) {
        fprintf(stderr,
                "mmusim sweep: %s: cannot go to the folder the sweep was given in (%s): %s\n", dir,
                cwd, strerror(errno));
        slurm_free_command(n, argv);
        return 1;
    }
    struct sweep_how again = *how;
    again.id = id;
    int rc = sweep_command(n, argv, &again);
    slurm_free_command(n, argv);
    return rc;
}

static int cmd_sweep(int argc, char **argv)
{
    struct sweep_how how = {.mode = SWEEP_LOCAL, .wait = true};
    const char *again = NULL;
    for (int i = 2; i < argc; i++) {
        bool collect = !strcmp(argv[i], "--collect");
        if (!collect && strcmp(argv[i], "--resubmit-failed"))
            continue;
        if (i + 1 >= argc || again) {
            fprintf(stderr, "mmusim sweep: %s\n",
                    again ? "give one of --collect DIR and --resubmit-failed DIR"
                          : "--collect and --resubmit-failed need the sweep's folder");
            return 2;
        }
        again = argv[++i];
        how.mode = collect ? SWEEP_COLLECT : SWEEP_RESUBMIT;
    }
    if (!again)
        return sweep_command(argc, argv, &how);
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--collect") || !strcmp(argv[i], "--resubmit-failed"))
            i++;
        else if (!strcmp(argv[i], "--no-wait") && how.mode == SWEEP_RESUBMIT)
            how.wait = false;
        else {
            fprintf(stderr,
                    "mmusim sweep: %s: the submitted sweep's options are its own; give "
                    "%s DIR alone\n",
                    argv[i], how.mode == SWEEP_COLLECT ? "--collect" : "--resubmit-failed");
            return 2;
        }
    }
    return sweep_again(again, &how);
}

/* A number of 1..max for option opt, or 0 after saying why. */
static unsigned long sweep_count(const char *opt, const char *v, unsigned long max)
{
    char *end;
    errno = 0;
    unsigned long n = strtoul(v, &end, 10);
    if (errno || end == v || *end || v[0] == '-' || n < 1 || n > max) {
        fprintf(stderr, "mmusim sweep: %s %s is not 1..%lu\n", opt, v, max);
        return 0;
    }
    return n;
}

static int sweep_command(int argc, char **argv, const struct sweep_how *how)
{
    const char *vary[2];
    unsigned nvary = 0;
    const char *dir = "results/sweep";
    long jobs = sysconf(_SC_NPROCESSORS_ONLN);
    struct sweep_args sa = {.mode = how->mode, .per_task = 1, .wait = how->wait, .id = how->id};
    /* Take the sweep's own options out; the rest are run's.  The command line without
     * Slurm's options is what a submitted sweep records and its tasks run. */
    char **rest = calloc((size_t)argc + 1, sizeof(*rest));
    char **traces = calloc((size_t)argc + 1, sizeof(*traces));
    char **recorded = calloc((size_t)argc + 1, sizeof(*recorded));
    char **sbatch = calloc((size_t)argc + 1, sizeof(*sbatch));
    char **made = calloc((size_t)argc + 1, sizeof(*made)); /* sbatch's options written here */
    int nrest = 0, nrec = 0, rc = 2;
    unsigned nsbatch = 0, nmade = 0;
    if (!rest || !traces || !recorded || !sbatch || !made) {
        rc = 1;
        goto out;
    }
    rest[nrest++] = recorded[nrec++] = argv[0];
    rest[nrest++] = recorded[nrec++] = argv[1];
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            sweep_usage();
            rc = 0;
            goto out;
        }
        static const char *const with_value[] = {
            "--vary", "--out", "--jobs",    "--per-task", "--task",         "--partition",
            "--time", "--qos", "--account", "--decode",   "--decode-group", "--sbatch-option"};
        bool has_value = false;
        for (size_t k = 0; k < sizeof(with_value) / sizeof(with_value[0]); k++)
            has_value = has_value || !strcmp(a, with_value[k]);
        if (has_value && i + 1 >= argc) {
            fprintf(stderr, "mmusim sweep: %s needs a value\n", a);
            goto out;
        }
        const char *v = has_value ? argv[i + 1] : NULL;
        bool slurm_own = true;
        if (!strcmp(a, "--slurm")) {
            sa.mode = SWEEP_SUBMIT;
        } else if (!strcmp(a, "--no-wait")) {
            sa.wait = false;
        } else if (!strcmp(a, "--per-task")) { /* recorded: the collection needs it too */
            if (!(sa.per_task = (unsigned)sweep_count(a, v, 1u << 20)))
                goto out;
            slurm_own = false;
        } else if (!strcmp(a, "--task")) { /* a job array's task (job.sh) */
            if (!sweep_count(a, v[0] == '0' && !v[1] ? "1" : v, 1u << 30))
                goto out;
            sa.task = (unsigned)strtoul(v, NULL, 10);
            sa.mode = SWEEP_TASK;
        } else if (!strcmp(a, "--sbatch-option")) {
            if (strncmp(v, "--", 2) || !strchr(v, '=')) {
                fprintf(stderr, "mmusim sweep: --sbatch-option %s: give it as --name=value\n", v);
                goto out;
            }
            sbatch[nsbatch++] = argv[i + 1];
        } else if (!strcmp(a, "--partition") || !strcmp(a, "--time") || !strcmp(a, "--account") ||
                   !strcmp(a, "--qos")) {
            size_t len = strlen(a) + strlen(v) + 2;
            char *opt = malloc(len);
            if (!opt) {
                rc = 1;
                goto out;
            }
            snprintf(opt, len, "%s=%s", a, v);
            sbatch[nsbatch++] = made[nmade++] = opt;
        } else {
            slurm_own = false;
        }
        if (slurm_own) {
            i += has_value;
            continue;
        }
        recorded[nrec++] = argv[i];
        if (has_value)
            recorded[nrec++] = argv[i + 1];
        if (!strcmp(a, "--vary")) {
            if (nvary == 2) {
                fprintf(stderr, "mmusim sweep: --vary %s: at most two keys may be varied\n", v);
                goto out;
            }
            vary[nvary++] = v;
        } else if (!strcmp(a, "--out")) {
            dir = v;
        } else if (!strcmp(a, "--per-task")) { /* taken above; kept in the record only */
        } else if (!strcmp(a, "--jobs")) {
            if (!(jobs = (long)sweep_count(a, v, 1024)))
                goto out;
        } else if (!strcmp(a, "--decode")) {
            if (!strcmp(v, "auto"))
                sa.decode = SWEEP_DECODE_AUTO;
            else if (!strcmp(v, "once"))
                sa.decode = SWEEP_DECODE_ONCE;
            else if (!strcmp(v, "each"))
                sa.decode = SWEEP_DECODE_EACH;
            else {
                fprintf(stderr, "mmusim sweep: --decode %s: give auto, once or each\n", v);
                goto out;
            }
        } else if (!strcmp(a, "--decode-group")) {
            if (!(sa.group = (unsigned)sweep_count(a, v, 4096)))
                goto out;
        } else {
            rest[nrest++] = argv[i];
        }
        i += has_value;
    }
    if (((nsbatch || !sa.wait) && sa.mode != SWEEP_SUBMIT && sa.mode != SWEEP_TASK &&
         sa.mode != SWEEP_RESUBMIT) ||
        (sa.per_task > 1 && sa.mode == SWEEP_LOCAL)) {
        fprintf(stderr, "mmusim sweep: --no-wait, --per-task and sbatch's options go with "
                        "--slurm\n");
        goto out;
    }
    struct study_options o;
    int output = 0;
    int n = parse_options(nrest, rest, &o, &output, NULL, traces, false);
    char err[1600];
    if (n == 0) {
        fprintf(stderr, "mmusim sweep: give at least one trace (mmusim sweep --help)\n");
    } else if (n > 0 && nvary == 0) {
        fprintf(stderr, "mmusim sweep: give one or two --vary KEY=VALUES\n");
    } else if (n > 0) {
        sa.vary = vary;
        sa.nvary = nvary;
        sa.traces = (const char *const *)traces;
        sa.ntraces = (unsigned)n;
        sa.dir = dir;
        sa.jobs = (unsigned)(jobs > 0 ? jobs : 1);
        sa.output = output;
        sa.progress = isatty(STDERR_FILENO) && sa.mode == SWEEP_LOCAL;
        sa.argc = nrec;
        sa.argv = (const char *const *)recorded;
        sa.sbatch = (const char *const *)sbatch;
        sa.nsbatch = nsbatch;
        rc = sweep_run(&o, &sa, stdout, err, sizeof(err));
        if (rc)
            fprintf(stderr, "mmusim sweep: %s\n", err);
        else if (sa.mode != SWEEP_TASK && (sa.mode == SWEEP_LOCAL || sa.wait))
            fprintf(output ? stderr : stdout,
                    "results in %s/: report.md, sweep.csv, hit_rate, mpki, latency, stall and "
                    "walk_refs plots "
                    "(.png "
                    "and .svg), plot.gp\n",
                    dir);
    } else if (n == -2) {
        rc = 0;
    }
out:
    for (unsigned k = 0; k < nmade; k++)
        free(made[k]);
    free(made);
    free(rest);
    free(traces);
    free(recorded);
    free(sbatch);
    return rc;
}

static int cmd_convert(int argc, char **argv)
{
    enum trace_format fmt = TRACE_AUTO, to = TRACE_BINARY;
    const char *in = NULL, *out = NULL;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf("usage: mmusim convert [--format FORMAT] [--to binary|champsim] IN OUT\n"
                   "Writes trace IN (lackey, champsim, text, binary; plain, .gz, .xz; - for\n"
                   "standard input) to OUT in mmusim's binary format, or with --to champsim in\n"
                   "ChampSim's instruction format, xz- or gzip-compressed if OUT ends in .xz or\n"
                   ".gz, to standard output if OUT is -.  OUT is written under a temporary name\n"
                   "and replaced only when all of it was written.\n"
                   "ChampSim's records are one instruction each, a fetch and up to 4 loads and 2\n"
                   "stores with no sizes: what does not fit is left out and counted (loads and\n"
                   "stores beyond those, accesses before the first fetch or at address 0, PCIDs),\n"
                   "a page-crossing access keeps its first page, and an instruction's loads read\n"
                   "back before its stores.\n");
            return 0;
        } else if (!strcmp(argv[i], "--format") && i + 1 < argc) {
            if (trace_format_parse(argv[++i], &fmt)) {
                fprintf(stderr, "mmusim convert: --format %s is not a format\n", argv[i]);
                return 2;
            }
        } else if (!strcmp(argv[i], "--to") && i + 1 < argc) {
            i++;
            if (!strcmp(argv[i], "binary"))
                to = TRACE_BINARY;
            else if (!strcmp(argv[i], "champsim"))
                to = TRACE_CHAMPSIM;
            else {
                fprintf(stderr, "mmusim convert: --to %s: write binary or champsim\n", argv[i]);
                return 2;
            }
        } else if (argv[i][0] == '-' && strcmp(argv[i], "-") != 0) {
            fprintf(stderr, "mmusim convert: unknown option %s\n", argv[i]);
            return 2;
        } else if (!in) {
            in = argv[i];
        } else if (!out) {
            out = argv[i];
        } else {
            fprintf(stderr, "mmusim convert: one input and one output\n");
            return 2;
        }
    }
    if (!in || !out) {
        fprintf(stderr, "usage: mmusim convert [--format FORMAT] [--to binary|champsim] IN OUT\n");
        return 2;
    }
    if (strcmp(out, "-") == 0 && isatty(STDOUT_FILENO)) {
        fprintf(stderr, "mmusim convert: standard output is a terminal; the binary trace goes to "
                        "a file or a pipe\n");
        return 2;
    }
    struct stat si, so;
    if (strcmp(out, "-") != 0 &&
        (strcmp(in, out) == 0 ||
         (strcmp(in, "-") != 0 && stat(in, &si) == 0 && stat(out, &so) == 0 &&
          si.st_dev == so.st_dev && si.st_ino == so.st_ino))) {
        fprintf(stderr,
                "mmusim convert: %s and %s are the same file; refusing to overwrite the "
                "input\n",
                in, out);
        return 2;
    }
    char err[600];
    struct trace_reader *r = trace_open(in, fmt, err, sizeof(err));
    if (!r) {
        fprintf(stderr, "mmusim: %s\n", err);
        return 1;
    }
    struct trace_writer *w = trace_writer_open_as(out, to, err, sizeof(err));
    if (!w) {
        fprintf(stderr, "mmusim: %s\n", err);
        trace_close(r);
        return 1;
    }
    struct trace_record rec;
    int rc;
    uint64_t n = 0;
    while ((rc = trace_next(r, &rec)) == 1 && trace_write(w, &rec) == 0)
        n++;
    if (rc < 0) {
        fprintf(stderr, "mmusim: %s\n", trace_error(r));
        trace_writer_abort(w); /* nothing written, nothing removed */
        trace_close(r);
        return 1;
    }
    trace_close(r);
    char notes[400];
    trace_writer_notes(w, notes, sizeof(notes));
    if (trace_writer_close(w, err, sizeof(err)) || rc != 0) {
        fprintf(stderr, "mmusim: %s\n", err);
        return 1;
    }
    fprintf(stderr, "mmusim convert: %llu references to %s%s%s\n", (unsigned long long)n, out,
            notes[0] ? ": " : "", notes);
    return 0;
}

static int cmd_demo(int argc, char **argv)
{
    if (argc == 3 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"))) {
        printf("usage: mmusim demo\n"
               "Translates a few addresses of a small address space by hand (the design notes'\n"
               "example among them) with the default configuration, one line each, and prints\n"
               "the statistics.\n");
        return 0;
    }
    if (argc > 2) {
        fprintf(stderr, "mmusim demo: takes no arguments, not %s (mmusim demo --help)\n", argv[2]);
        return 2;
    }
    return demo();
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int argc, char **argv);
    } commands[] = {{"run", cmd_run},
                    {"config", cmd_config},
                    {"convert", cmd_convert},
                    {"sweep", cmd_sweep},
                    {"demo", cmd_demo}};
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc, argv);
    fprintf(stderr, "mmusim: unknown command: %s\n", argv[1]);
    usage(stderr);
    return 2;
}
