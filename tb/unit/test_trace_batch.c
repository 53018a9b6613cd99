/*
 * The batch reader (trace_next_batch) against the one-record reader (trace_next): the batch
 * reader parses well-formed lackey lines and binary records in place, in the source's buffer,
 * and leaves everything else to the line parsers that trace_next uses alone.  On random traces
 * mixing well-formed records with every kind of odd or bad line, both must give the same
 * records and the same errors, in the same order, whatever the batch sizes.
 *
 * The seed is printed; MMUSIM_SEED=N replays a run.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <time.h>
#include <zlib.h>

#include "mmusim/trace.h"
#include "test_files.h"

struct rng {
    uint64_t s;
};

static uint64_t next(struct rng *r)
{
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return r->s;
}

static unsigned below(struct rng *r, unsigned n)
{
    return (unsigned)(next(r) % n);
}

/* A growing text. */
struct text {
    char *p;
    size_t n, cap;
};

static void put(struct text *t, const void *s, size_t n)
{
    if (t->n + n > t->cap) {
        t->cap = 2 * (t->n + n);
        t->p = realloc(t->p, t->cap);
        assert_non_null(t->p);
    }
    memcpy(t->p + t->n, s, n);
    t->n += n;
}

static void puts_(struct text *t, const char *s)
{
    put(t, s, strlen(s));
}

/* One lackey line: mostly well formed, with every odd or bad form now and then. */
static void lackey_line(struct rng *r, struct text *t)
{
    static const char *const kinds[] = {"I  ", " L ", " S ", " M "};
    static const char *const odd[] = {
        "==123== Lackey, an example Valgrind tool\n",
        "--123-- a valgrind note\n",
        "\n",
        "I 0400,4\n",               /* one space */
        " X 0400,4\n",              /* no such kind */
        "I  0400\n",                /* no size */
        "I  ,4\n",                  /* no address */
        "I  0400,0\n",              /* size 0 */
        "I  0400,4097\n",           /* size too large */
        "I  0400,00004\n",          /* five digits, a good size */
        "I  0400,4 x\n",            /* text after the size */
        "I  0400,4\rjunk\n",        /* what the line parser lets pass after a CR */
        "I  00000000000000400,4\n", /* 17 digits */
        " L ffff800000000000,8\n",  /* canonical, high */
        " L 0000800000000000,8\n",  /* not canonical */
        " S 7fffffffffff,8\r\n",
        "I  04g0,4\n",
        "I  04\xb0,4\n", /* a byte above 0x7f after digits */
        "I  0400\xac,4\n",
        "I  0A0b0C0d0E0f0F9e,4\n", /* 16 digits, both cases */
        "I  04/,4\n",              /* the bytes around the digits' ranges */
        "I  04:,4\n",
        "I  04;,4\n",
        "I  04@,4\n",
        "I  04G,4\n",
        "I  04`,4\n",
        "I  04g,4\n",
        "I  0123456789abcdef0,4\n",
        "I  0400,4\0\n",
    };
    unsigned pick = below(r, 100);
    if (pick < 4) {
        const char *o = odd[below(r, sizeof(odd) / sizeof(*odd))];
        size_t len = strlen(o);
        put(t, o, len + (o[len - 1] != '\n' ? 2 : 0)); /* the NUL line: its NUL and newline */
        return;
    }
    char line[64];
    unsigned digits = 1 + below(r, 16);
    uint64_t va = next(r) & (digits == 16 ? (1ull << 47) - 1 : (1ull << (4 * digits)) - 1);
    if (below(r, 50) == 0)
        va |= 0xffff800000000000ull; /* canonical, upper half */
    unsigned size = below(r, 4) == 0 ? 1 + below(r, 4096) : 1u << below(r, 4);
    int n = snprintf(line, sizeof(line), "%s%0*" PRIx64 ",%u%s", kinds[below(r, 4)], (int)digits,
                     va, size, below(r, 10) == 0 ? "\r\n" : "\n");
    if (below(r, 10) == 0) /* upper-case digits */
        for (int i = 3; i < n; i++)
            if (line[i] >= 'a' && line[i] <= 'f')
                line[i] = (char)(line[i] - 'a' + 'A');
    put(t, line, (size_t)n);
}

/* What a reader gives, record by record and error by error, as text.  A packed word keeps of
 * the size only whether the access crosses a page: so the logs of a reading with words show
 * the size as that. */
static void log_record(struct text *log, const struct trace_record *r, bool packed)
{
    char s[128];
    snprintf(s, sizeof(s), "R %" PRIx64 " %d %u %u %d %u\n", r->vaddr, (int)r->type,
             r->instructions, packed ? trace_record_crosses_page(r) : r->size, (int)r->has_pcid,
             r->pcid);
    puts_(log, s);
}

static void log_error(struct text *log, struct trace_reader *t)
{
    puts_(log, "E ");
    puts_(log, trace_error(t));
    puts_(log, "\n");
}

/* Reads the whole trace, one record at a time, passing over bad lines. */
static void read_one_by_one(const char *path, struct text *log, bool packed)
{
    char err[512];
    struct trace_reader *t = trace_open(path, TRACE_AUTO, err, sizeof(err));
    if (!t)
        fail_msg("trace_open: %s", err);
    for (;;) {
        struct trace_record rec;
        int rc = trace_next(t, &rec);
        if (rc == 0)
            break;
        if (rc > 0) {
            log_record(log, &rec, packed);
            continue;
        }
        log_error(log, t);
        if (trace_recover(t))
            break;
    }
    trace_close(t);
}

/* The same in batches of random sizes; with packed, half the time as packed words
 * (trace_next_packed), as a study takes them: up to the first of type 3, or fewer, the rest
 * given back, and now and then one record read alone in between. */
