/*
 * The sweep's child processes (see subprocess.c): a function or a program run in a forked child,
 * what it writes read back through a pipe, and its wait status.
 *
 * A function's child is started and finished apart, so that a sweep keeps several running; a
 * program (execvp) is run to its end.  What it does not do: feed a child's standard input, read
 * its standard error, or time it out.
 */
#ifndef STUDY_SUBPROCESS_H
#define STUDY_SUBPROCESS_H

#include <stddef.h>
#include <sys/types.h>

/* A child process and the read end of the pipe its output comes through. */
struct subprocess {
    pid_t pid; /* 0: none running */
    int fd;
};

/* What a child runs: writes its output into fd (the pipe's write end, which it closes) and returns
 * the child's exit status. */
typedef int subprocess_fn(void *ctx, int fd);

/* Starts fn(ctx, fd) in a child process (standard output flushed first).  Returns 0, or -1 with
 * the reason in err (no pipe, no fork). */
int subprocess_start(struct subprocess *p, subprocess_fn *fn, void *ctx, char *err, size_t errlen);

/* Reads the child's output into out (at most len - 1 bytes, NUL-terminated; out NULL: it is not
 * read), closes the pipe and waits for the child: its wait status into *status (if not NULL).
 * Returns the bytes read. */
size_t subprocess_finish(struct subprocess *p, char *out, size_t len, int *status);

/* A program to run and where it runs. */
struct subprocess_command {
    const char *const *argv; /* the program (found on PATH) and its arguments, NULL-ended */
    const char *dir;         /* the folder it runs in (NULL: this process's) */
    const char *log;         /* its standard error goes into this file, in dir (NULL: ours) */
    const char *missing;     /* if it cannot be run: "mmusim sweep: cannot run PROGRAM: REASON
                              * (MISSING)" on standard error (NULL: nothing said) */
};

/* Runs c to its end: its standard output into out as subprocess_finish reads it (out NULL: into
 * this process's standard output).  A program that cannot be run (or its folder or log) ends
 * with status 127.  Returns 0 with the wait status in *status, or -1 with the reason in err. */
int subprocess_run(const struct subprocess_command *c, char *out, size_t len, int *status,
                   char *err, size_t errlen);

#endif
