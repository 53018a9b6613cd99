/*
 * A sweep on a Slurm cluster: the files it keeps (slurm.h), its batch script and sbatch.  What
 * a task runs and how the results are gathered is the sweep's (sweep_slurm.c); this file knows
 * Slurm and the file system.
 */
#define _DEFAULT_SOURCE /* realpath */
#define _POSIX_C_SOURCE 200809L
#include "slurm.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "subprocess.h"

#define COMMAND_MAX (1u << 20)

int slurm_path(char *path, size_t len, const char *dir, const char *name)
{
    int n = snprintf(path, len, "%s/slurm%s%s", dir, *name ? "/" : "", name);
    return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* Writes text into DIR/slurm/NAME (len bytes). */
static int write_file(const char *dir, const char *name, const char *text, size_t len, char *err,
                      size_t errlen)
{
    char path[PATH_MAX];
    FILE *f = slurm_path(path, sizeof(path), dir, name) ? NULL : fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "%s/slurm/%s: cannot write: %s", dir, name, strerror(errno));
        return -1;
    }
    bool bad = fwrite(text, 1, len, f) != len;
    if (fclose(f) || bad) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Reads DIR/slurm/NAME, NUL-terminated (free it); its length without the NUL into len. */
static char *read_file(const char *dir, const char *name, size_t *len, char *err, size_t errlen)
{
    char path[PATH_MAX];
    FILE *f = slurm_path(path, sizeof(path), dir, name) ? NULL : fopen(path, "r");
    if (!f) {
        snprintf(err, errlen,
                 "%s/slurm/%s: cannot open: %s (is %s a sweep submitted with --slurm?)", dir, name,
                 strerror(errno), dir);
        return NULL;
    }
    char *text = malloc(COMMAND_MAX + 1);
    size_t n = text ? fread(text, 1, COMMAND_MAX + 1, f) : 0;
    bool bad = ferror(f) || n > COMMAND_MAX;
    fclose(f);
    if (!text || bad) {
        snprintf(err, errlen, "%s: cannot read (or larger than %u bytes)", path, COMMAND_MAX);
        free(text);
        return NULL;
    }
    text[n] = '\0';
    *len = n;
    return text;
}

/* A FILE writing into memory (*text and *len once it is closed; free *text); NULL after saying
 * why. */
static FILE *memory_file(char **text, size_t *len, char *err, size_t errlen)
{
    *text = NULL;
    *len = 0;
    FILE *f = open_memstream(text, len);
    if (!f)
        snprintf(err, errlen, "out of host memory");
    return f;
}

/* Writes s in single quotes, as sh reads it back. */
static void sh_quote(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++)
        fputs(*s == '\'' ? "'\\''" : (char[]){*s, '\0'}, f);
    fputc('\'', f);
}

/* Removes an earlier submission's parts and task logs. */
static void remove_results(const char *dir)
{
    char path[PATH_MAX];
    if (slurm_path(path, sizeof(path), dir, ""))
        return;
    DIR *d = opendir(path);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, "part-", 5) && strncmp(e->d_name, "task-", 5))
            continue;
        char file[PATH_MAX];
        if (slurm_path(file, sizeof(file), dir, e->d_name) == 0)
            unlink(file);
    }
    if (d)
        closedir(d);
}