static void read_batches(const char *path, struct rng *r, struct text *log, bool packed)
{
    char err[512];
    struct trace_reader *t = trace_open(path, TRACE_AUTO, err, sizeof(err));
    if (!t)
        fail_msg("trace_open: %s", err);
    static struct trace_record recs[5000];
    for (;;) {
        size_t max = below(r, 4) == 0 ? 1 + below(r, 16) : 1 + below(r, 5000);
        const uint64_t *words;
        long n = packed && below(r, 2) ? trace_next_packed(t, &words, max) : 0;
        if (n > 0) {
            assert_true((size_t)n <= max);
            size_t k = 0, take = below(r, 4) == 0 ? below(r, (unsigned)n + 1) : (size_t)n;
            struct trace_record rec;
            while (k < take && trace_decode_word(words[k], &rec)) {
                log_record(log, &rec, packed);
                k++;
            }
            trace_unread_packed(t, (size_t)n - k);
            if (below(r, 8) == 0) {
                int rc = trace_next(t, &rec);
                if (rc > 0)
                    log_record(log, &rec, packed);
                else if (rc < 0) {
                    log_error(log, t);
                    if (trace_recover(t))
                        break;
                } else
                    break;
            }
            continue;
        }
        n = trace_next_batch(t, recs, max);
        if (n == 0)
            break;
        if (n > 0) {
            assert_true((size_t)n <= max);
            for (long i = 0; i < n; i++)
                log_record(log, &recs[i], packed);
            continue;
        }
        log_error(log, t);
        if (trace_recover(t))
            break;
    }
    trace_close(t);
}

/* The readers on one file: the logs of trace_next and of batches must be equal, line for line,
 * and so must those of trace_next and of batches with words (sizes shown as crossings). */
static void compare_logs(const char *path, struct rng *r, size_t min_records, bool packed)
{
    struct text a = {0}, b = {0};
    read_one_by_one(path, &a, packed);
    read_batches(path, r, &b, packed);
    size_t records = 0;
    for (size_t i = 0; i < a.n; i++)
        records += a.p[i] == 'R' && (i == 0 || a.p[i - 1] == '\n');
    if (records < min_records)
        fail_msg("%s: %zu records, expected at least %zu", path, records, min_records);
    if (a.n != b.n || memcmp(a.p, b.p, a.n) != 0) {
        size_t i = 0, line = 1;
        while (i < a.n && i < b.n && a.p[i] == b.p[i])
            line += a.p[i++] == '\n';
        fail_msg("%s: the batch reader%s differs from trace_next at event %zu", path,
                 packed ? " with words" : "", line);
    }
    free(a.p);
    free(b.p);
}

static void compare(const char *path, struct rng *r, size_t min_records)
{
    for (int packed = 0; packed < 2; packed++)
        compare_logs(path, r, min_records, packed);
}

static void lackey_batches(void **state)
{
    (void)state;
    struct rng r = {test_seed("test_trace_batch")};
    for (unsigned round = 0; round < 3; round++) {
        struct text t = {0};
        puts_(&t, "==1== a lackey trace\n"); /* so that its format is told from the start */
        for (unsigned i = 0; i < 60000; i++) /* about 1 MB: many buffers, lines across them */
            lackey_line(&r, &t);
        if (round == 2) { /* a line longer than the reader takes: the end of reading */
            for (unsigned i = 0; i < 5000; i++)
                put(&t, "x", 1);
            puts_(&t, "\nI  0400,4\n");
        }
        test_write("batch.lackey", t.p, t.n);
        compare(test_path("batch.lackey"), &r, 50000);
        gzFile g = gzopen(test_path("batch.lackey.gz"), "wb");
        assert_non_null(g);
        assert_int_equal(gzwrite(g, t.p, (unsigned)t.n), (int)t.n);
        gzclose(g);
        compare(test_path("batch.lackey.gz"), &r, 50000);
        free(t.p);
    }
}

static void binary_batches(void **state)
{
    (void)state;
    struct rng r = {test_seed("test_trace_batch") ^ 0x9e3779b97f4a7c15ull};
    for (unsigned round = 0; round < 4; round++) {
        struct text t = {0};
        puts_(&t, "MMUTRC01");
        unsigned n = (round >= 2 ? 150000 : 100000) + below(&r, 1000); /* 2, 3: mapped */
        bool bad = round % 2 == 1; /* a record of type 3 somewhere */
        unsigned bad_at = below(&r, n);
        for (unsigned i = 0; i < n; i++) {
            uint64_t w = next(&r);
            if (((w >> 61) & 3) == 3 && !(bad && i == bad_at))
                w &= ~(1ull << 62);
            if (bad && i == bad_at)
                w |= 3ull << 61;
            unsigned char b[8];
            for (int k = 0; k < 8; k++)
                b[k] = (unsigned char)(w >> (8 * k));
            put(&t, b, 8);
        }
        if (round >= 2) /* a short last record */
            put(&t, "abc", 3);
        test_write("batch.bin", t.p, t.n);
        compare(test_path("batch.bin"), &r, bad ? 0 : n);
        gzFile g = gzopen(test_path("batch.bin.gz"), "wb1");
        assert_non_null(g);
        assert_int_equal(gzwrite(g, t.p, (unsigned)t.n), (int)t.n);
        gzclose(g);
        compare(test_path("batch.bin.gz"), &r, bad ? 0 : n);
        free(t.p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lackey_batches),
        cmocka_unit_test(binary_batches),
    };
    return cmocka_run_group_tests(tests, test_dir_setup, test_dir_teardown);
}
