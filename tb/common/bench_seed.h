/*
 * The seed of a random test or bench, shared by C and C++ tests: MMUSIM_SEED from the
 * environment, else the time in nanoseconds; printed with the command that replays it.
 */
#ifndef TB_COMMON_BENCH_SEED_H
#define TB_COMMON_BENCH_SEED_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* test: the ctest test's name, printed as "TEST seed=N (replay: MMUSIM_SEED=N ctest -R TEST
 * --output-on-failure)". */
static inline uint64_t bench_seed(const char *test) {
  const char *s = getenv("MMUSIM_SEED");
  uint64_t seed;
  if (s && *s) {
    seed = strtoull(s, NULL, 0);
  } else {
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    seed = ((uint64_t)ts.tv_sec * 1000003u) ^ (uint64_t)ts.tv_nsec;
  }
  printf("%s seed=%" PRIu64 " (replay: MMUSIM_SEED=%" PRIu64 " ctest -R %s --output-on-failure)\n",
         test, seed, seed, test);
  fflush(stdout);
  return seed;
}

#endif
