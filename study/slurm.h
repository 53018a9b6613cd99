/*
 * A sweep on a Slurm cluster (see slurm.c): the files a submitted sweep keeps in DIR/slurm/,
 * the job array's batch script, and sbatch.
 *
 *   DIR/slurm/command    the sweep's command line, one argument after another, each ended by
 *                        a NUL: the tasks and the collection parse it as the local sweep does
 *   DIR/slurm/cwd        the folder it was given in (its relative paths are relative to it)
 *   DIR/slurm/id         the sweep's id, written into every part
 *   DIR/slurm/job.sh     the batch script: one array task runs a chunk of the sweep's runs
 *   DIR/slurm/part-K.txt task K's results (written by the task, renamed into place when whole)
 *   DIR/slurm/task-K.log task K's standard output and error
 */
#ifndef STUDY_SLURM_H
#define STUDY_SLURM_H

#include <stdbool.h>
#include <stddef.h>

#define SLURM_ID_LEN 40

struct slurm_job {
    const char *dir;           /* the sweep's output folder */
    const char *const *sbatch; /* options for sbatch, as given (--partition=P, --time=T, ...) */
    unsigned nsbatch;
    unsigned ntasks, per_task; /* array tasks, and runs a task */
    int argc;                  /* the sweep's command line, without the Slurm options */
    const char *const *argv;
};

/* Writes DIR/slurm/ for a new submission: command, cwd, a new id (into id) and job.sh; removes
 * an earlier submission's parts and logs. */
int slurm_prepare(const struct slurm_job *j, char id[SLURM_ID_LEN], char *err, size_t errlen);

/* Submits DIR/slurm/job.sh with sbatch: every task, or those listed in array ("3,5,8"); with
 * wait, returns when the job has ended.  The job's id goes into jobid. */
int slurm_submit(const char *dir, const char *array, bool wait, char *jobid, size_t idlen,
                 char *err, size_t errlen);

/* Reads a submitted sweep's command line (free it with slurm_free_command), the folder it was
 * given in and its id. */
int slurm_load(const char *dir, int *argc, char ***argv, char *cwd, size_t cwdlen,
               char id[SLURM_ID_LEN], char *err, size_t errlen);
void slurm_free_command(int argc, char **argv);

/* Reads a submitted sweep's id (what its tasks write into their parts). */
int slurm_read_id(const char *dir, char id[SLURM_ID_LEN], char *err, size_t errlen);

/* DIR/slurm/NAME into path; -1 if it does not fit. */
int slurm_path(char *path, size_t len, const char *dir, const char *name);

#endif
