/*
 * libFuzzer target for the trace parsers: the first byte picks the format (auto, lackey,
 * champsim, text, binary), the rest is the trace, possibly gzip or xz. Reading must end in a
 * record count or an error message, never a crash, a hang or a sanitizer report. Line errors are
 * skipped, as --skip-bad does.  Built and run by tb/fuzz/run_fuzz.sh.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mmusim/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    enum trace_format fmt = (enum trace_format)(data[0] % TRACE_FORMAT_COUNT);
    FILE *f = fmemopen((void *)(data + 1), size - 1, "rb");
    if (!f)
        return 0;
    char err[512];
    struct trace_reader *t = trace_open_stream(f, fmt == TRACE_CHAMPSIM ? "fuzz.champsim" : "fuzz",
                                               fmt, err, sizeof(err));
    if (t) {
        struct trace_record r;
        unsigned n = 0;
        for (;;) {
            int rc = trace_next(t, &r);
            if (rc == 1 && ++n < 1000000)
                continue;
            if (rc < 0 && strlen(trace_error(t)) > 0 && trace_recover(t) == 0)
                continue;
            break;
        }
        trace_close(t);
    } else if (err[0] == '\0') {
        __builtin_trap(); /* a failed open must say why */
    }
    fclose(f);
    return 0;
}
