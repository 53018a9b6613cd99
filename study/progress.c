/*
 * The progress lines of long commands (see progress.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "progress.h"

#include <stdio.h>

double progress_elapsed(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) * 1e-9;
}

void progress_times(char *buf, size_t len, double secs, double frac)
{
    int n = snprintf(buf, len, "  %4.0f s elapsed", secs);
    if (frac > 0.01 && frac <= 1 && n > 0 && (size_t)n < len)
        snprintf(buf + n, len - (size_t)n, ", %4.0f s left", secs * (1 - frac) / frac);
}