static int write_script(const struct slurm_job *j, const char *id, const char *cwd, char *err,
                        size_t errlen)
{
    char bin[PATH_MAX], out[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", bin, sizeof(bin) - 1);
    if (n <= 0) {
        snprintf(err, errlen, "cannot tell this program's path (/proc/self/exe): %s",
                 strerror(errno));
        return -1;
    }
    bin[n] = '\0';
    if (!realpath(j->dir, out)) {
        snprintf(err, errlen, "%s: %s", j->dir, strerror(errno));
        return -1;
    }
    char *text;
    size_t len;
    FILE *f = memory_file(&text, &len, err, errlen);
    if (!f)
        return -1;
    fprintf(
        f,
        "#!/bin/sh\n"
        "# mmusim sweep %s on Slurm: %u array tasks of %u runs each, written by mmusim sweep\n"
        "# --slurm.  Gather the results with: mmusim sweep --collect DIR; run failed or missing\n"
        "# tasks again with: mmusim sweep --resubmit-failed DIR.\n"
        "#SBATCH --job-name=mmusim-sweep\n"
        "#SBATCH --array=0-%u\n"
        "#SBATCH --ntasks=1\n"
        "#SBATCH --output=%s/slurm/task-%%a.log\n",
        id, j->ntasks, j->per_task, j->ntasks - 1, out);
    for (unsigned i = 0; i < j->nsbatch; i++)
        fprintf(f, "#SBATCH %s\n", j->sbatch[i]);
    fprintf(f, "cd ");
    sh_quote(f, cwd);
    fprintf(f, " || exit 1\nexec ");
    sh_quote(f, bin);
    fprintf(f, " sweep --task \"$SLURM_ARRAY_TASK_ID\"");
    for (int i = 2; i < j->argc; i++) {
        fputc(' ', f);
        sh_quote(f, j->argv[i]);
    }
    fputc('\n', f);
    fclose(f);
    int rc = write_file(j->dir, "job.sh", text, len, err, errlen);
    free(text);
    return rc;
}

int slurm_prepare(const struct slurm_job *j, char id[SLURM_ID_LEN], char *err, size_t errlen)
{
    char path[PATH_MAX], cwd[PATH_MAX];
    if (slurm_path(path, sizeof(path), j->dir, "") || (mkdir(path, 0755) && errno != EEXIST)) {
        snprintf(err, errlen, "%s/slurm: cannot create: %s", j->dir, strerror(errno));
        return -1;
    }
    if (!getcwd(cwd, sizeof(cwd))) {
        snprintf(err, errlen, "getcwd: %s", strerror(errno));
        return -1;
    }
    remove_results(j->dir);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    snprintf(id, SLURM_ID_LEN, "%llx-%lx-%x", (unsigned long long)now.tv_sec,
             (unsigned long)now.tv_nsec, (unsigned)getpid());
    char *text;
    size_t len;
    FILE *f = memory_file(&text, &len, err, errlen);
    if (!f)
        return -1;
    for (int i = 0; i < j->argc; i++)
        fwrite(j->argv[i], 1, strlen(j->argv[i]) + 1, f);
    fclose(f);
    int rc = write_file(j->dir, "command", text, len, err, errlen);
    free(text);
    if (rc || write_file(j->dir, "cwd", cwd, strlen(cwd), err, errlen) ||
        write_file(j->dir, "id", id, strlen(id), err, errlen))
        return -1;
    return write_script(j, id, cwd, err, errlen);
}

int slurm_submit(const char *dir, const char *array, bool wait, char *jobid, size_t idlen,
                 char *err, size_t errlen)
{
    char script[PATH_MAX], arr[4096];
    if (slurm_path(script, sizeof(script), dir, "job.sh")) {
        snprintf(err, errlen, "%s: path too long", dir);
        return -1;
    }
    snprintf(arr, sizeof(arr), "--array=%s", array ? array : "");
    const char *argv[6];
    int n = 0;
    argv[n++] = "sbatch";
    argv[n++] = "--parsable";
    if (wait)
        argv[n++] = "--wait";
    if (array)
        argv[n++] = arr;
    argv[n++] = script;
    argv[n] = NULL;
    struct subprocess_command sbatch = {
        .argv = argv,
        .missing = "Slurm's client commands, Debian package slurm-client, on a host of the "
                   "cluster"};
    char out[256];
    int status;
    if (subprocess_run(&sbatch, out, sizeof(out), &status, err, errlen))
        return -1;
    /* --parsable: "JOBID" or "JOBID;CLUSTER" */
    size_t idn = strspn(out, "0123456789");
    if (idn == 0) {
        snprintf(err, errlen, "sbatch %s did not submit the job (status %d)", script,
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return -1;
    }
    snprintf(jobid, idlen, "%.*s", (int)idn, out);
    /* With --wait, sbatch's status is the job's: failed tasks are found by the collection. */
    return 0;
}

int slurm_load(const char *dir, int *argc, char ***argv, char *cwd, size_t cwdlen,
               char id[SLURM_ID_LEN], char *err, size_t errlen)
{
    size_t len, cwd_len = 0;
    char *command = read_file(dir, "command", &len, err, errlen);
    char *where = command ? read_file(dir, "cwd", &cwd_len, err, errlen) : NULL;
    int rc = -1;
    if (!where || slurm_read_id(dir, id, err, errlen))
        goto out;
    if (cwd_len >= cwdlen || len == 0 || command[len - 1] != '\0') {
        snprintf(err, errlen, "%s/slurm: its command, cwd or id file is damaged", dir);
        goto out;
    }
    int n = 0;
    for (size_t i = 0; i < len; i++)
        n += command[i] == '\0';
    char **v = calloc((size_t)n + 1, sizeof(*v));
    if (!v) {
        snprintf(err, errlen, "out of host memory");
        goto out;
    }
    size_t at = 0;
    for (int i = 0; i < n; i++) {
        v[i] = strdup(command + at);
        if (!v[i]) {
            slurm_free_command(i, v);
            snprintf(err, errlen, "out of host memory");
            goto out;
        }
        at += strlen(command + at) + 1;
    }
    if (n < 2) {
        slurm_free_command(n, v);
        snprintf(err, errlen, "%s/slurm/command: not a sweep's command line", dir);
        goto out;
    }
    *argc = n;
    *argv = v;
    memcpy(cwd, where, cwd_len + 1);
    rc = 0;
out:
    free(command);
    free(where);
    return rc;
}

int slurm_read_id(const char *dir, char id[SLURM_ID_LEN], char *err, size_t errlen)
{
    size_t len;
    char *text = read_file(dir, "id", &len, err, errlen);
    if (!text)
        return -1;
    int rc = 0;
    if (len == 0 || len >= SLURM_ID_LEN || strchr(text, ' ') || strchr(text, '\n')) {
        snprintf(err, errlen, "%s/slurm/id: damaged", dir);
        rc = -1;
    } else
        memcpy(id, text, len + 1);
    free(text);
    return rc;
}

void slurm_free_command(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        free(argv[i]);
    free(argv);
}
