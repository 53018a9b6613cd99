/*
 * One decode for many studies (mmusim sweep --decode once): a trace is read once and its records
 * are fed, a batch at a time, to every study of a group, the studies spread over worker threads.
 *
 * Each study's result is the one study_run gives for that trace alone: the same records up to
 * its limit, the same bad records counted (those met before its limit), the same error.  What
 * it does not do: decode two traces at once, or share a decode between studies whose trace
 * format or skip_bad differ (the caller groups them).
 */
#ifndef STUDY_SWEEP_DECODE_H
#define STUDY_SWEEP_DECODE_H

#include <stddef.h>

#include "mmusim/study.h"

/* One study of a decode: its options (format and skip_bad are the same for every point of a
 * call, and the options outlive the call) and where its outcome goes: "OK csv-row\n" (as
 * study_report_csv writes it) or "ERR message\n", as a sweep's process writes them. */
struct decode_point {
    const struct study_options *o;
    char *out;
    size_t outlen;
};

/* Called on the calling thread as the trace is read: the share of its bytes read (0 to 1). */
typedef void decode_progress_fn(void *ctx, double share);

/* Runs the n points on trace with up to threads worker threads (and the calling thread reading
 * the trace).  Returns 0 when every point has its outcome, or -1 with the reason in err if the
 * decode itself could not run (no memory, no thread). */
int sweep_decode(const char *trace, struct decode_point *pt, unsigned n, unsigned threads,
                 decode_progress_fn *progress, void *ctx, char *err, size_t errlen);

#endif
