/*
 * The progress lines of long commands (run, sweep), shown on standard error when it is a
 * terminal: elapsed time and, from the fraction done, the time left.
 */
#ifndef STUDY_PROGRESS_H
#define STUDY_PROGRESS_H

#include <stddef.h>
#include <time.h>

/* Seconds since start (CLOCK_MONOTONIC). */
double progress_elapsed(const struct timespec *start);

/* Writes "  12 s elapsed, 34 s left" into buf: the time left from the fraction done (0..1),
 * left out while too little is done to tell. */
void progress_times(char *buf, size_t len, double secs, double frac);

#endif
