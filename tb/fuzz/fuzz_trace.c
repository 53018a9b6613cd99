/*
 * libFuzzer target for the trace parsers: the first byte picks the format (auto, lackey,
 * champsim, text, binary), the rest is the trace, possibly gzip or xz. Reading must end in a
 * record count or an error message, never a crash, a hang or a sanitizer report. Line errors are
 * skipped, as --skip-bad does.  The trace is read twice: a record at a time (trace_next), and
 * with the fast calls mixed (trace_next_packed with words given back, trace_next_batch of
 * varying sizes, trace_next); both must give the same records (a page crossing for a size, as
 * a packed word keeps) and the same errors, or the target traps.  Built and run by
 * tb/fuzz/run_fuzz.sh.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mmusim/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What one reading gave: a hash of its records and errors, in order, and how many. */
struct seen {
    uint64_t hash, records, errors;
};

static void see(struct seen *s, uint64_t v)
{
    s->hash = (s->hash ^ v) * 0x100000001b3ull;
}

static void see_record(struct seen *s, const struct trace_record *r)
{
    see(s, r->vaddr);
    see(s, (uint64_t)r->type << 40 | (uint64_t)r->instructions << 32 |
               (uint64_t)trace_record_crosses_page(r) << 24 | (uint64_t)r->has_pcid << 16 |
               r->pcid);
    s->records++;
}

/* An error: seen, then passed over if it is a line's; returns whether reading goes on. */
static int see_error(struct seen *s, struct trace_reader *t)
{
    if (strlen(trace_error(t)) == 0)
        __builtin_trap(); /* an error must say why */
    for (const char *c = trace_error(t); *c; c++)
        see(s, (unsigned char)*c);
    s->errors++;
    return trace_recover(t) == 0;
}

static struct trace_reader *open_trace(const uint8_t *data, size_t size, FILE **f)
{
    enum trace_format fmt = (enum trace_format)(data[0] % TRACE_FORMAT_COUNT);
    *f = fmemopen((void *)(data + 1), size - 1, "rb");
    if (!*f)
        return NULL;
    char err[512];
    struct trace_reader *t = trace_open_stream(*f, fmt == TRACE_CHAMPSIM ? "fuzz.champsim" : "fuzz",
                                               fmt, err, sizeof(err));
    if (!t && err[0] == '\0')
        __builtin_trap(); /* a failed open must say why */
    return t;
}

static struct seen read_one_by_one(struct trace_reader *t)
{
    struct seen s = {0};
    struct trace_record r;
    for (;;) {
        int rc = trace_next(t, &r);
        if (rc == 1 && s.records < 1000000) {
            see_record(&s, &r);
            continue;
        }
        if (rc < 0 && see_error(&s, t))
            continue;
        break;
    }
    return s;
}

static struct seen read_mixed(struct trace_reader *t)
{
    struct seen s = {0};
    static struct trace_record recs[64];
    for (unsigned i = 0;; i++) {
        if (s.records >= 1000000)
            break;
        const uint64_t *words;
        long n = i % 3 == 0 ? trace_next_packed(t, &words, 1 + i % 61) : 0;
        if (n > 0) { /* a study's way: up to a word of type 3, fewer now and then */
            size_t k = 0, take = i % 4 == 0 ? (size_t)n / 2 : (size_t)n;
            struct trace_record r;
            while (k < take && trace_decode_word(words[k], &r)) {
                see_record(&s, &r);
                k++;
            }
            trace_unread_packed(t, (size_t)n - k);
            continue;
        }
        n = i % 3 == 1 ? 1 : trace_next_batch(t, recs, 1 + i % 64);
        if (i % 3 == 1) {
            n = trace_next(t, &recs[0]);
        }
        if (n > 0) {
            for (long k = 0; k < n; k++)
                see_record(&s, &recs[k]);
            continue;
        }
        if (n < 0 && see_error(&s, t))
            continue;
        break;
    }
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    FILE *f, *g;
    struct trace_reader *t = open_trace(data, size, &f), *u = open_trace(data, size, &g);
    if (t && u) {
        struct seen a = read_one_by_one(t), b = read_mixed(u);
        if (a.records < 1000000 && b.records < 1000000 &&
            (a.hash != b.hash || a.records != b.records || a.errors != b.errors))
            __builtin_trap(); /* the fast calls disagree with trace_next */
    } else if (t || u)
        __builtin_trap(); /* one opened and the other did not */
    trace_close(t);
    trace_close(u);
    if (f)
        fclose(f);
    if (g)
        fclose(g);
    return 0;
}
