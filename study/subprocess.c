/*
 * The sweep's child processes (subprocess.h): fork, a pipe for what the child writes, and
 * waitpid.  Serves a sweep's points (a function a process), gnuplot and sbatch.
 */
#define _POSIX_C_SOURCE 200809L
#include "subprocess.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int subprocess_start(struct subprocess *p, subprocess_fn *fn, void *ctx, char *err, size_t errlen)
{
    int fd[2];
    if (pipe(fd)) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "fork: %s", strerror(errno));
        close(fd[0]);
        close(fd[1]);
        return -1;
    }
    if (pid == 0) {
        close(fd[0]);
        _exit(fn(ctx, fd[1]));
    }
    close(fd[1]);
    p->pid = pid;
    p->fd = fd[0];
    return 0;
}

size_t subprocess_finish(struct subprocess *p, char *out, size_t len, int *status)
{
    size_t n = 0;
    ssize_t k;
    while (out && n + 1 < len && (k = read(p->fd, out + n, len - 1 - n)) > 0)
        n += (size_t)k;
    if (out)
        out[n] = '\0';
    close(p->fd);
    int st;
    waitpid(p->pid, &st, 0);
    if (status)
        *status = st;
    p->pid = 0;
    p->fd = -1;
    return n;
}

/* A program's child, told whether its standard output goes into the pipe. */
struct program {
    const struct subprocess_command *c;
    bool capture;
};

static int run_program(void *ctx, int fd)
{
    const struct program *pg = ctx;
    const struct subprocess_command *c = pg->c;
    if (pg->capture)
        dup2(fd, STDOUT_FILENO);
    close(fd);
    if ((c->dir && chdir(c->dir)) || (c->log && !freopen(c->log, "w", stderr)))
        return 127;
    execvp(c->argv[0], (char *const *)c->argv);
    if (c->missing)
        fprintf(stderr, "mmusim sweep: cannot run %s: %s (%s)\n", c->argv[0], strerror(errno),
                c->missing);
    return 127;
}

int subprocess_run(const struct subprocess_command *c, char *out, size_t len, int *status,
                   char *err, size_t errlen)
{
    struct subprocess p;
    struct program pg = {.c = c, .capture = out != NULL};
    if (subprocess_start(&p, run_program, &pg, err, errlen))
        return -1;
    subprocess_finish(&p, out, len, status);
    return 0;
}
